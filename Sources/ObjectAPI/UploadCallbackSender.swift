import Digest
import Dispatch
import OSSProtocol
import Transport

/// A write that is done and waits for its upload callback before answering.
/// PutObject, PostObject and CompleteMultipartUpload produce one; the front
/// door hands it to `UploadCallbackSender` and answers when it completes.
public struct PendingUploadCallback: Sendable {
    public var callback: UploadCallback
    public var context: UploadCallbackContext
    /// Headers of the write's own answer (ETag, CRC-64, ...), kept on the 200 and the 203.
    public var headers: HTTPHeaders
    public var responder: Responder

    public init(callback: UploadCallback, context: UploadCallbackContext, headers: HTTPHeaders, responder: Responder) {
        self.callback = callback
        self.context = context
        self.headers = headers
        self.responder = responder
    }
}

/// Signs callback requests the way OSS does: `Authorization` is the base64
/// RSA (MD5) signature of the URL-decoded path, the query, a newline and the
/// body; `x-oss-pub-key-url` is the base64 address of the public key.
public protocol UploadCallbackSigner: Sendable {
    func sign(_ message: [UInt8]) -> [UInt8]?
}

/// POSTs callback bodies to callback servers without blocking any queue, and
/// turns their answers into the response of the upload.
public final class UploadCallbackSender: Sendable {
    private let client: HTTPClient
    private let timeout: Duration
    private let signer: (any UploadCallbackSigner)?

    public init(timeout: Duration = UploadCallback.timeout, signer: (any UploadCallbackSigner)? = nil) {
        self.client = HTTPClient(label: "oss.upload-callback")
        self.timeout = timeout
        self.signer = signer
    }

    /// Calls the callback URLs in order until one answers 200 with JSON, then
    /// completes with that answer as the upload's 200 response; when none
    /// does, with the 203 `CallbackFailed` document (the object stays written).
    /// `publicKeyURL` is where the callback server can fetch the key that
    /// checks the signature; without it (or a signer) requests go unsigned.
    public func send(_ pending: PendingUploadCallback, publicKeyURL: @escaping @Sendable () -> String? = { nil },
                     completion: @escaping @Sendable (HTTPResponse) -> Void) {
        // Signing (and making the key, the first time) stays off the caller's queue.
        DispatchQueue.global().async { [self] in
            attempt(pending, publicKeyURL: publicKeyURL(), index: 0, lastFailure: "no callback URL", completion: completion)
        }
    }

    private func attempt(_ pending: PendingUploadCallback, publicKeyURL: String?, index: Int, lastFailure: String,
                         completion: @escaping @Sendable (HTTPResponse) -> Void) {
        let callback = pending.callback
        guard index < callback.targets.count else {
            var failure = pending.responder.error(.callbackFailed(lastFailure))
            for (name, value) in pending.headers.pairs where failure.headers[name] == nil { failure.headers.add(name, value) }
            completion(failure)
            return
        }
        let target = callback.targets[index]
        let next: @Sendable (String) -> Void = { [self] failure in
            attempt(pending, publicKeyURL: publicKeyURL, index: index + 1, lastFailure: failure, completion: completion)
        }
        guard target.scheme == "http" else {
            next("Error status : -1 \(target.authority) HTTPS callbacks are not supported by this emulator.")
            return
        }
        let request = makeRequest(callback, target: target, body: callback.render(pending.context), publicKeyURL: publicKeyURL)
        client.send(request, timeout: timeout, maxResponseBytes: UploadCallback.maxResponseBytes) { result in
            switch result {
            case .failure(.timedOut):
                next("Error status : -1 \(target.host):\(target.port) timeout.")
            case .failure(.responseTooLarge):
                next("Response body is too large (over \(UploadCallback.maxResponseBytes) bytes).")
            case .failure(let error):
                next("Error status : -1 \(target.host):\(target.port) \(error).")
            case .success(let answer) where answer.status != 200:
                next("Error status : \(answer.status).")
            case .success(let answer):
                guard (try? JSONText.parse(answer.body)) != nil else {
                    next("Response body is not valid json format.")
                    return
                }
                var headers = pending.headers
                headers.set("Content-Type", "application/json")
                completion(pending.responder.response(status: 200, headers: headers, body: .bytes(answer.body)))
            }
        }
    }

    func makeRequest(_ callback: UploadCallback, target: UploadCallback.Target, body: [UInt8],
                     publicKeyURL: String?) -> HTTPClientRequest {
        var headers: HTTPHeaders = [:]
        headers.add("Host", callback.host ?? target.authority)
        headers.add("Content-Type", callback.bodyType.rawValue)
        if let signer, let publicKeyURL {
            let path = target.target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
            let decodedPath = PercentEncoding.decode(path[0]) ?? String(path[0])
            let query = path.count > 1 ? "?" + path[1] : ""
            let message = Array((decodedPath + query + "\n").utf8) + body
            if let signature = signer.sign(message) {
                headers.add("Authorization", Base64.encode(signature))
                headers.add("x-oss-pub-key-url", Base64.encode(Array(publicKeyURL.utf8)))
            }
        }
        return HTTPClientRequest(
            method: "POST", host: target.host, port: target.port, target: target.target, headers: headers, body: body)
    }
}
