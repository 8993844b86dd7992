import ArgumentParser
import Dispatch
import Emulator
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Logging
import OSSProtocol
import Storage

/// `oss-live-emulator serve` (the default): runs the emulator until SIGINT/SIGTERM.
/// Every option also reads `OSS_EMULATOR_<NAME>` (e.g. `OSS_EMULATOR_DATA_DIR`).
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the OSS API (default command).",
        discussion: """
            Every option can also be set through an environment variable named
            OSS_EMULATOR_ followed by the option name in capitals with '-' as '_'
            (OSS_EMULATOR_DATA_DIR, OSS_EMULATOR_PORT, OSS_EMULATOR_BUCKET="a,b:public-read", ...).
            Accepted credentials: the --access-key-id pair (else OSS_ACCESS_KEY_ID /
            OSS_ACCESS_KEY_SECRET) plus every --credential (OSS_EMULATOR_CREDENTIAL takes a
            comma-separated list); with none of them, the development pair
            \(EmulatorConfiguration.developmentAccessKeyId) / \(EmulatorConfiguration.developmentAccessKeySecret).
            """
    )

    @Option(help: "Directory holding buckets and objects (default ./oss-data).")
    var dataDir: String?

    @Flag(help: "Keep all data in a temporary directory removed at exit.")
    var ephemeral = false

    @Option(help: "Address to listen on (default 127.0.0.1; 0.0.0.0 for all interfaces).")
    var host: String?

    @Option(help: "HTTP port; 0 picks any free port (default 8080).")
    var port: UInt16?

    @Option(help: "Dedicated RTMP port; 0 picks any free port (default 1935).")
    var rtmpPort: UInt16?

    @Option(help: "AccessKeyId accepted in signatures.")
    var accessKeyId: String?

    @Option(help: "AccessKeySecret for --access-key-id (never printed).")
    var accessKeySecret: String?

    @Option(help: "Credential to accept, ACCESS_KEY_ID:ACCESS_KEY_SECRET[:SECURITY_TOKEN]; with a token (STS) requests must carry it. Repeatable; added to --access-key-id.")
    var credential: [String] = []

    @Option(help: "Bucket to create at start when missing, NAME or NAME:ACL (private, public-read, public-read-write). Repeatable.")
    var bucket: [String] = []

    @Option(help: "LiveChannel to create at start when missing, BUCKET/NAME (the bucket is created too). Repeatable.")
    var channel: [String] = []

    @Option(help: "Bucket for RTMP publish URLs of the form /live/<channel> on a host that names no bucket (as the Java SDK builds for IP and localhost endpoints).")
    var defaultBucket: String?

    @Option(help: "Publish/play URLs returned by PutLiveChannel: reachable (work from this machine) or oss (exactly OSS's shape).")
    var urlStyle: String?

    @Option(help: "Host name served path style; <bucket>.<base-host> is virtual-hosted. Repeatable (default localhost).")
    var baseHost: [String] = []

    @Option(help: "Bearer token for the /_emulator/ endpoints (health excepted) when listening on a non-loopback --host; without it they answer 401 there.")
    var adminToken: String?

    @Option(help: "Once listening, atomically write {\"http\": ..., \"rtmp\": ...} to this file.")
    var readyFile: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (default info).")
    var logLevel: String?

    @Option(help: "Log line format: text or json (one JSON object per line; default text).")
    var logFormat: String?

    @Flag(help: "fsync every written file and directory.")
    var fsync = false

    @Option(help: "Seconds a RestoreObject of an Archive/ColdArchive object takes to complete (default 0: at once).")
    var restoreDelay: Double?

    @Option(help: "Seconds between lifecycle sweeps (default 60; 0: only on demand, POST /_emulator/lifecycle).")
    var lifecycleInterval: Double?

    @Option(help: "Start the emulator's clock at this UTC time (e.g. 2026-01-01T00:00:00Z); it runs on from there. Move it later with POST /_emulator/clock.")
    var clockStart: String?

    @Option(help: "Fault rules to start with: a JSON file holding one rule or an array (see README, Testing failure and time).")
    var faults: String?

    @Option(help: "Answered requests kept for /_emulator/requests (default 10000; 0 keeps none, counters still count).")
    var requestJournalSize: Int?

    func run() throws {
        Emulator.configureProcessMemory()
        let environment = ProcessInfo.processInfo.environment
        let settings = try CommandSettings(command: self, environment: environment)
        let level = settings.logLevel
        switch settings.logFormat {
        case .text:
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        case .json:
            LoggingSystem.bootstrap { label in
                var handler = JSONLogHandler(label: label)
                handler.logLevel = level
                return handler
            }
        }
        let emulator = Emulator(configuration: settings.configuration)
        if let path = faults {
            guard let bytes = Push.readFile(path) else { throw CLIFailure("cannot read --faults \(path)") }
            do {
                for rule in try FaultRule.rules(fromJSON: bytes) { try emulator.faults.add(rule) }
            } catch {
                throw CLIFailure("--faults \(path): \(error)")
            }
        }
        let endpoints: EmulatorEndpoints
        do {
            endpoints = try emulator.start()
        } catch {
            throw CLIFailure("\(error)")
        }
        if let readyFile = settings.readyFile {
            do { try Emulator.writeReadyFile(readyFile, endpoints: endpoints) } catch {
                emulator.stop()
                throw CLIFailure("\(error)")
            }
        }
        let keyIds = settings.configuration.credentials
            .map { $0.securityToken == nil ? $0.accessKeyId : $0.accessKeyId + " (STS)" }
            .joined(separator: ", ")
        let dataNote = settings.configuration.ephemeral ? " (ephemeral)" : ""
        let banner = """
            oss-live-emulator listening
              endpoint:      \(endpoints.http)
              rtmp:          \(endpoints.rtmp)
              data:          \(endpoints.dataDirectory)\(dataNote)
              AccessKeyId:   \(keyIds)
              (secrets and security tokens are not printed)

            """
        // Written unbuffered so a supervising process sees it at once.
        var bytes = Array(banner.utf8)
        _ = bytes.withUnsafeMutableBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }

        let stopOnSignal: @Sendable () -> Void = {
            emulator.stop()
            Glibc.exit(0)
        }
        var sources: [DispatchSourceSignal] = []
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .main)
            source.setEventHandler(handler: stopOnSignal)
            source.resume()
            sources.append(source)
        }
        withExtendedLifetime(sources) { dispatchMain() }
    }
}

/// A one-line error for stderr and a non-zero exit.
struct CLIFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
