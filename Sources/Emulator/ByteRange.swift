/// A single `Range: bytes=...` request (RFC 9110 §14.1.2). OSS ignores a
/// header it cannot parse (and multi-range requests) and sends the whole object.
enum ByteRange: Equatable {
    case closed(Int64, Int64)   // bytes=a-b
    case from(Int64)            // bytes=a-
    case suffix(Int64)          // bytes=-n

    static func parse(_ header: String) -> ByteRange? {
        let text = header.trimmingSpaces
        guard text.hasPrefix("bytes=") else { return nil }
        let spec = text.dropFirst("bytes=".count)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return nil }
        let first = spec[..<dash].trimmingCharacters(in: " ")
        let last = spec[spec.index(after: dash)...].trimmingCharacters(in: " ")
        switch (Int64(first), Int64(last)) {
        case (let a?, let b?) where a >= 0 && b >= a: return .closed(a, b)
        case (let a?, nil) where last.isEmpty && a >= 0: return .from(a)
        case (nil, let n?) where first.isEmpty && n >= 0: return .suffix(n)
        default: return nil
        }
    }

    /// The first and last byte served, or nil when unsatisfiable (416).
    func resolve(size: Int64) -> (Int64, Int64)? {
        switch self {
        case .closed(let a, let b):
            guard a < size else { return nil }
            return (a, min(b, size - 1))
        case .from(let a):
            guard a < size else { return nil }
            return (a, size - 1)
        case .suffix(let n):
            guard n > 0, size > 0 else { return nil }
            return (max(0, size - n), size - 1)
        }
    }
}

private extension Substring {
    func trimmingCharacters(in set: Character) -> String {
        var text = self
        while text.first == set { text.removeFirst() }
        while text.last == set { text.removeLast() }
        return String(text)
    }
}
