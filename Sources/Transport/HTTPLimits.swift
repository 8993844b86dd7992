#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Every bound the HTTP server enforces, so tests can use tiny values.
public struct HTTPLimits: Sendable, Equatable {
    /// Request line plus headers (and, separately, chunked trailers). Default 64 KiB.
    public var maxHeaderBytes: Int
    /// Header fields per request (and trailer fields). Default 100.
    public var maxHeaderCount: Int
    /// Default 5 GiB: the largest object OSS PutObject accepts.
    public var maxBodyBytes: Int64
    /// Larger bodies are spooled to a file instead of memory. Default 64 KiB.
    public var inMemoryBodyLimit: Int
    /// The whole request head must arrive within this, counted from its first
    /// byte (from accept for a connection's first request). Default 30 s.
    public var headerTimeout: Duration
    /// The longest a body may go without a byte arriving. Default 30 s.
    public var bodyIdleTimeout: Duration
    /// How long an idle keep-alive connection is kept between requests. Default 60 s.
    public var keepAliveIdleTimeout: Duration
    /// The longest a response may go without the client taking a byte. Default 60 s.
    public var writeIdleTimeout: Duration
    /// After the last response on a closing connection, how long unread
    /// request bytes are drained so the client sees the response, not a reset.
    /// Default 2 s.
    public var lingerTimeout: Duration
    /// Open connections. At the limit an idle connection (no request in
    /// progress) is closed to make room for a new one, oldest idle first;
    /// when none is idle the new one is accepted and closed at once.
    /// Default 10,000.
    public var maxConnections: Int
    /// Connections one remote address (IP) may hold, so one client cannot fill
    /// `maxConnections`; handled as that limit is, shedding the address's own
    /// idle connections. Nil (the default): `maxConnections / addressShareDivisor`.
    public var maxConnectionsPerAddress: Int?
    /// Requests read ahead on one connection while earlier ones are unanswered;
    /// beyond this the connection stops reading until responses go out.
    /// Values below 1 count as 1 (no read-ahead). Default 16.
    public var maxPipelinedRequests: Int

    public init(
        maxHeaderBytes: Int = 64 * 1024,
        maxHeaderCount: Int = 100,
        maxBodyBytes: Int64 = 5 * 1024 * 1024 * 1024,
        inMemoryBodyLimit: Int = 64 * 1024,
        headerTimeout: Duration = .seconds(30),
        bodyIdleTimeout: Duration = .seconds(30),
        keepAliveIdleTimeout: Duration = .seconds(60),
        writeIdleTimeout: Duration = .seconds(60),
        lingerTimeout: Duration = .seconds(2),
        maxConnections: Int = 10_000,
        maxConnectionsPerAddress: Int? = nil,
        maxPipelinedRequests: Int = 16
    ) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
        self.inMemoryBodyLimit = inMemoryBodyLimit
        self.headerTimeout = headerTimeout
        self.bodyIdleTimeout = bodyIdleTimeout
        self.keepAliveIdleTimeout = keepAliveIdleTimeout
        self.writeIdleTimeout = writeIdleTimeout
        self.lingerTimeout = lingerTimeout
        self.maxConnections = maxConnections
        self.maxConnectionsPerAddress = maxConnectionsPerAddress
        self.maxPipelinedRequests = maxPipelinedRequests
    }

    public static let `default` = HTTPLimits()

    /// One remote address may hold at most 1/2 of the connection limit.
    public static let addressShareDivisor = 2

    /// The per-address limit that goes with `maxConnections` when none is set.
    public static func addressShare(of maxConnections: Int) -> Int {
        max(1, maxConnections / addressShareDivisor)
    }

    /// `maxConnectionsPerAddress`, or the default share of `maxConnections`.
    public var connectionsPerAddress: Int {
        maxConnectionsPerAddress ?? Self.addressShare(of: maxConnections)
    }
}

public struct HTTPServerConfiguration: Sendable {
    /// `127.0.0.1`, `0.0.0.0`, `::1`, `::`, `localhost` (→ 127.0.0.1) or a
    /// name the resolver knows.
    public var host: String
    /// 0 picks any free port; read it back from `HTTPServer.port`.
    public var port: UInt16
    public var limits: HTTPLimits
    /// Where large request bodies are spooled; put it on the same file system
    /// as the final destination so the handler can rename instead of copy.
    public var spoolDirectory: String
    /// Serial queues that own the connections; each connection stays on one.
    public var queueCount: Int
    /// One line per notable event the transport handles itself (a TLS or
    /// RTMPE client on the HTTP port, connections over the limit).
    public var log: (@Sendable (String) -> Void)?

    public init(
        host: String = "127.0.0.1",
        port: UInt16 = 0,
        limits: HTTPLimits = .default,
        spoolDirectory: String = HTTPServerConfiguration.defaultSpoolDirectory,
        queueCount: Int = HTTPServerConfiguration.defaultQueueCount,
        log: (@Sendable (String) -> Void)? = nil
    ) {
        self.host = host
        self.port = port
        self.limits = limits
        self.spoolDirectory = spoolDirectory
        self.queueCount = queueCount
        self.log = log
    }

    /// `$TMPDIR`, else `/tmp`.
    public static var defaultSpoolDirectory: String {
        if let dir = getenv("TMPDIR"), dir.pointee != 0 { return String(cString: dir) }
        return "/tmp"
    }

    /// The number of online processors (at least 1).
    public static var defaultQueueCount: Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }
}
