/// Bucket, channel and parameters of an RTMP publish (spec §5.1, §5.5), from what the
/// RTMP session saw: the `connect` app and tcUrl, and the `publish` stream name.
public struct RTMPPublishTarget: Sendable, Equatable {
    /// The RTMP application name OSS uses; `<bucket>/live` names the bucket in the path.
    public static let applicationName = "live"

    public var bucket: String
    public var channel: String
    /// Decoded query of the stream name, then of the app, then of the tcUrl.
    public var parameters: [QueryItem]
    /// `playlistName` for this push (overrides the channel's PlaylistName), validated.
    public var playlistName: String?

    public init(bucket: String, channel: String, parameters: [QueryItem], playlistName: String?) {
        self.bucket = bucket
        self.channel = channel
        self.parameters = parameters
        self.playlistName = playlistName
    }

    /// `rtmp://127.0.0.1:1935/bkt/live/cam1?x` gives app `bkt/live`, stream `cam1?x`;
    /// `rtmp://bkt.localhost/live/cam1` gives app `live` and the bucket from the host;
    /// OBS puts `cam1?OSSAccessKeyId=..` in the stream key. `defaultBucket` serves clients
    /// that lose the bucket (Java with an IP endpoint). Errors are 400 InvalidArgument,
    /// 400 InvalidBucketName or 404 NoSuchBucket (no bucket named anywhere).
    public static func resolve(app: String, tcUrl: String?, streamName: String, resolver: HostResolver,
                               defaultBucket: String? = nil) throws(OSSError) -> RTMPPublishTarget {
        let (appPath, appQuery) = split(app)
        let (streamPath, streamQuery) = split(streamName)
        var tcQuery: Substring = ""
        var tcHost = ""
        if let tcUrl {
            let (url, query) = split(tcUrl)
            tcQuery = query
            var afterScheme = url
            if let colon = url.firstIndex(of: ":"), url[colon...].hasPrefix("://") {
                afterScheme = url[url.index(colon, offsetBy: 3)...]
            }
            let authority = afterScheme.prefix { $0 != "/" }
            tcHost = HostResolver.hostWithoutPort(String(authority)).lowercased()
        }

        let trimmedApp = appPath.hasSuffix("/") ? appPath.dropLast() : appPath
        let bucket: String
        if trimmedApp == Substring(applicationName) {
            guard let named = resolver.virtualHostBucket(tcHost) ?? defaultBucket else {
                throw .noSuchBucket("")
            }
            bucket = named
        } else if trimmedApp.hasSuffix("/" + applicationName) {
            guard let decoded = PercentEncoding.decode(trimmedApp.dropLast(applicationName.count + 1)) else {
                throw .invalidArgument("The RTMP application is not valid percent-encoding.", name: "app", value: app)
            }
            bucket = decoded
        } else {
            throw .invalidArgument("The RTMP application must be live or <bucket>/live.", name: "app", value: app)
        }
        try NameRules.validateBucketName(bucket)

        guard let channel = PercentEncoding.decode(streamPath) else {
            throw .invalidArgument("The stream name is not valid percent-encoding.", name: "stream", value: streamName)
        }
        try NameRules.validateChannelName(channel)

        var parameters: [QueryItem] = []
        for query in [streamQuery, appQuery, tcQuery] where !query.isEmpty {
            guard let items = QueryItem.parse(query) else {
                throw .invalidArgument("The publish parameters are not valid percent-encoding.", name: "query", value: String(query))
            }
            parameters += items
        }
        var playlistName: String?
        if let name = parameters.value("playlistName"), !name.isEmpty {
            try NameRules.validatePlaylistName(name)
            playlistName = name
        }
        return RTMPPublishTarget(bucket: bucket, channel: channel, parameters: parameters, playlistName: playlistName)
    }

    private static func split(_ text: String) -> (path: Substring, query: Substring) {
        guard let mark = text.firstIndex(of: "?") else { return (text[...], "") }
        return (text[..<mark], text[text.index(after: mark)...])
    }
}
