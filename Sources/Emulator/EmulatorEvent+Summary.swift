import Console
import OSSProtocol

extension EmulatorEvent {
    /// One readable line (the console's event list; `summary` in the JSON).
    public var summary: String {
        switch self {
        case .publishStarted(let bucket, let channel, let remote, let playlist):
            return "\(bucket)/\(channel): publisher \(remote) started, playlist \(playlist)"
        case .publishRefused(let bucket, let channel, let remote, let reason):
            let target = bucket.map { b in (channel.map { "\(b)/\($0)" } ?? b) + ": " } ?? ""
            return "\(target)publish from \(remote) refused: \(reason)"
        case .publishEnded(let bucket, let channel, let reason):
            return "\(bucket)/\(channel): push ended (\(reason))"
        case .segmentWritten(let bucket, _, let key, let duration, let size):
            return "\(bucket)/\(key) written: \(ConsoleFormat.seconds(milliseconds: duration)) s, \(ConsoleFormat.bytes(Int64(size)))"
        case .playlistUpdated(let bucket, _, let key, let ended):
            return "\(bucket)/\(key) updated" + (ended ? " and ended" : "")
        case .writeFailed(let bucket, _, let key, let reason):
            return "\(bucket)/\(key) not written: \(reason)"
        case .reset:
            return "every bucket, object and channel removed"
        case .clockChanged(let now, let offset):
            return "clock now \(OSSTime.iso8601Milliseconds(now)), \(ConsoleFormat.seconds(milliseconds: offset)) s from real time"
        case .faultInjected(let rule, let operation, let bucket, let key, let action):
            let target = [bucket, key].compactMap { $0 }.joined(separator: "/")
            return "rule \(rule) hit \(operation)" + (target.isEmpty ? "" : " on \(target)") + ": \(action)"
        case .lifecycleApplied(let bucket, let expired, let transitioned, let aborted):
            return "\(bucket): lifecycle expired \(ConsoleFormat.plural(expired, "object")), transitioned \(transitioned),"
                + " aborted \(ConsoleFormat.plural(aborted, "upload"))"
        }
    }
}
