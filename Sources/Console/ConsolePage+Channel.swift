import OSSProtocol

/// One channel's card: state, player, statistics with the bitrate graph,
/// segments, push history, publish commands and the VOD form.
extension ConsolePage {
    /// Width and height of the bitrate graph's view box.
    static let graphWidth = 300
    static let graphHeight = 60

    static func card(_ channel: ConsoleModel.Channel, acl: String, links: ConsoleLinks) -> String {
        let id = ConsoleFormat.escape("ch-" + channel.bucket + "/" + channel.name)
        let play = ConsoleFormat.escape(links.player(bucket: channel.bucket, playlistKey: channel.playlistKey, acl: acl))
        var html = "<article class=\"card\" id=\"\(id)\" data-play=\"\(play)\">\n"
        html += head(channel, id: id, links: links)
        html += "<div class=\"player\" hidden><video muted playsinline controls preload=\"none\"></video>"
            + "<p class=\"pstat\"><span data-p=\"mode\">player</span> · behind live <span data-p=\"latency\">–</span>"
            + " · stalls <span data-p=\"stalls\">0</span> · segment <span data-p=\"segment\">–</span></p></div>\n"
        let playlist = ConsoleFormat.escape(links.object(bucket: channel.bucket, key: channel.playlistKey, acl: acl))
        html += "<noscript><p><a href=\"\(playlist)\">\(ConsoleFormat.escape(channel.playlistName))</a> (plays in Safari, VLC, ffplay)</p></noscript>\n"
        html += stats(channel, id: id)
        html += segments(channel, id: id, acl: acl, links: links)
        html += history(channel, id: id)
        html += tools(channel, id: id, acl: acl, links: links)
        return html + "</article>\n"
    }

    private static func head(_ channel: ConsoleModel.Channel, id: String, links: ConsoleLinks) -> String {
        var state = "idle"
        var badge = "<span class=\"badge\">Idle</span>"
        var codecs = ""
        switch channel.state {
        case .live(let connected, let remote, let video, let audio):
            state = "live"
            badge = "<span class=\"badge live\">● Live</span> <span class=\"muted\">for \(ConsoleFormat.duration(seconds: links.nowSeconds - connected))"
                + " from \(ConsoleFormat.escape(remote))</span>"
            codecs = ConsoleFormat.codecs(video: video, audio: audio)
        case .disabled:
            state = "disabled"
            badge = "<span class=\"badge off\">Disabled</span>"
        case .idle:
            break
        }
        return "<div class=\"card-head\" id=\"\(id)-head\" data-live data-state=\"\(state)\" data-codecs=\"\(codecs)\">"
            + "<h3><span class=\"muted\">\(ConsoleFormat.escape(channel.bucket))/</span>\(ConsoleFormat.escape(channel.name))</h3> \(badge)</div>\n"
    }

    private static func stats(_ channel: ConsoleModel.Channel, id: String) -> String {
        var rows: [(String, String)] = []
        var graph = ""
        if case .live(_, _, let video, let audio) = channel.state {
            if let video {
                rows.append(("video", ConsoleFormat.escape(ConsoleFormat.videoCodec(video))))
                rows.append(("resolution", "<b class=\"res\">\(video.width)x\(video.height)</b>"))
                rows.append(("frame rate", "<b class=\"fps\">\(video.frameRate) fps</b>"))
                if let interval = video.details?.keyFrameIntervalMilliseconds {
                    rows.append(("key frames", "every \(ConsoleFormat.seconds(milliseconds: interval)) s"))
                }
            }
            if let audio { rows.append(("audio", ConsoleFormat.escape(ConsoleFormat.audioCodec(audio)))) }
            let total = (video?.bandwidth ?? 0) + (audio?.bandwidth ?? 0)
            rows.append(("bitrate", "<b class=\"bitrate\">\(ConsoleFormat.kilobits(bytesPerSecond: total)) kbit/s</b>"))
            graph = bitrateGraph(video: video?.details?.bandwidthHistory ?? [], audio: audio?.details?.bandwidthHistory ?? [])
        }
        rows.append(("segments", "\(channel.segmentCount) (\(channel.fragDuration) s each, \(channel.fragCount) in the playlist)"))
        if !channel.description.isEmpty { rows.append(("description", ConsoleFormat.escape(channel.description))) }
        var html = "<div class=\"stats\" id=\"\(id)-stats\" data-live><dl>"
        for (name, value) in rows { html += "<dt>\(name)</dt><dd>\(value)</dd>" }
        return html + "</dl>\(graph)</div>\n"
    }

    /// The last minutes' bitrate (video + audio, per second) as an inline SVG line.
    static func bitrateGraph(video: [Int64], audio: [Int64]) -> String {
        let count = max(video.count, audio.count)
        guard count >= 2 else { return "" }
        // Both end at the same second: align them from the end.
        let samples = (0..<count).map { index -> Int64 in
            let v = index - (count - video.count), a = index - (count - audio.count)
            return (v >= 0 ? video[v] : 0) + (a >= 0 ? audio[a] : 0)
        }
        let top = max(samples.max() ?? 1, 1)
        let step = Double(graphWidth) / Double(count - 1)
        let points = samples.enumerated().map { index, value in
            let x = Double(index) * step
            let y = Double(graphHeight) - Double(value) / Double(top) * Double(graphHeight - 4)
            return "\(ConsoleFormat.decimal(x)),\(ConsoleFormat.decimal(y))"
        }.joined(separator: " ")
        let label = "bitrate over the last \(ConsoleFormat.duration(seconds: Int64(count))), peak \(ConsoleFormat.kilobits(bytesPerSecond: top)) kbit/s"
        return "<figure class=\"graph\"><svg viewBox=\"0 0 \(graphWidth) \(graphHeight)\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"\(label)\">"
            + "<polyline fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.5\" vector-effect=\"non-scaling-stroke\" points=\"\(points)\"/></svg>"
            + "<figcaption>\(label)</figcaption></figure>"
    }

    private static func segments(_ channel: ConsoleModel.Channel, id: String, acl: String, links: ConsoleLinks) -> String {
        var html = "<details class=\"segments\" id=\"\(id)-segments\" data-live open><summary>"
            + "\(ConsoleFormat.plural(channel.segmentCount, "segment"))</summary>"
        guard !channel.recentSegments.isEmpty else { return html + "<p class=\"muted\">none yet</p></details>\n" }
        html += "<ol reversed>"
        for segment in channel.recentSegments.suffix(segmentLimit).reversed() {
            let name = segment.key.split(separator: "/").last.map(String.init) ?? segment.key
            let href = ConsoleFormat.escape(links.object(bucket: channel.bucket, key: segment.key, acl: acl))
            html += "<li><a href=\"\(href)\">\(ConsoleFormat.escape(name))</a> <span class=\"muted\">"
                + "\(ConsoleFormat.seconds(milliseconds: segment.durationMilliseconds)) s"
                + (segment.size.map { ", " + ConsoleFormat.bytes($0) } ?? ", deleted") + "</span></li>"
        }
        return html + "</ol></details>\n"
    }

    private static func history(_ channel: ConsoleModel.Channel, id: String) -> String {
        var html = "<details id=\"\(id)-history\" data-live><summary>\(ConsoleFormat.plural(channel.history.count, "earlier push", "earlier pushes"))</summary>"
        guard !channel.history.isEmpty else { return html + "<p class=\"muted\">none yet</p></details>\n" }
        html += "<ul>"
        for push in channel.history.reversed() {
            html += "<li>\(ConsoleFormat.time(milliseconds: push.startTime * 1000)) – \(ConsoleFormat.time(milliseconds: push.endTime * 1000))"
                + " <span class=\"muted\">(\(ConsoleFormat.duration(seconds: push.endTime - push.startTime)) from \(ConsoleFormat.escape(push.remoteAddr)))</span></li>"
        }
        return html + "</ul></details>\n"
    }

    private static func tools(_ channel: ConsoleModel.Channel, id: String, acl: String, links: ConsoleLinks) -> String {
        let publish = links.publish(bucket: channel.bucket, channel: channel.name, acl: acl)
        let playlist = links.object(bucket: channel.bucket, key: channel.playlistKey, acl: acl)
        let server = "rtmp://\(links.host)/\(channel.bucket)/live"
        let streamKey = String(publish.dropFirst(server.count + 1))
        let commands: [(String, String)] = [
            ("publish URL", publish),
            ("ffmpeg", "ffmpeg -re -stream_loop -1 -i input.mp4 -c:v libx264 -preset veryfast -g 60 -c:a aac -f flv '\(publish)'"),
            ("OBS server", server),
            ("OBS stream key", streamKey),
            ("ffplay", "ffplay '\(playlist)'"),
        ]
        var html = "<details class=\"tools\"><summary>Publish, play, VOD</summary><dl>"
        for (index, (name, text)) in commands.enumerated() {
            html += "<dt>\(name)</dt><dd><code id=\"\(id)-cmd\(index)\">\(ConsoleFormat.escape(text))</code>"
                + " <button type=\"button\" data-copy=\"\(id)-cmd\(index)\">copy</button></dd>"
        }
        html += "</dl>"
        // The VOD playlist of a time range (epoch seconds or ISO 8601 UTC), through the admin endpoint that signs it.
        let first = channel.recentSegments.first.map { $0.startMilliseconds / 1000 } ?? links.nowSeconds - 3600
        let action = ConsoleFormat.escape("/_emulator\(ConsoleLinks.vodPath)\(channel.bucket)/" + PercentEncoding.encodeRFC3986(channel.name, keepSlash: false) + ".m3u8")
        html += "<form class=\"vod\" method=\"get\" action=\"\(action)\" target=\"_blank\"><label>VOD from "
            + "<input name=\"start\" value=\"\(first)\" size=\"12\" aria-label=\"start\"></label> <label>to "
            + "<input name=\"end\" value=\"\(links.nowSeconds)\" size=\"12\" aria-label=\"end\"></label> "
            + "<button type=\"submit\">open playlist</button> <span class=\"muted\">epoch seconds or 2026-01-01T00:00:00Z</span></form>"
        return html + "</details>\n"
    }
}
