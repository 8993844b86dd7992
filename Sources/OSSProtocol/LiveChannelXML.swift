/// One entry of ListLiveChannel.
public struct LiveChannelSummary: Sendable, Equatable {
    public var name: String
    public var description: String
    public var status: LiveChannelStatus
    /// Time of the last configuration change.
    public var lastModified: Int64
    public var publishURL: String
    public var playURL: String

    public init(name: String, description: String, status: LiveChannelStatus, lastModified: Int64,
                publishURL: String, playURL: String) {
        self.name = name
        self.description = description
        self.status = status
        self.lastModified = lastModified
        self.publishURL = publishURL
        self.playURL = playURL
    }
}

/// Push state as GetLiveChannelStat reports it (capitalised; Java's enum parses exactly these).
public enum PushflowStatus: String, Sendable, Equatable, Codable {
    case idle = "Idle"
    case live = "Live"
    case disabled = "Disabled"
}

public struct LiveVideoStat: Sendable, Equatable {
    public var width: Int, height: Int
    /// Rounded to an integer: every SDK parses it as int.
    public var frameRate: Int
    public var bandwidth: Int64
    public var codec: String
    /// Details GetLiveChannelStat does not carry (the emulator's console shows them).
    public var details: LiveVideoDetails?

    public init(width: Int, height: Int, frameRate: Int, bandwidth: Int64, codec: String = "H264",
                details: LiveVideoDetails? = nil) {
        self.width = width
        self.height = height
        self.frameRate = frameRate
        self.bandwidth = bandwidth
        self.codec = codec
        self.details = details
    }
}

/// H.264 profile and level, key-frame interval and per-second byte counts of a live video track.
public struct LiveVideoDetails: Sendable, Equatable {
    public var profileIDC: Int
    public var constraintFlags: Int
    public var levelIDC: Int
    public var keyFrameIntervalMilliseconds: Int64?
    /// Bytes of each of the last whole seconds, oldest first.
    public var bandwidthHistory: [Int64]

    public init(profileIDC: Int, constraintFlags: Int, levelIDC: Int, keyFrameIntervalMilliseconds: Int64?, bandwidthHistory: [Int64]) {
        self.profileIDC = profileIDC
        self.constraintFlags = constraintFlags
        self.levelIDC = levelIDC
        self.keyFrameIntervalMilliseconds = keyFrameIntervalMilliseconds
        self.bandwidthHistory = bandwidthHistory
    }
}

/// AAC object type, channels and per-second byte counts of a live audio track.
public struct LiveAudioDetails: Sendable, Equatable {
    public var objectType: Int
    public var channels: Int
    public var bandwidthHistory: [Int64]

    public init(objectType: Int, channels: Int, bandwidthHistory: [Int64]) {
        self.objectType = objectType
        self.channels = channels
        self.bandwidthHistory = bandwidthHistory
    }
}

public struct LiveAudioStat: Sendable, Equatable {
    public var bandwidth: Int64
    public var sampleRate: Int
    public var codec: String
    public var details: LiveAudioDetails?

    public init(bandwidth: Int64, sampleRate: Int, codec: String = "AAC", details: LiveAudioDetails? = nil) {
        self.bandwidth = bandwidth
        self.sampleRate = sampleRate
        self.codec = codec
        self.details = details
    }
}

/// Input of the GetLiveChannelStat body.
public struct LiveChannelStatXML: Sendable, Equatable {
    public var status: PushflowStatus
    public var connectedTime: Int64?
    /// `ip:port` of the publisher.
    public var remoteAddr: String?
    public var video: LiveVideoStat?
    public var audio: LiveAudioStat?

    public init(status: PushflowStatus, connectedTime: Int64? = nil, remoteAddr: String? = nil,
                video: LiveVideoStat? = nil, audio: LiveAudioStat? = nil) {
        self.status = status
        self.connectedTime = connectedTime
        self.remoteAddr = remoteAddr
        self.video = video
        self.audio = audio
    }
}

/// One finished push, as GetLiveChannelHistory lists it.
public struct LiveRecord: Sendable, Equatable, Codable {
    public var startTime: Int64
    public var endTime: Int64
    public var remoteAddr: String

    public init(startTime: Int64, endTime: Int64, remoteAddr: String) {
        self.startTime = startTime
        self.endTime = endTime
        self.remoteAddr = remoteAddr
    }
}

/// LiveChannel response bodies (spec §3).
public enum LiveChannelXML {
    /// GetLiveChannelHistory lists at most this many pushes, the most recent ones.
    public static let maxHistoryRecords = 10

    /// PutLiveChannel: Java needs both containers, Python reads the first `Url` of each.
    public static func createResult(publishURL: String, playURL: String) -> [UInt8] {
        var w = XMLWriter(root: "CreateLiveChannelResult")
        w.open("PublishUrls")
        w.element("Url", publishURL)
        w.close()
        w.open("PlayUrls")
        w.element("Url", playURL)
        w.close()
        return w.finish()
    }

    /// ListLiveChannel: the four leading elements always (Python raises without them);
    /// NextMarker empty unless truncated (Go's test expects "").
    public static func list(prefix: String, marker: String, maxKeys: Int, isTruncated: Bool, nextMarker: String?,
                            channels: [LiveChannelSummary]) -> [UInt8] {
        var w = XMLWriter(root: "ListLiveChannelResult")
        w.element("Prefix", prefix)
        w.element("Marker", marker)
        w.element("MaxKeys", maxKeys)
        w.element("IsTruncated", isTruncated)
        w.element("NextMarker", isTruncated ? (nextMarker ?? "") : "")
        for channel in channels {
            w.open("LiveChannel")
            w.element("Name", channel.name)
            w.element("Description", channel.description)
            w.element("Status", channel.status.rawValue)
            w.element("LastModified", OSSTime.iso8601(channel.lastModified))
            w.open("PublishUrls")
            w.element("Url", channel.publishURL)
            w.close()
            w.open("PlayUrls")
            w.element("Url", channel.playURL)
            w.close()
            w.close()
        }
        return w.finish()
    }

    /// GetLiveChannelStat: Idle and Disabled carry only `Status` (an empty ConnectedTime
    /// breaks Go and Java); Live adds the connection and, once known, Video and Audio.
    public static func stat(_ stat: LiveChannelStatXML) -> [UInt8] {
        var w = XMLWriter(root: "LiveChannelStat")
        w.element("Status", stat.status.rawValue)
        guard stat.status == .live else { return w.finish() }
        if let connected = stat.connectedTime { w.element("ConnectedTime", OSSTime.iso8601(connected)) }
        if let remote = stat.remoteAddr { w.element("RemoteAddr", remote) }
        if let video = stat.video {
            w.open("Video")
            w.element("Width", video.width)
            w.element("Height", video.height)
            w.element("FrameRate", video.frameRate)
            w.element("Bandwidth", video.bandwidth)
            w.element("Codec", video.codec)
            w.close()
        }
        if let audio = stat.audio {
            w.open("Audio")
            w.element("Bandwidth", audio.bandwidth)
            w.element("SampleRate", audio.sampleRate)
            w.element("Codec", audio.codec)
            w.close()
        }
        return w.finish()
    }

    /// GetLiveChannelHistory: records oldest first, only the last `maxHistoryRecords`.
    public static func history(_ records: [LiveRecord]) -> [UInt8] {
        var w = XMLWriter(root: "LiveChannelHistory")
        for record in records.suffix(maxHistoryRecords) {
            w.open("LiveRecord")
            w.element("StartTime", OSSTime.iso8601(record.startTime))
            w.element("EndTime", OSSTime.iso8601(record.endTime))
            w.element("RemoteAddr", record.remoteAddr)
            w.close()
        }
        return w.finish()
    }
}
