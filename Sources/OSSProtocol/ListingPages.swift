/// Byte-order comparison of UTF-8 names, the order OSS lists keys and channels in
/// (Swift's `<` on String compares Unicode-canonically, which is not byte order).
public func utf8Precedes(_ a: String, _ b: String) -> Bool {
    a.utf8.lexicographicallyPrecedes(b.utf8)
}

extension ListLiveChannelRequest {
    public struct Page<Channel> {
        public var channels: [Channel]
        public var isTruncated: Bool
        /// Name of the last returned channel when truncated.
        public var nextMarker: String?
    }

    /// Spec §3.2: names in byte order, starting with `prefix`, strictly after `marker`,
    /// at most `maxKeys`. `channels` may come in any order.
    public func page<Channel>(_ channels: [Channel], name: (Channel) -> String) -> Page<Channel> {
        let matching = channels
            .filter { name($0).utf8.starts(with: prefix.utf8) && utf8Precedes(marker, name($0)) }
            .sorted { utf8Precedes(name($0), name($1)) }
        let page = Array(matching.prefix(maxKeys))
        let truncated = matching.count > maxKeys
        return Page(channels: page, isTruncated: truncated, nextMarker: truncated ? page.last.map(name) : nil)
    }
}

extension ListObjectsRequest {
    /// Keys strictly after this are listed: `marker` (v1), or the later of `start-after`
    /// and `continuation-token` (v2, whose token is the last key or prefix returned).
    public var startAfterKey: String {
        guard isV2 else { return marker }
        let token = continuationToken ?? ""
        return utf8Precedes(startAfter, token) ? token : startAfter
    }

    public struct Page: Sendable, Equatable {
        public var contents: [ObjectEntry]
        public var commonPrefixes: [String]
        public var isTruncated: Bool
        /// NextMarker / NextContinuationToken: the last key or common prefix returned.
        public var next: String?
    }

    /// One page from entries in byte order of key. Keys that share `prefix` and then
    /// contain `delimiter` roll up into one common prefix; each key or prefix counts
    /// against `maxKeys`. A common prefix that is the start key itself is not repeated.
    public func page<S: Sequence>(sortedEntries: S) -> Page where S.Element == ObjectEntry {
        var contents: [ObjectEntry] = []
        var prefixes: [String] = []
        var last: String?
        let start = startAfterKey
        for entry in sortedEntries {
            guard entry.key.utf8.starts(with: prefix.utf8), utf8Precedes(start, entry.key) else { continue }
            var item = entry.key
            var rolledUp = false
            if !delimiter.isEmpty, let rolled = rollUp(entry.key) {
                if last?.utf8.elementsEqual(rolled.utf8) == true || !utf8Precedes(start, rolled) { continue }
                item = rolled
                rolledUp = true
            }
            if contents.count + prefixes.count == maxKeys {
                return Page(contents: contents, commonPrefixes: prefixes, isTruncated: true, next: last)
            }
            if rolledUp { prefixes.append(item) } else { contents.append(entry) }
            last = item
        }
        return Page(contents: contents, commonPrefixes: prefixes, isTruncated: false, next: nil)
    }

    /// `prefix` + the rest of `key` up to and including the first `delimiter`, if any.
    private func rollUp(_ key: String) -> String? {
        let rest = Array(key.utf8.dropFirst(prefix.utf8.count))
        let delimiterBytes = Array(delimiter.utf8)
        guard rest.count >= delimiterBytes.count else { return nil }
        for start in 0...(rest.count - delimiterBytes.count) where rest[start..<(start + delimiterBytes.count)].elementsEqual(delimiterBytes) {
            return prefix + String(decoding: rest[..<(start + delimiterBytes.count)], as: UTF8.self)
        }
        return nil
    }
}
