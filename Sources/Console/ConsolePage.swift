import OSSProtocol

/// The console at `/_emulator/`: channels with their players and live
/// statistics, a bucket browser, the event list and the test-control state.
/// One self-contained HTML document (inline style and script, nothing loaded
/// from elsewhere) that shows everything without JavaScript; the script
/// keeps it current over the event stream and plays the live channels.
public enum ConsolePage {
    /// Newest events rendered into the page (the script adds later ones as they come).
    public static let eventLimit = 200
    /// Newest requests of the journal shown.
    public static let requestLimit = 10
    /// Newest segments listed per channel.
    public static let segmentLimit = 10
    /// Objects shown per page of the bucket browser.
    public static let listingPageSize = 200

    public static func render(_ model: ConsoleModel) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>oss-live-emulator console</title>
            <link rel="icon" type="image/svg+xml" href="/_emulator/favicon.ico">
            <style>\(ConsoleStyle.css)</style></head>
            <body data-last-event="\(model.events.last?.sequence ?? 0)">
            <header class="top"><h1>\(Favicon.inline) oss-live-emulator</h1>

            """
        html += summary(model)
        html += "</header>\n<main>\n"
        html += channelsSection(model)
        html += bucketsSection(model)
        html += eventsSection(model)
        if let control = model.control { html += controlSection(control) }
        html += "</main>\n<script>\(ConsoleScript.source)</script>\n</body></html>\n"
        return html
    }

    static func summary(_ model: ConsoleModel) -> String {
        let channels = model.channels
        let live = channels.filter(\.isLive).count
        return "<p id=\"summary\" data-live>\(ConsoleFormat.plural(model.buckets.count, "bucket")), "
            + "\(ConsoleFormat.plural(channels.count, "channel")), <span class=\"\(live > 0 ? "live" : "muted")\">\(live) live</span>"
            + " <span class=\"muted\">· <a href=\"/_emulator/channels\">channels JSON</a> · <a href=\"/_emulator/events?after=0\">event stream</a></span></p>\n"
    }

    static func channelsSection(_ model: ConsoleModel) -> String {
        var html = "<section id=\"channels\"><h2>Live channels</h2>\n"
        let channels = model.channels
        if channels.isEmpty {
            html += "<p class=\"muted\" id=\"no-channels\" data-live>No channels yet: create one with PutLiveChannel "
                + "(e.g. <code>bucket.create_live_channel(name, LiveChannelInfo(target=LiveChannelInfoTarget()))</code> in oss2).</p>\n"
        }
        html += "<div class=\"cards\" id=\"cards\">\n"
        for channel in channels {
            html += card(channel, acl: model.acl(of: channel.bucket), links: model.links)
        }
        html += "</div></section>\n"
        return html
    }

    static func controlSection(_ control: ConsoleModel.TestControl) -> String {
        var html = "<section id=\"control\" data-live><h2>Test control</h2>\n<p>Clock: \(ConsoleFormat.time(milliseconds: control.nowMilliseconds))"
        html += control.offsetMilliseconds == 0
            ? " (real time)" : " (offset \(ConsoleFormat.decimal(Double(control.offsetMilliseconds) / 1000)) s)"
        html += "; \(ConsoleFormat.plural(control.faults.count, "fault rule")) active.</p>\n"
        if !control.faults.isEmpty {
            html += "<div class=\"scroll\"><table><tr><th>rule</th><th>matches</th><th>action</th><th>remaining</th></tr>\n"
            for rule in control.faults {
                html += "<tr><td>\(rule.id)</td><td>\(ConsoleFormat.escape(rule.matches))</td><td>\(ConsoleFormat.escape(rule.action))</td>"
                    + "<td>\(ConsoleFormat.escape(rule.remaining))</td></tr>\n"
            }
            html += "</table></div>\n"
        }
        html += "<h3>Recent requests</h3>\n"
        guard !control.requests.isEmpty else { return html + "<p class=\"muted\">none yet</p></section>\n" }
        html += "<div class=\"scroll\"><table><tr><th>#</th><th>time</th><th>operation</th><th>object</th><th>status</th><th>ms</th><th>auth</th></tr>\n"
        for request in control.requests.suffix(requestLimit).reversed() {
            html += "<tr><td>\(request.sequence)</td><td>\(ConsoleFormat.time(milliseconds: request.time))</td>"
                + "<td>\(ConsoleFormat.escape(request.operation))</td><td>\(ConsoleFormat.escape(request.object))</td>"
                + "<td>\(ConsoleFormat.escape(request.status))</td><td>\(request.durationMilliseconds)</td><td>\(ConsoleFormat.escape(request.auth))</td></tr>\n"
        }
        return html + "</table></div></section>\n"
    }

    /// A query string for the page with these parameters (empty ones left out).
    static func query(_ items: [(String, String?)]) -> String {
        let kept = items.compactMap { name, value -> String? in
            guard let value, !value.isEmpty else { return nil }
            return name + "=" + PercentEncoding.encodeRFC3986(value, keepSlash: true)
        }
        return kept.isEmpty ? "/_emulator/" : "/_emulator/?" + kept.joined(separator: "&")
    }
}
