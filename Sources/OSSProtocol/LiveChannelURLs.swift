/// Which publish/play URLs PutLiveChannel and ListLiveChannel return (spec §3.1).
public enum LiveChannelURLStyle: String, Sendable, Equatable {
    /// URLs that work from the caller's machine: path style when the request was path style.
    case reachable
    /// Exactly OSS's shape, `rtmp://<bucket>.<endpoint>/live/<ch>`, for suites that compare strings.
    case oss
}

public struct LiveChannelURLs: Sendable, Equatable {
    public var publishURL: String
    public var playURL: String

    public init(publishURL: String, playURL: String) {
        self.publishURL = publishURL
        self.playURL = playURL
    }

    /// `requestHost` is the Host header as received (with its port); names stay raw, as OSS writes them.
    public static func make(bucket: String, channel: String, playlistName: String, requestHost: String,
                            addressing: AddressingStyle, style: LiveChannelURLStyle) -> LiveChannelURLs {
        var host = requestHost.lowercased()
        var addressing = addressing
        // `bucket.localhost` (Go with a localhost endpoint) does not resolve with glibc;
        // `localhost/bucket` reaches the same place.
        if style == .reachable, addressing == .virtualHosted, host.hasPrefix(bucket + ".") {
            let rest = String(host.dropFirst(bucket.utf8.count + 1))
            let restHost = HostResolver.hostWithoutPort(rest)
            if restHost == "localhost" || HostResolver.isIPLiteral(restHost) {
                host = rest
                addressing = .path
            }
        }
        switch (style, addressing) {
        case (.reachable, .path):
            return LiveChannelURLs(publishURL: "rtmp://\(host)/\(bucket)/live/\(channel)",
                                   playURL: "http://\(host)/\(bucket)/\(channel)/\(playlistName)")
        case (_, .virtualHosted):
            return LiveChannelURLs(publishURL: "rtmp://\(host)/live/\(channel)",
                                   playURL: "http://\(host)/\(channel)/\(playlistName)")
        case (.oss, .path):
            return LiveChannelURLs(publishURL: "rtmp://\(bucket).\(host)/live/\(channel)",
                                   playURL: "http://\(bucket).\(host)/\(channel)/\(playlistName)")
        }
    }
}
