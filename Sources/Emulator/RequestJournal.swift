import OSSProtocol
import Locking

/// One answered request as the journal keeps it: never a secret, signature
/// or token.
public struct RequestRecord: Sendable, Equatable {
    public var sequence: UInt64
    /// Epoch milliseconds when the request arrived.
    public var time: Int64
    /// OSS operation name (`OperationName`), `Admin` for `/_emulator/`.
    public var operation: String
    public var bucket: String?
    public var key: String?
    public var status: Int
    /// The OSS error `Code` of an error answer.
    public var errorCode: String?
    public var bytesIn: Int64
    public var bytesOut: Int64
    public var durationMilliseconds: Int64
    public var remoteAddress: String
    /// How it was signed: anonymous, v1, v2, v4, presigned-v1, presigned-v2,
    /// presigned-v4, admin token; `+sts` when it carried a security token.
    public var auth: String
}

/// Bounds of the request journal's configured size.
public enum RequestJournalLimits {
    /// About 200 bytes each: at most ~200 MB of journal.
    public static let maxCapacity = 1_000_000
}

/// The newest requests, in a ring of fixed capacity, and counters per
/// operation and status that cover every request since start or reset.
final class RequestJournal: Sendable {
    /// Requests kept unless configured otherwise.
    static let defaultCapacity = 10_000
    /// At most this many records in one answer of `/_emulator/requests`.
    static let maxPage = 1_000

    private struct State: Sendable {
        var ring: [RequestRecord] = []
        var start = 0
        var nextSequence: UInt64 = 1
        var counts: [String: [Int: Int]] = [:]
    }

    let capacity: Int
    private let state = Locked(State())

    init(capacity: Int = RequestJournal.defaultCapacity) {
        self.capacity = min(max(0, capacity), RequestJournalLimits.maxCapacity)
    }

    func append(_ make: (UInt64) -> RequestRecord) {
        state.withLock { state in
            let record = make(state.nextSequence)
            state.nextSequence += 1
            state.counts[record.operation, default: [:]][record.status, default: 0] += 1
            guard capacity > 0 else { return }
            if state.ring.count < capacity {
                state.ring.append(record)
            } else {
                state.ring[state.start] = record
                state.start = (state.start + 1) % capacity
            }
        }
    }

    /// Kept records with a sequence number above `after`, oldest first,
    /// filtered, at most `limit`.
    func records(after: UInt64 = 0, operation: String? = nil, bucket: String? = nil, limit: Int = .max) -> [RequestRecord] {
        state.withLock { state in
            var out: [RequestRecord] = []
            for offset in 0..<state.ring.count {
                let record = state.ring[(state.start + offset) % state.ring.count]
                guard record.sequence > after, operation.map({ $0 == record.operation }) ?? true,
                      bucket.map({ $0 == record.bucket }) ?? true else { continue }
                out.append(record)
                if out.count >= limit { break }
            }
            return out
        }
    }

    /// The newest `count` kept records, oldest first.
    func newest(_ count: Int) -> [RequestRecord] {
        state.withLock { state in
            let n = min(max(count, 0), state.ring.count)
            return (state.ring.count - n..<state.ring.count).map { state.ring[(state.start + $0) % state.ring.count] }
        }
    }

    /// Requests per operation and status since start (or the last reset).
    func counts() -> [String: [Int: Int]] { state.withLock { $0.counts } }

    func reset() {
        state.withLock { state in
            state.ring.removeAll()
            state.start = 0
            state.counts.removeAll()
        }
    }

    static func json(_ record: RequestRecord) -> JSONValue {
        .object([
            ("sequence", .int(Int64(record.sequence))), ("time", .string(OSSTime.iso8601Milliseconds(record.time))),
            ("operation", .string(record.operation)), ("bucket", record.bucket.map(JSONValue.string) ?? .null),
            ("key", record.key.map(JSONValue.string) ?? .null), ("status", .int(Int64(record.status))),
            ("errorCode", record.errorCode.map(JSONValue.string) ?? .null), ("bytesIn", .int(record.bytesIn)),
            ("bytesOut", .int(record.bytesOut)), ("durationMs", .int(record.durationMilliseconds)),
            ("remoteAddress", .string(record.remoteAddress)), ("auth", .string(record.auth)),
        ])
    }

    static func json(counts: [String: [Int: Int]]) -> JSONValue {
        .object([("operations", .object(counts.keys.sorted().map { operation in
            let byStatus = counts[operation] ?? [:]
            let total = byStatus.values.reduce(0, +)
            return (operation, .object([("total", .int(Int64(total))),
                                        ("byStatus", .object(byStatus.keys.sorted().map { (String($0), .int(Int64(byStatus[$0] ?? 0))) }))]))
        }))])
    }

    /// How a request was authenticated, from its headers and query (names only).
    static func authKind(authorization: String?, query: [QueryItem], securityToken: Bool) -> String {
        func has(_ name: String) -> Bool { query.contains { $0.name.lowercased() == name } }
        var kind: String
        if let authorization {
            if authorization.hasPrefix("OSS4-HMAC-SHA256") { kind = "v4" }
            else if authorization.hasPrefix("OSS2 ") { kind = "v2" }
            else if authorization.hasPrefix("OSS ") { kind = "v1" }
            else if authorization.lowercased().hasPrefix("bearer ") { kind = "admin-token" }
            else { kind = "other" }
        } else if has("x-oss-signature") {
            kind = "presigned-v4"
        } else if has("x-oss-signature-version") || has("x-oss-access-key-id") {
            kind = "presigned-v2"
        } else if has("signature") && has("ossaccesskeyid") {
            kind = "presigned-v1"
        } else {
            kind = "anonymous"
        }
        return securityToken ? kind + "+sts" : kind
    }

    /// The `<Code>` of an OSS error body.
    static func errorCode(in body: [UInt8]) -> String? {
        let open = Array("<Code>".utf8), close = Array("</Code>".utf8)
        guard let start = find(open, in: body[...]) else { return nil }
        let rest = body[(start + open.count)...]
        guard let end = find(close, in: rest) else { return nil }
        return String(decoding: body[(start + open.count)..<end], as: UTF8.self)
    }

    private static func find(_ needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        var index = haystack.startIndex
        while index <= haystack.endIndex - needle.count {
            if haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
