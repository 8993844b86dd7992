import Testing
@testable import Storage

@Suite struct ObjectIndexTests {
    func entry(_ size: Int64 = 0) -> ObjectEntry {
        ObjectEntry(
            size: size, md5: MD5Value(high: 0, low: 0), crc64: 0, lastModified: 0, metadata: MetadataBlob(bytes: []), path: nil,
            identity: FileIdentity(inode: 0, size: size, mtimeNanoseconds: 0))
    }

    func index(_ keys: [String]) -> ObjectIndex {
        ObjectIndex(keys.map { (bytes($0), entry()) })
    }

    func strings(_ list: [[UInt8]]) -> [String] { list.map { String(decoding: $0, as: UTF8.self) } }

    /// The obvious implementation the index must agree with.
    func model(_ keys: [String], prefix: String, marker: String?, delimiter: String?, maxKeys: Int) -> ObjectIndex.Listing {
        let sorted = keys.map(bytes).sorted { $0.lexicographicallyPrecedes($1) }
        var items: [(isPrefix: Bool, value: [UInt8])] = []
        for key in sorted {
            guard key.starts(with: bytes(prefix)) else { continue }
            if let marker, !bytes(marker).lexicographicallyPrecedes(key) { continue }
            if let delimiter, !delimiter.isEmpty,
               let range = String(decoding: key.dropFirst(prefix.utf8.count), as: UTF8.self).utf8.firstRange(of: delimiter.utf8) {
                let end = prefix.utf8.count + String(decoding: key.dropFirst(prefix.utf8.count), as: UTF8.self).utf8.distance(from: String(decoding: key.dropFirst(prefix.utf8.count), as: UTF8.self).utf8.startIndex, to: range.upperBound)
                let common = Array(key[0..<end])
                if let marker, !bytes(marker).lexicographicallyPrecedes(common) { continue }
                if items.last.map({ $0.isPrefix && $0.value == common }) == true { continue }
                items.append((true, common))
            } else {
                items.append((false, key))
            }
        }
        var listing = ObjectIndex.Listing()
        let taken = items.prefix(max(0, maxKeys))
        for item in taken {
            if item.isPrefix { listing.commonPrefixes.append(item.value) } else { listing.keys.append(item.value) }
        }
        listing.isTruncated = items.count > taken.count
        if listing.isTruncated { listing.nextMarker = taken.last?.value }
        return listing
    }

    @Test func sortsByUTF8BytesNotByStringOrder() {
        // "é" precomposed (C3 A9) and decomposed (65 CC 81) are equal as Swift
        // Strings but are two keys in OSS.
        let idx = index(["é", "e\u{301}", "z", "Z", "😀", "\u{FFFD}"])
        #expect(idx.count == 6)
        #expect(strings(idx.keys) == ["Z", "e\u{301}", "z", "é", "\u{FFFD}", "😀"])
    }

    @Test func delimiterGroupsIntoCommonPrefixes() {
        let idx = index(["a/1", "a/2", "b", "c/x/y", "c/z", "d"])
        let listing = idx.list(prefix: [], marker: nil, delimiter: bytes("/"), maxKeys: 100)
        #expect(strings(listing.keys) == ["b", "d"])
        #expect(strings(listing.commonPrefixes) == ["a/", "c/"])
        #expect(!listing.isTruncated && listing.nextMarker == nil)
        let nested = idx.list(prefix: bytes("c/"), marker: nil, delimiter: bytes("/"), maxKeys: 100)
        #expect(strings(nested.keys) == ["c/z"])
        #expect(strings(nested.commonPrefixes) == ["c/x/"])
    }

    @Test func commonPrefixCountsOnceAndResumesAfterItsMarker() {
        let idx = index(["a/1", "a/2", "a/3", "b", "c"])
        let first = idx.list(prefix: [], marker: nil, delimiter: bytes("/"), maxKeys: 1)
        #expect(strings(first.commonPrefixes) == ["a/"])
        #expect(first.isTruncated)
        #expect(first.nextMarker == bytes("a/"))
        let second = idx.list(prefix: [], marker: first.nextMarker, delimiter: bytes("/"), maxKeys: 1)
        #expect(strings(second.keys) == ["b"])
        #expect(second.nextMarker == bytes("b"))
        let third = idx.list(prefix: [], marker: second.nextMarker, delimiter: bytes("/"), maxKeys: 1)
        #expect(strings(third.keys) == ["c"])
        #expect(!third.isTruncated && third.nextMarker == nil)
    }

    @Test func truncationIsExact() {
        let idx = index(["a", "b", "c"])
        #expect(!idx.list(prefix: [], marker: nil, delimiter: nil, maxKeys: 3).isTruncated)
        #expect(idx.list(prefix: [], marker: nil, delimiter: nil, maxKeys: 2).isTruncated)
        let zero = idx.list(prefix: [], marker: nil, delimiter: nil, maxKeys: 0)
        #expect(zero.keys.isEmpty && zero.isTruncated && zero.nextMarker == nil)
    }

    @Test func upsertAndRemoveKeepOrder() {
        var idx = ObjectIndex()
        for key in ["m", "a", "z", "k", "a"] { idx.upsert(bytes(key), entry()) }
        #expect(strings(idx.keys) == ["a", "k", "m", "z"])
        idx.upsert(bytes("k"), entry(7))
        #expect(idx[bytes("k")]?.size == 7)
        #expect(idx.remove(bytes("m")) != nil)  // the first stored: the last one moves into its place
        #expect(idx.remove(bytes("m")) == nil)
        #expect(strings(idx.keys) == ["a", "k", "z"])
        #expect(idx.count == 3)
        #expect(idx[bytes("k")]?.size == 7)
        #expect(idx[bytes("a")] != nil && idx[bytes("z")] != nil && idx[bytes("m")] == nil)
        #expect(Array(idx.sortedEntries.map { $0.1.size }) == [0, 7, 0])
    }

    @Test func agreesWithBruteForceModelOnRandomKeySets() {
        var rng = SplitMix64(seed: 7)
        let alphabet = ["a", "b", "/", "-", "é", "\u{7F}", "//"]
        for _ in 0..<300 {
            var keys = Set<[UInt8]>()
            for _ in 0..<Int.random(in: 0...40, using: &rng) {
                let key = (0..<Int.random(in: 1...6, using: &rng)).map { _ in alphabet.randomElement(using: &rng) ?? "a" }.joined()
                keys.insert(bytes(key))
            }
            let keyStrings = keys.map { String(decoding: $0, as: UTF8.self) }
            let idx = index(keyStrings)
            let prefix = (0..<Int.random(in: 0...2, using: &rng)).map { _ in alphabet.randomElement(using: &rng) ?? "" }.joined()
            // Markers: none, a key, or a key cut short (often a common prefix).
            var marker: String?
            if let key = keys.randomElement(using: &rng), Bool.random(using: &rng) {
                let cut = Int.random(in: 0...key.count, using: &rng)
                marker = String(decoding: key.prefix(cut), as: UTF8.self)
            }
            let delimiter: String? = [nil, "/", "-", "ab", ""].randomElement(using: &rng) ?? nil
            let maxKeys = Int.random(in: 0...12, using: &rng)
            let got = idx.list(prefix: bytes(prefix), marker: marker.map(bytes), delimiter: delimiter.map(bytes), maxKeys: maxKeys)
            let expected = model(keyStrings, prefix: prefix, marker: marker, delimiter: delimiter, maxKeys: maxKeys)
            #expect(got == expected, "prefix \(prefix) marker \(String(describing: marker)) delimiter \(String(describing: delimiter)) max \(maxKeys) keys \(keyStrings.sorted())")
        }
    }

    @Test func paginationWithNextMarkerVisitsEverythingOnce() {
        var rng = SplitMix64(seed: 11)
        let keys = (0..<500).map { _ in (0..<Int.random(in: 1...4, using: &rng)).map { _ in ["x", "y", "/"].randomElement(using: &rng) ?? "x" }.joined() }
        let idx = index(keys)
        for delimiter in [nil, "/"] {
            let all = idx.list(prefix: [], marker: nil, delimiter: delimiter.map(bytes), maxKeys: .max)
            var pagedKeys: [[UInt8]] = []
            var pagedPrefixes: [[UInt8]] = []
            var marker: [UInt8]?
            repeat {
                let page = idx.list(prefix: [], marker: marker, delimiter: delimiter.map(bytes), maxKeys: 3)
                pagedKeys += page.keys
                pagedPrefixes += page.commonPrefixes
                marker = page.nextMarker
                #expect(page.isTruncated == (marker != nil))
            } while marker != nil
            #expect(pagedKeys == all.keys)
            #expect(pagedPrefixes == all.commonPrefixes)
        }
    }
}
