import Console
import LiveIngest
import OSSProtocol
import Storage

/// Every bucket's channels with status, live statistics and their newest
/// segments: what `/_emulator/channels` and the console show.
struct ChannelOverview: Sendable {
    /// Newest segments listed per channel.
    static let recentSegmentLimit = 5

    struct Channel: Sendable {
        var bucket: String
        var name: String
        var configuration: LiveChannelConfiguration
        var live: ChannelRegistry.LiveStatus
        var segmentCount: Int
        /// Newest last.
        var recentSegments: [SegmentRecord]
        var history: [LiveRecord]

        var isLive: Bool {
            if case .live = live { return true }
            return false
        }

        var playlistKey: String { name + "/" + configuration.playlistName }
    }

    struct Bucket: Sendable {
        var name: String
        var acl: Storage.BucketACL
        var channels: [Channel]
    }

    static func collect(store: ObjectStore, channels registry: ChannelRegistry, recentLimit: Int = recentSegmentLimit) -> [Bucket] {
        let index = SegmentIndex(store: store)
        return store.listBuckets().map { bucket in
            let records = registry.list(bucket: bucket.name, prefix: "", marker: "", maxKeys: Int.max).records
            let channels = records.compactMap { record -> Channel? in
                guard let live = try? registry.liveStatus(bucket: bucket.name, name: record.name) else { return nil }
                let segments = (try? index.segments(bucket: bucket.name, channel: record.name)) ?? []
                return Channel(
                    bucket: bucket.name, name: record.name, configuration: record.configuration, live: live,
                    segmentCount: segments.count, recentSegments: Array(segments.suffix(recentLimit)),
                    history: record.history)
            }
            return Bucket(name: bucket.name, acl: bucket.acl, channels: channels)
        }
    }

    static func json(_ buckets: [Bucket]) -> JSONValue {
        .object([("buckets", .array(buckets.map { bucket in
            .object([
                ("name", .string(bucket.name)), ("acl", .string(bucket.acl.rawValue)),
                ("channels", .array(bucket.channels.map(json))),
            ])
        }))])
    }

    static func json(_ channel: Channel) -> JSONValue {
        var live: JSONValue = .null
        if case .live(let connected, let remote, let video, let audio) = channel.live {
            live = .object([
                ("connectedTime", .int(connected)), ("remoteAddr", .string(remote)),
                ("video", video.map { stat in .object([
                    ("width", .int(stat.width)), ("height", .int(stat.height)), ("frameRate", .int(stat.frameRate)),
                    ("bandwidth", .int(stat.bandwidth)), ("codec", .string(stat.codec)),
                ] + (stat.details.map { details in [
                    ("profile", .string(ConsoleFormat.h264Profile(details.profileIDC, constraintFlags: details.constraintFlags))),
                    ("level", .string(ConsoleFormat.h264Level(details.levelIDC))),
                    ("keyFrameIntervalMilliseconds", details.keyFrameIntervalMilliseconds.map { .int($0) } ?? .null),
                ] } ?? [])) } ?? .null),
                ("audio", audio.map { stat in .object([
                    ("sampleRate", .int(stat.sampleRate)), ("bandwidth", .int(stat.bandwidth)), ("codec", .string(stat.codec)),
                ] + (stat.details.map { details in [
                    ("objectType", .int(Int64(details.objectType))), ("profile", .string(ConsoleFormat.aacObjectType(details.objectType))),
                    ("channels", .int(Int64(details.channels))),
                ] } ?? [])) } ?? .null),
            ])
        }
        let state: String
        switch channel.live {
        case .live: state = "Live"
        case .idle: state = "Idle"
        case .disabled: state = "Disabled"
        }
        return .object([
            ("name", .string(channel.name)),
            ("status", .string(channel.configuration.status.rawValue)),
            ("state", .string(state)),
            ("description", .string(channel.configuration.description)),
            ("playlistKey", .string(channel.playlistKey)),
            ("fragDuration", .int(channel.configuration.fragDuration)),
            ("fragCount", .int(channel.configuration.fragCount)),
            ("live", live),
            ("segmentCount", .int(channel.segmentCount)),
            ("lastSegments", .array(channel.recentSegments.map { segment in
                .object([
                    ("key", .string(segment.key)), ("startMilliseconds", .int(segment.startMilliseconds)),
                    ("durationMilliseconds", .int(segment.durationMilliseconds)),
                ])
            })),
            ("history", .array(channel.history.map { push in
                .object([("startTime", .int(push.startTime)), ("endTime", .int(push.endTime)), ("remoteAddr", .string(push.remoteAddr))])
            })),
        ])
    }
}
