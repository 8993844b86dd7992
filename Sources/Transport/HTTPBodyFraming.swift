/// How a request's body is delimited (RFC 9112 §6.3).
enum HTTPBodyFraming: Equatable, Sendable {
    case none
    case length(Int64)
    case chunked

    /// Checks Host, Content-Length, Transfer-Encoding and Expect, and derives
    /// the framing. Refuses every ambiguous combination rather than guessing.
    init(head: HTTPRequestHead, maxBodyBytes: Int64) throws(HTTPRequestError) {
        let headers = head.headers
        if head.version == .http1_1 && headers.count(of: "Host") != 1 {
            throw .missingHost
        }
        if let expect = headers["Expect"], !HTTPHeaders.sameName(HTTPHeaders.trimmed(expect), "100-continue") {
            throw .unsupportedExpectation
        }
        // Most requests carry neither: no arrays built for them.
        let encodings = headers.contains("Transfer-Encoding") ? headers.values("Transfer-Encoding") : []
        let lengths = headers.contains("Content-Length") ? headers.values("Content-Length") : []
        if !encodings.isEmpty {
            guard lengths.isEmpty else { throw .contentLengthWithTransferEncoding }
            // Only a lone `chunked` leaves the body length knowable here; a
            // 1.0 request with Transfer-Encoding has faulty framing (§6.1).
            let codings = encodings.flatMap { $0.split(separator: ",") }.map { HTTPHeaders.trimmed($0) }
            guard head.version == .http1_1, codings.count == 1, let only = codings.first,
                  HTTPHeaders.sameName(only, "chunked")
            else { throw .unsupportedTransferEncoding }
            self = .chunked
            return
        }
        guard !lengths.isEmpty else {
            self = .none
            return
        }
        var length: Int64?
        for item in lengths.flatMap({ $0.split(separator: ",", omittingEmptySubsequences: false) }) {
            let value = try Self.parseLength(HTTPHeaders.trimmed(item))
            if let known = length, known != value { throw .conflictingContentLength }
            length = value
        }
        guard let length else { throw .invalidContentLength }
        guard length <= maxBodyBytes else { throw .bodyTooLarge(limit: maxBodyBytes) }
        self = length == 0 ? .none : .length(length)
    }

    /// 1*DIGIT that fits in Int64.
    static func parseLength(_ text: Substring) throws(HTTPRequestError) -> Int64 {
        guard !text.isEmpty else { throw .invalidContentLength }
        var value: Int64 = 0
        for byte in text.utf8 {
            guard byte >= 0x30 && byte <= 0x39 else { throw .invalidContentLength }
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(Int64(byte - 0x30))
            guard !overflow1 && !overflow2 else { throw .invalidContentLength }
            value = sum
        }
        return value
    }
}
