#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Locking
import LiveIngest
import Storage

/// Gives memory freed after a burst of load back to the system.
///
/// glibc keeps freed heap inside its arenas (one per thread that allocated,
/// and Dispatch runs many), so RSS stays at its peak long after the load
/// that caused it. Every `checkInterval` this looks at the process's CPU
/// time and RSS and calls `malloc_trim` when the process has just gone
/// quiet after being busy, again once it has stayed quiet for
/// `settledChecks` checks, and when RSS has grown by `growthBeforeTrim`
/// since the last trim. A trim costs a few milliseconds; it also frees the
/// segment-piece buffers that pushes keep for reuse.
///
/// The checks run on a thread of their own, not on a Dispatch queue. Each
/// thread keeps a cache of the small blocks it freed (glibc's tcache, up to
/// 7 per size), which malloc counts as in use: a trim cannot return the
/// pages they sit on. The cache goes back to the heap when its thread ends;
/// Dispatch ends an idle worker after about 5 s, unless a timer keeps it
/// busy. A Dispatch timer here would keep alive one worker that served the
/// load; hence the thread, and hence the second trim, after the workers
/// have gone.
final class MemoryReclaimer: @unchecked Sendable {
    static let checkInterval: DispatchTimeInterval = .seconds(2)
    /// CPU use (fraction of one core over an interval) below which the process counts as quiet.
    static let quietCPUFraction = 0.02
    /// RSS growth since the last trim that triggers one even under load.
    static let growthBeforeTrim = 64 << 20
    /// Quiet checks after a busy one before the second trim: past Dispatch's
    /// 5-s idle limit for its worker threads.
    static let settledChecks = 4

    private let wake = DispatchSemaphore(value: 0)
    private let stopped = Locked(false)
    // Confined to the reclaimer's thread.
    private var lastCPU: Double?
    private var quietChecks = Int.max
    private var rssAfterTrim: Int?
    private let trim: @Sendable () -> Void

    init(trim: @escaping @Sendable () -> Void = { MemoryReclaimer.releaseIdleMemory() }) {
        self.trim = trim
    }

    func start() {
        #if canImport(Glibc) || canImport(Musl)
        // A pthread rather than Foundation's Thread, whose first use maps
        // megabytes of Foundation the process otherwise never touches.
        let box = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, Self.threadStackBytes)
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        let result = pthread_create(&thread, &attributes, { argument in
            let reclaimer = Unmanaged<MemoryReclaimer>.fromOpaque(argument!).takeRetainedValue()
            reclaimer.run()
            return nil
        }, box)
        if result != 0 { Unmanaged<MemoryReclaimer>.fromOpaque(box).release() }
        #else
        // No malloc_trim to call elsewhere; a worker that waits will do.
        DispatchQueue.global(qos: .utility).async { [self] in run() }
        #endif
    }

    /// Stack of the reclaimer's thread: it only reads two /proc figures and calls malloc_trim.
    static let threadStackBytes = 256 << 10

    private func run() {
        while wake.wait(timeout: .now() + Self.checkInterval) == .timedOut, !stopped.withLock({ $0 }) {
            check()
        }
    }

    func stop() {
        stopped.withLock { $0 = true }
        wake.signal()
    }

    private func check() {
        let cpu = Self.processCPUSeconds()
        defer { lastCPU = cpu }
        guard let last = lastCPU else {
            rssAfterTrim = Self.residentBytes()
            return
        }
        let interval = Self.seconds(Self.checkInterval)
        let busy = (cpu - last) / interval > Self.quietCPUFraction
        quietChecks = busy ? 0 : (quietChecks == Int.max ? Int.max : quietChecks + 1)
        guard Self.shouldTrim(quietChecks: quietChecks, rss: Self.residentBytes(), rssAfterTrim: rssAfterTrim) else { return }
        trim()
        rssAfterTrim = Self.residentBytes()
    }

    /// Trim when the process has just gone quiet after being busy
    /// (`quietChecks` 1), when it has stayed quiet for `settledChecks`, or
    /// when RSS has grown by `growthBeforeTrim` since the last trim.
    /// `quietChecks` counts quiet checks since the last busy one (0: busy
    /// now; `Int.max`: never busy).
    static func shouldTrim(quietChecks: Int, rss: Int?, rssAfterTrim: Int?) -> Bool {
        if quietChecks == 1 || quietChecks == settledChecks { return true }
        guard let rss, let rssAfterTrim else { return false }
        return rss - rssAfterTrim >= growthBeforeTrim
    }

    /// The default trim: the segment-piece buffers kept for reuse go back
    /// to malloc first (up to 24 MiB, see `PieceBufferPool`), then malloc's
    /// free pages to the system.
    static func releaseIdleMemory(pieces: PieceBufferPool = .process) {
        pieces.drain()
        ObjectStore.releaseFreedMemory()
    }

    static func seconds(_ interval: DispatchTimeInterval) -> Double {
        switch interval {
        case .seconds(let s): return Double(s)
        case .milliseconds(let ms): return Double(ms) / 1000
        case .microseconds(let us): return Double(us) / 1_000_000
        case .nanoseconds(let ns): return Double(ns) / 1_000_000_000
        default: return 1
        }
    }

    /// Caps glibc's malloc arenas (by default 8 per core, one for each
    /// thread that allocates while others hold theirs). Dispatch runs many
    /// threads, and every arena keeps its own free memory, so under load RSS
    /// climbs far above what is in use. Call at process start, before
    /// threads; for the command line, not for a host process.
    static func limitMallocArenas(to count: Int) {
        #if canImport(Glibc)
        typealias Option = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let arenaMax: Int32 = -8  // M_ARENA_MAX
        _ = unsafeBitCast(symbol, to: Option.self)(arenaMax, Int32(max(count, 1)))
        #endif
    }

    /// User + system CPU time of the whole process.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        #if canImport(Glibc)
        let who = __rusage_who_t(RUSAGE_SELF.rawValue)
        #else
        let who = RUSAGE_SELF
        #endif
        guard getrusage(who, &usage) == 0 else { return 0 }
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1_000_000 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// Resident set size from /proc/self/statm (Linux); nil elsewhere.
    static func residentBytes() -> Int? {
        guard let file = fopen("/proc/self/statm", "r") else { return nil }
        defer { fclose(file) }
        var size = 0, resident = 0
        guard withUnsafeMutablePointer(to: &size, { s in
            withUnsafeMutablePointer(to: &resident) { r in
                withVaList([s, r]) { vfscanf(file, "%ld %ld", $0) }
            }
        }) == 2 else { return nil }
        return resident * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
