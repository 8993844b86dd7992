import Locking
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One process per data directory: an exclusive `flock(2)` on
/// `<root>/.oss/lock`, held open while the emulator runs. Start-up empties
/// `.oss/tmp` and replays journals, which a second process would do under
/// the first one's feet. The kernel drops the lock with the descriptor, so a
/// process that dies (even by SIGKILL) leaves no stale lock behind; the pid
/// written in the file only names the holder in the refusal.
public final class DataDirectoryLock: Sendable {
    /// The lock file, beside the store's own directories under `.oss/`.
    public static let fileName = "lock"

    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// Another process (or another emulator in this one) holds the lock.
        case inUse(directory: String, pid: Int32?)
        case io(String)

        public var description: String {
            switch self {
            case .inUse(let directory, let pid):
                let holder = pid.map { " (pid \($0))" } ?? ""
                return "data directory \(directory) is in use by another oss-live-emulator\(holder)"
            case .io(let message):
                return message
            }
        }
    }

    public let path: String
    private let descriptor: Locked<Int32?>

    /// Takes the lock or throws `.inUse` at once (it never waits).
    public init(root: String) throws(Failure) {
        let layout = StoreLayout(root: root)
        path = layout.meta + "/" + Self.fileName
        let fd: Int32
        do {
            try FileSystem.makeDirectories(layout.meta)
            // Not O_TRUNC: the holder's pid must survive a refused attempt.
            fd = try FileSystem.openFile(path, O_RDWR | O_CREAT)
        } catch {
            throw .io("\(error)")
        }
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EINTR { continue }
            let holder = Self.readPid(fd)
            FileSystem.closeDescriptor(fd)
            if code == EWOULDBLOCK { throw .inUse(directory: root, pid: holder) }
            throw .io("flock \(path): \(FileSystem.errorText(code))")
        }
        let text = Array("\(getpid())\n".utf8)
        if ftruncate(fd, 0) == 0 {
            _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        }
        descriptor = Locked(fd)
    }

    /// Lets the next process in; later calls do nothing.
    public func release() {
        guard let fd = descriptor.withLock({ state -> Int32? in
            defer { state = nil }
            return state
        }) else { return }
        // The pid goes first, so a reader never names a process that let go.
        _ = ftruncate(fd, 0)
        FileSystem.closeDescriptor(fd)
    }

    deinit { release() }

    private static func readPid(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 16)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[..<count], as: UTF8.self)
        return Int32(text.split(separator: "\n").first ?? "")
    }
}
