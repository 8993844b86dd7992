/// Header fields in the order they were received (or added), with
/// case-insensitive lookup. Names keep the spelling they arrived with, because
/// OSS V1 signatures and error messages quote them.
public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral, Equatable {
    private var storage: [(name: String, value: String)]

    public init() { storage = [] }

    public init(_ pairs: [(name: String, value: String)]) { storage = pairs }

    public init(dictionaryLiteral elements: (String, String)...) {
        storage = elements.map { (name: $0.0, value: $0.1) }
    }

    /// The first value of `name`, compared case-insensitively.
    public subscript(name: String) -> String? {
        for pair in storage where Self.sameName(pair.name, name) { return pair.value }
        return nil
    }

    public func values(_ name: String) -> [String] {
        storage.filter { Self.sameName($0.name, name) }.map(\.value)
    }

    public func contains(_ name: String) -> Bool { self[name] != nil }

    /// How many fields are called `name`.
    public func count(of name: String) -> Int {
        var count = 0
        for pair in storage where Self.sameName(pair.name, name) { count += 1 }
        return count
    }

    public mutating func add(_ name: String, _ value: String) {
        storage.append((name: name, value: value))
    }

    /// Adds every field of `other` after these, in its order.
    public mutating func add(contentsOf other: HTTPHeaders) {
        storage.append(contentsOf: other.storage)
    }

    /// Room for `count` fields in all, so adding them one by one allocates once.
    public mutating func reserveCapacity(_ count: Int) {
        storage.reserveCapacity(count)
    }

    /// Replaces every field called `name` by one field, where the first one was.
    public mutating func set(_ name: String, _ value: String) {
        if let first = storage.firstIndex(where: { Self.sameName($0.name, name) }) {
            storage[first] = (name: name, value: value)
            var index = storage.index(after: first)
            while index < storage.endIndex {
                if Self.sameName(storage[index].name, name) {
                    storage.remove(at: index)
                } else {
                    index += 1
                }
            }
        } else {
            storage.append((name: name, value: value))
        }
    }

    public mutating func remove(_ name: String) {
        storage.removeAll { Self.sameName($0.name, name) }
    }

    public var pairs: [(name: String, value: String)] { storage }

    /// Same fields in the same order, names compared exactly.
    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.storage.count == rhs.storage.count
            && zip(lhs.storage, rhs.storage).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    public var count: Int { storage.count }

    public var isEmpty: Bool { storage.isEmpty }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        storage.makeIterator()
    }

    /// Whether a comma-separated header (`Connection`, `Expect`, ...) lists
    /// `token`, ignoring case and optional whitespace.
    public func hasToken(_ token: String, in name: String) -> Bool {
        for (field, value) in storage where Self.sameName(field, name) {
            for item in value.split(separator: ",") {
                if Self.sameName(Self.trimmed(item), token) { return true }
            }
        }
        return false
    }

    /// ASCII case-insensitive comparison; header names are ASCII tokens.
    static func sameName<A: StringProtocol, B: StringProtocol>(_ a: A, _ b: B) -> Bool {
        let left = a.utf8
        let right = b.utf8
        guard left.count == right.count else { return false }
        for (x, y) in zip(left, right) where x != y {
            guard lowercase(x) == lowercase(y) else { return false }
        }
        return true
    }

    static func trimmed<S: StringProtocol>(_ text: S) -> Substring {
        var slice = Substring(text)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return slice
    }

    private static func lowercase(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }
}
