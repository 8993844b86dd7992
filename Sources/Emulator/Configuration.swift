import OSSProtocol
import RTMP
import Storage
import Transport

/// Everything an emulator instance needs to start. The defaults are the ones a
/// user who reads nothing gets: HTTP on 127.0.0.1:8080, data in ./oss-data and
/// the development credentials.
public struct EmulatorConfiguration: Sendable {
    public static let developmentAccessKeyId = "oss-emulator-key"
    public static let developmentAccessKeySecret = "oss-emulator-secret"
    public static let defaultDataDirectory = "./oss-data"

    /// Where buckets and objects live. Ignored when `ephemeral` is set.
    public var dataDirectory: String = EmulatorConfiguration.defaultDataDirectory
    /// Use a fresh temporary directory, removed when the emulator stops.
    public var ephemeral: Bool = false
    public var host: String = "127.0.0.1"
    /// 0 picks any free port.
    public var port: UInt16 = 8080
    /// Reserved for the dedicated RTMP listener; 0 picks any free port.
    public var rtmpPort: UInt16 = 1935
    public var credentials: [Credential] = [
        Credential(accessKeyId: developmentAccessKeyId, accessKeySecret: developmentAccessKeySecret)
    ]
    /// Buckets created at start when missing (an existing bucket keeps its ACL).
    public var buckets: [BucketSpec] = []
    /// LiveChannels created at start when missing (their bucket too, private).
    public var channels: [ChannelSpec] = []
    /// Bucket for publish URLs of the form `/live/<channel>` on a host that
    /// names no bucket (Java's SDK builds those for IP and localhost endpoints).
    public var defaultBucket: String?
    /// Limits of RTMP sessions (chunk and message sizes, timeouts).
    public var rtmpLimits: RTMPLimits = .default
    /// Host names served path style; `<bucket>.<base host>` is virtual-hosted.
    /// IP literals are always path style.
    public var baseHosts: [String] = ["localhost"]
    public var limits: HTTPLimits = .default
    /// fsync files and directories on every write (off by default, as the design says).
    public var fsync: Bool = false
    /// Seconds a RestoreObject takes to complete (0: at once).
    public var restoreDelaySeconds: Double = 0
    /// Seconds between lifecycle sweeps (`--lifecycle-interval`); 0 sweeps
    /// only on demand (`Emulator.runLifecycle`, `POST /_emulator/lifecycle`).
    public var lifecycleIntervalSeconds: Double = EmulatorConfiguration.defaultLifecycleIntervalSeconds
    /// A minute: rules take effect soon after the clock passes their moment,
    /// at the cost of one index walk a minute per bucket that has rules.
    public static let defaultLifecycleIntervalSeconds: Double = 60
    /// Shape of the publish/play URLs PutLiveChannel and ListLiveChannel return:
    /// `.reachable` (work from the caller's machine) or `.oss` (exactly OSS's shape).
    public var urlStyle: LiveChannelURLStyle = .reachable
    /// Owner shown in listings and ACLs.
    public var ownerId: String = "1000000000000000"
    /// Bearer token for the `/_emulator/` endpoints (health excepted) on a
    /// non-loopback bind; without one they answer 401 there. A loopback bind
    /// leaves them open.
    public var adminToken: String?
    /// Events kept for late readers (SSE `Last-Event-ID` resume, waits).
    public var eventBufferCapacity: Int = EventLog.defaultCapacity
    /// Answered requests kept for `/_emulator/requests` and `requests(…)`.
    public var requestJournalCapacity: Int = RequestJournal.defaultCapacity
    /// Wall clock in epoch milliseconds (injected so tests can move time).
    /// The emulator reads its own movable clock (`Emulator.clock`), which runs
    /// from this one plus `clockOffsetMilliseconds`.
    public var wallClock: @Sendable () -> Int64 = { WallClock.nowMilliseconds() }
    /// Where the emulator's clock starts, relative to `wallClock` (`--clock-start`).
    public var clockOffsetMilliseconds: Int64 = 0
    /// The clock before any offset: what header-signed requests' skew is checked against.
    var realClock: @Sendable () -> Int64 = { WallClock.nowMilliseconds() }

    public init() {}
}

/// `NAME[:ACL]` as given to `--bucket`.
public struct BucketSpec: Sendable, Equatable {
    public var name: String
    public var acl: Storage.BucketACL

    public init(name: String, acl: Storage.BucketACL = .private) {
        self.name = name
        self.acl = acl
    }

    /// Parses `name` or `name:acl`; nil with a reason when malformed.
    public static func parse(_ text: String) -> Result<BucketSpec, ConfigurationError> {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let name = String(parts[0])
        do { try NameRules.validateBucketName(name) } catch {
            return .failure(.invalid("bucket name '\(name)' is not valid (3-63 characters: a-z, 0-9, '-', starting and ending with a letter or digit)"))
        }
        guard parts.count == 2 else { return .success(BucketSpec(name: name)) }
        guard let acl = Storage.BucketACL(rawValue: String(parts[1])) else {
            let known = Storage.BucketACL.allCases.map(\.rawValue).joined(separator: ", ")
            return .failure(.invalid("bucket ACL '\(parts[1])' is not one of \(known)"))
        }
        return .success(BucketSpec(name: name, acl: acl))
    }
}

/// `BUCKET/NAME` as given to `--channel`.
public struct ChannelSpec: Sendable, Equatable {
    public var bucket: String
    public var name: String

    public init(bucket: String, name: String) {
        self.bucket = bucket
        self.name = name
    }

    public static func parse(_ text: String) -> Result<ChannelSpec, ConfigurationError> {
        guard let slash = text.firstIndex(of: "/") else {
            return .failure(.invalid("expected BUCKET/NAME"))
        }
        let bucket = String(text[..<slash])
        let name = String(text[text.index(after: slash)...])
        guard NameRules.isValidBucketName(bucket) else {
            return .failure(.invalid("bucket name '\(bucket)' is not valid"))
        }
        do { try NameRules.validateChannelName(name) } catch {
            return .failure(.invalid("channel name '\(name)' is not valid: \(error.message)"))
        }
        return .success(ChannelSpec(bucket: bucket, name: name))
    }
}

public enum ConfigurationError: Error, Equatable, CustomStringConvertible {
    case invalid(String)

    public var description: String {
        switch self {
        case .invalid(let message): return message
        }
    }
}

extension EmulatorConfiguration {
    /// For tests: free HTTP and RTMP ports on 127.0.0.1, a temporary data
    /// directory removed at stop, and the given credentials, buckets and channels.
    public static func testing(
        credentials: [Credential] = [Credential(accessKeyId: developmentAccessKeyId, accessKeySecret: developmentAccessKeySecret)],
        buckets: [BucketSpec] = [], channels: [ChannelSpec] = []
    ) -> EmulatorConfiguration {
        var configuration = EmulatorConfiguration()
        configuration.port = 0
        configuration.rtmpPort = 0
        configuration.ephemeral = true
        configuration.credentials = credentials
        configuration.buckets = buckets
        configuration.channels = channels
        return configuration
    }
}
