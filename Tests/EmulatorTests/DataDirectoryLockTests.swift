import Foundation
import Storage
import Testing
@testable import Emulator

/// One emulator per data directory, in one process as across processes
/// (Tests/Interop/test_data_dir_lock.py starts two binaries).
@Suite struct DataDirectoryLockTests {
    @Test func oneEmulatorPerDataDirectory() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lock-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try TestEmulator(dataDirectory: directory)
        // The lock file sits among the store's record namespaces without being one.
        let store = try #require(first.emulator.store)
        #expect(try store.createBucket("bkt", acl: .private))
        try store.deleteBucket("bkt")
        var configuration = first.emulator.configuration
        configuration.port = 0
        configuration.rtmpPort = 0
        let second = Emulator(configuration: configuration)
        #expect(throws: EmulatorError.dataDirectoryInUse(
            "data directory \(directory) is in use by another oss-live-emulator (pid \(getpid()))")) {
            try second.start()
        }
        #expect(!second.isRunning)
        first.emulator.stop()
        try second.start()
        #expect(second.isRunning)
        second.stop()
    }

    @Test func theLockNamesItsHolderAndGoesWithIt() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lock-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let held = try DataDirectoryLock(root: directory)
        #expect(throws: DataDirectoryLock.Failure.inUse(directory: directory, pid: getpid())) {
            _ = try DataDirectoryLock(root: directory)
        }
        held.release()
        held.release()
        let again = try DataDirectoryLock(root: directory)
        #expect(again.path == directory + "/.oss/lock")
    }
}
