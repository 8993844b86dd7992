import FuzzSupport
import OSSProtocol

/// PostObject's multipart/form-data parser. The first line of the input is
/// the Content-Type (its boundary), the rest the body, fed all at once and in
/// pieces: the parts (names, heads, data) must come out the same.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMultipartForm(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    let newline = bytes.firstIndex(of: 10) ?? bytes.endIndex
    let contentType = fuzzText(bytes[..<newline])
    guard let boundary = MultipartFormParser.boundary(contentType: contentType) else { return 0 }
    let body = Array(bytes[min(newline + 1, bytes.endIndex)...])
    let whole = parse([body[...]], boundary: boundary)
    let split = parse(pieces(of: body, size: pieceSize(of: body)), boundary: boundary)
    // A feed that fails drops the events it decoded before the failure (the
    // form is refused either way), so failures compare by reason only.
    if case .failed(let reason)? = whole.last {
        fuzzCheck(split.last == .failed(reason), "split body fails differently:\n\(whole)\n\(split)")
    } else {
        fuzzCheck(whole == split, "split body parses differently:\n\(whole)\n\(split)")
    }
    return 0
}

private enum Item: Equatable {
    case begin(MultipartPartHead)
    case data([UInt8])
    case end
    case close
    case failed(String)
}

private func parse(_ inputs: [ArraySlice<UInt8>], boundary: String) -> [Item] {
    var parser = MultipartFormParser(boundary: boundary)
    var items: [Item] = []
    do throws(MultipartFormParser.ParseError) {
        for input in inputs {
            for event in try parser.feed(input) {
                switch event {
                case .partBegin(let head): items.append(.begin(head))
                case .partData(let bytes):
                    // Data comes in pieces of any size; keep one item per part.
                    if case .data(let earlier)? = items.last {
                        items[items.count - 1] = .data(earlier + bytes)
                    } else {
                        items.append(.data(bytes))
                    }
                case .partEnd: items.append(.end)
                case .end: items.append(.close)
                }
            }
        }
        try parser.finish()
    } catch {
        items.append(.failed(error.reason))
    }
    return items
}
