import Locking
import Testing
@testable import Emulator

@Suite struct EventLogTests {
    private func event(_ index: Int) -> EmulatorEvent {
        .segmentWritten(bucket: "b", channel: "c", key: "c/\(index).ts", durationMilliseconds: 1000, size: 188)
    }

    @Test func keepsTheNewestUpToItsCapacity() {
        let log = EventLog(capacity: 3)
        for index in 1...5 { log.append(event(index), time: Int64(index)) }
        #expect(log.records(after: 0).map(\.sequence) == [3, 4, 5])
        #expect(log.records(after: 3).map(\.sequence) == [4, 5])
        #expect(log.records(after: 5).isEmpty)
        #expect(log.lastSequence == 5)
        log.clear()
        #expect(log.records(after: 0).isEmpty)
        #expect(log.append(.reset, time: 6).sequence == 6)
    }

    @Test func defaultCapacityIsKept() {
        let log = EventLog()
        #expect(log.capacity == EventLog.defaultCapacity)
        for index in 0..<(EventLog.defaultCapacity + 10) { log.append(event(index), time: 0) }
        let kept = log.records(after: 0)
        #expect(kept.count == EventLog.defaultCapacity)
        #expect(kept.first?.sequence == 11)
    }

    @Test func subscriberGetsBacklogThenLiveEventsInOrder() {
        let log = EventLog(capacity: 8)
        log.append(event(1), time: 0)
        log.append(event(2), time: 0)
        let seen = Locked<[UInt64]>([])
        let finished = Locked(false)
        let token = log.subscribe(after: 1, deliver: { record in seen.withLock { $0.append(record.sequence) } },
                                  finish: { finished.withLock { $0 = true } })
        log.append(event(3), time: 0)
        #expect(seen.withLock { $0 } == [2, 3])
        log.unsubscribe(token)
        log.append(event(4), time: 0)
        #expect(seen.withLock { $0 } == [2, 3])
        #expect(log.subscriberCount == 0)

        _ = log.subscribe(after: nil, deliver: { record in seen.withLock { $0.append(record.sequence) } },
                          finish: { finished.withLock { $0 = true } })
        #expect(seen.withLock { $0 } == [2, 3])
        log.finishAll()
        #expect(finished.withLock { $0 })
        #expect(log.subscriberCount == 0)
    }

    @Test func serverSentEventFormat() {
        let record = EmulatorEventRecord(
            sequence: 7, time: 1_700_000_000_000,
            event: .publishRefused(bucket: nil, channel: nil, remoteAddress: "127.0.0.1:5", reason: "say \"no\"\n"))
        #expect(record.serverSentEvent == """
            id: 7
            event: publish-refused
            data: {"sequence": 7, "time": 1700000000000, "type": "publish-refused", "bucket": null, "channel": null, \
            "remoteAddress": "127.0.0.1:5", "reason": "say \\"no\\"\\n", "summary": "publish from 127.0.0.1:5 refused: say \\"no\\"\\n"}


            """)
    }
}
