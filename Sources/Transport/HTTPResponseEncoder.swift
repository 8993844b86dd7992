/// Serialises a response head. Header values a handler built from user input
/// could carry CR or LF; they are replaced so no one can inject a header.
enum HTTPResponseEncoder {
    static let continueHead = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    static func head(status: Int, reason: String?, headers: HTTPHeaders) -> [UInt8] {
        let code = (100...999).contains(status) ? status : 500
        if reason == nil, code == 200 {
            return encode(statusLine: okStatusLine, reason: nil, headers: headers)
        }
        let statusLine: [UInt8] = [
            0x48, 0x54, 0x54, 0x50, 0x2F, 0x31, 0x2E, 0x31, 0x20,  // "HTTP/1.1 "
            UInt8(ascii: "0") + UInt8(code / 100), UInt8(ascii: "0") + UInt8(code / 10 % 10),
            UInt8(ascii: "0") + UInt8(code % 10), UInt8(ascii: " "),
        ]
        return encode(statusLine: statusLine, reason: reason ?? HTTPStatus.reasonPhrase(code), headers: headers)
    }

    /// The whole head in one allocation of the exact size: `statusLine`
    /// (ending in CRLF when `reason` is nil), the reason, the fields, the
    /// blank line. Text is copied as it is and then cleaned in place.
    private static func encode(statusLine: [UInt8], reason: String?, headers: HTTPHeaders) -> [UInt8] {
        var size = statusLine.count + 2
        if let reason { size += reason.utf8.count + 2 }
        for (name, value) in headers { size += name.utf8.count + value.utf8.count + 4 }
        return [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            var at = 0
            func put(_ bytes: UnsafeBufferPointer<UInt8>, sanitize: Bool) {
                guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
                let target = buffer.baseAddress! + at
                target.update(from: source, count: bytes.count)
                if sanitize {
                    for index in 0..<bytes.count where target[index] == 0x0D || target[index] == 0x0A || target[index] == 0 {
                        target[index] = UInt8(ascii: " ")
                    }
                }
                at += bytes.count
            }
            func put(_ text: String) {
                var text = text
                text.withUTF8 { put($0, sanitize: true) }
            }
            func put(_ byte1: UInt8, _ byte2: UInt8) {
                buffer[at] = byte1
                buffer[at + 1] = byte2
                at += 2
            }
            statusLine.withUnsafeBufferPointer { put($0, sanitize: false) }
            if let reason {
                put(reason)
                put(0x0D, 0x0A)
            }
            for (name, value) in headers {
                put(name)
                put(UInt8(ascii: ":"), UInt8(ascii: " "))
                put(value)
                put(0x0D, 0x0A)
            }
            put(0x0D, 0x0A)
            count = at
        }
    }

    /// Most answers are a plain 200.
    private static let okStatusLine = Array("HTTP/1.1 200 OK\r\n".utf8)
}

public enum HTTPStatus {
    /// The RFC 9110 reason phrase, or "Unknown".
    public static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 100: return "Continue"
        case 101: return "Switching Protocols"
        case 200: return "OK"
        case 201: return "Created"
        case 202: return "Accepted"
        case 203: return "Non-Authoritative Information"
        case 204: return "No Content"
        case 205: return "Reset Content"
        case 206: return "Partial Content"
        case 300: return "Multiple Choices"
        case 301: return "Moved Permanently"
        case 302: return "Found"
        case 303: return "See Other"
        case 304: return "Not Modified"
        case 307: return "Temporary Redirect"
        case 308: return "Permanent Redirect"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 406: return "Not Acceptable"
        case 408: return "Request Timeout"
        case 409: return "Conflict"
        case 410: return "Gone"
        case 411: return "Length Required"
        case 412: return "Precondition Failed"
        case 413: return "Content Too Large"
        case 414: return "URI Too Long"
        case 415: return "Unsupported Media Type"
        case 416: return "Range Not Satisfiable"
        case 417: return "Expectation Failed"
        case 422: return "Unprocessable Content"
        case 426: return "Upgrade Required"
        case 428: return "Precondition Required"
        case 429: return "Too Many Requests"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        case 505: return "HTTP Version Not Supported"
        default: return "Unknown"
        }
    }
}
