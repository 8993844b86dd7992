import Dispatch
import Foundation
import Locking
import Logging
import Storage
import Testing
@testable import Emulator

/// Channel writer queues share a few serial queues, so the number of
/// threads writing segments stays bounded however many channels publish.
@Suite struct WriterQueueTests {
    private static func ingest() throws -> (RTMPIngest, String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("writers-\(UUID().uuidString)").path
        let store = try ObjectStore(root: directory)
        let ingest = RTMPIngest(store: store, channels: try ChannelRegistry(store: store, now: 0),
                                configuration: EmulatorConfiguration(), logger: Logger(label: "writers"), events: EventLog())
        return (ingest, directory)
    }

    @Test func writesOfManyChannelsRunOnAtMostTheShardCount() throws {
        let (ingest, directory) = try Self.ingest()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let channels = 4 * RTMPIngest.writerShardCount
        let running = Locked((now: 0, most: 0))
        let group = DispatchGroup()
        for index in 0..<channels {
            let queue = ingest.writerQueue(bucket: "bkt", channel: "cam\(index)")
            #expect(queue === ingest.writerQueue(bucket: "bkt", channel: "cam\(index)"), "one queue per channel")
            queue.async(group: group) {
                running.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
                usleep(20_000)  // a write that blocks
                running.withLock { $0.now -= 1 }
            }
        }
        #expect(group.wait(timeout: .now() + 30) == .success)
        let most = running.withLock { $0.most }
        #expect(most >= 2 && most <= RTMPIngest.writerShardCount, "\(most) writes at once")
    }

    /// One channel's writes stay in order (its queue is serial on its shard).
    @Test func aChannelsWritesStayInOrder() throws {
        let (ingest, directory) = try Self.ingest()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let order = Locked<[Int]>([])
        let queue = ingest.writerQueue(bucket: "bkt", channel: "cam")
        let group = DispatchGroup()
        for step in 0..<200 { queue.async(group: group) { order.withLock { $0.append(step) } } }
        group.wait()
        #expect(order.withLock { $0 } == Array(0..<200))
        #expect((0..<100).map { RTMPIngest.shard(of: "bkt/cam\($0)", count: 8) }.allSatisfy { (0..<8).contains($0) })
    }
}
