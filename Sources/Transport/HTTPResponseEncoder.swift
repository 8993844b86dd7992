/// Serialises a response head. Header values a handler built from user input
/// could carry CR or LF; they are replaced so no one can inject a header.
enum HTTPResponseEncoder {
    static let continueHead = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    static func head(status: Int, reason: String?, headers: HTTPHeaders) -> [UInt8] {
        var out: [UInt8] = []
        var capacity = 64
        for (name, value) in headers { capacity += name.utf8.count + value.utf8.count + 4 }
        out.reserveCapacity(capacity)
        let code = (100...999).contains(status) ? status : 500
        if reason == nil, code == 200 {
            out.append(contentsOf: okStatusLine)
        } else {
            out.append(contentsOf: "HTTP/1.1 ".utf8)
            out.append(UInt8(ascii: "0") + UInt8(code / 100))
            out.append(UInt8(ascii: "0") + UInt8(code / 10 % 10))
            out.append(UInt8(ascii: "0") + UInt8(code % 10))
            out.append(UInt8(ascii: " "))
            appendSanitized(reason ?? HTTPStatus.reasonPhrase(code), to: &out)
            out.append(contentsOf: crlf)
        }
        for (name, value) in headers {
            appendSanitized(name, to: &out)
            out.append(UInt8(ascii: ":"))
            out.append(UInt8(ascii: " "))
            appendSanitized(value, to: &out)
            out.append(contentsOf: crlf)
        }
        out.append(contentsOf: crlf)
        return out
    }

    private static let crlf: [UInt8] = [0x0D, 0x0A]
    /// Most answers are a plain 200.
    private static let okStatusLine = Array("HTTP/1.1 200 OK\r\n".utf8)

    /// Copies `text` in one go when it holds no CR, LF or NUL (nearly
    /// always); otherwise byte by byte with those replaced by a space.
    private static func appendSanitized(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            if !bytes.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) {
                out.append(contentsOf: bytes)
                return
            }
            for byte in bytes {
                out.append(byte == 0x0D || byte == 0x0A || byte == 0 ? UInt8(ascii: " ") : byte)
            }
        }
    }
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
