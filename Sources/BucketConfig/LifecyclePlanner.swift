import OSSProtocol

/// Decides what a bucket's lifecycle rules do to one object or upload at a
/// given time. Pure: the sweep (`LifecycleSweep`) feeds it what the store holds.
///
/// Days count as OSS counts them: the last modification (or an upload's
/// initiation) is rounded up to the next UTC midnight, and the action is due
/// once that many days have passed since. A `CreatedBeforeDate` (or the older
/// `Date`) applies to everything last modified before that UTC midnight.
/// OSS then acts within the following day; the emulator acts at the first
/// sweep after the moment is due.
public struct LifecyclePlanner: Sendable {
    public static let secondsPerDay: Int64 = 86_400

    public let rules: [LifecycleRule]

    public init(_ configuration: LifecycleConfiguration) {
        rules = configuration.rules.filter(\.enabled)
    }

    public struct Object: Sendable, Equatable {
        public var key: String
        /// Epoch milliseconds.
        public var lastModified: Int64
        public var size: Int64
        public var storageClass: String
        public var tags: [ObjectTag]

        public init(key: String, lastModified: Int64, size: Int64, storageClass: String, tags: [ObjectTag]) {
            self.key = key
            self.lastModified = lastModified
            self.size = size
            self.storageClass = storageClass
            self.tags = tags
        }
    }

    public enum Action: Sendable, Equatable {
        case expire
        case transition(to: String)
    }

    /// Whether some rule may need the object's tags (so the sweep reads them).
    public var needsTags: Bool {
        rules.contains { !$0.tags.isEmpty || $0.filter?.not.contains { $0.tag != nil } == true }
    }

    /// The action due for `object` at `now` (epoch milliseconds): expiry wins
    /// over any transition; among transitions the coldest due class, and only
    /// to a class colder than the object's own.
    public func action(for object: Object, now: Int64) -> Action? {
        var coldest: String?
        for rule in rules where matches(rule, object) {
            if let time = rule.expiration?.time, isDue(time, since: object.lastModified, now: now) { return .expire }
            for transition in rule.transitions where isDue(transition.time, since: object.lastModified, now: now) {
                if StorageClassOrder.rank(transition.storageClass) > StorageClassOrder.rank(coldest ?? object.storageClass) {
                    coldest = transition.storageClass
                }
            }
        }
        return coldest.map { .transition(to: $0) }
    }

    /// Whether an unfinished multipart upload of `key` initiated at
    /// `initiated` (epoch milliseconds) is to be aborted at `now`. Uploads
    /// carry no tags, so rules that require tags never abort them.
    public func abortsUpload(key: String, initiated: Int64, now: Int64) -> Bool {
        rules.contains { rule in
            guard let time = rule.abortMultipartUpload, rule.tags.isEmpty, key.hasPrefix(rule.prefix) else { return false }
            if rule.filter?.not.contains(where: { $0.tag == nil && key.hasPrefix($0.prefix) }) == true { return false }
            return isDue(time, since: initiated, now: now)
        }
    }

    func matches(_ rule: LifecycleRule, _ object: Object) -> Bool {
        guard object.key.hasPrefix(rule.prefix) else { return false }
        for tag in rule.tags where !object.tags.contains(tag) { return false }
        if let filter = rule.filter {
            for not in filter.not where object.key.hasPrefix(not.prefix) {
                if let tag = not.tag {
                    if object.tags.contains(tag) { return false }
                } else {
                    return false
                }
            }
            if let greater = filter.objectSizeGreaterThan, object.size <= greater { return false }
            if let less = filter.objectSizeLessThan, object.size >= less { return false }
        }
        return true
    }

    /// `since` and `now` are epoch milliseconds.
    public static func isDue(_ time: LifecycleTime, since: Int64, now: Int64) -> Bool {
        let sinceSeconds = floorDivide(since, 1000)
        let nowSeconds = floorDivide(now, 1000)
        switch time {
        case .days(let days):
            let roundedUp = -floorDivide(-sinceSeconds, secondsPerDay) * secondsPerDay
            return nowSeconds >= roundedUp + Int64(days) * secondsPerDay
        case .createdBefore(let midnight):
            return sinceSeconds < midnight
        }
    }

    func isDue(_ time: LifecycleTime, since: Int64, now: Int64) -> Bool {
        Self.isDue(time, since: since, now: now)
    }

    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let quotient = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
    }
}
