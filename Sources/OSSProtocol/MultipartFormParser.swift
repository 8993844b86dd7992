/// Sans-I/O reader of a `multipart/form-data` body (RFC 7578): feed bytes
/// in pieces of any size, get part boundaries, part headers and part data
/// back. Part data is handed out as it arrives, so a large file part never
/// sits whole in memory; only a delimiter's length is held back between feeds.
public struct MultipartFormParser: Sendable {
    /// Longest header block of one part.
    public static let maxPartHeaderBytes = 16 * 1024

    public enum Event: Sendable, Equatable {
        /// A new part: its `name` and `filename` from Content-Disposition, and its Content-Type.
        case partBegin(MultipartPartHead)
        case partData([UInt8])
        case partEnd
        /// The closing delimiter; anything after it is ignored.
        case end
    }

    public struct ParseError: Error, Sendable, Equatable {
        public var reason: String
    }

    private enum State { case preamble, afterDelimiter, headers, body, done }

    private let delimiter: [UInt8]
    private var buffer: [UInt8]
    private var state = State.preamble

    /// `boundary` from the Content-Type parameter.
    public init(boundary: String) {
        delimiter = Array(("\r\n--" + boundary).utf8)
        // The first delimiter need not follow a line break.
        buffer = [13, 10]
    }

    /// The boundary parameter of a `multipart/form-data` Content-Type, nil for any other type.
    public static func boundary(contentType: String) -> String? {
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: " \t") }
        guard let type = parts.first, type.lowercased() == "multipart/form-data" else { return nil }
        for parameter in parts.dropFirst() {
            guard let equals = parameter.firstIndex(of: "=") else { continue }
            guard parameter[..<equals].trimmingCharacters(in: " \t").lowercased() == "boundary" else { continue }
            var value = parameter[parameter.index(after: equals)...].trimmingCharacters(in: " \t")
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            guard !value.isEmpty, value.utf8.count <= 70 else { return nil }
            return value
        }
        return nil
    }

    public var isFinished: Bool { state == .done }

    public mutating func feed(_ bytes: some Collection<UInt8>) throws(ParseError) -> [Event] {
        guard state != .done else { return [] }
        buffer.append(contentsOf: bytes)
        var events: [Event] = []
        var position = 0
        loop: while true {
            switch state {
            case .preamble:
                guard let found = Self.find(delimiter, in: buffer, from: position) else {
                    position = max(position, buffer.count - (delimiter.count - 1))
                    break loop
                }
                position = found + delimiter.count
                state = .afterDelimiter
            case .afterDelimiter:
                guard buffer.count - position >= 2 else { break loop }
                if buffer[position] == UInt8(ascii: "-"), buffer[position + 1] == UInt8(ascii: "-") {
                    events.append(.end)
                    state = .done
                    buffer = []
                    return events
                }
                // Transport padding (spaces, tabs) may precede the line break.
                var cursor = position
                while cursor < buffer.count, buffer[cursor] == 0x20 || buffer[cursor] == 0x09 { cursor += 1 }
                guard buffer.count - cursor >= 2 else { break loop }
                guard buffer[cursor] == 13, buffer[cursor + 1] == 10 else {
                    throw ParseError(reason: "no line break after a boundary")
                }
                position = cursor + 2
                state = .headers
            case .headers:
                // A part without headers starts right away with the blank line.
                let end: Int
                if buffer.count - position >= 2, buffer[position] == 13, buffer[position + 1] == 10 {
                    end = position
                } else if let found = Self.find([13, 10, 13, 10], in: buffer, from: position) {
                    end = found + 2
                } else {
                    if buffer.count - position > Self.maxPartHeaderBytes { throw ParseError(reason: "part headers too large") }
                    break loop
                }
                if end - position > Self.maxPartHeaderBytes { throw ParseError(reason: "part headers too large") }
                events.append(.partBegin(try MultipartPartHead(parsing: buffer[position..<end])))
                position = end + 2
                state = .body
            case .body:
                if let found = Self.find(delimiter, in: buffer, from: position) {
                    if found > position { events.append(.partData(Array(buffer[position..<found]))) }
                    events.append(.partEnd)
                    position = found + delimiter.count
                    state = .afterDelimiter
                } else {
                    let keep = buffer.count - (delimiter.count - 1)
                    if keep > position {
                        events.append(.partData(Array(buffer[position..<keep])))
                        position = keep
                    }
                    break loop
                }
            case .done:
                break loop
            }
        }
        buffer.removeFirst(min(position, buffer.count))
        return events
    }

    /// End of the body: an error unless the closing delimiter was seen.
    public func finish() throws(ParseError) {
        guard state == .done else { throw ParseError(reason: "the body ends before the closing boundary") }
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, from <= haystack.count - needle.count else { return nil }
        let first = needle[0]
        var index = from
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first {
                var offset = 1
                while offset < needle.count, haystack[index + offset] == needle[offset] { offset += 1 }
                if offset == needle.count { return index }
            }
            index += 1
        }
        return nil
    }
}

/// The headers of one form part that matter: its field name, file name and type.
public struct MultipartPartHead: Sendable, Equatable {
    public var name: String
    /// Present for a file part (may be empty when the browser sent no file name).
    public var filename: String?
    public var contentType: String?

    public init(name: String, filename: String? = nil, contentType: String? = nil) {
        self.name = name
        self.filename = filename
        self.contentType = contentType
    }

    init(parsing bytes: ArraySlice<UInt8>) throws(MultipartFormParser.ParseError) {
        var name: String?
        var filename: String?
        var contentType: String?
        let text = String(decoding: bytes, as: UTF8.self)
        for line in text.split(separator: "\r\n", omittingEmptySubsequences: true) {
            guard let colon = line.firstIndex(of: ":") else { throw .init(reason: "malformed part header") }
            let field = line[..<colon].trimmingCharacters(in: " \t").lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: " \t")
            switch field {
            case "content-disposition":
                for (key, parameter) in Self.parameters(value) {
                    if key == "name" { name = parameter }
                    if key == "filename" { filename = parameter }
                }
            case "content-type":
                contentType = value
            default:
                break
            }
        }
        guard let name else { throw .init(reason: "a part has no name") }
        self.init(name: name, filename: filename, contentType: contentType)
    }

    /// `form-data; name="a"; filename="b.txt"` → [("name","a"), ("filename","b.txt")];
    /// quoted values may hold `;` and backslash escapes.
    static func parameters(_ value: String) -> [(String, String)] {
        var result: [(String, String)] = []
        var rest = Substring(value)
        guard let firstSemicolon = rest.firstIndex(of: ";") else { return [] }
        rest = rest[rest.index(after: firstSemicolon)...]
        while !rest.isEmpty {
            rest = rest.drop { $0 == " " || $0 == "\t" || $0 == ";" }
            guard let equals = rest.firstIndex(of: "=") else { break }
            let key = rest[..<equals].trimmingCharacters(in: " \t").lowercased()
            rest = rest[rest.index(after: equals)...].drop { $0 == " " || $0 == "\t" }
            var parameter = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                var escaped = false
                while let char = rest.first {
                    rest = rest.dropFirst()
                    if escaped { parameter.append(char); escaped = false; continue }
                    if char == "\\" { escaped = true; continue }
                    if char == "\"" { break }
                    parameter.append(char)
                }
            } else {
                let end = rest.firstIndex(of: ";") ?? rest.endIndex
                parameter = rest[..<end].trimmingCharacters(in: " \t")
                rest = rest[end...]
            }
            result.append((key, parameter))
        }
        return result
    }
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
