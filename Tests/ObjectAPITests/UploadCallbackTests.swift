import Digest
import Dispatch
import Locking
import OSSProtocol
import Testing
import Transport
@testable import ObjectAPI

@Suite struct UploadCallbackTests {
    static func b64(_ json: String) -> String { Base64.encode(Array(json.utf8)) }

    static let context = UploadCallbackContext(
        bucket: "b", object: "dir/a b.txt", etag: "ABC", size: 5, mimeType: "text/plain", crc64: 42,
        contentMD5: "md5==", clientIP: "127.0.0.1", requestId: "RID", operation: "PutObject")

    @Test func parsesAndRendersAFormBody() throws {
        let callback = try UploadCallback.parse(
            encoded: Self.b64(#"{"callbackUrl":"http://127.0.0.1:9000/cb?q=1;example.com","callbackHost":"h","#
                + #""callbackBody":"o=${object}&s=${size}&m=${mimeType}&v=${x:v}&n=${x:none}&i=${imageInfo.width}&u=${unknown}"}"#),
            encodedVariables: Self.b64(#"{"x:v":"1&2"}"#))
        #expect(callback.targets.map(\.host) == ["127.0.0.1", "example.com"])
        #expect(callback.targets[0].port == 9000)
        #expect(callback.targets[0].target == "/cb?q=1")
        #expect(callback.targets[1].target == "/")
        #expect(callback.targets[1].port == 80)
        #expect(callback.host == "h")
        #expect(callback.bodyType == .form)
        #expect(String(decoding: callback.render(Self.context), as: UTF8.self)
            == "o=dir%2Fa%20b.txt&s=5&m=text%2Fplain&v=1%262&n=&i=&u=")
    }

    @Test func jsonBodyQuotesValues() throws {
        let callback = try UploadCallback.parse(
            encoded: Self.b64(#"{"callbackUrl":"http://h/","callbackBody":"{\"o\":${object},\"v\":${x:v}}","callbackBodyType":"application/json"}"#),
            encodedVariables: Self.b64(#"{"x:v":"say \"hi\"\n"}"#))
        let rendered = try JSONText.parse(callback.render(Self.context))
        #expect(rendered == .object([("o", .string("dir/a b.txt")), ("v", .string("say \"hi\"\n"))]))
    }

    @Test(arguments: [
        "%%%", b64("[1]"), b64(#"{"callbackBody":"a"}"#), b64(#"{"callbackUrl":"http://h/","callbackBody":""}"#),
        b64(#"{"callbackUrl":"http://h/","callbackBody":5}"#),
        b64(#"{"callbackUrl":"ftp://h/","callbackBody":"a"}"#), b64(#"{"callbackUrl":"http://[::1]/","callbackBody":"a"}"#),
        b64(#"{"callbackUrl":"http://h:0/","callbackBody":"a"}"#),
        b64(#"{"callbackUrl":"a;b;c;d;e;f","callbackBody":"a"}"#),
        b64(#"{"callbackUrl":"http://h/","callbackBody":"a","callbackBodyType":"text/plain"}"#),
        b64(#"{"callbackUrl":"http://h/","callbackBody":"{${object}","callbackBodyType":"application/json"}"#),
    ])
    func invalidCallbacks(encoded: String) {
        let error = #expect(throws: OSSError.self) { try UploadCallback.parse(encoded: encoded, encodedVariables: nil) }
        #expect(error?.status == 400)
        #expect(error?.code == "InvalidArgument")
    }

    @Test func onlyXVariablesAreKeptAndOthersTolerated() throws {
        let callback = try UploadCallback.parse(
            encoded: Self.b64(#"{"callbackUrl":"http://h/","callbackBody":"a"}"#),
            encodedVariables: Self.b64(#"{"var":"1","x:a":"2","x:n":3,"x:o":{}}"#))
        #expect(callback.variables.map(\.0) == ["x:a", "x:n"])
        let error = #expect(throws: OSSError.self) {
            try UploadCallback.parse(encoded: Self.b64(#"{"callbackUrl":"http://h/","callbackBody":"a"}"#),
                                     encodedVariables: "%%%")
        }
        #expect(error?.detail("ArgumentName") == "x-oss-callback-var")
    }

    @Test func fromHeadersOrPresignedQuery() throws {
        let encoded = Self.b64(#"{"callbackUrl":"http://h/","callbackBody":"a"}"#)
        #expect(try UploadCallback.from(headers: [:], query: []) == nil)
        #expect(try UploadCallback.from(headers: ["x-oss-callback": encoded], query: []) != nil)
        #expect(try UploadCallback.from(headers: [:], query: [QueryItem(name: "callback", value: encoded)]) != nil)
    }

    // MARK: Sending

    final class Answers: Sendable {
        private let responses = Locked<[HTTPResponse]>([])
        private let semaphore = DispatchSemaphore(value: 0)
        func add(_ response: HTTPResponse) {
            responses.withLock { $0.append(response) }
            semaphore.signal()
        }
        func first() -> HTTPResponse? {
            _ = semaphore.wait(timeout: .now() + 10)
            return responses.withLock { $0.first }
        }
    }

    struct FixedSigner: UploadCallbackSigner {
        func sign(_ message: [UInt8]) -> [UInt8]? { Hash.md5(message) }
    }

    /// A callback server answering `answer` after `delay`; records each request.
    static func server(_ answer: String, delay: Double = 0, received: Recorder) throws -> TCPListener {
        let listener = try TCPListener(host: "127.0.0.1", port: 0, queueCount: 1)
        listener.start { connection in
            connection.start(onRead: { bytes in
                received.bytes.withLock { $0 += Array(bytes) }
                connection.queue.asyncAfter(deadline: .now() + delay) {
                    connection.write(Array(answer.utf8))
                    connection.closeAfterWriting()
                }
            }, onClose: { _ in })
        }
        return listener
    }

    func send(port: UInt16, timeout: Duration = .seconds(2)) throws -> HTTPResponse? {
        let callback = try UploadCallback.parse(
            encoded: Self.b64(#"{"callbackUrl":"http://127.0.0.1:\#(port)/cb%20x?q=1","callbackBody":"o=${object}"}"#),
            encodedVariables: nil)
        let pending = PendingUploadCallback(
            callback: callback, context: Self.context, headers: ["ETag": "\"ABC\""],
            responder: Responder(requestId: "RID", nowSeconds: 0, hostId: "host", isHead: false))
        let answers = Answers()
        UploadCallbackSender(timeout: timeout, signer: FixedSigner()).send(pending, publicKeyURL: { "http://keys.example/pub.pem" }) {
            answers.add($0)
        }
        return answers.first()
    }

    static func body(_ response: HTTPResponse?) -> String {
        guard case .bytes(let bytes)? = response?.body else { return "" }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func successRelaysTheJSONAnswerAndSignsTheRequest() throws {
        let received = Recorder()
        let listener = try Self.server("HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\n{\"a\":1}\n", received: received)
        defer { listener.stop() }
        let response = try send(port: listener.port)
        #expect(response?.status == 200)
        #expect(response?.headers["ETag"] == "\"ABC\"")
        #expect(response?.headers["Content-Type"] == "application/json")
        #expect(Self.body(response) == "{\"a\":1}\n")
        let request = String(decoding: received.bytes.withLock { $0 }, as: UTF8.self)
        let signed = Array("/cb x?q=1\no=dir%2Fa%20b.txt".utf8)
        #expect(request.contains("Authorization: \(Base64.encode(Hash.md5(signed)))\r\n"))
        #expect(request.contains("x-oss-pub-key-url: \(Base64.encode(Array("http://keys.example/pub.pem".utf8)))\r\n"))
        #expect(request.contains("Host: 127.0.0.1:\(listener.port)\r\n"))
    }

    @Test(arguments: [
        ("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 2\r\n\r\n{}", "Error status : 500."),
        ("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc", "Response body is not valid json format."),
    ])
    func failuresAre203(answer: String, message: String) throws {
        let received = Recorder()
        let listener = try Self.server(answer, received: received)
        defer { listener.stop() }
        let response = try send(port: listener.port)
        #expect(response?.status == 203)
        #expect(response?.headers["ETag"] == "\"ABC\"")
        #expect(Self.body(response).contains("<Code>CallbackFailed</Code>"))
        #expect(Self.body(response).contains(message))
    }

    @Test func slowServerTimesOut() throws {
        let received = Recorder()
        let listener = try Self.server("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", delay: 3, received: received)
        defer { listener.stop() }
        let started = ContinuousClock.now
        let response = try send(port: listener.port, timeout: .milliseconds(300))
        #expect(response?.status == 203)
        #expect(Self.body(response).contains("timeout"))
        #expect(ContinuousClock.now - started < .seconds(2))
    }

    @Test func namedTimeoutAndLimits() {
        #expect(UploadCallback.timeout == .seconds(5))
        #expect(UploadCallback.maxResponseBytes == 3 * 1024 * 1024)
        #expect(UploadCallback.maxURLs == 5)
    }
}

/// Bytes a test server read.
final class Recorder: Sendable {
    let bytes = Locked<[UInt8]>([])
}
