import Testing
@testable import Emulator
import LiveIngest

@Suite struct MemoryReclaimerTests {
    @Test func trimsWhenLoadEndsOrMemoryKeepsGrowing() {
        let step = MemoryReclaimer.growthBeforeTrim
        // Load ends: busy, then quiet.
        #expect(MemoryReclaimer.shouldTrim(wasBusy: true, busy: false, rss: 100, rssAfterTrim: 100))
        // Still busy, or quiet all along: nothing.
        #expect(!MemoryReclaimer.shouldTrim(wasBusy: true, busy: true, rss: 100, rssAfterTrim: 100))
        #expect(!MemoryReclaimer.shouldTrim(wasBusy: false, busy: false, rss: 100, rssAfterTrim: 100))
        // Under load, RSS grown by the step since the last trim.
        #expect(MemoryReclaimer.shouldTrim(wasBusy: true, busy: true, rss: 100 + step, rssAfterTrim: 100))
        #expect(!MemoryReclaimer.shouldTrim(wasBusy: true, busy: true, rss: 99 + step, rssAfterTrim: 100))
        // Without a figure for RSS (not Linux) only the end of load counts.
        #expect(!MemoryReclaimer.shouldTrim(wasBusy: false, busy: true, rss: nil, rssAfterTrim: nil))
    }

    @Test func readsThisProcesssFigures() {
        #expect(MemoryReclaimer.processCPUSeconds() > 0)
        #if os(Linux)
        #expect((MemoryReclaimer.residentBytes() ?? 0) > 1 << 20)
        #endif
    }
}

@Suite struct MemoryReclaimerReleaseTests {
    /// Going quiet frees the segment-piece buffers kept for reuse.
    @Test func releasingIdleMemoryDrainsThePiecePool() {
        let pool = PieceBufferPool(pieceBytes: 1024, maxKept: 8)
        var buffers = (0..<3).map { _ in pool.take() }
        for index in buffers.indices { pool.give(&buffers[index]) }
        #expect(pool.keptCount == 3)
        MemoryReclaimer.releaseIdleMemory(pieces: pool)
        #expect(pool.keptCount == 0)
    }
}
