import Dispatch
import Foundation
import MediaFormats
@testable import Storage
import Synchronization
import Testing
@testable import LiveIngest

/// Segments reach the disk in pieces while they grow, and a disk that falls
/// behind makes the push report a backlog instead of holding more memory.
@Suite struct SegmentStreamingTests {
    static func publisher(_ temp: TemporaryStore, writer: DispatchQueue, limits: ChannelPublisher.WriteLimits,
                          log: EventLog = EventLog(), channel: String = "cam",
                          backlog: WriteBacklog = WriteBacklog(limit: WriteBacklog.defaultLimit)) -> ChannelPublisher {
        let configuration = PushConfiguration(bucket: "bkt", channel: channel, playlistName: "playlist.m3u8",
                                              fragDuration: 2, fragCount: 10, pushId: "p1")
        return ChannelPublisher(
            configuration: configuration, store: temp.store, writer: writer, namer: SegmentNamer(), timelines: ChannelTimelines(),
            wallClock: { 1_700_000_000_000 }, monotonicMilliseconds: { 0 }, writeLimits: limits, backlog: backlog,
            onEvent: { log.append($0) })
    }

    static func finish(_ publisher: ChannelPublisher) {
        let done = DispatchSemaphore(value: 0)
        publisher.finish { done.signal() }
        done.wait()
    }

    static func segmentBytes(_ temp: TemporaryStore) throws -> [[UInt8]] {
        try SegmentIndex(store: temp.store).segments(bucket: "bkt", channel: "cam").map {
            try temp.store.readObject(bucket: "bkt", key: "cam/\($0.startMilliseconds).ts")
        }
    }

    @Test func segmentsStreamedInSmallPiecesEqualTheRemuxersOutput() throws {
        let tags = try fixtureTags("av-640x360-30fps.flv").filter { $0.type == 8 || $0.type == 9 }
        var remuxer = HLSRemuxer(fragmentDuration: 2)
        var expected: [[UInt8]] = []
        for tag in tags { for case .segmentFinished(let s) in try remuxer.push(tag) { expected.append(s.bytes) } }
        for case .segmentFinished(let s) in remuxer.finish() { expected.append(s.bytes) }

        let temp = try TemporaryStore()
        var limits = ChannelPublisher.WriteLimits()
        limits.segmentChunkBytes = 4096
        let log = EventLog()
        let publisher = Self.publisher(temp, writer: DispatchQueue(label: "test.writer"), limits: limits, log: log)
        for tag in tags { try publisher.push(tagType: tag.type, timestamp: tag.timestamp, payload: Array(tag.payload)) }
        Self.finish(publisher)
        #expect(try Self.segmentBytes(temp) == expected)
        let sizes = log.all.compactMap { if case .segmentWritten(_, _, _, let size) = $0 { size } else { nil } }
        #expect(sizes == expected.map(\.count))
        // Nothing left behind in the store's temp directory but the replaced
        // playlists' files the store keeps for its next writes.
        let kept = temp.store.retiredFiles.paths.map { String($0.split(separator: "/").last ?? "") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: temp.directory + "/.oss/tmp").sorted() == kept.sorted())
        #expect(kept.count <= RetiredFiles.capacity)
    }

    /// What a push holds for its open segment stays near one piece
    /// (`defaultSegmentChunkBytes` and half again), whatever the segment's size.
    @Test func aPushHoldsAboutOnePieceOfItsSegment() throws {
        let tags = try fixtureTags("av-640x360-30fps.flv").filter { $0.type == 8 || $0.type == 9 }
        let temp = try TemporaryStore()
        let publisher = Self.publisher(temp, writer: DispatchQueue(label: "test.writer"), limits: ChannelPublisher.WriteLimits())
        let piece = ChannelPublisher.defaultSegmentChunkBytes
        #expect(piece == 16 * 1024)
        var largest = 0
        for tag in tags {
            try publisher.push(tagType: tag.type, timestamp: tag.timestamp, payload: Array(tag.payload))
            largest = max(largest, publisher.pendingBufferCapacity)
        }
        Self.finish(publisher)
        let segments = try Self.segmentBytes(temp)
        #expect(segments.count == 3)
        #expect(segments.allSatisfy { $0.count > 2 * piece }, "segments larger than a piece: the bound is not trivial")
        #expect(largest >= piece && largest < 2 * (piece + piece / 2) + 4096, "largest buffer \(largest)")
    }

    @Test func aDiskThatFallsBehindIsReportedAndTheDrainAnnounced() throws {
        let tags = try fixtureTags("av-640x360-30fps.flv").filter { $0.type == 8 || $0.type == 9 }
        let temp = try TemporaryStore()
        var limits = ChannelPublisher.WriteLimits()
        limits.segmentChunkBytes = 4096
        limits.maxQueuedWriteBytes = 64 * 1024
        let writer = DispatchQueue(label: "test.slow-writer")
        let publisher = Self.publisher(temp, writer: writer, limits: limits)
        // The disk stops: the writer queue takes nothing.
        writer.suspend()
        var pushed = 0
        while !publisher.isBacklogged, pushed < tags.count {
            try publisher.push(tagType: tags[pushed].type, timestamp: tags[pushed].timestamp, payload: Array(tags[pushed].payload))
            pushed += 1
        }
        #expect(publisher.isBacklogged)
        #expect(pushed < tags.count)
        let drained = DispatchSemaphore(value: 0)
        publisher.onDrained { drained.signal() }
        #expect(drained.wait(timeout: .now() + 0.2) == .timedOut)
        writer.resume()
        #expect(drained.wait(timeout: .now() + 10) == .success)
        #expect(!publisher.isBacklogged)
        for tag in tags[pushed...] { try publisher.push(tagType: tag.type, timestamp: tag.timestamp, payload: Array(tag.payload)) }
        Self.finish(publisher)
        #expect(try Self.segmentBytes(temp).count == 3)
    }
}

/// Pushes that share a `WriteBacklog` pause together when their bytes
/// waiting for the disk add up past its limit, even one whose own queue is empty.
@Suite struct SharedBacklogTests {
    @Test func aPushWithNothingQueuedPausesWhileOthersFillTheSharedBacklog() throws {
        let tags = try fixtureTags("av-640x360-30fps.flv").filter { $0.type == 8 || $0.type == 9 }
        let temp = try TemporaryStore()
        var limits = ChannelPublisher.WriteLimits()
        limits.segmentChunkBytes = 4096
        let shared = WriteBacklog(limit: 64 * 1024)
        let stalled = DispatchQueue(label: "test.stalled-writer")
        let slow = SegmentStreamingTests.publisher(temp, writer: stalled, limits: limits, channel: "slow", backlog: shared)
        let other = SegmentStreamingTests.publisher(temp, writer: DispatchQueue(label: "test.writer"), limits: limits,
                                                     channel: "other", backlog: shared)
        stalled.suspend()
        var pushed = 0
        while !slow.isBacklogged, pushed < tags.count {
            try slow.push(tagType: tags[pushed].type, timestamp: tags[pushed].timestamp, payload: Array(tags[pushed].payload))
            pushed += 1
        }
        #expect(slow.isBacklogged && shared.isOver)
        // Its own limit (8 MiB by default) is far off: the shared one paused it.
        #expect(shared.bytes < limits.maxQueuedWriteBytes)
        try other.push(tagType: tags[0].type, timestamp: tags[0].timestamp, payload: Array(tags[0].payload))
        #expect(other.isBacklogged)
        let drained = DispatchSemaphore(value: 0)
        other.onDrained { drained.signal() }
        #expect(drained.wait(timeout: .now() + 0.2) == .timedOut)
        stalled.resume()
        #expect(drained.wait(timeout: .now() + 10) == .success)
        #expect(!other.isBacklogged && !slow.isBacklogged)
        for tag in tags[pushed...] { try slow.push(tagType: tag.type, timestamp: tag.timestamp, payload: Array(tag.payload)) }
        SegmentStreamingTests.finish(slow)
        SegmentStreamingTests.finish(other)
        #expect(shared.bytes == 0)
        #expect(try SegmentIndex(store: temp.store).segments(bucket: "bkt", channel: "slow").count == 3)
    }
}

@Suite struct WriteFailureTests {
    @Test func aFailedSegmentWriteIsReportedWithoutTheServerPath() throws {
        let temp = try TemporaryStore()
        // The temp directory turned into a file: every segment write fails.
        let spool = temp.directory + "/.oss/tmp"
        try FileManager.default.removeItem(atPath: spool)
        FileManager.default.createFile(atPath: spool, contents: Data([1]))
        let log = EventLog()
        let publisher = SegmentStreamingTests.publisher(temp, writer: DispatchQueue(label: "test.writer"),
                                                         limits: ChannelPublisher.WriteLimits(), log: log)
        for tag in try fixtureTags("av-640x360-30fps.flv") where tag.type == 8 || tag.type == 9 {
            try publisher.push(tagType: tag.type, timestamp: tag.timestamp, payload: Array(tag.payload))
        }
        SegmentStreamingTests.finish(publisher)
        let reasons = log.all.compactMap { if case .writeFailed(_, _, let reason) = $0 { reason } else { nil } }
        #expect(!reasons.isEmpty)
        #expect(reasons.allSatisfy { !$0.contains(temp.directory) && !$0.contains(spool) }, "\(reasons)")
        #expect(reasons.contains { $0.contains("<data>") }, "\(reasons)")
    }
}
