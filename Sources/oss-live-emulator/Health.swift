import ArgumentParser
import Dispatch
import Emulator
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Locking
import Transport

/// `oss-live-emulator health`: asks a running emulator's
/// `/_emulator/health` and exits 0 when it answers 200. Built in so a
/// container's HEALTHCHECK needs neither curl nor wget.
struct Health: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check that an emulator answers on /_emulator/health (exit 0 when healthy).",
        discussion: "Reads OSS_EMULATOR_HOST and OSS_EMULATOR_PORT like serve does, so in a container it needs no arguments."
    )

    static let path = "/_emulator/health"
    /// The status line comes first; a reply longer than this without one is not ours.
    static let maxReplyBytes = 16 * 1024

    @Option(help: "Host the emulator listens on (default 127.0.0.1; 0.0.0.0 and :: mean this machine).")
    var host: String?

    @Option(help: "HTTP port (default 8080).")
    var port: UInt16?

    @Option(help: "Seconds to wait for the answer.")
    var timeout: Double = 3

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        var target = host ?? environment["OSS_EMULATOR_HOST"].flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1"
        if target == "0.0.0.0" { target = "127.0.0.1" }
        if target == "::" || target == "[::]" { target = "::1" }
        var targetPort = EmulatorConfiguration().port
        if let port {
            targetPort = port
        } else if let text = environment["OSS_EMULATOR_PORT"], !text.isEmpty {
            guard let number = UInt16(text) else { throw ValidationError("OSS_EMULATOR_PORT=\(text) is not a port number") }
            targetPort = number
        }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
        let limit = Duration.milliseconds(Int64(timeout * 1000))
        let status = Self.status(host: target, port: targetPort, timeout: limit)
        switch status {
        case .success(200):
            print("healthy: http://\(target):\(targetPort)\(Self.path) answered 200")
        case .success(let code):
            throw CLIFailure("unhealthy: http://\(target):\(targetPort)\(Self.path) answered \(code)")
        case .failure(let reason):
            throw CLIFailure("unhealthy: http://\(target):\(targetPort)\(Self.path): \(reason)")
        }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The HTTP status of `GET /_emulator/health`, or why there is none.
    static func status(host: String, port: UInt16, timeout: Duration) -> Result<Int, Failure> {
        let outcome = Locked<Result<Int, Failure>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let finish: @Sendable (Result<Int, Failure>) -> Void = { result in
            let first = outcome.withLock { value -> Bool in
                guard value == nil else { return false }
                value = result
                return true
            }
            if first { done.signal() }
        }
        let connector = TCPConnector(queueCount: 1, label: "health")
        connector.connect(host: host, port: port, timeout: timeout) { result in
            switch result {
            case .failure(let error):
                finish(.failure(Failure(description: "\(error)")))
            case .success(let connection):
                let reply = Locked<[UInt8]>([])
                connection.start(onRead: { bytes in
                    let text = reply.withLock { buffer -> [UInt8]? in
                        buffer.append(contentsOf: bytes)
                        guard let end = buffer.firstIndex(of: 0x0A) else {
                            return buffer.count > maxReplyBytes ? [] : nil
                        }
                        return Array(buffer[..<end])
                    }
                    guard let text else { return }
                    // "HTTP/1.1 200 OK"
                    let parts = String(decoding: text, as: UTF8.self).split(separator: " ")
                    if parts.count >= 2, parts[0].hasPrefix("HTTP/"), let code = Int(parts[1]) {
                        finish(.success(code))
                    } else {
                        finish(.failure(Failure(description: "not an HTTP reply")))
                    }
                    connection.close()
                }, onClose: { _ in
                    finish(.failure(Failure(description: "connection closed before a reply")))
                })
                let authority = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
                connection.write(Array("GET \(path) HTTP/1.1\r\nHost: \(authority)\r\nConnection: close\r\n\r\n".utf8))
            }
        }
        let nanoseconds = Int(timeout.components.seconds) * 1_000_000_000 + Int(timeout.components.attoseconds / 1_000_000_000)
        if done.wait(timeout: .now() + .nanoseconds(nanoseconds)) == .timedOut {
            finish(.failure(Failure(description: "no answer within \(timeout)")))
        }
        return outcome.withLock { $0 } ?? .failure(Failure(description: "no answer"))
    }
}
