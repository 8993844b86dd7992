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
    /// About 50 bytes each (more with long keys): some 50 MB of journal at most.
    public static let maxCapacity = 1_000_000
}

/// The newest requests, and counters per operation and status that cover
/// every request since start or reset.
///
/// Records are kept encoded (variable-length integers and length-prefixed
/// UTF-8), about 50 bytes each instead of a 144-byte struct plus a heap
/// string for every key over 15 bytes, appended to blocks of
/// `blockBytes`. A block goes as a whole once every record in it is older
/// than the newest `capacity`. So the journal's memory is a few large
/// allocations that fill up in order, never thousands of small ones
/// scattered among a request's short-lived buffers (which would keep malloc
/// from giving those pages back after a burst of load).
final class RequestJournal: Sendable {
    /// Requests kept unless configured otherwise.
    static let defaultCapacity = 10_000
    /// At most this many records in one answer of `/_emulator/requests`.
    static let maxPage = 1_000
    /// Size of one block of encoded records (a record longer than this gets a block of its own).
    static let blockBytes = 64 << 10

    private struct Block: Sendable {
        var firstSequence: UInt64
        var count = 0
        var bytes: [UInt8]
    }

    private struct State: Sendable {
        var blocks: [Block] = []
        /// The oldest sequence number still kept.
        var oldest: UInt64 = 1
        var nextSequence: UInt64 = 1
        var counts: [String: [Int: Int]] = [:]
        var scratch: [UInt8] = []
    }

    let capacity: Int
    private let state = Locked(State())

    init(capacity: Int = RequestJournal.defaultCapacity) {
        self.capacity = min(max(0, capacity), RequestJournalLimits.maxCapacity)
    }

    func append(_ make: (UInt64) -> RequestRecord) {
        state.withLock { state in
            let sequence = state.nextSequence
            let record = make(sequence)
            state.nextSequence += 1
            state.counts[record.operation, default: [:]][record.status, default: 0] += 1
            guard capacity > 0 else {
                state.oldest = state.nextSequence
                return
            }
            state.scratch.removeAll(keepingCapacity: true)
            Self.encode(record, into: &state.scratch)
            if let last = state.blocks.indices.last,
               state.blocks[last].bytes.count + state.scratch.count <= Self.blockBytes {
                state.blocks[last].bytes.append(contentsOf: state.scratch)
                state.blocks[last].count += 1
            } else {
                var bytes: [UInt8] = []
                bytes.reserveCapacity(max(Self.blockBytes, state.scratch.count))
                bytes.append(contentsOf: state.scratch)
                state.blocks.append(Block(firstSequence: sequence, count: 1, bytes: bytes))
            }
            if state.nextSequence - state.oldest > UInt64(capacity) {
                state.oldest = state.nextSequence - UInt64(capacity)
            }
            while let first = state.blocks.first, first.firstSequence + UInt64(first.count) <= state.oldest {
                state.blocks.removeFirst()
            }
        }
    }

    /// Kept records with a sequence number above `after`, oldest first,
    /// filtered, at most `limit`.
    func records(after: UInt64 = 0, operation: String? = nil, bucket: String? = nil, limit: Int = .max) -> [RequestRecord] {
        state.withLock { state in
            var out: [RequestRecord] = []
            Self.decode(state, from: max(state.oldest, after &+ 1)) { record in
                guard operation.map({ $0 == record.operation }) ?? true,
                      bucket.map({ $0 == record.bucket }) ?? true else { return true }
                out.append(record)
                return out.count < limit
            }
            return out
        }
    }

    /// The newest `count` kept records, oldest first.
    func newest(_ count: Int) -> [RequestRecord] {
        state.withLock { state in
            let kept = state.nextSequence - state.oldest
            let n = UInt64(min(max(count, 0), Int(kept)))
            var out: [RequestRecord] = []
            Self.decode(state, from: state.nextSequence - n) { record in
                out.append(record)
                return true
            }
            return out
        }
    }

    /// Bytes the kept records take (the blocks' capacity).
    var storedBytes: Int { state.withLock { $0.blocks.reduce(0) { $0 + $1.bytes.capacity } } }

    /// Requests per operation and status since start (or the last reset).
    func counts() -> [String: [Int: Int]] { state.withLock { $0.counts } }

    func reset() {
        state.withLock { state in
            state.blocks.removeAll()
            state.oldest = state.nextSequence
            state.counts.removeAll()
        }
    }

    // MARK: encoding

    private static func encode(_ record: RequestRecord, into out: inout [UInt8]) {
        func unsigned(_ value: UInt64) {
            var value = value
            while value >= 0x80 {
                out.append(UInt8(truncatingIfNeeded: value) | 0x80)
                value >>= 7
            }
            out.append(UInt8(value))
        }
        func signed(_ value: Int64) { unsigned(UInt64(bitPattern: (value << 1) ^ (value >> 63))) }
        func string(_ value: String?) {
            guard var text = value else { return unsigned(0) }
            text.withUTF8 { utf8 in
                unsigned(UInt64(utf8.count) + 1)
                out.append(contentsOf: utf8)
            }
        }
        signed(record.time)
        string(record.operation)
        string(record.bucket)
        string(record.key)
        signed(Int64(record.status))
        string(record.errorCode)
        signed(record.bytesIn)
        signed(record.bytesOut)
        signed(record.durationMilliseconds)
        string(record.remoteAddress)
        string(record.auth)
    }

    /// Calls `body` with each kept record from sequence `first` on, oldest
    /// first, until it returns false.
    private static func decode(_ state: State, from first: UInt64, _ body: (RequestRecord) -> Bool) {
        for block in state.blocks where block.firstSequence + UInt64(block.count) > first {
            let stop: Bool = block.bytes.withUnsafeBufferPointer { bytes in
                var position = 0
                func unsigned() -> UInt64 {
                    var value: UInt64 = 0, shift: UInt64 = 0
                    while position < bytes.count {
                        let byte = bytes[position]
                        position += 1
                        value |= UInt64(byte & 0x7F) << shift
                        if byte < 0x80 { break }
                        shift += 7
                    }
                    return value
                }
                func signed() -> Int64 {
                    let raw = unsigned()
                    return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
                }
                func string() -> String? {
                    let length = Int(unsigned())
                    guard length > 0 else { return nil }
                    let end = min(position + length - 1, bytes.count)
                    defer { position = end }
                    return String(decoding: UnsafeBufferPointer(rebasing: bytes[position..<end]), as: UTF8.self)
                }
                for offset in 0..<block.count {
                    let time = signed()
                    let operation = string() ?? ""
                    let bucket = string(), key = string()
                    let status = Int(signed())
                    let errorCode = string()
                    let bytesIn = signed(), bytesOut = signed(), duration = signed()
                    let remoteAddress = string() ?? "", auth = string() ?? ""
                    let sequence = block.firstSequence + UInt64(offset)
                    guard sequence >= first else { continue }
                    let record = RequestRecord(
                        sequence: sequence, time: time, operation: operation, bucket: bucket, key: key,
                        status: status, errorCode: errorCode, bytesIn: bytesIn, bytesOut: bytesOut,
                        durationMilliseconds: duration, remoteAddress: remoteAddress, auth: auth)
                    if !body(record) { return true }
                }
                return false
            }
            if stop { return }
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
