#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's open-file limit, which bounds connections: many systems
/// start processes with a soft limit of 1024 and a far higher hard limit.
public enum DescriptorLimit {
    /// The current soft limit.
    public static var current: Int {
        var limit = rlimit()
        guard getrlimit(resourceNOFILE, &limit) == 0 else { return 0 }
        return Int(clamping: limit.rlim_cur)
    }

    /// Raises the soft limit to `wanted` (or the hard limit when nil), never
    /// above the hard limit and never lowering it; returns the resulting soft
    /// limit. A server meant for `maxConnections` needs about that many plus
    /// its files; call this once at start-up.
    @discardableResult
    public static func raise(to wanted: Int? = nil) -> Int {
        var limit = rlimit()
        guard getrlimit(resourceNOFILE, &limit) == 0 else { return 0 }
        var target = limit.rlim_max
        if let wanted, wanted >= 0, rlim_t(wanted) < target { target = rlim_t(wanted) }
        #if canImport(Darwin)
        // Darwin refuses soft limits above OPEN_MAX with an unlimited hard limit.
        target = min(target, rlim_t(OPEN_MAX))
        #endif
        if target > limit.rlim_cur {
            limit.rlim_cur = target
            _ = setrlimit(resourceNOFILE, &limit)
        }
        return current
    }
}

extension DescriptorLimit {
    /// Descriptors one connection may hold: its socket and one file (a body
    /// being spooled, or a file being sent).
    public static let perConnection = 2
    /// Descriptors kept for everything but connections (listeners, data files, logs).
    public static let reserved = 256

    /// Raises the soft limit toward what `connections` connections need and
    /// returns how many of them the resulting limit has room for. A server
    /// given a larger connection limit than that would run out of descriptors
    /// (and stop accepting) before its limit, and so before shedding idle
    /// connections could make room.
    @discardableResult
    public static func provide(forConnections connections: Int) -> Int {
        let wanted = max(1, connections)
        let (needed, overflow) = wanted.multipliedReportingOverflow(by: perConnection)
        let limit = raise(to: overflow ? Int.max : needed &+ reserved)
        return max(1, min(wanted, (limit - reserved) / perConnection))
    }
}

#if canImport(Darwin)
private let resourceNOFILE = RLIMIT_NOFILE
#else
private let resourceNOFILE = Int32(RLIMIT_NOFILE.rawValue)
#endif
