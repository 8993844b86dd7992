import ObjectAPI
import OSSProtocol
import Storage
import Transport

/// `POST /_emulator/lifecycle` (optional body `{"bucket": "name"}`): runs a
/// lifecycle sweep now and answers what it did per bucket that has rules.
extension AdminHandlers {
    func runLifecycle(_ body: HTTPRequestBody, responder: Responder) -> HTTPResponse {
        var bucket: String?
        if case .bytes(let bytes) = body, !bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            guard let document = try? JSONText.parse(bytes), case .object = document,
                  document["bucket"] == nil || document["bucket"]?.stringValue != nil else {
                return lifecycleError("InvalidArgument", "send {\"bucket\": \"name\"} or no body", status: 400, responder: responder)
            }
            bucket = document["bucket"]?.stringValue
        }
        if let bucket, store.bucket(bucket) == nil {
            return lifecycleError("NoSuchBucket", "no bucket \(bucket)", status: 404, responder: responder)
        }
        do {
            let outcomes = try lifecycle.run(bucket: bucket)
            let buckets: [JSONValue] = outcomes.map {
                .object([("bucket", .string($0.bucket)), ("expired", .int($0.expired)), ("transitioned", .int($0.transitioned)),
                         ("aborted", .int($0.aborted))])
            }
            return lifecycleJSON(.object([("now", .string(OSSTime.iso8601Milliseconds(clock.nowMilliseconds))),
                                          ("buckets", .array(buckets))]), status: 200, responder: responder)
        } catch {
            return lifecycleError("InternalError", store.describe(error), status: 500, responder: responder)
        }
    }

    private func lifecycleError(_ code: String, _ message: String, status: Int, responder: Responder) -> HTTPResponse {
        lifecycleJSON(.object([("error", .string(code)), ("message", .string(message))]), status: status, responder: responder)
    }

    private func lifecycleJSON(_ value: JSONValue, status: Int, responder: Responder) -> HTTPResponse {
        responder.response(status: status, headers: ["Content-Type": "application/json"], body: .bytes(Array((value.rendered + "\n").utf8)))
    }
}
