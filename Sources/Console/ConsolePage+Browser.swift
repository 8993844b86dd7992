/// The bucket browser and the event list.
extension ConsolePage {
    /// Event types offered by the filter, in the order they are listed.
    public static let eventTypes = [
        "publish-started", "publish-ended", "publish-refused", "segment-written", "playlist-updated", "write-failed",
        "fault-injected", "clock-changed", "lifecycle-applied", "reset",
    ]
    /// The type folded out of the list unless asked for: one per segment, it adds nothing to `segment-written`.
    public static let foldedEventType = "playlist-updated"

    static func bucketsSection(_ model: ConsoleModel) -> String {
        var html = "<section id=\"buckets\"><h2>Buckets</h2>\n"
        guard !model.buckets.isEmpty else { return html + "<p class=\"muted\" id=\"bucket-list\" data-live>No buckets yet.</p></section>\n" }
        let selected = model.listing?.bucket
        html += "<nav class=\"tabs\" id=\"bucket-list\" data-live>"
        for bucket in model.buckets {
            let current = bucket.name == selected ? " aria-current=\"page\"" : ""
            html += "<a href=\"\(ConsoleFormat.escape(query([("bucket", bucket.name)])))\"\(current)>\(ConsoleFormat.escape(bucket.name))"
                + " <span class=\"muted\">\(ConsoleFormat.escape(bucket.acl)) · \(ConsoleFormat.plural(bucket.objectCount, "object"))</span></a>"
        }
        html += "</nav>\n"
        if let listing = model.listing { html += self.listing(listing, acl: model.acl(of: listing.bucket), links: model.links) }
        return html + "</section>\n"
    }

    private static func listing(_ listing: ConsoleModel.Listing, acl: String, links: ConsoleLinks) -> String {
        var html = "<div id=\"listing\" data-live><p class=\"crumbs\">ACL <b>\(ConsoleFormat.escape(acl))</b> · "
            + "<a href=\"\(ConsoleFormat.escape(query([("bucket", listing.bucket)])))\">\(ConsoleFormat.escape(listing.bucket))</a>/"
        var walked = ""
        for part in listing.prefix.split(separator: "/") {
            walked += part + "/"
            html += "<a href=\"\(ConsoleFormat.escape(query([("bucket", listing.bucket), ("prefix", walked)])))\">\(ConsoleFormat.escape(String(part)))</a>/"
        }
        html += "</p>\n"
        guard !listing.folders.isEmpty || !listing.objects.isEmpty else { return html + "<p class=\"muted\">empty</p></div>\n" }
        html += "<div class=\"scroll\"><table class=\"objects\"><tr><th>name</th><th>size</th><th>type</th><th>modified</th></tr>\n"
        for folder in listing.folders {
            let name = String(folder.dropFirst(listing.prefix.count))
            html += "<tr class=\"folder\"><td><a href=\"\(ConsoleFormat.escape(query([("bucket", listing.bucket), ("prefix", folder)])))\">"
                + "\(ConsoleFormat.escape(name))</a></td><td></td><td class=\"muted\">folder</td><td></td></tr>\n"
        }
        for object in listing.objects {
            let name = String(object.key.dropFirst(listing.prefix.count))
            let href = ConsoleFormat.escape(links.object(bucket: listing.bucket, key: object.key, acl: acl))
            html += "<tr><td><a href=\"\(href)\" download>\(ConsoleFormat.escape(name.isEmpty ? object.key : name))</a></td>"
                + "<td>\(ConsoleFormat.bytes(object.size))</td><td>\(ConsoleFormat.escape(object.contentType))</td>"
                + "<td>\(ConsoleFormat.time(milliseconds: object.lastModified))</td></tr>\n"
        }
        html += "</table></div>\n"
        if let marker = listing.nextMarker {
            let next = query([("bucket", listing.bucket), ("prefix", listing.prefix), ("marker", marker)])
            html += "<p><a href=\"\(ConsoleFormat.escape(next))\">next \(listingPageSize) →</a></p>\n"
        }
        return html + "</div>\n"
    }

    static func eventsSection(_ model: ConsoleModel) -> String {
        let selection = model.selection
        var html = "<section id=\"events-section\"><h2>Events</h2>\n<form class=\"filters\" method=\"get\" action=\"/_emulator/\">"
        if let bucket = model.listing?.bucket { html += "<input type=\"hidden\" name=\"bucket\" value=\"\(ConsoleFormat.escape(bucket))\">" }
        if !selection.prefix.isEmpty { html += "<input type=\"hidden\" name=\"prefix\" value=\"\(ConsoleFormat.escape(selection.prefix))\">" }
        html += "<label>channel <select name=\"channel\" id=\"event-channel\"><option value=\"\">all</option>"
        for channel in model.channels {
            let value = channel.bucket + "/" + channel.name
            html += "<option\(value == selection.eventChannel ? " selected" : "")>\(ConsoleFormat.escape(value))</option>"
        }
        html += "</select></label> <label>type <select name=\"type\" id=\"event-type\"><option value=\"\">all</option>"
        for type in eventTypes {
            html += "<option\(type == selection.eventType ? " selected" : "")>\(type)</option>"
        }
        html += "</select></label> <button type=\"submit\" class=\"nojs\">filter</button></form>\n"
        let events = model.events.suffix(eventLimit)
        let folded = events.filter { $0.type == foldedEventType }.count
        html += "<p class=\"muted\" id=\"folded\"><span id=\"folded-count\">\(folded)</span> playlist updates folded into their segments"
            + " (choose the type playlist-updated to list them).</p>\n<ol id=\"events\" class=\"events\">"
        for event in events.reversed() {
            html += eventRow(event, hidden: !matches(event, selection))
        }
        return html + "</ol></section>\n"
    }

    static func matches(_ event: ConsoleModel.Event, _ selection: ConsoleModel.Selection) -> Bool {
        if let type = selection.eventType { if event.type != type { return false } } else if event.type == foldedEventType { return false }
        if let channel = selection.eventChannel {
            guard let bucket = event.bucket, let name = event.channel, bucket + "/" + name == channel else { return false }
        }
        return true
    }

    static func eventRow(_ event: ConsoleModel.Event, hidden: Bool) -> String {
        let channel = event.bucket.flatMap { bucket in event.channel.map { bucket + "/" + $0 } } ?? ""
        return "<li data-seq=\"\(event.sequence)\" data-type=\"\(ConsoleFormat.escape(event.type))\" data-channel=\"\(ConsoleFormat.escape(channel))\""
            + (hidden ? " hidden" : "") + ">\(ConsoleFormat.time(milliseconds: event.time)) <span class=\"type t-\(ConsoleFormat.escape(event.type))\">"
            + "\(ConsoleFormat.escape(event.type))</span> \(ConsoleFormat.escape(event.summary))</li>\n"
    }
}
