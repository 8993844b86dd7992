import FuzzSupport
import OSSProtocol
import ObjectAPI

/// JSON documents: the parser itself, PostObject policies (base64 JSON) and
/// their evaluation, and upload callbacks with their variables.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    _ = try? JSONText.parse(bytes)
    let encoded = base64(bytes)
    if let policy = try? PostPolicy.parse(base64: encoded) {
        let fields = ["bucket": "fuzz-bucket", "key": "user/photo.jpg", "content-type": "image/jpeg",
                      "success_action_status": "201", "x-oss-meta-tag": "a"]
        _ = try? policy.evaluate(fields: fields, contentLength: 1024, now: 1_700_000_000)
    }
    _ = try? UploadCallback.parse(encoded: encoded, encodedVariables: nil)
    _ = try? UploadCallback.parse(encoded: base64(Array(#"{"callbackUrl":"http://127.0.0.1:1/cb","callbackBody":"${x:a}"}"#.utf8)),
                                  encodedVariables: encoded)
    return 0
}
