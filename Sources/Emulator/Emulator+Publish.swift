import ObjectAPI
import OSSProtocol
import Publisher

extension Emulator {
    /// Validity of the signed publish URLs built by `publishURL`.
    public static let publishURLLifetimeSeconds: Int64 = 3600

    /// The RTMP URL that publishes to `bucket/channel` on the dedicated RTMP
    /// port, signed with the first credential unless the bucket is
    /// public-read-write (OSS needs a signature otherwise).
    public func publishURL(bucket: String, channel: String, playlistName: String? = nil) throws -> String {
        guard let endpoints, let store else { throw EmulatorError.notRunning }
        var parameters: [QueryItem] = []
        if let playlistName { parameters.append(QueryItem(name: "playlistName", value: playlistName)) }
        if store.bucket(bucket)?.acl != .publicReadWrite, let credential = configuration.credentials.first {
            parameters = RTMPURLSignature.signedParameters(
                credential: credential, expires: configuration.wallClock() / 1000 + Self.publishURLLifetimeSeconds,
                parameters: parameters, bucket: bucket, channel: channel)
        }
        let query = parameters.map { item in
            item.value.map { "\(item.name)=\(PercentEncoding.encodeRFC3986($0, keepSlash: false))" } ?? item.name
        }.joined(separator: "&")
        return "\(endpoints.rtmp)/\(bucket)/live/\(channel)" + (query.isEmpty ? "" : "?" + query)
    }

    /// Publishes an FLV file to `bucket/channel` with the built-in client
    /// (`push`'s) and returns once it is sent and unpublished (await
    /// `waitForPublishEnded` for the last files). Throws `EmulatorError`
    /// when not running, else `PublishError` (a refusal carries the
    /// server's status description).
    public func publish(file: String, bucket: String, channel: String, playlistName: String? = nil,
                        realtime: Bool = false) async throws {
        let url = try publishURL(bucket: bucket, channel: channel, playlistName: playlistName)
        let bytes: [UInt8]
        do { bytes = try readSmallFile(file) } catch {
            throw PublishError.badMedia(.unreadable("cannot read \(file): \(error)"))
        }
        try await PublishRun.publish(flv: bytes, url: url, realtime: realtime)
    }
}
