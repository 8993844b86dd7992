#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CEventPoll
import Dispatch

/// Per-event reading for all of a queue's connections through one Dispatch
/// source: the sockets sit in the queue's own epoll set (level-triggered,
/// added once), and the set's descriptor is what Dispatch watches. A
/// Dispatch read source per socket costs, for every readable event, a
/// wake-up of Dispatch's event thread, a hand-off to a worker thread and a
/// message back to re-arm the socket; for small requests those hand-offs,
/// not the work, were most of the CPU. Here one hand-off serves every
/// socket that became ready meanwhile, and the turn looks again before
/// giving the thread back, so under load most requests cost no hand-off.
///
/// Answers produced while a look's ready sockets are served are sent
/// together after the look (`deferFlush`), not each as soon as it is made.
/// Every send to a client asleep in its own poll wakes it; answers that
/// follow one another closely find it already awake, so one wake-up (and one
/// look on the client's side) serves several answers, and the server is
/// preempted by the woken client less often.
final class ReadinessSet: @unchecked Sendable {
    /// Ready sockets taken from the kernel per look (the shim's own cap).
    static let batchSize = Int(EVENT_POLL_BATCH)
    /// Looks per turn while sockets keep turning up ready; what is still
    /// ready after them is reported again at once (level-triggered).
    static let looksPerTurn = 8

    let descriptor: Int32
    private let source: DispatchSourceRead
    /// The watched connections by descriptor; touched only on the queue.
    private var members: [Int32: SocketConnection] = [:]
    /// Whether the ready sockets of a look are being served; touched only on the queue.
    private(set) var isTurning = false
    /// Connections whose output waits for the end of the look, in the order
    /// they queued it; touched only on the queue.
    private var deferredFlushes: [SocketConnection] = []
    private let readyDescriptors = UnsafeMutablePointer<Int32>.allocate(capacity: ReadinessSet.batchSize)
    private let readyFlags = UnsafeMutablePointer<UInt32>.allocate(capacity: ReadinessSet.batchSize)

    /// nil where the system has no epoll, or none is left (descriptor
    /// limit): the queue's connections then use a read source each.
    init?(queue: DispatchQueue) {
        let set = event_poll_create()
        guard set >= 0 else { return nil }
        descriptor = set
        source = DispatchSource.makeReadSource(fileDescriptor: set, queue: queue)
        // The handler holds the set until `cancel()` releases it.
        source.setEventHandler { self.turn() }
        source.setCancelHandler { _ = close(set) }
        source.activate()
    }

    deinit {
        readyDescriptors.deallocate()
        readyFlags.deallocate()
    }

    /// Stops watching; the descriptor closes when Dispatch lets go of it.
    func cancel() {
        source.cancel()
    }

    /// Watches `connection`'s socket; on the queue. False with `errno` set
    /// when the kernel refuses (out of memory, `max_user_watches`).
    func add(_ connection: SocketConnection) -> Bool {
        guard event_poll_add(descriptor, connection.descriptor) == 0 else { return false }
        members[connection.descriptor] = connection
        return true
    }

    /// Stops watching `connection`'s socket; on the queue, before the
    /// socket is closed.
    func remove(_ connection: SocketConnection) {
        guard members[connection.descriptor] === connection else { return }
        members[connection.descriptor] = nil
        _ = event_poll_remove(descriptor, connection.descriptor)
    }

    var count: Int { members.count }

    /// Sends `connection`'s queued output after the current look; only
    /// while `isTurning`.
    func deferFlush(_ connection: SocketConnection) {
        deferredFlushes.append(connection)
    }

    private func turn() {
        for _ in 0..<Self.looksPerTurn {
            let ready = Int(event_poll_ready(descriptor, readyDescriptors, readyFlags, Int32(Self.batchSize)))
            guard ready > 0 else { return }
            isTurning = true
            for index in 0..<ready {
                // Gone since the look: closed (and removed) by an earlier one.
                guard let connection = members[readyDescriptors[index]] else { continue }
                connection.readAvailable(mayHaveError: readyFlags[index] & UInt32(EVENT_POLL_TROUBLE) != 0)
            }
            isTurning = false
            flushDeferred()
        }
    }

    /// A flush may run handlers that queue more output; with `isTurning`
    /// false they send it at once.
    private func flushDeferred() {
        var index = 0
        while index < deferredFlushes.count {
            deferredFlushes[index].flushDeferredOutput()
            index += 1
        }
        deferredFlushes.removeAll(keepingCapacity: true)
    }
}
