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

/// One bucket's objects: entries packed in an array, a hash map from key to
/// position for lookups, and a sorted key array for listings. Keeping the
/// 80-byte entries out of the hash table (whose capacity is a power of two,
/// up to 2.7 times the count) saves about 20 MB per 100,000 objects.
struct ObjectIndex {
    private(set) var keys: [[UInt8]] = []
    private var stored: [(key: [UInt8], entry: ObjectEntry)] = []
    private var positions: [KeyBytes: Int] = [:]

    init() {}

    init(_ items: [([UInt8], ObjectEntry)]) {
        var index = ObjectIndex()
        for (key, entry) in items {
            if let position = index.positions[KeyBytes(key)] {
                index.stored[position].entry = entry
            } else {
                _ = index.insertUnsorted(key, entry)
            }
        }
        index.finishLoading(keysInOrder: nil)
        self = index
    }

    var count: Int { stored.count }

    subscript(key: [UInt8]) -> ObjectEntry? {
        positions[KeyBytes(key)].map { stored[$0].entry }
    }

    /// Entries in key order, for rewriting the journal.
    var sortedEntries: some Sequence<([UInt8], ObjectEntry)> {
        keys.lazy.compactMap { key in self[key].map { (key, $0) } }
    }

    // MARK: loading

    mutating func reserveCapacity(_ count: Int) {
        stored.reserveCapacity(count)
        positions.reserveCapacity(count)
    }

    /// Adds an entry without placing its key in order (see `finishLoading`);
    /// false, and nothing changed, when the key is already present.
    mutating func insertUnsorted(_ key: [UInt8], _ entry: ObjectEntry) -> Bool {
        let id = KeyBytes(key)
        if let existing = positions.updateValue(stored.count, forKey: id) {
            positions[id] = existing
            return false
        }
        stored.append((key, entry))
        return true
    }

    /// Builds the sorted key array after `insertUnsorted` calls. `keysInOrder`,
    /// when given, must hold exactly the inserted keys; in order it is cheapest,
    /// as the sort finds ascending runs and sorted input costs one pass.
    mutating func finishLoading(keysInOrder: [[UInt8]]?) {
        keys = keysInOrder ?? stored.map(\.key)
        keys.sort { compareBytes($0, $1) < 0 }
    }

    // MARK: changes

    mutating func upsert(_ key: [UInt8], _ entry: ObjectEntry) {
        if let position = positions[KeyBytes(key)] {
            stored[position].entry = entry
            return
        }
        positions[KeyBytes(key)] = stored.count
        stored.append((key, entry))
        keys.insert(key, at: firstIndex { compareBytes($0, key) > 0 })
    }

    @discardableResult
    mutating func remove(_ key: [UInt8]) -> ObjectEntry? {
        guard let position = positions.removeValue(forKey: KeyBytes(key)) else { return nil }
        let entry = stored[position].entry
        let last = stored.count - 1
        if position != last {
            stored[position] = stored[last]
            positions[KeyBytes(stored[position].key)] = position
        }
        stored.removeLast()
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
