/// The `connect` command's parameters (media-pipeline.md §3.2).
public struct ConnectRequest: Sendable, Equatable {
    public var app: String
    public var tcUrl: String?
    public var flashVer: String?
    public var objectEncoding: Double
    /// The whole command object, for anything else a client sends.
    public var object: AMF0Value

    public init(object: AMF0Value) {
        self.object = object
        self.app = object["app"]?.stringValue ?? ""
        self.tcUrl = object["tcUrl"]?.stringValue
        self.flashVer = object["flashVer"]?.stringValue
        self.objectEncoding = object["objectEncoding"]?.numberValue ?? 0
    }
}

/// A `publish` waiting for the owner's decision.
///
/// `streamName` is exactly what the client sent, query included. Clients
/// split the URL path at `/` without looking at `?`, so a query containing
/// `/` can end up partly in `app` (see media-pipeline.md §3.2): join
/// `app + "/" + streamName` before splitting off the query.
public struct PublishRequest: Sendable, Equatable {
    public var app: String
    public var tcUrl: String?
    public var streamName: String
    /// "live", "record" or "append"; publishers send "live".
    public var publishType: String
    public var streamID: UInt32

    public init(app: String, tcUrl: String?, streamName: String, publishType: String, streamID: UInt32) {
        self.app = app
        self.tcUrl = tcUrl
        self.streamName = streamName
        self.publishType = publishType
        self.streamID = streamID
    }
}

public enum PublishEndReason: Sendable, Equatable {
    /// The client sent FCUnpublish, deleteStream or closeStream.
    case unpublished(command: String)
    /// The owner reported that the connection closed.
    case connectionClosed
    /// The session closed the connection.
    case closed(CloseReason)
}

/// What the server session reports to its owner.
///
/// Every `publishRequested` is followed by exactly one `publishEnded`,
/// unless the owner rejects it. A `publishEnded` that arrives before the
/// owner's decision means the client is gone: the decision is then ignored.
public enum ServerEvent: Sendable, Equatable {
    case connected(ConnectRequest)
    case publishRequested(PublishRequest)
    /// Metadata and other data messages, only while publishing.
    case data(DataMessage)
    /// Audio (type 8) while publishing; the payload is an FLV audio tag body.
    case audio(MediaMessage)
    /// Video (type 9) while publishing; the payload is an FLV video tag body.
    case video(MediaMessage)
    case publishEnded(PublishEndReason)
}
