import Testing
@testable import Emulator
import LiveIngest

@Suite struct MemoryReclaimerTests {
    @Test func trimsWhenLoadEndsWhenWorkersHaveGoneOrMemoryKeepsGrowing() {
        let step = MemoryReclaimer.growthBeforeTrim
        let settled = MemoryReclaimer.settledChecks
        // Load ends: busy, then quiet; and again once quiet long enough for idle worker threads to end.
        #expect(MemoryReclaimer.shouldTrim(quietChecks: 1, rss: 100, rssAfterTrim: 100))
        #expect(MemoryReclaimer.shouldTrim(quietChecks: settled, rss: 100, rssAfterTrim: 100))
        #expect(settled > 1 && MemoryReclaimer.seconds(MemoryReclaimer.checkInterval) * Double(settled - 1) > 5,
                "the second trim comes after Dispatch's 5-s idle limit for worker threads")
        // Still busy, quiet in between or long after, or never busy: nothing.
        #expect(!MemoryReclaimer.shouldTrim(quietChecks: 0, rss: 100, rssAfterTrim: 100))
        #expect(!MemoryReclaimer.shouldTrim(quietChecks: 2, rss: 100, rssAfterTrim: 100))
        #expect(!MemoryReclaimer.shouldTrim(quietChecks: settled + 1, rss: 100, rssAfterTrim: 100))
        #expect(!MemoryReclaimer.shouldTrim(quietChecks: .max, rss: 100, rssAfterTrim: 100))
        // Under load, RSS grown by the step since the last trim.
        #expect(MemoryReclaimer.shouldTrim(quietChecks: 0, rss: 100 + step, rssAfterTrim: 100))
        #expect(!MemoryReclaimer.shouldTrim(quietChecks: 0, rss: 99 + step, rssAfterTrim: 100))
        // Without a figure for RSS (not Linux) only the end of load counts.
        #expect(!MemoryReclaimer.shouldTrim(quietChecks: 0, rss: nil, rssAfterTrim: nil))
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
