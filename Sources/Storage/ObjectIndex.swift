#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte order of UTF-8 keys, as OSS sorts them. Swift's `String` comparison
/// and hashing use canonical equivalence instead, which would merge keys such
/// as precomposed and decomposed "é"; the index therefore works on bytes.
func compareBytes(_ lhs: [UInt8], _ rhs: [UInt8]) -> Int {
    let common = min(lhs.count, rhs.count)
    let order = memcmpPrefix(lhs, rhs, common)
    if order != 0 { return order < 0 ? -1 : 1 }
    return lhs.count == rhs.count ? 0 : (lhs.count < rhs.count ? -1 : 1)
}

func hasPrefix(_ bytes: [UInt8], _ prefix: [UInt8]) -> Bool {
    bytes.count >= prefix.count && memcmpPrefix(bytes, prefix, prefix.count) == 0
}

/// memcmp of the first `count` bytes; both arrays must hold at least that many.
private func memcmpPrefix(_ lhs: [UInt8], _ rhs: [UInt8], _ count: Int) -> Int32 {
    guard count > 0 else { return 0 }
    return lhs.withUnsafeBufferPointer { l in
        rhs.withUnsafeBufferPointer { r in
            guard let left = l.baseAddress, let right = r.baseAddress else { return 0 }
            return memcmp(left, right, count)
        }
    }
}

/// One bucket's objects: a hash map for lookups and a sorted key array for listings.
struct ObjectIndex {
    private(set) var keys: [[UInt8]] = []
    private var entries: [KeyBytes: ObjectEntry] = [:]

    init() {}

    init(_ items: [([UInt8], ObjectEntry)]) {
        var entries: [KeyBytes: ObjectEntry] = [:]
        entries.reserveCapacity(items.count)
        for (key, entry) in items { entries[KeyBytes(key)] = entry }
        self.init(entries)
    }

    init(_ entries: [KeyBytes: ObjectEntry]) {
        self.init(entries, keys: entries.keys.map(\.bytes))
    }

    /// `keys` must be exactly the keys of `entries`; already sorted is cheapest.
    init(_ entries: [KeyBytes: ObjectEntry], keys: [[UInt8]]) {
        self.entries = entries
        self.keys = keys
        // The sort finds ascending runs, so sorted input costs one pass.
        self.keys.sort { compareBytes($0, $1) < 0 }
    }

    var count: Int { keys.count }

    subscript(key: [UInt8]) -> ObjectEntry? { entries[KeyBytes(key)] }

    /// Entries in key order, for rewriting the journal.
    var sortedEntries: some Sequence<([UInt8], ObjectEntry)> {
        keys.lazy.compactMap { key in entries[KeyBytes(key)].map { (key, $0) } }
    }

    mutating func upsert(_ key: [UInt8], _ entry: ObjectEntry) {
        if entries.updateValue(entry, forKey: KeyBytes(key)) == nil {
            keys.insert(key, at: firstIndex { compareBytes($0, key) > 0 })
        }
    }

    @discardableResult
    mutating func remove(_ key: [UInt8]) -> ObjectEntry? {
        guard let entry = entries.removeValue(forKey: KeyBytes(key)) else { return nil }
        let index = firstIndex { compareBytes($0, key) >= 0 }
        if index < keys.count && keys[index] == key { keys.remove(at: index) }
        return entry
    }

    /// First index in `range` where `predicate` holds; the predicate must be
    /// false then true along the sorted keys.
    private func firstIndex(in range: Range<Int>? = nil, where predicate: ([UInt8]) -> Bool) -> Int {
        var low = range?.lowerBound ?? 0
        var high = range?.upperBound ?? keys.count
        while low < high {
            let middle = low + (high - low) / 2
            if predicate(keys[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }

    struct Listing: Equatable {
        var keys: [[UInt8]] = []
        var commonPrefixes: [[UInt8]] = []
        var isTruncated = false
        var nextMarker: [UInt8]?
    }

    /// Keys after `marker` that start with `prefix`, keys holding `delimiter`
    /// past the prefix rolled up into one common prefix each; at most `maxKeys`
    /// keys and prefixes together. A common prefix at or before the marker is
    /// skipped whole, so the returned `nextMarker` resumes after it.
    func list(prefix: [UInt8], marker: [UInt8]?, delimiter: [UInt8]?, maxKeys: Int) -> Listing {
        var listing = Listing()
        let limit = max(0, maxKeys)
        var index = firstIndex { compareBytes($0, prefix) >= 0 }
        if let marker {
            index = max(index, firstIndex { compareBytes($0, marker) > 0 })
        }
        let delimiter = delimiter.flatMap { $0.isEmpty ? nil : $0 }
        var returned = 0
        var last: [UInt8]?
        while index < keys.count {
            let key = keys[index]
            guard hasPrefix(key, prefix) else { break }
            if let delimiter, let end = Self.end(of: delimiter, in: key, from: prefix.count) {
                let common = Array(key[0..<end])
                let after = firstIndex(in: index..<keys.count) { !hasPrefix($0, common) }
                if let marker, compareBytes(common, marker) <= 0 {
                    index = after
                    continue
                }
                if returned == limit {
                    listing.isTruncated = true
                    break
                }
                listing.commonPrefixes.append(common)
                last = common
                index = after
            } else {
                if returned == limit {
                    listing.isTruncated = true
                    break
                }
                listing.keys.append(key)
                last = key
                index += 1
            }
            returned += 1
        }
        if listing.isTruncated { listing.nextMarker = last }
        return listing
    }

    /// End offset of the first `needle` in `bytes` at or after `start`.
    static func end(of needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard needle.count > 0, bytes.count - start >= needle.count else { return nil }
        var position = start
        while position + needle.count <= bytes.count {
            if bytes[position] == needle[0] && bytes[position..<position + needle.count].elementsEqual(needle) {
                return position + needle.count
            }
            position += 1
        }
        return nil
    }
}
