/// Glob patterns: CORS origins and headers, referers, policy actions and
/// resources, fault-rule buckets and keys. `*` stands for any run of
/// characters (possibly none), `?` (when `questionMark`) for exactly one.
/// Matching is on Unicode scalars, so a `?` never splits a character's bytes.
public struct Wildcard: Sendable, Equatable {
    public let pattern: String
    let scalars: [Unicode.Scalar]
    let questionMark: Bool
    let caseInsensitive: Bool

    public init(_ pattern: String, questionMark: Bool = false, caseInsensitive: Bool = false) {
        self.pattern = pattern
        self.questionMark = questionMark
        self.caseInsensitive = caseInsensitive
        self.scalars = Array((caseInsensitive ? pattern.lowercased() : pattern).unicodeScalars)
    }

    public func matches(_ text: String) -> Bool {
        let subject = Array((caseInsensitive ? text.lowercased() : text).unicodeScalars)
        // Greedy matching with one back-track point: linear in practice,
        // quadratic at worst, and patterns are short.
        var p = 0, s = 0
        var star: Int? = nil, resume = 0
        while s < subject.count {
            if p < scalars.count, scalars[p] == subject[s] || (questionMark && scalars[p] == "?") {
                p += 1
                s += 1
            } else if p < scalars.count, scalars[p] == "*" {
                star = p
                resume = s
                p += 1
            } else if let star {
                p = star + 1
                resume += 1
                s = resume
            } else {
                return false
            }
        }
        while p < scalars.count, scalars[p] == "*" { p += 1 }
        return p == scalars.count
    }

    /// How many `*` the pattern holds (OSS allows at most one in CORS values).
    public var starCount: Int { pattern.unicodeScalars.filter { $0 == "*" }.count }
}
