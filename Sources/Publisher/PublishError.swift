/// Why a stream did not publish its media to the end. The descriptions are
/// what `push` prints after the stream's number and URL.
public enum PublishError: Error, Sendable, Equatable, CustomStringConvertible {
    case badURL(PublishURL.Failure)
    case badMedia(PublishMedia.Failure)
    /// The TCP connection could not be opened (refused, unresolvable, timed out).
    case connectFailed(String)
    /// The server answered publish with an error status (`NetStream.Publish.BadName`, `.Denied`, …).
    case refused(code: String, description: String)
    /// The server sent an error status while the stream was publishing.
    case stoppedByServer(code: String, description: String)
    case handshakeTimeout(Duration)
    case publishTimeout(Duration)
    case protocolViolation(String)
    /// The session ended for another reason (`RTMP.CloseReason`).
    case sessionEnded(String)
    case closedByServer
    case socketFailed(operation: String, errno: Int32)
    case connectionClosed
    /// `stop()` came before the server accepted the publish; says how far it got.
    case stoppedBeforePublish(String)
    /// The stream did not close within the run's stop grace.
    case notClosedInTime(Duration)

    /// The server's status text, for a refusal or a stop by the server.
    public var serverDescription: String? {
        switch self {
        case .refused(_, let description), .stoppedByServer(_, let description): return description
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .badURL(let failure): return failure.description
        case .badMedia(let failure): return failure.description
        case .connectFailed(let reason): return reason
        case .refused(let code, let description): return "refused by the server: \(Self.status(code, description))"
        case .stoppedByServer(let code, let description): return "stopped by the server: \(Self.status(code, description))"
        case .handshakeTimeout(let limit): return "no RTMP handshake from the server within \(limit)"
        case .publishTimeout(let limit): return "the server did not start the publish within \(limit)"
        case .protocolViolation(let error): return "RTMP protocol error: \(error)"
        case .sessionEnded(let reason): return "session ended: \(reason)"
        case .closedByServer: return "the server closed the connection"
        case .socketFailed(let operation, let code): return "\(operation) failed: errno \(code)"
        case .connectionClosed: return "connection closed"
        case .stoppedBeforePublish(let stage): return "stopped before the publish started (\(stage))"
        case .notClosedInTime(let grace): return "did not close within \(grace) of being stopped"
        }
    }

    private static func status(_ code: String, _ description: String) -> String {
        description.isEmpty ? code : "\(description) (\(code))"
    }
}
