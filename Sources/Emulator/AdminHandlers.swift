import OSSProtocol
import Transport

/// The emulator's own endpoints under `/_emulator/` (base host only).
struct AdminHandlers: Sendable {
    func handle(_ request: HTTPRequest, path: String, responder: Responder) throws -> HTTPResponse {
        switch (request.head.method, path) {
        case ("GET", "/health"), ("HEAD", "/health"):
            return responder.response(headers: ["Content-Type": "application/json"], body: .bytes(Array("{\"status\": \"ok\"}\n".utf8)))
        default:
            throw OSSError(status: 404, code: "NoSuchKey", message: "No emulator endpoint \(request.head.method) /_emulator\(path).")
        }
    }
}
