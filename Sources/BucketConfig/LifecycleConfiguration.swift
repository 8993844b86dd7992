import OSSProtocol

/// A bucket's lifecycle rules (PutBucketLifecycle's `LifecycleConfiguration`).
/// Parsing and OSS's validation are in `LifecycleXML`; what the rules do to
/// objects is decided by `LifecyclePlanner`.
public struct LifecycleConfiguration: Sendable, Equatable {
    public var rules: [LifecycleRule]

    public init(rules: [LifecycleRule]) {
        self.rules = rules
    }
}

/// When an action applies: a number of days after an object's last
/// modification (or an upload's initiation), or to everything last modified
/// before a UTC midnight.
public enum LifecycleTime: Sendable, Equatable {
    case days(Int)
    /// Epoch seconds of a UTC midnight.
    case createdBefore(Int64)

    var isDays: Bool {
        if case .days = self { return true }
        return false
    }
}

public struct LifecycleExpiration: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case days(Int)
        /// The older `Date` element: objects last modified before it expire.
        case date(Int64)
        case createdBeforeDate(Int64)
        /// Accepted and echoed; there are no delete markers without versioning.
        case expiredObjectDeleteMarker(Bool)
    }

    public var kind: Kind

    public init(_ kind: Kind) {
        self.kind = kind
    }

    /// The expiration as a time, nil for `ExpiredObjectDeleteMarker`.
    public var time: LifecycleTime? {
        switch kind {
        case .days(let days): return .days(days)
        case .date(let seconds), .createdBeforeDate(let seconds): return .createdBefore(seconds)
        case .expiredObjectDeleteMarker: return nil
        }
    }
}

public struct LifecycleTransition: Sendable, Equatable {
    public var time: LifecycleTime
    public var storageClass: String
    /// Echoed only: transitions count from the last modification, never the last access.
    public var isAccessTime: Bool?
    public var returnToStdWhenVisit: Bool?
    public var allowSmallFile: Bool?

    public init(time: LifecycleTime, storageClass: String, isAccessTime: Bool? = nil,
                returnToStdWhenVisit: Bool? = nil, allowSmallFile: Bool? = nil) {
        self.time = time
        self.storageClass = storageClass
        self.isAccessTime = isAccessTime
        self.returnToStdWhenVisit = returnToStdWhenVisit
        self.allowSmallFile = allowSmallFile
    }
}

/// `Filter/Not`: objects under `prefix` (and carrying `tag`, when given) are left alone.
public struct LifecycleNot: Sendable, Equatable {
    public var prefix: String
    public var tag: ObjectTag?

    public init(prefix: String, tag: ObjectTag? = nil) {
        self.prefix = prefix
        self.tag = tag
    }
}

public struct LifecycleFilter: Sendable, Equatable {
    public var not: [LifecycleNot]
    /// Bytes; the object must be strictly larger.
    public var objectSizeGreaterThan: Int64?
    /// Bytes; the object must be strictly smaller.
    public var objectSizeLessThan: Int64?

    public init(not: [LifecycleNot] = [], objectSizeGreaterThan: Int64? = nil, objectSizeLessThan: Int64? = nil) {
        self.not = not
        self.objectSizeGreaterThan = objectSizeGreaterThan
        self.objectSizeLessThan = objectSizeLessThan
    }
}

public struct LifecycleRule: Sendable, Equatable {
    public var id: String
    public var prefix: String
    public var enabled: Bool
    /// Objects must carry every one of these tags.
    public var tags: [ObjectTag]
    public var filter: LifecycleFilter?
    public var expiration: LifecycleExpiration?
    public var transitions: [LifecycleTransition]
    public var abortMultipartUpload: LifecycleTime?

    public init(id: String, prefix: String, enabled: Bool = true, tags: [ObjectTag] = [], filter: LifecycleFilter? = nil,
                expiration: LifecycleExpiration? = nil, transitions: [LifecycleTransition] = [],
                abortMultipartUpload: LifecycleTime? = nil) {
        self.id = id
        self.prefix = prefix
        self.enabled = enabled
        self.tags = tags
        self.filter = filter
        self.expiration = expiration
        self.transitions = transitions
        self.abortMultipartUpload = abortMultipartUpload
    }
}

/// Storage classes ordered from warm to cold; lifecycle moves objects only colder.
public enum StorageClassOrder {
    public static let classes = ["Standard", "IA", "Archive", "ColdArchive", "DeepColdArchive"]

    /// The rank of a class (0 = Standard); unknown classes count as Standard.
    public static func rank(_ storageClass: String) -> Int {
        classes.firstIndex(of: storageClass) ?? 0
    }
}
