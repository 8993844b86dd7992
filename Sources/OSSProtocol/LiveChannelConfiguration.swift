/// `Status` of a channel's configuration (lower-case on the wire; Java rejects anything else).
public enum LiveChannelStatus: String, Sendable, Equatable, Codable, CaseIterable {
    case enabled
    case disabled

    /// The `status` query value of PutLiveChannelStatus; anything else is 400 InvalidArgument.
    public static func parse(queryValue: String?) throws(OSSError) -> LiveChannelStatus {
        guard let queryValue, let status = LiveChannelStatus(rawValue: queryValue) else {
            throw .invalidArgument("status must be enabled or disabled.", name: "status", value: queryValue ?? "")
        }
        return status
    }
}

/// Stored and echoed, never acted on (an emulator takes no snapshots).
public struct SnapshotConfiguration: Sendable, Equatable, Codable {
    public var roleName: String
    public var destBucket: String
    public var notifyTopic: String
    public var interval: Int

    public init(roleName: String, destBucket: String, notifyTopic: String, interval: Int) {
        self.roleName = roleName
        self.destBucket = destBucket
        self.notifyTopic = notifyTopic
        self.interval = interval
    }
}

/// A channel's configuration with effective values (defaults filled in), spec §3.1/§3.4.
public struct LiveChannelConfiguration: Sendable, Equatable, Codable {
    public static let maxDescriptionBytes = 128
    public static let fragDurationRange = 1...100
    public static let fragCountRange = 1...100
    public static let snapshotIntervalRange = 1...100
    public static let defaultFragDuration = 5
    public static let defaultFragCount = 3
    public static let defaultPlaylistName = "playlist.m3u8"
    /// The only target type OSS supports.
    public static let hlsType = "HLS"

    public var description: String
    public var status: LiveChannelStatus
    public var type: String
    /// Seconds per segment.
    public var fragDuration: Int
    /// Segments in the live playlist.
    public var fragCount: Int
    public var playlistName: String
    public var snapshot: SnapshotConfiguration?

    public init(description: String = "", status: LiveChannelStatus = .enabled, type: String = hlsType,
                fragDuration: Int = defaultFragDuration, fragCount: Int = defaultFragCount,
                playlistName: String = defaultPlaylistName, snapshot: SnapshotConfiguration? = nil) {
        self.description = description
        self.status = status
        self.type = type
        self.fragDuration = fragDuration
        self.fragCount = fragCount
        self.playlistName = playlistName
        self.snapshot = snapshot
    }

    /// Parses and validates a PutLiveChannel body. Empty elements count as absent
    /// (oss2 sends `<PlaylistName />`, `<Description />`).
    public static func parse(_ xml: [UInt8]) throws(OSSError) -> LiveChannelConfiguration {
        let root = try XMLDocument.parse(xml)
        guard root.name == "LiveChannelConfiguration" else {
            throw .malformedXML("root element must be LiveChannelConfiguration, not \(root.name)")
        }
        var config = LiveChannelConfiguration()

        if let description = nonEmpty(root, "Description") {
            guard description.utf8.count <= maxDescriptionBytes else {
                throw .invalidArgument("Description is longer than \(maxDescriptionBytes) bytes.",
                                       name: "Description", value: description, ec: "0044-00000001")
            }
            config.description = description
        }
        if let status = nonEmpty(root, "Status") {
            guard let parsed = LiveChannelStatus(rawValue: status) else {
                throw .invalidArgument("Status must be enabled or disabled.", name: "Status", value: status, ec: "0044-00000002")
            }
            config.status = parsed
        }

        guard let target = root.child("Target") else {
            throw .invalidArgument("Target is required.", name: "Target", value: "")
        }
        guard let type = nonEmpty(target, "Type"), type == hlsType else {
            throw .invalidArgument("Target Type must be HLS.", name: "Type", value: target.text(of: "Type") ?? "",
                                   ec: "0044-00000013")
        }
        config.type = type

        switch (nonEmpty(target, "FragDuration"), nonEmpty(target, "FragCount")) {
        case (nil, nil):
            break
        case let (duration?, count?):
            config.fragDuration = try integer(duration, in: fragDurationRange, name: "FragDuration", ec: "0044-00000014")
            config.fragCount = try integer(count, in: fragCountRange, name: "FragCount", ec: "0044-00000015")
        case (_?, nil):
            throw .invalidArgument("FragDuration and FragCount must be given together.", name: "FragCount", value: "",
                                   ec: "0044-00000015")
        case (nil, _?):
            throw .invalidArgument("FragDuration and FragCount must be given together.", name: "FragDuration", value: "",
                                   ec: "0044-00000014")
        }

        if let playlist = nonEmpty(target, "PlaylistName") {
            try NameRules.validatePlaylistName(playlist)
            config.playlistName = playlist
        }

        let snapshots = root.children("Snapshot")
        guard snapshots.count <= 1 else {
            throw .invalidArgument("At most one Snapshot is allowed.", name: "Snapshot", value: String(snapshots.count),
                                   ec: "0044-00000003")
        }
        if let snapshot = snapshots.first {
            config.snapshot = try parseSnapshot(snapshot)
        }
        return config
    }

    private static func parseSnapshot(_ node: XMLNode) throws(OSSError) -> SnapshotConfiguration {
        guard let role = nonEmpty(node, "RoleName") else {
            throw .invalidArgument("Snapshot RoleName is required.", name: "RoleName", value: "", ec: "0044-00000007")
        }
        let bucket = node.text(of: "DestBucket") ?? ""
        guard NameRules.isValidBucketName(bucket) else {
            throw .invalidArgument("Snapshot DestBucket is not a valid bucket name.", name: "DestBucket", value: bucket,
                                   ec: "0044-00000008")
        }
        guard let topic = nonEmpty(node, "NotifyTopic") else {
            throw .invalidArgument("Snapshot NotifyTopic is required.", name: "NotifyTopic", value: "", ec: "0044-00000006")
        }
        let interval = try integer(node.text(of: "Interval") ?? "", in: snapshotIntervalRange, name: "Interval", ec: nil)
        return SnapshotConfiguration(roleName: role, destBucket: bucket, notifyTopic: topic, interval: interval)
    }

    private static func nonEmpty(_ node: XMLNode, _ name: String) -> String? {
        guard let text = node.text(of: name), !text.isEmpty else { return nil }
        return text
    }

    private static func integer(_ text: String, in range: ClosedRange<Int>, name: String, ec: String?) throws(OSSError) -> Int {
        guard let value = strictInt(text), range.contains(value) else {
            throw .invalidArgument("\(name) must be an integer from \(range.lowerBound) to \(range.upperBound).",
                                   name: name, value: text, ec: ec)
        }
        return value
    }

    /// GetLiveChannelInfo body: every element with its effective value (Python requires all).
    public func infoXML() -> [UInt8] {
        var w = XMLWriter(root: "LiveChannelConfiguration")
        w.element("Description", description)
        w.element("Status", status.rawValue)
        w.open("Target")
        w.element("Type", type)
        w.element("FragDuration", fragDuration)
        w.element("FragCount", fragCount)
        w.element("PlaylistName", playlistName)
        w.close()
        if let snapshot {
            w.open("Snapshot")
            w.element("RoleName", snapshot.roleName)
            w.element("DestBucket", snapshot.destBucket)
            w.element("NotifyTopic", snapshot.notifyTopic)
            w.element("Interval", snapshot.interval)
            w.close()
        }
        return w.finish()
    }
}
