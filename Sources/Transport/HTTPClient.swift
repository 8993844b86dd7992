import Dispatch
import Locking

/// One outbound HTTP/1.1 request, sent on a connection of its own.
public struct HTTPClientRequest: Sendable {
    public var method: String
    /// Where to connect.
    public var host: String
    public var port: UInt16
    /// Origin-form target: `/path?query`.
    public var target: String
    /// Sent as given; `Content-Length` and `Connection: close` are added.
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(method: String, host: String, port: UInt16, target: String, headers: HTTPHeaders, body: [UInt8]) {
        self.method = method
        self.host = host
        self.port = port
        self.target = target
        self.headers = headers
        self.body = body
    }

    /// The request as it goes on the wire.
    public var encoded: [UInt8] {
        var head = method + " " + target + " HTTP/1.1\r\n"
        for (name, value) in headers.pairs where !HTTPHeaders.sameName(name, "Content-Length")
            && !HTTPHeaders.sameName(name, "Connection") {
            head += name + ": " + value + "\r\n"
        }
        head += "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        return Array(head.utf8) + body
    }
}

/// A small client for one-shot requests (upload callbacks): connects without
/// blocking a connection queue, sends the request, reads one bounded response
/// and closes. Every request ends within its `timeout`, whatever the peer does
/// (name resolution included).
public final class HTTPClient: Sendable {
    private let connector: TCPConnector

    public init(label: String = "transport.http-client") {
        connector = TCPConnector(queueCount: 1, label: label)
    }

    /// `completion` runs exactly once, on a queue of the client.
    public func send(
        _ request: HTTPClientRequest, timeout: Duration, maxResponseBytes: Int,
        completion: @escaping @Sendable (Result<HTTPClientResponse, HTTPClientError>) -> Void
    ) {
        let exchange = Exchange(completion: completion, parser: HTTPResponseParser(maxBodyBytes: maxResponseBytes))
        let timer = DispatchSource.makeTimerSource(queue: connector.nextQueue)
        timer.setEventHandler { exchange.finish(.failure(.timedOut)) }
        timer.schedule(deadline: .now() + .nanoseconds(Int(clamping: timeout.nanoseconds)))
        exchange.setTimer(timer)
        timer.activate()
        let connector = self.connector
        // Name resolution blocks: keep it off every connection queue.
        DispatchQueue.global().async {
            connector.connect(host: request.host, port: request.port, timeout: timeout) { result in
                switch result {
                case .failure(let error):
                    exchange.finish(.failure(.connectFailed("\(error)")))
                case .success(let connection):
                    exchange.run(connection, sending: request.encoded)
                }
            }
        }
    }
}

/// The state of one request: shared by the deadline timer and the connection's queue.
private final class Exchange: Sendable {
    private struct State {
        var done = false
        var connection: SocketConnection?
        /// Cancelled only once, by whoever finishes the exchange.
        var timer: UncheckedBox<DispatchSourceTimer>?
        var parser: HTTPResponseParser
    }

    private let state: Locked<State>
    private let completion: @Sendable (Result<HTTPClientResponse, HTTPClientError>) -> Void

    init(completion: @escaping @Sendable (Result<HTTPClientResponse, HTTPClientError>) -> Void, parser: HTTPResponseParser) {
        self.completion = completion
        self.state = Locked(State(parser: parser))
    }

    func setTimer(_ timer: DispatchSourceTimer) {
        let boxed = UncheckedBox(timer)
        state.withLock { $0.timer = boxed }
    }

    func run(_ connection: SocketConnection, sending bytes: [UInt8]) {
        let alreadyDone = state.withLock { state -> Bool in
            if !state.done { state.connection = connection }
            return state.done
        }
        if alreadyDone {
            connection.close()
            return
        }
        connection.start(onRead: { [self] buffer in
            let chunk = Array(buffer)
            let outcome = state.withLock { state -> Result<HTTPClientResponse, HTTPClientError>? in
                do throws(HTTPClientError) {
                    return try state.parser.feed(chunk).map { .success($0) }
                } catch {
                    return .failure(error)
                }
            }
            if let outcome { finish(outcome) }
        }, onClose: { [self] _ in
            let outcome = state.withLock { state -> Result<HTTPClientResponse, HTTPClientError> in
                do throws(HTTPClientError) { return .success(try state.parser.finish()) } catch { return .failure(error) }
            }
            finish(outcome)
        })
        connection.write(bytes)
    }

    func finish(_ result: Result<HTTPClientResponse, HTTPClientError>) {
        let taken = state.withLock { state -> (SocketConnection?, UncheckedBox<DispatchSourceTimer>?)? in
            guard !state.done else { return nil }
            state.done = true
            defer { state.connection = nil; state.timer = nil }
            return (state.connection, state.timer)
        }
        guard let (connection, timer) = taken else { return }
        timer?.value.cancel()
        connection?.close()
        completion(result)
    }
}
