import OSSProtocol
import Transport

/// GetObject/HeadObject conditional headers, evaluated in the order of RFC 9110
/// §13.2.2 (as OSS documents them): If-Match, else If-Unmodified-Since (412);
/// then If-None-Match, else If-Modified-Since (304). A date that does not parse
/// is ignored.
enum Preconditions {
    enum Outcome: Equatable {
        case proceed
        case notModified
        case failed
    }

    static func evaluate(_ headers: HTTPHeaders, etag: String, lastModifiedSeconds: Int64) -> Outcome {
        if let ifMatch = headers["If-Match"] {
            if !matches(ifMatch, etag: etag) { return .failed }
        } else if let text = headers["If-Unmodified-Since"], let date = OSSTime.parseHTTPDate(text), lastModifiedSeconds > date {
            return .failed
        }
        if let ifNoneMatch = headers["If-None-Match"] {
            if matches(ifNoneMatch, etag: etag) { return .notModified }
        } else if let text = headers["If-Modified-Since"], let date = OSSTime.parseHTTPDate(text), lastModifiedSeconds <= date {
            return .notModified
        }
        return .proceed
    }

    /// `*` or a comma-separated list of entity tags, quoted or not (weak
    /// tags compare by their value; OSS ETags are upper-case hex but clients
    /// may lower-case them).
    static func matches(_ header: String, etag: String) -> Bool {
        for item in header.split(separator: ",") {
            var tag = Substring(String(item).trimmingSpaces)
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag = tag.dropFirst(2) }
            if tag.count >= 2, tag.first == "\"", tag.last == "\"" { tag = tag.dropFirst().dropLast() }
            if tag.uppercased() == etag.uppercased() { return true }
        }
        return false
    }
}
