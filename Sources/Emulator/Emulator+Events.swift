import Locking

/// Why a wait for events gave up.
public enum EmulatorWaitError: Error, Equatable, CustomStringConvertible {
    /// Not enough matching events within the timeout; `seen` are the matches found.
    case timedOut(waitingFor: String, seen: [EmulatorEventRecord])
    /// The emulator stopped while waiting.
    case stopped(waitingFor: String)

    public var description: String {
        switch self {
        case .timedOut(let what, let seen): return "timed out waiting for \(what) (saw \(seen.count))"
        case .stopped(let what): return "the emulator stopped while waiting for \(what)"
        }
    }
}

extension Emulator {
    /// Events from now on, in order, until the emulator stops. A reader that
    /// falls `EmulatorConfiguration.eventBufferCapacity` events behind loses the oldest.
    public var events: AsyncStream<EmulatorEventRecord> { events(after: nil) }

    /// The kept events after `sequence` (0: all kept since the last reset),
    /// then every later one, until the emulator stops.
    public func events(after sequence: UInt64?) -> AsyncStream<EmulatorEventRecord> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: EmulatorEventRecord.self, bufferingPolicy: .bufferingNewest(eventLog.capacity))
        guard isRunning else {
            continuation.finish()
            return stream
        }
        let token = eventLog.subscribe(
            after: sequence, deliver: { continuation.yield($0) }, finish: { continuation.finish() })
        let log = eventLog
        continuation.onTermination = { _ in log.unsubscribe(token) }
        // A stop between the check above and subscribing has already finished the others.
        if !isRunning {
            log.unsubscribe(token)
            continuation.finish()
        }
        return stream
    }

    /// The sequence of the newest event so far; pass it as `after` to wait
    /// only for what happens next.
    public var lastEventSequence: UInt64 { eventLog.lastSequence }

    /// The kept events after `sequence`, oldest first.
    /// The request journal: answered requests with a sequence number above
    /// `after`, oldest first, optionally of one operation (`PutObject`,
    /// `UploadPart`, …) or bucket. Holds the newest
    /// `EmulatorConfiguration.requestJournalCapacity` requests.
    public func requests(after sequence: UInt64 = 0, operation: String? = nil, bucket: String? = nil) -> [RequestRecord] {
        journal.records(after: sequence, operation: operation, bucket: bucket)
    }

    /// Requests per operation and HTTP status since start or the last reset.
    public func requestCounts() -> [String: [Int: Int]] {
        journal.counts()
    }

    public func recentEvents(after sequence: UInt64 = 0) -> [EmulatorEventRecord] {
        eventLog.records(after: sequence)
    }

    /// Waits until `count` events after `after` match (kept events count, so
    /// an event that happened before the call is not missed).
    @discardableResult
    public func waitForEvents(
        _ what: String, count: Int = 1, after: UInt64 = 0, timeout: Duration = .seconds(10),
        where matches: @escaping @Sendable (EmulatorEvent) -> Bool
    ) async throws(EmulatorWaitError) -> [EmulatorEventRecord] {
        let stream = events(after: after)
        let outcome = await withTaskGroup(of: Result<[EmulatorEventRecord], EmulatorWaitError>?.self) { group in
            let found = FoundEvents()
            group.addTask {
                for await record in stream where matches(record.event) {
                    if found.append(record) >= count { return .success(found.snapshot) }
                }
                return Task.isCancelled ? nil : .failure(.stopped(waitingFor: what))
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? .failure(.timedOut(waitingFor: what, seen: found.snapshot))
        }
        return try outcome.get()
    }

    /// Waits for `count` segments of `bucket/channel` written after `after`.
    @discardableResult
    public func waitForSegments(
        bucket: String, channel: String, count: Int, after: UInt64 = 0, timeout: Duration = .seconds(20)
    ) async throws(EmulatorWaitError) -> [EmulatorEventRecord] {
        try await waitForEvents("\(count) segments of \(bucket)/\(channel)", count: count, after: after, timeout: timeout) {
            if case .segmentWritten(bucket, channel, _, _, _) = $0 { return true }
            return false
        }
    }

    @discardableResult
    public func waitForPublishStarted(
        bucket: String, channel: String, after: UInt64 = 0, timeout: Duration = .seconds(10)
    ) async throws(EmulatorWaitError) -> EmulatorEventRecord {
        try await waitForEvents("publish start of \(bucket)/\(channel)", after: after, timeout: timeout) {
            if case .publishStarted(bucket, channel, _, _) = $0 { return true }
            return false
        }[0]
    }

    /// Waits until a push of `bucket/channel` has ended with its files written.
    @discardableResult
    public func waitForPublishEnded(
        bucket: String, channel: String, after: UInt64 = 0, timeout: Duration = .seconds(20)
    ) async throws(EmulatorWaitError) -> EmulatorEventRecord {
        try await waitForEvents("publish end of \(bucket)/\(channel)", after: after, timeout: timeout) {
            if case .publishEnded(bucket, channel, _) = $0 { return true }
            return false
        }[0]
    }

    /// Waits for a refused publish (to `bucket/channel` when given).
    @discardableResult
    public func waitForPublishRefused(
        bucket: String? = nil, channel: String? = nil, after: UInt64 = 0, timeout: Duration = .seconds(10)
    ) async throws(EmulatorWaitError) -> EmulatorEventRecord {
        try await waitForEvents("a refused publish", after: after, timeout: timeout) { event in
            guard case .publishRefused(let refusedBucket, let refusedChannel, _, _) = event else { return false }
            return (bucket == nil || bucket == refusedBucket) && (channel == nil || channel == refusedChannel)
        }[0]
    }
}

/// Matches collected by a wait, readable by its timeout branch.
private final class FoundEvents: Sendable {
    private let records = Locked<[EmulatorEventRecord]>([])

    func append(_ record: EmulatorEventRecord) -> Int {
        records.withLock { $0.append(record); return $0.count }
    }

    var snapshot: [EmulatorEventRecord] { records.withLock { $0 } }
}
