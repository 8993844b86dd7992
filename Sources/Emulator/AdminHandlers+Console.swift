import Console
import LiveIngest
import ObjectAPI
import OSSProtocol
import Storage
import Transport

/// The console (`/_emulator/`) and what its players load: the page's model
/// gathered from the store, channels, events and test control; private
/// playlists served with their segments' URLs signed (`/_emulator/play/…`,
/// `/_emulator/vod/…`), as the page itself is behind the admin access rule.
extension AdminHandlers {
    /// The icon's paths: `/favicon.ico` (what a browser asks for by itself) and under `/_emulator/`.
    static let faviconPath = "/favicon.ico"

    static func favicon(responder: Responder) -> HTTPResponse {
        responder.response(headers: ["Content-Type": Favicon.contentType, "Cache-Control": "max-age=86400"], body: .bytes(Favicon.bytes))
    }

    func console(_ request: HTTPRequest, target: RequestTarget, responder: Responder) -> HTTPResponse {
        let links = ConsoleLinks(host: request.head.headers["Host"] ?? target.host, credential: configuration.credentials.first,
                                 nowSeconds: responder.nowSeconds)
        let selection = ConsoleModel.Selection(query: target.query)
        let overview = ChannelOverview.collect(store: store, channels: channels, recentLimit: ConsolePage.segmentLimit)
        let buckets = overview.map { bucket in
            ConsoleModel.Bucket(name: bucket.name, acl: bucket.acl.rawValue, objectCount: (try? store.objectCount(bucket: bucket.name)) ?? 0,
                                channels: bucket.channels.map(consoleChannel))
        }
        let model = ConsoleModel(
            buckets: buckets,
            events: events.records(after: 0).map {
                ConsoleModel.Event(sequence: $0.sequence, time: $0.time, type: $0.event.name, bucket: $0.event.bucket,
                                   channel: $0.event.channel, summary: $0.event.summary)
            },
            listing: listing(selection, buckets: buckets), control: testControl(), selection: selection, links: links)
        return responder.response(headers: ["Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"],
                                  body: .bytes(Array(ConsolePage.render(model).utf8)))
    }

    private func consoleChannel(_ channel: ChannelOverview.Channel) -> ConsoleModel.Channel {
        let state: ConsoleModel.State
        switch channel.live {
        case .live(let connected, let remote, let video, let audio):
            state = .live(connectedTime: connected, remoteAddr: remote, video: video, audio: audio)
        case .idle: state = .idle
        case .disabled: state = .disabled
        }
        let segments = channel.recentSegments.map { segment in
            ConsoleModel.Segment(key: segment.key, startMilliseconds: segment.startMilliseconds,
                                 durationMilliseconds: segment.durationMilliseconds,
                                 size: (try? store.objectInfo(bucket: channel.bucket, key: segment.key, etag: false))?.size)
        }
        return ConsoleModel.Channel(
            bucket: channel.bucket, name: channel.name, description: channel.configuration.description,
            playlistName: channel.configuration.playlistName, fragDuration: channel.configuration.fragDuration,
            fragCount: channel.configuration.fragCount, state: state, segmentCount: channel.segmentCount,
            recentSegments: segments,
            history: channel.history.map { ConsoleModel.Push(startTime: $0.startTime, endTime: $0.endTime, remoteAddr: $0.remoteAddr) })
    }

    /// The browsed bucket's page of objects: the one asked for, else the first bucket.
    private func listing(_ selection: ConsoleModel.Selection, buckets: [ConsoleModel.Bucket]) -> ConsoleModel.Listing? {
        guard let bucket = selection.bucket ?? buckets.first?.name,
              let page = try? store.listObjects(bucket: bucket, prefix: selection.prefix, after: selection.marker, delimiter: "/",
                                                maxKeys: ConsolePage.listingPageSize, etags: false)
        else { return nil }
        return ConsoleModel.Listing(
            bucket: bucket, prefix: selection.prefix, folders: page.commonPrefixes,
            objects: page.objects.map {
                ConsoleModel.Listing.Object(key: $0.key, size: $0.size, contentType: $0.metadata.contentType, lastModified: $0.lastModified)
            },
            nextMarker: page.isTruncated ? page.nextMarker : nil)
    }

    private func testControl() -> ConsoleModel.TestControl {
        ConsoleModel.TestControl(
            nowMilliseconds: clock.nowMilliseconds, offsetMilliseconds: clock.offsetMilliseconds,
            faults: faults.rules.map { rule in
                let match = [rule.operation, rule.method, rule.bucket, rule.key].compactMap { $0 }.joined(separator: " ")
                return ConsoleModel.TestControl.Rule(
                    id: rule.id, matches: match.isEmpty ? "any" : match,
                    action: rule.actionDescription + (rule.probability < 1 ? " (p \(rule.probability))" : ""),
                    remaining: rule.times.map(String.init) ?? "∞")
            },
            requests: journal.newest(ConsolePage.requestLimit).map { record in
                ConsoleModel.TestControl.Request(
                    sequence: record.sequence, time: record.time, operation: record.operation,
                    object: [record.bucket, record.key].compactMap { $0 }.joined(separator: "/"),
                    status: record.errorCode.map { "\(record.status) \($0)" } ?? String(record.status),
                    durationMilliseconds: record.durationMilliseconds, auth: record.auth)
            })
    }

    // MARK: signed playlists

    /// `GET /_emulator/play/<bucket>/<playlist key>`: the playlist with absolute, signed segment URLs.
    func signedPlaylist(_ request: HTTPRequest, rest: String, responder: Responder) -> HTTPResponse {
        guard let (bucket, key) = Self.split(rest), let info = store.bucket(bucket),
              let bytes = try? store.readObject(bucket: bucket, key: key) else {
            return notFound("no playlist /\(rest)", responder: responder)
        }
        let links = ConsoleLinks(host: request.head.headers["Host"] ?? "", credential: configuration.credentials.first, nowSeconds: responder.nowSeconds)
        return playlistResponse(links.signedPlaylist(String(decoding: bytes, as: UTF8.self), bucket: bucket, playlistKey: key, acl: info.acl.rawValue),
                                responder: responder)
    }

    /// `GET /_emulator/vod/<bucket>/<channel>.m3u8?start=S&end=E` (epoch seconds or ISO 8601):
    /// GetVodPlaylist's answer with absolute, signed segment URLs.
    func signedVodPlaylist(_ request: HTTPRequest, rest: String, target: RequestTarget, responder: Responder) -> HTTPResponse {
        guard let (bucket, file) = Self.split(rest), file.hasSuffix(".m3u8"), let info = store.bucket(bucket) else {
            return notFound("no channel /\(rest)", responder: responder)
        }
        func time(_ name: String) -> Int64? {
            guard let text = target.query.first(where: { $0.name == name })?.value else { return nil }
            return Int64(text) ?? OSSTime.parseISO8601(text)
        }
        guard let start = time("start"), let end = time("end"), start <= end else {
            return json(.object([("error", .string("InvalidArgument")),
                                 ("message", .string("start and end: epoch seconds or ISO 8601 UTC, start ≤ end"))]), status: 400, responder: responder)
        }
        let channel = String(file.dropLast(".m3u8".count))
        guard let text = try? SegmentIndex(store: store).vodPlaylist(bucket: bucket, channel: channel, start: start, end: end) else {
            return notFound("no segments of \(bucket)/\(channel) between \(start) and \(end)", responder: responder)
        }
        let links = ConsoleLinks(host: request.head.headers["Host"] ?? "", credential: configuration.credentials.first, nowSeconds: responder.nowSeconds)
        return playlistResponse(links.signedPlaylist(text, bucket: bucket, playlistKey: channel + "/vod.m3u8", acl: info.acl.rawValue),
                                responder: responder)
    }

    private func playlistResponse(_ text: String, responder: Responder) -> HTTPResponse {
        responder.response(headers: ["Content-Type": "application/vnd.apple.mpegurl", "Cache-Control": "no-store"],
                           body: .bytes(Array(text.utf8)))
    }

    private func notFound(_ message: String, responder: Responder) -> HTTPResponse {
        json(.object([("error", .string("NotFound")), ("message", .string(message))]), status: 404, responder: responder)
    }

    /// `bucket/key…` (the path is already percent-decoded) into its bucket and key.
    static func split(_ rest: String) -> (String, String)? {
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        let bucket = String(rest[..<slash]), key = String(rest[rest.index(after: slash)...])
        guard !bucket.isEmpty, !key.isEmpty else { return nil }
        return (bucket, key)
    }
}
