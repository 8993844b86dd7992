import Foundation
import Locking
import OSSProtocol
import Storage

/// A fresh data directory, removed when the value goes away.
final class Scratch: @unchecked Sendable {
    let path = NSTemporaryDirectory() + "/bucket-config-tests-\(UUID().uuidString)"
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// A settable clock (epoch milliseconds).
final class ManualClock: Sendable {
    private let now: Locked<Int64>
    init(_ start: Int64) { now = Locked(start) }
    func advance(days: Int64) { now.withLock { $0 += days * 86_400_000 } }
    func set(_ value: Int64) { now.withLock { $0 = value } }
    var function: @Sendable () -> Int64 { { [now] in now.withLock { $0 } } }
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// 2026-03-01T00:00:00Z
let march1: Int64 = 1_772_323_200_000
let day: Int64 = 86_400_000

func expectError(_ code: String, _ body: () throws -> Void) -> OSSError? {
    do {
        try body()
    } catch let error as OSSError {
        return error.code == code ? error : nil
    } catch {
        return nil
    }
    return nil
}
