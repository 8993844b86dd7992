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
import BucketConfig
import Locking
import Logging
import OSSProtocol
import Storage
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
    /// Another emulator (this process or another) runs on the data directory.
    case dataDirectoryInUse(String)
    case listen(String)
    case alreadyStarted
    case notRunning

    public var description: String {
        switch self {
        case .notRunning: return "the emulator is not running"
        case .dataDirectory(let message): return "data directory: \(message)"
        case .dataDirectoryInUse(let message): return message
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
    private let running = Locked<Running?>(nil)
    /// Outlives a stop, so sequence numbers keep increasing across restarts.
    let eventLog: EventLog
    let journal: RequestJournal
    /// Held by `reset()` and `stop()`: a stop waits for a reset in progress,
    /// so nothing of the emulator runs after `stop()` returns.
    private let lifecycle = Locked(())

    private struct Running: Sendable {
        let server: HTTPServer
        let rtmpListener: TCPListener?
        let ingest: RTMPIngest
        let store: ObjectStore
        let channels: ChannelRegistry
        let endpoints: EmulatorEndpoints
        let removeOnStop: String?
        let reclaimer: MemoryReclaimer
        let lifecycle: LifecycleRunner
        let lock: DataDirectoryLock
    }

    public init(configuration: EmulatorConfiguration = EmulatorConfiguration(), logger: Logger? = nil) {
        // Every part reads the movable clock through `configuration.wallClock`.
        let clock = EmulatorClock(real: configuration.wallClock, offsetMilliseconds: configuration.clockOffsetMilliseconds)
        var configuration = configuration
        configuration.realClock = configuration.wallClock
        configuration.wallClock = { clock.nowMilliseconds }
        self.configuration = configuration
        self.clock = clock
        self.logger = logger ?? Logger(label: "oss-live-emulator")
        let eventLog = EventLog(capacity: configuration.eventBufferCapacity)
        self.eventLog = eventLog
        self.journal = RequestJournal(capacity: configuration.requestJournalCapacity)
        clock.onChange { clock in
            eventLog.append(.clockChanged(now: clock.nowMilliseconds, offsetMilliseconds: clock.offsetMilliseconds),
                            time: clock.nowMilliseconds)
        }
    }

    /// The emulator's clock: read, set or advance it to test expiry, dates and names.
    public let clock: EmulatorClock
    /// Fault rules: errors, delays, resets and dropped pushes on purpose.
    public let faults = FaultInjector()

    public var isRunning: Bool { running.withLock { $0 != nil } }

    public var endpoints: EmulatorEndpoints? { running.withLock { $0?.endpoints } }

    /// The object store of the running emulator (for in-process tests).
    public var store: ObjectStore? { running.withLock { $0?.store } }

    /// The channel registry of the running emulator.
    var channels: ChannelRegistry? { running.withLock { $0?.channels } }

    @discardableResult
    public func start() throws -> EmulatorEndpoints {
        if running.withLock({ $0 != nil }) { throw EmulatorError.alreadyStarted }
        let (directory, removeOnStop) = try prepareDataDirectory()
        let lock: DataDirectoryLock
        do {
            lock = try DataDirectoryLock(root: directory)
        } catch {
            if let removeOnStop { try? FileManager.default.removeItem(atPath: removeOnStop) }
            switch error {
            case .inUse: throw EmulatorError.dataDirectoryInUse(error.description)
            case .io(let message): throw EmulatorError.dataDirectory(message)
            }
        }
        do {
            let store: ObjectStore
            do {
                store = try ObjectStore(root: directory, fsync: configuration.fsync, clock: configuration.wallClock)
            } catch let error as StorageError {
                throw EmulatorError.dataDirectory("\(directory): \(error)")
            }
            try provisionBuckets(store)
            store.setWriteFault { [faults, eventLog, clock] bucket, key in
                guard let rule = faults.hit(operation: "storage:write", bucket: bucket, key: key, method: nil) else { return nil }
                eventLog.append(.faultInjected(rule: rule.id, operation: "storage:write", bucket: bucket, key: key,
                                               action: rule.actionDescription), time: clock.nowMilliseconds)
                // A slow disk: the writing thread waits, as on a device that is behind.
                if let delay = rule.delayMilliseconds, delay > 0 { usleep(UInt32(delay) * 1000) }
                guard rule.outOfSpace else { return nil }
                return StorageError.io("write \(bucket)/\(key): No space left on device (injected fault \(rule.id))")
            }
            let channels = try ChannelRegistry(store: store, now: configuration.wallClock() / 1000)
            try provisionChannels(channels)
            let ingest = RTMPIngest(store: store, channels: channels, configuration: configuration, logger: logger, events: eventLog,
                                    faults: faults)
            let lifecycle = LifecycleRunner(store: store, events: eventLog, clock: configuration.wallClock)
            ingest.recover(channels.interrupted)
            let frontDoor = FrontDoor(
                store: store, channels: channels, configuration: configuration, logger: logger,
                admin: AdminHandlers(
                    store: store, channels: channels, events: eventLog, journal: journal, clock: clock, faults: faults,
                    configuration: configuration, lifecycle: lifecycle,
                    reset: { [weak self] in try self?.reset() }),
                dataDirectory: directory, journal: journal, faults: faults, events: eventLog)
            let serverConfiguration = HTTPServerConfiguration(
                host: configuration.host, port: configuration.port, limits: Self.fittingLimits(configuration.limits, logger: logger),
                spoolDirectory: Self.directory(of: store.makeTempFilePath()),
                log: { [logger] in logger.info("\($0)") })
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
            let reclaimer = MemoryReclaimer()
            reclaimer.start()
            lifecycle.start(every: configuration.lifecycleIntervalSeconds, log: { [logger] in logger.error("\($0)") })
            running.withLock {
                $0 = Running(
                    server: server, rtmpListener: rtmpListener, ingest: ingest, store: store, channels: channels,
                    endpoints: endpoints, removeOnStop: removeOnStop, reclaimer: reclaimer, lifecycle: lifecycle, lock: lock)
            }
            return endpoints
        } catch {
            lock.release()
            if let removeOnStop { try? FileManager.default.removeItem(atPath: removeOnStop) }
            throw error
        }
    }

    public func stop() {
        lifecycle.withLock { _ in stopLocked() }
    }

    private func stopLocked() {
        guard let current = running.withLock({ state -> Running? in
            defer { state = nil }
            return state
        }) else { return }
        // Publishers first: each is told why (an onStatus error) and its last
        // segment and playlist are written; then the listeners close the rest.
        current.ingest.stopAll()
        current.rtmpListener?.stop()
        current.server.stop()
        current.reclaimer.stop()
        current.lifecycle.stop()
        eventLog.finishAll()
        current.lock.release()
        if let directory = current.removeOnStop {
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    /// Back to the state of a fresh start: publishers are kicked (their last
    /// files written), then every bucket, object and channel is removed and
    /// the configured buckets and channels are created again. The kept
    /// events are dropped and a `.reset` event starts the new history.
    public func reset() throws {
        try lifecycle.withLock { _ in try resetLocked() }
    }

    private func resetLocked() throws {
        guard let current = running.withLock({ $0 }) else { throw EmulatorError.notRunning }
        current.ingest.stopAll(reason: "the emulator was reset")
        for bucket in current.store.listBuckets() {
            var marker: String?
            repeat {
                let page = try current.store.listObjects(
                    bucket: bucket.name, prefix: "", after: marker, delimiter: nil, maxKeys: Self.resetListingPageSize,
                    etags: false)
                for object in page.objects { try current.store.deleteObject(bucket: bucket.name, key: object.key) }
                marker = page.isTruncated ? page.nextMarker : nil
            } while marker != nil
            try current.store.deleteBucket(bucket.name)
            current.channels.removeBucket(bucket.name)
        }
        current.ingest.timelines.removeAll()
        try provisionBuckets(current.store)
        try provisionChannels(current.channels)
        eventLog.clear()
        journal.reset()
        faults.removeAll()
        eventLog.append(.reset, time: configuration.wallClock())
        logger.info("reset: every bucket, object and channel removed")
    }

    /// Runs the lifecycle rules of `bucket` (nil: of every bucket) now, at
    /// the emulator's clock, as the periodic sweep does; one outcome per
    /// bucket that has rules. Move the clock first to make rules due.
    @discardableResult
    public func runLifecycle(bucket: String? = nil) throws -> [LifecycleSweep.Outcome] {
        guard let current = running.withLock({ $0 }) else { throw EmulatorError.notRunning }
        return try current.lifecycle.run(bucket: bucket)
    }

    /// Objects listed per call while `reset()` empties a bucket.
    static let resetListingPageSize = 1000

    private func provisionBuckets(_ store: ObjectStore) throws {
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
    }

    private func provisionChannels(_ channels: ChannelRegistry) throws {
        for spec in configuration.channels where (try? channels.record(bucket: spec.bucket, name: spec.name)) == nil {
            _ = try channels.put(
                bucket: spec.bucket, name: spec.name, configuration: LiveChannelConfiguration(), now: configuration.wallClock() / 1000)
            logger.info("created live channel \(spec.bucket)/\(spec.name)")
        }
    }

    /// Writes `{"http": ..., "rtmp": ...}` atomically (temp file + rename), for
    /// scripts that wait for the emulator to listen.
    /// For a process that is the emulator (the command line), not for a
    /// host process: one malloc arena per core instead of glibc's eight, so
    /// memory freed after load can go back to the system
    /// (`MemoryReclaimer`). Call first thing, before threads start.
    public static func configureProcessMemory() {
        MemoryReclaimer.limitMallocArenas(to: max(2, ProcessInfo.processInfo.activeProcessorCount))
    }

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

    /// The connection limit lowered to what the open-file limit (raised as
    /// far as allowed) has room for, so that at the limit idle connections
    /// are shed instead of accept failing for want of descriptors.
    static func fittingLimits(_ limits: HTTPLimits, logger: Logger) -> HTTPLimits {
        var limits = limits
        let fitting = DescriptorLimit.provide(forConnections: limits.maxConnections)
        if fitting < limits.maxConnections {
            logger.info("open-file limit \(DescriptorLimit.current) leaves room for \(fitting) HTTP connections (of \(limits.maxConnections) configured); raise it with ulimit -n")
            limits.maxConnections = fitting
        }
        return limits
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
