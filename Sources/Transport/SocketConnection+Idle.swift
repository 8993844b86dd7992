#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Idleness, which a listener at its connection limits reads to choose a
/// connection to close for a new one.
extension SocketConnection {
    /// Since when (uptime ns) the connection has been idle (open, its owner
    /// reports nothing in progress, nothing left to send); 0 while busy.
    /// Readable from any thread: a listener at its limit sheds the oldest.
    var idleSince: UInt64 { idleMark.load(ordering: .relaxed) }

    /// The owner (on `queue`) reports that it has nothing in progress since
    /// `since`, or (nil) that it is busy. Connections never marked idle are never shed.
    func setIdle(since: UInt64?) {
        ownerIdleSince = since.map { max($0, 1) } ?? 0
        updateIdleMark()
    }

    func updateIdleMark() {
        var value: UInt64 = 0
        if isOpen, pendingWriteBytes == 0 { value = ownerIdleSince }
        if idleMark.load(ordering: .relaxed) != value { idleMark.store(value, ordering: .relaxed) }
    }

    /// Closes the connection if it is still idle, on its queue; otherwise
    /// leaves it open and calls `declined`.
    func shedIfIdle(declined: @escaping @Sendable () -> Void) {
        loop.execute { [self] in
            updateIdleMark()
            guard idleSince != 0, !hasUnreadInput else {
                declined()
                return
            }
            closeNow(.closedLocally)
        }
    }

    /// Bytes (a request) arrived and not yet read: not idle after all.
    private var hasUnreadInput: Bool {
        var byte: UInt8 = 0
        return recv(descriptor, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) > 0
    }
}
