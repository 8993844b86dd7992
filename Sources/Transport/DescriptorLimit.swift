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

#if canImport(Darwin)
private let resourceNOFILE = RLIMIT_NOFILE
#else
private let resourceNOFILE = Int32(RLIMIT_NOFILE.rawValue)
#endif
