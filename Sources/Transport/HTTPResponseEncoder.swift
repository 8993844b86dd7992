/// Serialises a response head. Header values a handler built from user input
/// could carry CR or LF; they are replaced so no one can inject a header.
enum HTTPResponseEncoder {
    static let continueHead = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    static func head(status: Int, reason: String?, headers: HTTPHeaders) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 + headers.pairs.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 })
        let code = (100...999).contains(status) ? status : 500
        out.append(contentsOf: "HTTP/1.1 ".utf8)
        out.append(contentsOf: String(code).utf8)
        out.append(UInt8(ascii: " "))
        appendSanitized(reason ?? HTTPStatus.reasonPhrase(code), to: &out)
        out.append(contentsOf: crlf)
        for (name, value) in headers.pairs {
            appendSanitized(name, to: &out)
            out.append(contentsOf: ": ".utf8)
            appendSanitized(value, to: &out)
            out.append(contentsOf: crlf)
        }
        out.append(contentsOf: crlf)
        return out
    }

    private static let crlf: [UInt8] = [0x0D, 0x0A]

    private static func appendSanitized(_ text: String, to out: inout [UInt8]) {
        for byte in text.utf8 {
            out.append(byte == 0x0D || byte == 0x0A || byte == 0 ? UInt8(ascii: " ") : byte)
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
