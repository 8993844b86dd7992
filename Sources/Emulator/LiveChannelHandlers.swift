import ObjectAPI
import Digest
import LiveIngest
import OSSProtocol
import Storage
import Transport

/// The nine LiveChannel operations (`?live` and `?vod`).
struct LiveChannelHandlers: Sendable {
    let store: ObjectStore
    let channels: ChannelRegistry
    let urlStyle: LiveChannelURLStyle
    let segments: SegmentIndex

    /// `GET /?live`: ListLiveChannel.
    func bucketLevel(_ context: RequestContext, bucket: String) throws -> HTTPResponse {
        guard context.method == "GET" else {
            throw OSSError.methodNotAllowed(method: context.method, resourceType: "LiveChannel")
        }
        guard store.bucket(bucket) != nil else { throw OSSError.noSuchBucket(bucket) }
        let request = try ListLiveChannelRequest(query: context.query)
        let (records, truncated) = channels.list(
            bucket: bucket, prefix: request.prefix, marker: request.marker, maxKeys: request.maxKeys)
        let summaries = records.map { record in
            let urls = self.urls(context, bucket: bucket, channel: record.name, playlist: record.configuration.playlistName)
            return LiveChannelSummary(
                name: record.name, description: record.configuration.description, status: record.configuration.status,
                lastModified: record.lastModified, publishURL: urls.publishURL, playURL: urls.playURL)
        }
        return context.respond.xml(LiveChannelXML.list(
            prefix: request.prefix, marker: request.marker, maxKeys: request.maxKeys, isTruncated: truncated,
            nextMarker: truncated ? records.last?.name : nil, channels: summaries))
    }

    /// Object-level `?live` and `?vod` requests.
    func objectLevel(_ context: RequestContext, bucket: String, key: String) throws -> HTTPResponse {
        guard store.bucket(bucket) != nil else { throw OSSError.noSuchBucket(bucket) }
        if context.query.has("vod") { return try vod(context, bucket: bucket, key: key) }
        let name = key
        // Every operation on a channel checks its name first, as OSS does (one code, InvalidArgument).
        try NameRules.validateChannelName(name)
        switch context.method {
        case "PUT":
            if context.query.has("status") {
                let status = try LiveChannelStatus.parse(queryValue: context.query.value("status"))
                try channels.setStatus(bucket: bucket, name: name, status: status, now: context.nowSeconds)
                return context.respond.response()
            }
            let body = try requestBody(context, limit: Self.maxConfigurationBytes)
            try verifyContentMD5(context, body: body)
            let configuration = try LiveChannelConfiguration.parse(body)
            let record = try channels.put(bucket: bucket, name: name, configuration: configuration, now: context.nowSeconds)
            let urls = self.urls(context, bucket: bucket, channel: name, playlist: record.configuration.playlistName)
            return context.respond.xml(LiveChannelXML.createResult(publishURL: urls.publishURL, playURL: urls.playURL))
        case "GET":
            switch context.query.value("comp") {
            case nil:
                return context.respond.xml(try channels.record(bucket: bucket, name: name).configuration.infoXML())
            case "stat":
                return context.respond.xml(LiveChannelXML.stat(try stat(bucket: bucket, name: name)))
            case "history":
                return context.respond.xml(LiveChannelXML.history(try channels.record(bucket: bucket, name: name).history))
            case let other?:
                throw OSSError.invalidArgument("comp must be stat or history.", name: "comp", value: other)
            }
        case "DELETE":
            try channels.delete(bucket: bucket, name: name)
            return context.respond.response(status: 204)
        default:
            throw OSSError.methodNotAllowed(method: context.method, resourceType: "LiveChannel")
        }
    }

    /// PutLiveChannel bodies are tiny; anything larger is not a configuration.
    static let maxConfigurationBytes = 64 * 1024

    private func verifyContentMD5(_ context: RequestContext, body: [UInt8]) throws {
        guard let provided = context.headers["Content-MD5"] else { return }
        try ContentMD5.verify(header: provided, body: body)
    }

    private func stat(bucket: String, name: String) throws -> LiveChannelStatXML {
        switch try channels.liveStatus(bucket: bucket, name: name) {
        case .idle: return LiveChannelStatXML(status: .idle)
        case .disabled: return LiveChannelStatXML(status: .disabled)
        case .live(let connectedTime, let remoteAddr, let video, let audio):
            return LiveChannelStatXML(status: .live, connectedTime: connectedTime, remoteAddr: remoteAddr, video: video, audio: audio)
        }
    }

    private func vod(_ context: RequestContext, bucket: String, key: String) throws -> HTTPResponse {
        let (start, end) = try VodRequest.parseTimes(query: context.query)
        switch context.method {
        case "POST":
            let (channel, playlist) = try VodRequest.splitKey(key)
            _ = try channels.record(bucket: bucket, name: channel)
            guard let text = try segments.vodPlaylist(bucket: bucket, channel: channel, start: start, end: end) else {
                throw VodRequest.noSegmentsError()
            }
            let info = try store.putObject(
                bucket: bucket, key: channel + "/" + playlist, bytes: Array(text.utf8),
                metadata: ObjectMetadata(contentType: "application/x-mpegURL"))
            return context.respond.response(headers: ["ETag": "\"\(info.etag)\""])
        case "GET":
            try NameRules.validateChannelName(key)
            _ = try channels.record(bucket: bucket, name: key)
            guard let text = try segments.vodPlaylist(bucket: bucket, channel: key, start: start, end: end) else {
                throw VodRequest.noSegmentsError()
            }
            let bytes = Array(text.utf8)
            var headers: HTTPHeaders = ["Content-Type": "application/x-mpegURL"]
            headers.add("ETag", "\"\(Digest.Hex.encode(Digest.Hash.md5(bytes), uppercase: true))\"")
            headers.add("Last-Modified", OSSTime.httpDate(context.nowSeconds))
            return context.respond.response(headers: headers, body: .bytes(bytes))
        default:
            throw OSSError.methodNotAllowed(method: context.method, resourceType: "VodPlaylist")
        }
    }

    private func urls(_ context: RequestContext, bucket: String, channel: String, playlist: String) -> LiveChannelURLs {
        LiveChannelURLs.make(
            bucket: bucket, channel: channel, playlistName: playlist,
            requestHost: context.headers["Host"] ?? context.target.host, addressing: context.target.style, style: urlStyle)
    }
}
