import OSSProtocol

/// Everything the console page shows, gathered by the emulator for one
/// request. Plain values: the page is a function of this model.
public struct ConsoleModel: Sendable {
    public struct Segment: Sendable, Equatable {
        public var key: String
        public var startMilliseconds: Int64
        public var durationMilliseconds: Int64
        /// nil when the object is gone (deleted by a client or a lifecycle rule).
        public var size: Int64?

        public init(key: String, startMilliseconds: Int64, durationMilliseconds: Int64, size: Int64?) {
            self.key = key
            self.startMilliseconds = startMilliseconds
            self.durationMilliseconds = durationMilliseconds
            self.size = size
        }
    }

    public struct Push: Sendable, Equatable {
        public var startTime: Int64
        public var endTime: Int64
        public var remoteAddr: String

        public init(startTime: Int64, endTime: Int64, remoteAddr: String) {
            self.startTime = startTime
            self.endTime = endTime
            self.remoteAddr = remoteAddr
        }
    }

    public enum State: Sendable, Equatable {
        case idle, disabled
        /// `connectedTime` in epoch seconds.
        case live(connectedTime: Int64, remoteAddr: String, video: LiveVideoStat?, audio: LiveAudioStat?)
    }

    public struct Channel: Sendable {
        public var bucket: String
        public var name: String
        public var description: String
        public var playlistName: String
        public var fragDuration: Int
        public var fragCount: Int
        public var state: State
        public var segmentCount: Int
        /// Newest last.
        public var recentSegments: [Segment]
        public var history: [Push]

        public init(bucket: String, name: String, description: String, playlistName: String, fragDuration: Int, fragCount: Int,
                    state: State, segmentCount: Int, recentSegments: [Segment], history: [Push]) {
            self.bucket = bucket
            self.name = name
            self.description = description
            self.playlistName = playlistName
            self.fragDuration = fragDuration
            self.fragCount = fragCount
            self.state = state
            self.segmentCount = segmentCount
            self.recentSegments = recentSegments
            self.history = history
        }

        public var playlistKey: String { name + "/" + playlistName }
        public var isLive: Bool {
            if case .live = state { return true }
            return false
        }
    }

    public struct Bucket: Sendable {
        public var name: String
        /// `private`, `public-read` or `public-read-write`.
        public var acl: String
        public var objectCount: Int
        public var channels: [Channel]

        public init(name: String, acl: String, objectCount: Int, channels: [Channel]) {
            self.name = name
            self.acl = acl
            self.objectCount = objectCount
            self.channels = channels
        }
    }

    public struct Event: Sendable, Equatable {
        public var sequence: UInt64
        /// Epoch milliseconds.
        public var time: Int64
        public var type: String
        public var bucket: String?
        public var channel: String?
        public var summary: String

        public init(sequence: UInt64, time: Int64, type: String, bucket: String?, channel: String?, summary: String) {
            self.sequence = sequence
            self.time = time
            self.type = type
            self.bucket = bucket
            self.channel = channel
            self.summary = summary
        }
    }

    /// One page of a bucket's objects under a prefix, `/` as the delimiter.
    public struct Listing: Sendable {
        public struct Object: Sendable, Equatable {
            public var key: String
            public var size: Int64
            public var contentType: String
            /// Epoch milliseconds.
            public var lastModified: Int64

            public init(key: String, size: Int64, contentType: String, lastModified: Int64) {
                self.key = key
                self.size = size
                self.contentType = contentType
                self.lastModified = lastModified
            }
        }

        public var bucket: String
        public var prefix: String
        public var folders: [String]
        public var objects: [Object]
        /// Where the next page starts, when there is one.
        public var nextMarker: String?

        public init(bucket: String, prefix: String, folders: [String], objects: [Object], nextMarker: String?) {
            self.bucket = bucket
            self.prefix = prefix
            self.folders = folders
            self.objects = objects
            self.nextMarker = nextMarker
        }
    }

    /// The clock, fault rules and request journal (already rendered as text by the emulator).
    public struct TestControl: Sendable {
        public struct Rule: Sendable, Equatable {
            public var id: Int
            public var matches: String
            public var action: String
            public var remaining: String

            public init(id: Int, matches: String, action: String, remaining: String) {
                self.id = id
                self.matches = matches
                self.action = action
                self.remaining = remaining
            }
        }

        public struct Request: Sendable, Equatable {
            public var sequence: UInt64
            public var time: Int64
            public var operation: String
            public var object: String
            public var status: String
            public var durationMilliseconds: Int64
            public var auth: String

            public init(sequence: UInt64, time: Int64, operation: String, object: String, status: String,
                        durationMilliseconds: Int64, auth: String) {
                self.sequence = sequence
                self.time = time
                self.operation = operation
                self.object = object
                self.status = status
                self.durationMilliseconds = durationMilliseconds
                self.auth = auth
            }
        }

        public var nowMilliseconds: Int64
        public var offsetMilliseconds: Int64
        public var faults: [Rule]
        public var requests: [Request]

        public init(nowMilliseconds: Int64, offsetMilliseconds: Int64, faults: [Rule], requests: [Request]) {
            self.nowMilliseconds = nowMilliseconds
            self.offsetMilliseconds = offsetMilliseconds
            self.faults = faults
            self.requests = requests
        }
    }

    /// What the page was asked to show (its query).
    public struct Selection: Sendable, Equatable {
        public var bucket: String?
        public var prefix: String
        public var marker: String?
        /// `bucket/channel`.
        public var eventChannel: String?
        public var eventType: String?

        public init(bucket: String? = nil, prefix: String = "", marker: String? = nil, eventChannel: String? = nil, eventType: String? = nil) {
            self.bucket = bucket
            self.prefix = prefix
            self.marker = marker
            self.eventChannel = eventChannel
            self.eventType = eventType
        }

        public init(query: [QueryItem]) {
            func value(_ name: String) -> String? {
                guard let text = query.first(where: { $0.name == name })?.value, !text.isEmpty else { return nil }
                return text
            }
            self.init(bucket: value("bucket"), prefix: value("prefix") ?? "", marker: value("marker"),
                      eventChannel: value("channel"), eventType: value("type"))
        }
    }

    public var buckets: [Bucket]
    public var events: [Event]
    public var listing: Listing?
    public var control: TestControl?
    public var selection: Selection
    public var links: ConsoleLinks

    public init(buckets: [Bucket], events: [Event], listing: Listing?, control: TestControl?, selection: Selection, links: ConsoleLinks) {
        self.buckets = buckets
        self.events = events
        self.listing = listing
        self.control = control
        self.selection = selection
        self.links = links
    }

    public var channels: [Channel] { buckets.flatMap(\.channels) }

    public func acl(of bucket: String) -> String {
        buckets.first { $0.name == bucket }?.acl ?? "private"
    }
}
