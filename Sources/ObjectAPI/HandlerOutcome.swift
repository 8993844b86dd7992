import Transport

/// What a handler produced: a response now, or a write whose answer waits
/// for its upload callback.
public enum HandlerOutcome: Sendable {
    case response(HTTPResponse)
    case callback(PendingUploadCallback)
}
