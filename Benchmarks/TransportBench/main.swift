// Requests per second for keep-alive GETs of a small body.
//
//   transport-bench [--connections N] [--seconds S] [--body BYTES]
//       starts the server in-process and drives it with N blocking client
//       threads over loopback, then prints the rate.
//   transport-bench --serve PORT [--body BYTES]
//       only serves, for an external load generator such as
//       `wrk -t2 -c32 -d5s http://127.0.0.1:PORT/`.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Synchronization
import Transport

struct Options {
    var connections = 32
    var seconds = 3
    var bodySize = 100
    var servePort: UInt16?

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            let value = iterator.next().flatMap { Int($0) } ?? 0
            switch argument {
            case "--connections": connections = max(1, value)
            case "--seconds": seconds = max(1, value)
            case "--body": bodySize = max(0, value)
            case "--serve": servePort = UInt16(clamping: value)
            default:
                print("unknown option \(argument)")
                exit(2)
            }
        }
    }
}

struct FixedBody: HTTPRequestHandler {
    let body: [UInt8]
    func handle(_ request: HTTPRequest, respond: @escaping HTTPResponder) {
        respond(HTTPResponse(status: 200, headers: ["Content-Type": "text/plain"], body: .bytes(body)))
    }
}

let options = Options(CommandLine.arguments)
let body = [UInt8](repeating: UInt8(ascii: "x"), count: options.bodySize)
let server = HTTPServer(
    configuration: HTTPServerConfiguration(host: "127.0.0.1", port: options.servePort ?? 0),
    handler: FixedBody(body: body)
)
let startBegan = DispatchTime.now().uptimeNanoseconds
do {
    try server.start()
    let micros = (DispatchTime.now().uptimeNanoseconds - startBegan) / 1000
    print("server start (bind + listen + queues): \(micros) µs")
} catch {
    print("cannot start: \(error)")
    exit(1)
}

if options.servePort != nil {
    print("serving \(options.bodySize)-byte bodies on 127.0.0.1:\(server.port)")
    while true { sleep(3600) }
}

/// One keep-alive client: sends a GET, reads exactly one response, repeats.
func runClient(port: UInt16, until deadline: UInt64) -> Int {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { return 0 }
    var one: Int32 = 1
    setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    let request = Array("GET / HTTP/1.1\r\nHost: bench\r\n\r\n".utf8)
    var buffer = [UInt8](repeating: 0, count: 65536)
    var responseSize = 0
    var done = 0
    while DispatchTime.now().uptimeNanoseconds < deadline {
        guard send(fd, request, request.count, Int32(MSG_NOSIGNAL)) == request.count else { return done }
        var received = 0
        while responseSize == 0 || received < responseSize {
            let n = recv(fd, &buffer[received], buffer.count - received, 0)
            guard n > 0 else { return done }
            received += n
            if responseSize == 0, let size = completeResponseSize(buffer[0..<received]) { responseSize = size }
        }
        done += 1
    }
    return done
}

/// The size of the first response in `bytes` once its head is complete.
func completeResponseSize(_ bytes: ArraySlice<UInt8>) -> Int? {
    let array = Array(bytes)
    guard array.count >= 4,
          let end = (0...(array.count - 4)).first(where: { array[$0..<($0 + 4)] == [13, 10, 13, 10] })
    else { return nil }
    let head = String(decoding: array[0..<end], as: UTF8.self)
    for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-length:") {
        let digits = line.dropFirst("content-length:".count).filter { $0 != " " }
        if let length = Int(digits) { return end + 4 + length }
    }
    return nil
}

let count = Atomic<Int>(0)
let start = DispatchTime.now().uptimeNanoseconds
let deadline = start + UInt64(options.seconds) * 1_000_000_000
let group = DispatchGroup()
let port = server.port
for _ in 0..<options.connections {
    group.enter()
    Thread.spawn {
        count.add(runClient(port: port, until: deadline), ordering: .relaxed)
        group.leave()
    }
}
group.wait()
let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
let total = count.load(ordering: .relaxed)
print("keep-alive GET, \(options.bodySize)-byte body, \(options.connections) connections, \(options.seconds) s:",
      "\(total) requests, \(Int(Double(total) / elapsed)) requests/s")
server.stop()

enum Thread {
    /// A plain pthread, so the load generator does not compete with the
    /// server's Dispatch queues for pool threads.
    static func spawn(_ body: @escaping @Sendable () -> Void) {
        final class Box: @unchecked Sendable { let body: @Sendable () -> Void; init(_ body: @escaping @Sendable () -> Void) { self.body = body } }
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        pthread_create(&thread, nil, { raw in
            guard let raw else { return nil }
            let box = Unmanaged<Box>.fromOpaque(raw).takeRetainedValue()
            box.body()
            return nil
        }, box)
        pthread_detach(thread)
    }
}
