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

    /// What a GET with this range serves.
    enum Outcome: Equatable {
        /// 206 with these first and last bytes.
        case partial(Int64, Int64)
        /// 200 with the whole object, no Content-Range.
        case whole
        /// 416 InvalidRange.
        case unsatisfiable
    }

    /// OSS by default ignores a range that does not fit the object (200, whole
    /// object); with `x-oss-range-behavior: standard` it clamps the end and
    /// answers 416 when the start is past the end (RFC 9110).
    func resolve(size: Int64, standard: Bool) -> Outcome {
        switch self {
        case .closed(let a, let b):
            if a >= size { return standard ? .unsatisfiable : .whole }
            if b >= size && !standard { return .whole }
            return .partial(a, min(b, size - 1))
        case .from(let a):
            if a >= size { return standard ? .unsatisfiable : .whole }
            return .partial(a, size - 1)
        case .suffix(let n):
            if n == 0 || size == 0 { return standard ? .unsatisfiable : .whole }
            if n > size && !standard { return .whole }
            return .partial(max(0, size - n), size - 1)
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
