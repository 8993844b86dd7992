import OSSProtocol

/// Where an RTMP publish goes: bucket, channel and the URL's query
/// parameters, found from the app, stream name and tcUrl as the SDKs build
/// them (spec §5.4–§5.5).
struct PublishTarget: Sendable, Equatable {
    var bucket: String
    var channel: String
    var parameters: [QueryItem]

    enum Failure: Error, Equatable {
        /// The URL does not have the shape `/<bucket>/live/<channel>` or `/live/<channel>`.
        case badPath(String)
        /// `/live/<channel>` on a host that names no bucket, and no default bucket.
        case noBucket(String)
    }

    /// The RTMP application every OSS publish URL uses.
    static let application = "live"

    /// - Parameters:
    ///   - app: the application from `connect` (may carry a query or, when a
    ///     client split the URL inside the query, part of the stream name).
    ///   - streamName: the name from `publish`, with its query.
    ///   - tcUrl: the `connect` tcUrl (host and maybe a query).
    static func resolve(app: String, streamName: String, tcUrl: String?, resolver: HostResolver,
                        defaultBucket: String?) throws(Failure) -> PublishTarget {
        // Clients split `<path>?<query>` into app and stream at a `/`, possibly
        // one inside an unescaped signature: joining restores the original.
        var joined = app.isEmpty ? streamName : app + "/" + streamName
        while joined.hasPrefix("/") { joined.removeFirst() }
        var parameters: [QueryItem] = []
        var path = Substring(joined)
        if let mark = joined.firstIndex(of: "?") {
            path = joined[..<mark]
            parameters = QueryItem.parse(joined[joined.index(after: mark)...]) ?? []
        }
        var host: String?
        if let tcUrl, let colon = tcUrl.firstIndex(of: ":"), tcUrl[colon...].hasPrefix("://") {
            let rest = tcUrl[tcUrl.index(colon, offsetBy: 3)...]
            let authority = rest[..<(rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex)]
            host = String(authority)
            if let mark = rest.firstIndex(of: "?"), let more = QueryItem.parse(rest[rest.index(after: mark)...]) {
                // Stream-name parameters win over tcUrl ones of the same name.
                parameters += more.filter { item in !parameters.contains { $0.name == item.name } }
            }
        }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let bucket: String
        let rawChannel: String
        switch segments.count {
        case 3 where segments[1] == application:
            bucket = segments[0]
            rawChannel = segments[2]
        case 2 where segments[0] == application:
            rawChannel = segments[1]
            if let host, let target = try? resolver.resolve(hostHeader: host, requestTarget: "/"),
               target.style == .virtualHosted, let named = target.bucket {
                bucket = named
            } else if let defaultBucket {
                bucket = defaultBucket
            } else {
                throw .noBucket(String(path))
            }
        default:
            throw .badPath(String(path))
        }
        guard let channel = PercentEncoding.decode(rawChannel), !channel.isEmpty else { throw .badPath(String(path)) }
        return PublishTarget(bucket: bucket, channel: channel, parameters: parameters)
    }
}
