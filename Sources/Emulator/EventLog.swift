import Locking
import Synchronization

/// The emulator's events: the newest `capacity` kept for late readers
/// (`Last-Event-ID` resume, waits that start after the event), and handed to
/// every subscriber in sequence order.
final class EventLog: Sendable {
    /// Events kept for readers that ask for the past.
    static let defaultCapacity = 1024

    let capacity: Int

    struct Subscriber: Sendable {
        let deliver: @Sendable (EmulatorEventRecord) -> Void
        let finish: @Sendable () -> Void
    }

    private struct State: Sendable {
        /// Ring of the newest records; `start` is the oldest.
        var ring: [EmulatorEventRecord] = []
        var start = 0
        var nextSequence: UInt64 = 1
        var subscribers: [UInt64: Subscriber] = [:]
        var nextToken: UInt64 = 1
    }

    private let state = Locked(State())

    init(capacity: Int = EventLog.defaultCapacity) {
        self.capacity = max(1, capacity)
    }

    /// Records an event and hands it to the subscribers. Delivery happens
    /// under the lock, which keeps every subscriber's order equal to the
    /// sequence; subscribers therefore must not block or call back in.
    @discardableResult
    func append(_ event: EmulatorEvent, time: Int64) -> EmulatorEventRecord {
        state.withLock { state in
            let record = EmulatorEventRecord(sequence: state.nextSequence, time: time, event: event)
            state.nextSequence += 1
            if state.ring.count < capacity {
                state.ring.append(record)
            } else {
                state.ring[state.start] = record
                state.start = (state.start + 1) % capacity
            }
            for subscriber in state.subscribers.values { subscriber.deliver(record) }
            return record
        }
    }

    /// The sequence of the newest event so far (0 before any).
    var lastSequence: UInt64 { state.withLock { $0.nextSequence - 1 } }

    /// Kept records with a sequence above `after`, oldest first.
    func records(after: UInt64) -> [EmulatorEventRecord] {
        state.withLock { Self.kept($0, after: after) }
    }

    /// Atomically: the kept records after `after` (nil: none), then every
    /// later one through `deliver`. Returns the token for `unsubscribe`.
    func subscribe(after: UInt64?, deliver: @escaping @Sendable (EmulatorEventRecord) -> Void,
                   finish: @escaping @Sendable () -> Void) -> UInt64 {
        state.withLock { state in
            if let after {
                for record in Self.kept(state, after: after) { deliver(record) }
            }
            let token = state.nextToken
            state.nextToken += 1
            state.subscribers[token] = Subscriber(deliver: deliver, finish: finish)
            return token
        }
    }

    func unsubscribe(_ token: UInt64) {
        _ = state.withLock { $0.subscribers.removeValue(forKey: token) }
    }

    /// Forgets the kept records (sequence numbers go on).
    func clear() {
        state.withLock { state in
            state.ring = []
            state.start = 0
        }
    }

    /// Ends every subscription (the emulator stopped).
    func finishAll() {
        let subscribers = state.withLock { state -> [Subscriber] in
            defer { state.subscribers = [:] }
            return Array(state.subscribers.values)
        }
        for subscriber in subscribers { subscriber.finish() }
    }

    var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    private static func kept(_ state: State, after: UInt64) -> [EmulatorEventRecord] {
        let ordered = state.ring[state.start...] + state.ring[..<state.start]
        return ordered.filter { $0.sequence > after }
    }
}
