import FuzzSupport
@testable import Transport

/// The server's request decoder (request line, header fields, Content-Length
/// and chunked framing, pipelined requests), fed all at once and in pieces:
/// both feedings must decode the same requests, bodies and failure.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPRequest(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    let limits = HTTPLimits(maxHeaderBytes: 2048, maxHeaderCount: 16, maxBodyBytes: 1 << 20)
    let whole = decode([bytes[...]], limits: limits)
    let split = decode(pieces(of: bytes, size: pieceSize(of: bytes)), limits: limits)
    fuzzCheck(whole == split, "split input decodes differently:\n\(whole)\n\(split)")
    return 0
}

private enum Item: Equatable {
    case head(HTTPRequestHead, HTTPBodyFraming)
    case body([UInt8])
    case end
    case failed(HTTPRequestError)
}

private func decode(_ inputs: [ArraySlice<UInt8>], limits: HTTPLimits) -> [Item] {
    var decoder = HTTPRequestDecoder(limits: limits)
    var items: [Item] = []
    for input in inputs {
        let failed = input.withUnsafeBytes { buffer -> Bool in
            var consumed = 0
            do throws(HTTPRequestError) {
                while let event = try decoder.next(buffer, consumed: &consumed) {
                    switch event {
                    case .head(let head, let framing):
                        _ = head.keepAlive
                        items.append(.head(head, framing))
                    case .body(let slice):
                        // Bodies arrive in reads of any size: keep one item per body.
                        if case .body(let earlier)? = items.last {
                            items[items.count - 1] = .body(earlier + Array(slice))
                        } else {
                            items.append(.body(Array(slice)))
                        }
                    case .end:
                        items.append(.end)
                    }
                }
                fuzzCheck(consumed == buffer.count, "decoder left \(buffer.count - consumed) bytes unread")
                return false
            } catch {
                items.append(.failed(error))
                return true
            }
        }
        if failed { break }
    }
    return items
}
