import BucketConfig
import OSSProtocol
import Locking

/// One fault-injection rule: which requests (or pushes) it matches and what
/// it does to them. Wire shape (`POST /_emulator/faults`, `--faults FILE`):
/// `{"operation": "GetObject", "bucket": "b", "key": "logs/*",
///   "error": {"status": 503, "code": "ServiceUnavailable", "message": "injected"},
///   "delayMs": 200, "reset": true, "dropAfterSeconds": 3,
///   "probability": 0.5, "seed": 7, "times": 2}`.
public struct FaultRule: Sendable, Equatable {
    public struct InjectedError: Sendable, Equatable {
        public var status: Int
        public var code: String
        public var message: String

        public init(status: Int, code: String, message: String = "injected fault") {
            self.status = status
            self.code = code
            self.message = message
        }
    }

    /// Set when added.
    public internal(set) var id: Int = 0
    /// OSS operation name (`PutObject`, `UploadPart`, …) or `rtmp:publish`; nil: any.
    public var operation: String?
    /// Glob (`*`, `?`) on the bucket; nil: any.
    public var bucket: String?
    /// Glob on the object key (the channel for `rtmp:publish`); nil: any.
    public var key: String?
    /// HTTP method; nil: any.
    public var method: String?
    /// Answer with this OSS error instead of doing the request (for a push: refuse it with the code).
    public var error: InjectedError?
    /// Wait this long before doing (or failing) the request.
    public var delayMilliseconds: Int?
    /// Reset the connection instead of answering.
    public var reset = false
    /// For `rtmp:publish`: drop the publisher this many seconds after it starts.
    public var dropAfterSeconds: Double?
    /// For `rtmp:publish`: drop the publisher once it has sent this many bytes of media.
    public var dropAfterBytes: Int?
    /// Send the response body at this rate (then it is chunked, no Content-Length).
    public var bodyBytesPerSecond: Int?
    /// Send only this many bytes of the response body, then close the
    /// connection without completing it.
    public var truncateAfterBytes: Int?
    /// Never answer: the request (or publish) waits until the client gives up.
    public var stall = false
    /// For `rtmp:publish`: once admitted, the publisher's connection is not
    /// read for this many seconds (TCP back-pressure), then reading resumes.
    public var pauseReadingSeconds: Double?
    /// For `storage:write`: the write fails as on a full disk (ENOSPC), before
    /// anything changes (with `delayMs` alone, the write is only slow) — HTTP writes answer 500 InternalError, a push's
    /// segment becomes a `write-failed` event.
    public var outOfSpace = false
    /// Chance (0…1) that a matching request is hit.
    public var probability = 1.0
    /// Seed of the rule's random choices, so a failing run can be replayed.
    public var seed: UInt64?
    /// How many requests it hits before it is removed; nil: until removed.
    public var times: Int?

    public init(operation: String? = nil, bucket: String? = nil, key: String? = nil, method: String? = nil,
                error: InjectedError? = nil, delayMilliseconds: Int? = nil, reset: Bool = false,
                dropAfterSeconds: Double? = nil, outOfSpace: Bool = false, probability: Double = 1, seed: UInt64? = nil,
                times: Int? = nil) {
        self.outOfSpace = outOfSpace
        self.operation = operation
        self.bucket = bucket
        self.key = key
        self.method = method
        self.error = error
        self.delayMilliseconds = delayMilliseconds
        self.reset = reset
        self.dropAfterSeconds = dropAfterSeconds
        self.probability = probability
        self.seed = seed
        self.times = times
    }

    /// Longest delay a rule may ask for.
    public static let maxDelayMilliseconds = 600_000
    /// Rules kept at once.
    public static let maxRules = 1_000

    /// What the rule does, for events and logs.
    public var actionDescription: String {
        var parts: [String] = []
        if let delayMilliseconds { parts.append("delay \(delayMilliseconds) ms") }
        if let error { parts.append("error \(error.status) \(error.code)") }
        if reset { parts.append("reset") }
        if let dropAfterSeconds { parts.append("drop after \(dropAfterSeconds) s") }
        if let dropAfterBytes { parts.append("drop after \(dropAfterBytes) B") }
        if outOfSpace { parts.append("out of space") }
        if stall { parts.append("stall") }
        if let bodyBytesPerSecond { parts.append("body at \(bodyBytesPerSecond) B/s") }
        if let truncateAfterBytes { parts.append("body cut after \(truncateAfterBytes) B") }
        if let pauseReadingSeconds { parts.append("pause reading \(pauseReadingSeconds) s") }
        return parts.joined(separator: ", ")
    }

    func matches(operation: String, bucket: String?, key: String?, method: String?) -> Bool {
        if let wanted = self.operation, wanted != "*", wanted != operation { return false }
        if let wanted = self.method, let method, wanted.uppercased() != method { return false }
        if let pattern = self.bucket, !Self.glob(pattern, matches: bucket ?? "") { return false }
        if let pattern = self.key, !Self.glob(pattern, matches: key ?? "") { return false }
        return true
    }

    /// `*` any run (also empty), `?` one character; everything else literal.
    static func glob(_ pattern: String, matches text: String) -> Bool {
        Wildcard(pattern, questionMark: true).matches(text)
    }
}

/// The active fault rules. Each rule has its own seeded generator.
public final class FaultInjector: Sendable {
    private struct Active: Sendable {
        var rule: FaultRule
        var random: SplitMix64
    }

    private struct State: Sendable {
        var rules: [Active] = []
        var nextId = 1
    }

    private let state = Locked(State())

    public init() {}

    /// Adds a rule; returns its id.
    @discardableResult
    public func add(_ rule: FaultRule) throws(FaultRuleError) -> Int {
        try rule.validate()
        return try state.withLock { state throws(FaultRuleError) -> Int in
            guard state.rules.count < FaultRule.maxRules else { throw FaultRuleError("at most \(FaultRule.maxRules) rules") }
            var added = rule
            added.id = state.nextId
            state.nextId += 1
            let seed = rule.seed ?? UInt64(added.id) &* 0x9E37_79B9_7F4A_7C15
            state.rules.append(Active(rule: added, random: SplitMix64(seed: seed)))
            return added.id
        }
    }

    /// The active rules, with their remaining counts in `times`.
    public var rules: [FaultRule] { state.withLock { $0.rules.map(\.rule) } }

    public func remove(id: Int) -> Bool {
        state.withLock { state in
            let before = state.rules.count
            state.rules.removeAll { $0.rule.id == id }
            return state.rules.count != before
        }
    }

    public func removeAll() { state.withLock { $0.rules.removeAll() } }

    /// The first rule that matches and whose dice say yes; it uses up one of its `times`.
    func hit(operation: String, bucket: String?, key: String?, method: String?) -> FaultRule? {
        state.withLock { state in
            for index in state.rules.indices where state.rules[index].rule.matches(operation: operation, bucket: bucket, key: key, method: method) {
                let probability = state.rules[index].rule.probability
                if probability < 1 {
                    let roll = Double(state.rules[index].random.next() >> 11) / Double(1 << 53)
                    guard roll < probability else { continue }
                }
                let rule = state.rules[index].rule
                if let times = rule.times {
                    if times <= 1 { state.rules.remove(at: index) } else { state.rules[index].rule.times = times - 1 }
                }
                return rule
            }
            return nil
        }
    }
}

public struct FaultRuleError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// SplitMix64: small, fast, and the same sequence for the same seed everywhere.
struct SplitMix64: Sendable {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension FaultRule {
    func validate() throws(FaultRuleError) {
        if error == nil && delayMilliseconds == nil && !reset && dropAfterSeconds == nil && !outOfSpace && !stall
            && pauseReadingSeconds == nil && bodyBytesPerSecond == nil && truncateAfterBytes == nil && dropAfterBytes == nil {
            throw FaultRuleError("a rule needs an action: error, delayMs, reset, stall, dropAfterSeconds, pauseReadingSeconds or outOfSpace")
        }
        if let pauseReadingSeconds {
            guard operation == "rtmp:publish" else { throw FaultRuleError("pauseReadingSeconds applies to operation rtmp:publish only") }
            guard pauseReadingSeconds >= 0 && pauseReadingSeconds <= 3600 else { throw FaultRuleError("pauseReadingSeconds must be from 0 to 3600") }
        }
        if stall && (error != nil || reset) { throw FaultRuleError("stall cannot be combined with error or reset") }
        if let bodyBytesPerSecond, bodyBytesPerSecond < 1 { throw FaultRuleError("bodyBytesPerSecond must be 1 or more") }
        if let truncateAfterBytes, truncateAfterBytes < 0 { throw FaultRuleError("truncateAfterBytes must be 0 or more") }
        if operation == "storage:write" {
            guard outOfSpace || delayMilliseconds != nil, error == nil, !reset, !stall else {
                throw FaultRuleError("operation storage:write takes outOfSpace and/or delayMs (a slow disk)")
            }
        } else if outOfSpace {
            throw FaultRuleError("outOfSpace applies to operation storage:write only")
        }
        if let error, !(400...599).contains(error.status) || error.code.isEmpty {
            throw FaultRuleError("error needs a status from 400 to 599 and a code")
        }
        if let delayMilliseconds, !(0...Self.maxDelayMilliseconds).contains(delayMilliseconds) {
            throw FaultRuleError("delayMs must be from 0 to \(Self.maxDelayMilliseconds)")
        }
        if let dropAfterSeconds, !(dropAfterSeconds >= 0 && dropAfterSeconds <= 86_400) {
            throw FaultRuleError("dropAfterSeconds must be from 0 to 86400")
        }
        if dropAfterSeconds != nil || dropAfterBytes != nil, operation != "rtmp:publish" {
            throw FaultRuleError("dropAfterSeconds and dropAfterBytes apply to operation rtmp:publish only")
        }
        if let dropAfterBytes, dropAfterBytes < 0 { throw FaultRuleError("dropAfterBytes must be 0 or more") }
        if !(probability >= 0 && probability <= 1) { throw FaultRuleError("probability must be from 0 to 1") }
        if let times, times < 1 { throw FaultRuleError("times must be 1 or more") }
    }
}
