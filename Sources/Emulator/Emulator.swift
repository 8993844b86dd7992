#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import OSSProtocol
import Storage
import Synchronization
import Transport

/// Where a running emulator can be reached.
public struct EmulatorEndpoints: Sendable, Equatable {
    /// `http://HOST:PORT`, with a wildcard bind shown as the loopback address.
    public var http: String
    /// `rtmp://HOST:PORT`.
    public var rtmp: String
    public var httpPort: UInt16
    public var rtmpPort: UInt16
    public var dataDirectory: String
}

public enum EmulatorError: Error, CustomStringConvertible, Equatable {
    case dataDirectory(String)
    case listen(String)
    case alreadyStarted

    public var description: String {
        switch self {
        case .dataDirectory(let message): return "data directory: \(message)"
        case .listen(let message): return message
        case .alreadyStarted: return "the emulator is already running"
        }
    }
}

/// One emulator: the OSS HTTP API over a bucket store on local disk.
/// Start it, use its endpoints, stop it; after `stop()` returns no socket of
/// it is open and no callback of it runs again.
public final class Emulator: Sendable {
    public let configuration: EmulatorConfiguration
    private let logger: Logger
    private let running = Mutex<Running?>(nil)

    private struct Running: Sendable {
        let server: HTTPServer
        let rtmpListener: TCPListener?
        let ingest: RTMPIngest
        let store: ObjectStore
        let channels: ChannelRegistry
        let endpoints: EmulatorEndpoints
        let removeOnStop: String?
    }

    public init(configuration: EmulatorConfiguration = EmulatorConfiguration(), logger: Logger? = nil) {
        self.configuration = configuration
        self.logger = logger ?? Logger(label: "oss-live-emulator")
    }

    public var endpoints: EmulatorEndpoints? { running.withLock { $0?.endpoints } }

    /// The object store of the running emulator (for in-process tests).
    public var store: ObjectStore? { running.withLock { $0?.store } }

    /// The channel registry of the running emulator.
    var channels: ChannelRegistry? { running.withLock { $0?.channels } }

    @discardableResult
    public func start() throws -> EmulatorEndpoints {
        if running.withLock({ $0 != nil }) { throw EmulatorError.alreadyStarted }
        let (directory, removeOnStop) = try prepareDataDirectory()
        do {
            let store: ObjectStore
            do {
                store = try ObjectStore(root: directory, fsync: configuration.fsync, clock: configuration.wallClock)
            } catch let error as StorageError {
                throw EmulatorError.dataDirectory("\(directory): \(error)")
            }
            for spec in configuration.buckets {
                if try store.createBucket(spec.name, acl: spec.acl) {
                    logger.info("created bucket \(spec.name) (\(spec.acl.rawValue))")
                }
            }
            for spec in configuration.channels {
                if try store.createBucket(spec.bucket, acl: .private) {
                    logger.info("created bucket \(spec.bucket) (private) for channel \(spec.name)")
                }
            }
            let channels = try ChannelRegistry(store: store, now: configuration.wallClock() / 1000)
            for spec in configuration.channels where (try? channels.record(bucket: spec.bucket, name: spec.name)) == nil {
                _ = try channels.put(
                    bucket: spec.bucket, name: spec.name, configuration: LiveChannelConfiguration(), now: configuration.wallClock() / 1000)
                logger.info("created live channel \(spec.bucket)/\(spec.name)")
            }
            let ingest = RTMPIngest(store: store, channels: channels, configuration: configuration, logger: logger)
            ingest.recover(channels.interrupted)
            let frontDoor = FrontDoor(store: store, channels: channels, configuration: configuration, logger: logger)
            let serverConfiguration = HTTPServerConfiguration(
                host: configuration.host, port: configuration.port, limits: configuration.limits,
                spoolDirectory: Self.directory(of: store.makeTempFilePath()))
            // SDK-built RTMP URLs carry the HTTP endpoint's port: RTMP is served there too.
            let server = HTTPServer(
                configuration: serverConfiguration, handler: frontDoor,
                rawProtocolHandler: { connection, bytes in ingest.accept(connection, alreadyRead: bytes) })
            let rtmpListener: TCPListener
            do {
                try server.start()
            } catch {
                throw EmulatorError.listen("HTTP: \(error)")
            }
            do {
                rtmpListener = try TCPListener(host: configuration.host, port: configuration.rtmpPort, log: { [logger] in logger.info("\($0)") })
            } catch {
                server.stop()
                throw EmulatorError.listen("RTMP: \(error)")
            }
            rtmpListener.start { connection in ingest.accept(connection, alreadyRead: []) }
            let host = Self.reachableHost(configuration.host)
            let endpoints = EmulatorEndpoints(
                http: "http://\(host):\(server.port)", rtmp: "rtmp://\(host):\(rtmpListener.port)",
                httpPort: server.port, rtmpPort: rtmpListener.port, dataDirectory: directory)
            running.withLock {
                $0 = Running(
                    server: server, rtmpListener: rtmpListener, ingest: ingest, store: store, channels: channels,
                    endpoints: endpoints, removeOnStop: removeOnStop)
            }
            return endpoints
        } catch {
            if let removeOnStop { try? FileManager.default.removeItem(atPath: removeOnStop) }
            throw error
        }
    }

    public func stop() {
        guard let current = running.withLock({ state -> Running? in
            defer { state = nil }
            return state
        }) else { return }
        // Publishers first, so their last segments and playlists are written.
        current.rtmpListener?.stop()
        current.ingest.stopAll()
        current.server.stop()
        if let directory = current.removeOnStop {
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    /// Writes `{"http": ..., "rtmp": ...}` atomically (temp file + rename), for
    /// scripts that wait for the emulator to listen.
    public static func writeReadyFile(_ path: String, endpoints: EmulatorEndpoints) throws {
        let json = "{\"http\": \"\(endpoints.http)\", \"rtmp\": \"\(endpoints.rtmp)\"}\n"
        let temporary = path + ".tmp-\(getpid())"
        try Data(json.utf8).write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw EmulatorError.dataDirectory("cannot write ready file \(path): \(reason)")
        }
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func reachableHost(_ host: String) -> String {
        switch host {
        case "0.0.0.0", "": return "127.0.0.1"
        case "::", "[::]": return "[::1]"
        default: return host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        }
    }

    private func prepareDataDirectory() throws -> (String, String?) {
        if configuration.ephemeral {
            let temporary = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
            let base = temporary.hasSuffix("/") ? temporary : temporary + "/"
            var template = Array((base + "oss-emulator-XXXXXX").utf8CString)
            guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
                throw EmulatorError.dataDirectory("cannot create a temporary directory: \(String(cString: strerror(errno)))")
            }
            let path = String(cString: made)
            return (path, path)
        }
        let path = configuration.dataDirectory
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw EmulatorError.dataDirectory("cannot create \(path): \(error)")
        }
        guard access(path, W_OK | X_OK) == 0 else {
            throw EmulatorError.dataDirectory("\(path) is not writable")
        }
        return (path, nil)
    }
}
