/// The `Range` header of GetObject as OSS applies it. By default an invalid or
/// out-of-range value is ignored (200, whole object); with
/// `x-oss-range-behavior: standard` an end past the object is clamped and a start
/// past it is 416 InvalidRange. Only the first of several ranges is used.
public enum ByteRange {
    public static let behaviorHeader = "x-oss-range-behavior"
    /// Offsets with more digits than this cannot be an Int64; such a header is malformed.
    static let maxDigits = 18

    public enum Selection: Sendable, Equatable {
        /// Send the whole object with 200.
        case full
        /// Send these bytes with 206 and `Content-Range`.
        case partial(ClosedRange<Int64>)
    }

    /// `standard` is whether the request carried `x-oss-range-behavior: standard`.
    public static func select(header: String?, size: Int64, standard: Bool) throws(OSSError) -> Selection {
        guard let header, let spec = parse(header) else { return .full }
        let last = size - 1
        switch spec {
        case let .bounded(start, end):
            guard start <= end else { return .full }
            if start > last { return standard ? try unsatisfiable(size) : .full }
            if end > last { return standard ? .partial(start...last) : .full }
            return .partial(start...end)
        case let .from(start):
            if start > last { return standard ? try unsatisfiable(size) : .full }
            return .partial(start...last)
        case let .suffix(length):
            if length == 0 || size == 0 { return standard ? try unsatisfiable(size) : .full }
            if length > size { return standard ? .partial(0...last) : .full }
            return .partial((size - length)...last)
        }
    }

    /// `bytes a-b/size`.
    public static func contentRange(_ range: ClosedRange<Int64>, size: Int64) -> String {
        "bytes \(range.lowerBound)-\(range.upperBound)/\(size)"
    }

    enum Spec: Equatable {
        case bounded(Int64, Int64)
        case from(Int64)
        case suffix(Int64)
    }

    /// The first range of `bytes=...`; nil when malformed.
    static func parse(_ header: String) -> Spec? {
        let trimmed = SignableRequest.trim(header)
        guard trimmed.lowercased().hasPrefix("bytes=") else { return nil }
        let first = trimmed.dropFirst(6).split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let parts = SignableRequest.trim(String(first)).split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        switch (number(parts[0]), number(parts[1])) {
        case let (start?, end?): return .bounded(start, end)
        case let (start?, nil) where parts[1].isEmpty: return .from(start)
        case let (nil, length?) where parts[0].isEmpty: return .suffix(length)
        default: return nil
        }
    }

    private static func number(_ text: Substring) -> Int64? {
        guard !text.isEmpty, text.utf8.count <= maxDigits, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int64(text)
    }

    private static func unsatisfiable(_ size: Int64) throws(OSSError) -> Selection {
        throw .invalidRange(objectSize: size)
    }
}
