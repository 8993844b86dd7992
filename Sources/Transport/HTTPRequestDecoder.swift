/// Incremental HTTP/1.1 request decoder (sans-I/O): feed it whatever the
/// socket delivered and ask for the next event until it returns nil ("need
/// more bytes"). Body bytes are handed out as slices of the input, never
/// buffered, so a 5 GiB upload costs no memory here.
struct HTTPRequestDecoder {
    enum Event {
        case head(HTTPRequestHead, HTTPBodyFraming)
        /// A slice of the input passed to `next`; valid only until it returns.
        case body(UnsafeRawBufferPointer)
        case end
    }

    /// A chunk-size line with its extensions; real clients send a few hex
    /// digits, so anything longer is an attack or garbage.
    static let maxChunkLineBytes = 1024

    /// Head buffer kept between requests of a connection: SDK request heads
    /// are well under this, and an idle connection holds no more.
    static let keptHeadCapacity = 4096

    private enum State: Equatable {
        case head
        case fixedBody(remaining: Int64)
        case chunkSizeLine
        case chunkData(remaining: Int64)
        case chunkDataEnd(sawCR: Bool)
        case trailers
        case endPending
        case failed
    }

    let limits: HTTPLimits
    private var state = State.head
    private var headBytes: [UInt8] = []
    /// Where the line being scanned starts in `headBytes`.
    private var lineStart = 0
    /// Where the request line starts in `headBytes`.
    private var contentStart: Int?
    private var line: [UInt8] = []
    private var chunkedBodyBytes: Int64 = 0
    private var trailerBytes = 0
    private var trailerCount = 0
    /// The head whose body is being decoded; kept so a refusal of the body
    /// (or of the head's framing) can still name the request.
    private(set) var currentHead: HTTPRequestHead?

    init(limits: HTTPLimits) { self.limits = limits }

    /// Nothing of a next request has arrived.
    var isIdle: Bool { state == .head && headBytes.isEmpty }
    /// Part of a head has arrived.
    var isReceivingHead: Bool { state == .head && !headBytes.isEmpty }
    /// A head was decoded and its body is still arriving.
    var isReceivingBody: Bool {
        switch state {
        case .head, .failed: return false
        case .fixedBody, .chunkSizeLine, .chunkData, .chunkDataEnd, .trailers, .endPending: return true
        }
    }

    /// Decodes from `input[consumed...]`, advancing `consumed` past what it used.
    mutating func next(_ input: UnsafeRawBufferPointer, consumed: inout Int) throws(HTTPRequestError) -> Event? {
        do {
            return try step(input, consumed: &consumed)
        } catch {
            state = .failed
            throw error
        }
    }

    private mutating func step(_ input: UnsafeRawBufferPointer, consumed: inout Int) throws(HTTPRequestError) -> Event? {
        while true {
            switch state {
            case .failed:
                throw .malformedRequestLine
            case .endPending:
                state = .head
                currentHead = nil
                return .end
            case .head:
                guard consumed < input.count else { return nil }
                if let event = try scanHead(input, consumed: &consumed) { return event }
            case .fixedBody(let remaining):
                let take = Int(min(Int64(input.count - consumed), remaining))
                guard take > 0 else { return nil }
                let slice = UnsafeRawBufferPointer(rebasing: input[consumed..<(consumed + take)])
                consumed += take
                state = remaining == Int64(take) ? .endPending : .fixedBody(remaining: remaining - Int64(take))
                return .body(slice)
            case .chunkSizeLine:
                guard let text = try takeLine(input, consumed: &consumed, limit: Self.maxChunkLineBytes,
                                              tooLong: .malformedChunkedBody)
                else { return nil }
                let size = try Self.parseChunkSize(text)
                if size == 0 {
                    state = .trailers
                } else {
                    let (total, overflow) = chunkedBodyBytes.addingReportingOverflow(size)
                    guard !overflow, total <= limits.maxBodyBytes else {
                        throw .bodyTooLarge(limit: limits.maxBodyBytes)
                    }
                    chunkedBodyBytes = total
                    state = .chunkData(remaining: size)
                }
            case .chunkData(let remaining):
                let take = Int(min(Int64(input.count - consumed), remaining))
                guard take > 0 else { return nil }
                let slice = UnsafeRawBufferPointer(rebasing: input[consumed..<(consumed + take)])
                consumed += take
                state = remaining == Int64(take) ? .chunkDataEnd(sawCR: false) : .chunkData(remaining: remaining - Int64(take))
                return .body(slice)
            case .chunkDataEnd(let sawCR):
                guard consumed < input.count else { return nil }
                let byte = input[consumed]
                consumed += 1
                if !sawCR && byte == cr {
                    state = .chunkDataEnd(sawCR: true)
                } else if sawCR && byte == lf {
                    state = .chunkSizeLine
                } else {
                    throw .malformedChunkedBody
                }
            case .trailers:
                let room = limits.maxHeaderBytes - trailerBytes
                guard let text = try takeLine(input, consumed: &consumed, limit: max(room, 0),
                                              tooLong: .headersTooLarge)
                else { return nil }
                trailerBytes += text.count + 2
                if text.isEmpty {
                    // Trailers are read for framing only; nothing here needs them.
                    chunkedBodyBytes = 0
                    trailerBytes = 0
                    trailerCount = 0
                    state = .head
                    currentHead = nil
                    return .end
                }
                trailerCount += 1
                guard trailerCount <= limits.maxHeaderCount else { throw .tooManyHeaders }
                do {
                    _ = try HTTPHeadParser.parseField(text[...])
                } catch {
                    throw .malformedChunkedBody
                }
            }
        }
    }

    /// Collects head bytes up to the blank line ending the head.
    private mutating func scanHead(_ input: UnsafeRawBufferPointer, consumed: inout Int) throws(HTTPRequestError) -> Event? {
        while consumed < input.count {
            var end = consumed
            while end < input.count && input[end] != lf { end += 1 }
            let foundLF = end < input.count
            let take = (foundLF ? end + 1 : end) - consumed
            guard headBytes.count + take <= limits.maxHeaderBytes else { throw .headersTooLarge }
            headBytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[consumed..<(consumed + take)]))
            consumed += take
            guard foundLF else { return nil }
            let lineEnd = headBytes.count - 1
            var contentEnd = lineEnd
            if contentEnd > lineStart && headBytes[contentEnd - 1] == cr { contentEnd -= 1 }
            let isBlank = contentEnd == lineStart
            if isBlank {
                if let start = contentStart {
                    return try finishHead(from: start, to: lineStart)
                }
                // A stray CRLF between requests (some clients add one after a
                // body) leaves the connection idle rather than mid-head.
                headBytes.removeAll(keepingCapacity: true)
                lineStart = 0
                continue
            } else if contentStart == nil {
                contentStart = lineStart
            }
            lineStart = headBytes.count
        }
        return nil
    }

    private mutating func finishHead(from start: Int, to end: Int) throws(HTTPRequestError) -> Event {
        let head = try parseHead(from: start, to: end)
        // The slices of it are gone: a buffer of ordinary size is reused for
        // the next head; one a huge head grew is given back.
        if headBytes.capacity <= Self.keptHeadCapacity {
            headBytes.removeAll(keepingCapacity: true)
        } else {
            headBytes = []
        }
        lineStart = 0
        contentStart = nil
        currentHead = head
        let framing = try HTTPBodyFraming(head: head, maxBodyBytes: limits.maxBodyBytes)
        switch framing {
        case .none: state = .endPending
        case .length(let length): state = .fixedBody(remaining: length)
        case .chunked: state = .chunkSizeLine
        }
        return .head(head, framing)
    }

    private func parseHead(from start: Int, to end: Int) throws(HTTPRequestError) -> HTTPRequestHead {
        var lines: [ArraySlice<UInt8>] = []
        var cursor = start
        while cursor < end {
            var lineEnd = cursor
            while headBytes[lineEnd] != lf { lineEnd += 1 }
            var contentEnd = lineEnd
            if contentEnd > cursor && headBytes[contentEnd - 1] == cr { contentEnd -= 1 }
            lines.append(headBytes[cursor..<contentEnd])
            cursor = lineEnd + 1
        }
        guard lines.count - 1 <= limits.maxHeaderCount else { throw .tooManyHeaders }
        return try HTTPHeadParser.parse(lines: lines, maxHeaderCount: limits.maxHeaderCount)
    }

    /// A CRLF-terminated line (CR required) without its terminator, or nil
    /// when more bytes are needed.
    private mutating func takeLine(
        _ input: UnsafeRawBufferPointer, consumed: inout Int, limit: Int, tooLong: HTTPRequestError
    ) throws(HTTPRequestError) -> [UInt8]? {
        var end = consumed
        while end < input.count && input[end] != lf { end += 1 }
        let foundLF = end < input.count
        guard line.count + (end - consumed) <= limit else { throw tooLong }
        line.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[consumed..<end]))
        consumed = foundLF ? end + 1 : end
        guard foundLF else { return nil }
        guard line.last == cr else { throw .malformedChunkedBody }
        line.removeLast()
        defer { line = [] }
        guard !line.contains(cr) else { throw .malformedChunkedBody }
        return line
    }

    /// `1*HEXDIG [ BWS ";" extensions ]` (RFC 9112 §7.1); extensions ignored.
    static func parseChunkSize(_ line: [UInt8]) throws(HTTPRequestError) -> Int64 {
        var size: Int64 = 0
        var digits = 0
        var index = 0
        while index < line.count, let value = hexValue(line[index]) {
            guard size <= (Int64.max - Int64(value)) / 16 else { throw .malformedChunkedBody }
            size = size * 16 + Int64(value)
            digits += 1
            index += 1
        }
        guard digits > 0 else { throw .malformedChunkedBody }
        while index < line.count && (line[index] == HTTPHeadParser.space || line[index] == HTTPHeadParser.tab) {
            index += 1
        }
        guard index == line.count || line[index] == UInt8(ascii: ";") else { throw .malformedChunkedBody }
        return size
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }
}

private let cr = UInt8(ascii: "\r")
private let lf = UInt8(ascii: "\n")
