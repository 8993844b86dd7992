import LiveIngest
import OSSProtocol

/// The page at `/_emulator/`: channels with their live statistics, recent
/// segments and play links. One self-contained HTML document (no scripts,
/// styles or images from elsewhere); it reloads itself every few seconds.
enum StatusPage {
    /// Seconds between the page's reloads.
    static let refreshSeconds = 2
    /// Validity of the signed play links on the page.
    static let playLinkLifetimeSeconds: Int64 = 3600
    /// Newest events shown.
    static let recentEventLimit = 20

    struct Links {
        /// The Host the page was asked for, with its port.
        var host: String
        var credential: Credential?
        var nowSeconds: Int64

        /// The playlist's URL; signed when the bucket is not public-read.
        func play(bucket: String, acl: String, key: String) -> String {
            let path = "/" + bucket + "/" + PercentEncoding.encodeRFC3986(key, keepSlash: true)
            guard acl == "private", let credential else { return "http://\(host)\(path)" }
            let expires = nowSeconds + StatusPage.playLinkLifetimeSeconds
            let stringToSign = V1Signature.stringToSign(
                method: "GET", contentMD5: "", contentType: "", date: String(expires), ossHeaders: [:],
                bucket: bucket, key: key, query: [])
            let signature = V1Signature.sign(secret: credential.accessKeySecret, stringToSign: stringToSign)
            return "http://\(host)\(path)?OSSAccessKeyId=\(PercentEncoding.encodeRFC3986(credential.accessKeyId, keepSlash: false))"
                + "&Expires=\(expires)&Signature=\(PercentEncoding.encodeRFC3986(signature, keepSlash: false))"
        }
    }

    /// The test-control state shown on the page.
    struct TestControl {
        var nowMilliseconds: Int64
        var offsetMilliseconds: Int64
        var faults: [FaultRule]
        var requests: [RequestRecord]
    }

    /// Newest journal entries shown.
    static let recentRequestLimit = 10

    static func plural(_ count: Int, _ word: String) -> String {
        "\(count) \(word)\(count == 1 ? "" : "s")"
    }

    static func render(_ buckets: [ChannelOverview.Bucket], events: [EmulatorEventRecord], links: Links,
                       control: TestControl? = nil) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta http-equiv="refresh" content="\(refreshSeconds)">
            <title>oss-live-emulator</title>
            <style>
            body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
            table{border-collapse:collapse;margin:.5em 0 1.5em}
            th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}
            th{background:#f3f3f3}.live{color:#080;font-weight:bold}.muted{color:#888}
            code{font-size:12px}
            </style></head><body>
            <h1>oss-live-emulator</h1>

            """
        let channelCount = buckets.reduce(0) { $0 + $1.channels.count }
        let liveCount = buckets.reduce(0) { $0 + $1.channels.filter(\.isLive).count }
        html += "<p>\(plural(buckets.count, "bucket")), \(plural(channelCount, "channel")), <span class=\"live\">\(liveCount) live</span>.</p>\n"
        for bucket in buckets {
            html += "<h2>bucket \(escape(bucket.name)) <span class=\"muted\">(\(escape(bucket.acl.rawValue)))</span></h2>\n"
            guard !bucket.channels.isEmpty else {
                html += "<p class=\"muted\">no channels</p>\n"
                continue
            }
            html += "<table><tr><th>channel</th><th>state</th><th>video</th><th>audio</th><th>segments</th><th>recent segments</th><th>play</th></tr>\n"
            for channel in bucket.channels {
                html += row(channel, acl: bucket.acl.rawValue, links: links)
            }
            html += "</table>\n"
        }
        if let control { html += testControl(control) }
        html += "<h2>recent events</h2>\n<table><tr><th>#</th><th>event</th><th>details</th></tr>\n"
        for record in events.suffix(recentEventLimit).reversed() {
            html += "<tr><td>\(record.sequence)</td><td>\(escape(record.event.name))</td><td><code>\(escape(record.json.rendered))</code></td></tr>\n"
        }
        html += "</table>\n</body></html>\n"
        return html
    }

    private static func testControl(_ control: TestControl) -> String {
        var html = "<h2>test control</h2>\n<p>clock: \(escape(OSSTime.iso8601Milliseconds(control.nowMilliseconds)))"
        html += control.offsetMilliseconds == 0 ? " (real time)" : " (offset \(Double(control.offsetMilliseconds) / 1000) s)"
        html += "; \(plural(control.faults.count, "fault rule")) active.</p>\n"
        if !control.faults.isEmpty {
            html += "<table><tr><th>rule</th><th>matches</th><th>action</th><th>remaining</th></tr>\n"
            for rule in control.faults {
                let match = [rule.operation, rule.method, rule.bucket, rule.key].compactMap { $0 }.joined(separator: " ")
                html += "<tr><td>\(rule.id)</td><td>\(escape(match.isEmpty ? "any" : match))</td><td>\(escape(rule.actionDescription))"
                    + (rule.probability < 1 ? " (p \(rule.probability))" : "") + "</td><td>\(rule.times.map(String.init) ?? "∞")</td></tr>\n"
            }
            html += "</table>\n"
        }
        html += "<table><tr><th>#</th><th>time</th><th>operation</th><th>object</th><th>status</th><th>ms</th><th>auth</th></tr>\n"
        for record in control.requests.suffix(recentRequestLimit).reversed() {
            let object = [record.bucket, record.key].compactMap { $0 }.joined(separator: "/")
            let status = record.errorCode.map { "\(record.status) \($0)" } ?? String(record.status)
            html += "<tr><td>\(record.sequence)</td><td>\(escape(OSSTime.iso8601Milliseconds(record.time)))</td>"
                + "<td>\(escape(record.operation))</td><td>\(escape(object))</td><td>\(escape(status))</td>"
                + "<td>\(record.durationMilliseconds)</td><td>\(escape(record.auth))</td></tr>\n"
        }
        html += "</table>\n"
        return html
    }

    private static func row(_ channel: ChannelOverview.Channel, acl: String, links: Links) -> String {
        var state = ""
        var video = "<span class=\"muted\">-</span>"
        var audio = video
        switch channel.live {
        case .live(let connected, let remote, let videoStat, let audioStat):
            state = "<span class=\"live\">Live</span> from \(escape(remote)) since \(escape(OSSTime.iso8601(connected)))"
            if let v = videoStat {
                video = "\(v.width)x\(v.height) \(v.frameRate) fps, \(v.bandwidth) B/s"
            }
            if let a = audioStat {
                audio = "\(a.sampleRate) Hz, \(a.bandwidth) B/s"
            }
        case .idle: state = "Idle"
        case .disabled: state = "Disabled"
        }
        let segments = channel.recentSegments.reversed().map { segment in
            "\(escape(segment.fileName)) (\(formatMilliseconds(segment.durationMilliseconds)) s)"
        }.joined(separator: "<br>")
        let play = links.play(bucket: channel.bucket, acl: acl, key: channel.playlistKey)
        return "<tr><td>\(escape(channel.name))</td><td>\(state)</td><td>\(video)</td><td>\(audio)</td>"
            + "<td>\(channel.segmentCount)</td><td>\(segments.isEmpty ? "<span class=\"muted\">none</span>" : segments)</td>"
            + "<td><a href=\"\(escape(play))\">\(escape(channel.configuration.playlistName))</a></td></tr>\n"
    }

    static func formatMilliseconds(_ value: Int64) -> String {
        let fraction = String(abs(value) % 1000)
        return "\(value / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
