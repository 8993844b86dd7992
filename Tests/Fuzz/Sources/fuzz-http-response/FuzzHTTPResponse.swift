import FuzzSupport
import Transport

/// The client's response parser (callbacks, publish notifications): all at
/// once and in pieces must give the same response or the same failure.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPResponse(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    let whole = parse([bytes[...]])
    let split = parse(pieces(of: bytes, size: pieceSize(of: bytes)))
    fuzzCheck(whole == split, "split input parses differently:\n\(whole)\n\(split)")
    return 0
}

private func parse(_ inputs: [ArraySlice<UInt8>]) -> Result<HTTPClientResponse, HTTPClientError> {
    var parser = HTTPResponseParser(maxHeaderBytes: 2048, maxBodyBytes: 64 << 10)
    do throws(HTTPClientError) {
        for input in inputs {
            if let response = try parser.feed(input) { return .success(response) }
        }
        return .success(try parser.finish())
    } catch {
        return .failure(error)
    }
}
