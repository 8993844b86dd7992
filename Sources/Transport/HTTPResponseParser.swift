/// One HTTP/1.1 response read by a client: status, headers and the whole body.
public struct HTTPClientResponse: Sendable, Equatable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: Int, headers: HTTPHeaders, body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Why an outbound request got no usable response.
public enum HTTPClientError: Error, Sendable, Equatable, CustomStringConvertible {
    case connectFailed(String)
    case timedOut
    case responseTooLarge(limit: Int)
    case malformedResponse(String)
    /// The server closed before the response was complete.
    case closedEarly

    public var description: String {
        switch self {
        case .connectFailed(let reason): return reason
        case .timedOut: return "timed out"
        case .responseTooLarge(let limit): return "response larger than \(limit) bytes"
        case .malformedResponse(let why): return "malformed response: \(why)"
        case .closedEarly: return "connection closed before the response was complete"
        }
    }
}

/// Sans-I/O reader of one response: feed bytes as they arrive, then `finish`
/// at end of input (a body without a length ends there). Interim `1xx`
/// answers are skipped. Everything is buffered up to `maxHeaderBytes` plus
/// `maxBodyBytes`, which callers keep small.
public struct HTTPResponseParser: Sendable {
    public let maxHeaderBytes: Int
    public let maxBodyBytes: Int
    private var buffer: [UInt8] = []
    /// Interim responses already consumed from the front of `buffer`.
    private var start = 0

    public init(maxHeaderBytes: Int = 16 * 1024, maxBodyBytes: Int) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
    }

    /// The response once it is complete, nil while more bytes are needed.
    public mutating func feed(_ bytes: some Sequence<UInt8>) throws(HTTPClientError) -> HTTPClientResponse? {
        buffer.append(contentsOf: bytes)
        return try parse(atEnd: false)
    }

    /// End of input: a close-delimited body is complete; anything else short is an error.
    public mutating func finish() throws(HTTPClientError) -> HTTPClientResponse {
        guard let response = try parse(atEnd: true) else { throw .closedEarly }
        return response
    }

    private mutating func parse(atEnd: Bool) throws(HTTPClientError) -> HTTPClientResponse? {
        while true {
            guard let headEnd = Self.find([13, 10, 13, 10], in: buffer, from: start) else {
                // The limit counts the head without its closing blank line, so
                // up to three bytes of that line may already be here: with
                // fewer, the head may still end within the limit.
                if buffer.count - start > maxHeaderBytes + 3 { throw .malformedResponse("header section too large") }
                return nil
            }
            if headEnd - start > maxHeaderBytes { throw .malformedResponse("header section too large") }
            let (status, headers) = try Self.head(buffer[start..<headEnd])
            let bodyStart = headEnd + 4
            if (100..<200).contains(status) {
                start = bodyStart
                continue
            }
            if status == 204 || status == 304 {
                return HTTPClientResponse(status: status, headers: headers, body: [])
            }
            if headers.hasToken("chunked", in: "Transfer-Encoding") {
                guard let body = try dechunk(from: bodyStart) else {
                    if atEnd { throw .closedEarly }
                    return nil
                }
                return HTTPClientResponse(status: status, headers: headers, body: body)
            }
            if let lengthText = headers["Content-Length"] {
                guard let length = Int(lengthText.trimmingWhitespace), length >= 0 else {
                    throw .malformedResponse("bad Content-Length")
                }
                if length > maxBodyBytes { throw .responseTooLarge(limit: maxBodyBytes) }
                guard buffer.count - bodyStart >= length else {
                    if atEnd { throw .closedEarly }
                    return nil
                }
                return HTTPClientResponse(status: status, headers: headers, body: Array(buffer[bodyStart..<bodyStart + length]))
            }
            if buffer.count - bodyStart > maxBodyBytes { throw .responseTooLarge(limit: maxBodyBytes) }
            guard atEnd else { return nil }
            return HTTPClientResponse(status: status, headers: headers, body: Array(buffer[bodyStart...]))
        }
    }

    private static func head(_ bytes: ArraySlice<UInt8>) throws(HTTPClientError) -> (Int, HTTPHeaders) {
        let lines = bytes.split(separator: 10, omittingEmptySubsequences: false).map { line -> ArraySlice<UInt8> in
            line.last == 13 ? line.dropLast() : line
        }
        guard let statusLine = lines.first.map({ String(decoding: $0, as: UTF8.self) }) else {
            throw .malformedResponse("no status line")
        }
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), parts[1].count == 3, let status = Int(parts[1]) else {
            throw .malformedResponse("bad status line")
        }
        var headers = HTTPHeaders()
        for line in lines.dropFirst() where !line.isEmpty {
            guard let colon = line.firstIndex(of: 58) else { throw .malformedResponse("bad header line") }
            let name = String(decoding: line[line.startIndex..<colon], as: UTF8.self)
            let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingWhitespace
            headers.add(name, value)
        }
        return (status, headers)
    }

    /// The chunked body from `offset`, nil until the last chunk and trailers are in.
    private func dechunk(from offset: Int) throws(HTTPClientError) -> [UInt8]? {
        var body: [UInt8] = []
        var position = offset
        while true {
            guard let lineEnd = Self.find([13, 10], in: buffer, from: position) else { return nil }
            let sizeText = String(decoding: buffer[position..<lineEnd], as: UTF8.self)
                .split(separator: ";", maxSplits: 1).first.map(String.init)?.trimmingWhitespace ?? ""
            guard let size = Int(sizeText, radix: 16), size >= 0 else { throw .malformedResponse("bad chunk size") }
            if body.count + size > maxBodyBytes { throw .responseTooLarge(limit: maxBodyBytes) }
            position = lineEnd + 2
            if size == 0 {
                // Trailers end with an empty line.
                while true {
                    guard let end = Self.find([13, 10], in: buffer, from: position) else { return nil }
                    if end == position { return body }
                    position = end + 2
                }
            }
            guard buffer.count >= position + size + 2 else { return nil }
            body.append(contentsOf: buffer[position..<position + size])
            position += size + 2
        }
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard haystack.count >= needle.count, from <= haystack.count - needle.count else { return nil }
        var index = from
        while index <= haystack.count - needle.count {
            if haystack[index] == needle[0] {
                var match = true
                for offset in 1..<needle.count where haystack[index + offset] != needle[offset] {
                    match = false
                    break
                }
                if match { return index }
            }
            index += 1
        }
        return nil
    }
}

extension String {
    var trimmingWhitespace: String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return String(text)
    }
}
