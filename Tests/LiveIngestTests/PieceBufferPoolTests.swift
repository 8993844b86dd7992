import Dispatch
import Foundation
import MediaFormats
import Testing
@testable import LiveIngest

/// Segment-piece buffers go back to a pool once written and are handed out
/// again, so thousands of pushes do not free and allocate them all the time.
@Suite struct PieceBufferPoolTests {
    private static func address(_ buffer: [UInt8]) -> UnsafeRawPointer? {
        buffer.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    }

    @Test func aGivenBufferIsHandedOutAgainEmpty() {
        let pool = PieceBufferPool(pieceBytes: 4096, maxKept: 4)
        #expect(pool.bufferCapacity == 6144)
        var buffer = pool.take()
        #expect(buffer.isEmpty && buffer.capacity >= pool.bufferCapacity)
        buffer.append(contentsOf: repeatElement(7, count: 5000))
        let storage = Self.address(buffer)
        pool.give(&buffer)
        #expect(buffer.isEmpty, "give takes the buffer")
        #expect(pool.keptCount == 1)
        let again = pool.take()
        #expect(again.isEmpty && Self.address(again) == storage)
        #expect(pool.keptCount == 0)
    }

    @Test func buffersOfOtherSizesAreFreedAndAtMostMaxKeptWait() {
        let pool = PieceBufferPool(bufferCapacity: 1000, maxKept: 2)
        var small = [UInt8](repeating: 1, count: 10)
        pool.give(&small)
        var grown = [UInt8](repeating: 1, count: 2000)  // grew past one piece and half again: not reused
        pool.give(&grown)
        #expect(pool.keptCount == 0)
        for _ in 0..<3 {
            var buffer = pool.take()
            buffer.append(1)
            pool.give(&buffer)
        }
        #expect(pool.keptCount == 1, "one buffer went round three times")
        var first = pool.take(), second = pool.take(), third = pool.take()
        pool.give(&first); pool.give(&second); pool.give(&third)
        #expect(pool.keptCount == 2)
        #expect(pool.drain() == 2 && pool.keptCount == 0)
    }

    /// A buffer something else still holds is never written over: the pool
    /// keeps its own copy of the storage, the holder's bytes stay.
    @Test func aSharedBufferKeepsItsBytes() {
        let pool = PieceBufferPool(bufferCapacity: 64, maxKept: 2)
        var buffer = pool.take()
        buffer.append(contentsOf: [1, 2, 3])
        let holder = buffer
        pool.give(&buffer)
        var reused = pool.take()
        reused.append(contentsOf: [9, 9, 9, 9])
        #expect(holder == [1, 2, 3])
    }

    /// Two pushes one after the other through a shared pool write the same
    /// segments as the remuxer alone, and the second reuses the first's buffers.
    @Test func pushesThroughAPoolWriteTheRemuxersSegments() throws {
        let tags = try fixtureTags("av-640x360-30fps.flv").filter { $0.type == 8 || $0.type == 9 }
        var remuxer = HLSRemuxer(fragmentDuration: 2)
        var expected: [[UInt8]] = []
        for tag in tags { for case .segmentFinished(let s) in try remuxer.push(tag) { expected.append(s.bytes) } }
        for case .segmentFinished(let s) in remuxer.finish() { expected.append(s.bytes) }

        var limits = ChannelPublisher.WriteLimits()
        limits.segmentChunkBytes = 4096
        let pool = PieceBufferPool(pieceBytes: 4096, maxKept: 64)
        var takes: [(taken: Int, made: Int)] = []
        for channel in ["one", "two"] {
            let temp = try TemporaryStore()
            let configuration = PushConfiguration(bucket: "bkt", channel: channel, playlistName: "playlist.m3u8",
                                                  fragDuration: 2, fragCount: 10, pushId: "p-\(channel)")
            let writer = DispatchQueue(label: "test.writer")
            let publisher = ChannelPublisher(
                configuration: configuration, store: temp.store, writer: writer,
                namer: SegmentNamer(), timelines: ChannelTimelines(), wallClock: { 1_700_000_000_000 },
                monotonicMilliseconds: { 0 }, writeLimits: limits, pieces: pool)
            // Each tag's pieces are written before the next tag, as when the
            // disk keeps up: how many buffers wait at once then does not
            // depend on how busy the machine is.
            for tag in tags {
                try publisher.push(tagType: tag.type, timestamp: tag.timestamp, payload: Array(tag.payload))
                writer.sync {}
            }
            SegmentStreamingTests.finish(publisher)
            let written = try SegmentIndex(store: temp.store).segments(bucket: "bkt", channel: channel).map {
                try temp.store.readObject(bucket: "bkt", key: "\(channel)/\($0.startMilliseconds).ts")
            }
            #expect(written == expected)
            takes.append(pool.takes)
        }
        // Buffers came back once written (those a large frame grew past
        // the pool's size are freed instead), and the second push started
        // from the first one's: it made fewer new buffers than the first.
        #expect(pool.keptCount > 0 && pool.keptCount <= takes[1].made, "\(takes)")
        let secondTaken = takes[1].taken - takes[0].taken, secondMade = takes[1].made - takes[0].made
        #expect(secondTaken > 10 && secondMade < takes[0].made && secondMade < secondTaken / 2, "\(takes)")
    }
}
