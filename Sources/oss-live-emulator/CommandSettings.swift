import ArgumentParser
import Emulator
import Logging
import OSSProtocol
import Storage

/// The command line merged with the `OSS_EMULATOR_*` environment: a flag
/// given on the command line wins over its variable.
struct CommandSettings {
    var configuration = EmulatorConfiguration()
    var readyFile: String?
    var logLevel: Logger.Level = .info
    var logFormat: LogFormat = .text

    static let prefix = "OSS_EMULATOR_"
    /// A day: longer periods would leave rules unapplied for no reason a test could have.
    static let maxLifecycleIntervalSeconds: Double = 86_400

    init(command: Serve, environment: [String: String]) throws {
        func variable(_ name: String) -> String? {
            guard let value = environment[Self.prefix + name], !value.isEmpty else { return nil }
            return value
        }
        func flag(_ given: Bool, _ name: String) throws -> Bool {
            if given { return true }
            guard let value = variable(name) else { return false }
            switch value.lowercased() {
            case "1", "true", "yes", "on": return true
            case "0", "false", "no", "off": return false
            default: throw ValidationError("\(Self.prefix)\(name)=\(value) is not a boolean (use true or false)")
            }
        }
        func port(_ given: UInt16?, _ name: String) throws -> UInt16? {
            if let given { return given }
            guard let value = variable(name) else { return nil }
            guard let number = UInt16(value) else {
                throw ValidationError("\(Self.prefix)\(name)=\(value) is not a port number (0-65535)")
            }
            return number
        }
        func list(_ given: [String], _ name: String) -> [String] {
            if !given.isEmpty { return given }
            guard let value = variable(name) else { return [] }
            return value.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
        }

        if let dataDir = command.dataDir ?? variable("DATA_DIR") { configuration.dataDirectory = dataDir }
        configuration.ephemeral = try flag(command.ephemeral, "EPHEMERAL")
        configuration.fsync = try flag(command.fsync, "FSYNC")
        if let text = command.restoreDelay.map({ String($0) }) ?? variable("RESTORE_DELAY") {
            guard let seconds = Double(text), seconds >= 0, seconds.isFinite else {
                throw ValidationError("--restore-delay / \(Self.prefix)RESTORE_DELAY=\(text) is not a number of seconds (0 or more)")
            }
            configuration.restoreDelaySeconds = seconds
        }
        if let text = command.lifecycleInterval.map({ String($0) }) ?? variable("LIFECYCLE_INTERVAL") {
            guard let seconds = Double(text), seconds >= 0, seconds <= Self.maxLifecycleIntervalSeconds else {
                throw ValidationError("--lifecycle-interval / \(Self.prefix)LIFECYCLE_INTERVAL=\(text) is not a number of seconds from 0 to \(Int(Self.maxLifecycleIntervalSeconds))")
            }
            configuration.lifecycleIntervalSeconds = seconds
        }
        if let text = command.requestJournalSize.map({ String($0) }) ?? variable("REQUEST_JOURNAL_SIZE") {
            guard let size = Int(text), (0...RequestJournalLimits.maxCapacity).contains(size) else {
                throw ValidationError("--request-journal-size / \(Self.prefix)REQUEST_JOURNAL_SIZE=\(text) is not a count from 0 to \(RequestJournalLimits.maxCapacity)")
            }
            configuration.requestJournalCapacity = size
        }
        if let text = command.clockStart ?? variable("CLOCK_START") {
            guard let seconds = OSSTime.parseISO8601(text) else {
                throw ValidationError("--clock-start / \(Self.prefix)CLOCK_START=\(text) is not an ISO 8601 UTC time such as 2026-01-01T00:00:00Z")
            }
            configuration.clockOffsetMilliseconds = seconds * 1000 - configuration.wallClock()
        }
        if let host = command.host ?? variable("HOST") { configuration.host = host }
        if let port = try port(command.port, "PORT") { configuration.port = port }
        if let rtmpPort = try port(command.rtmpPort, "RTMP_PORT") { configuration.rtmpPort = rtmpPort }

        let keyId = command.accessKeyId ?? variable("ACCESS_KEY_ID") ?? environment["OSS_ACCESS_KEY_ID"]
        let secret = command.accessKeySecret ?? variable("ACCESS_KEY_SECRET") ?? environment["OSS_ACCESS_KEY_SECRET"]
        var credentials: [Credential] = []
        switch (keyId, secret) {
        case (nil, nil):
            break
        case (let id?, let secret?) where !id.isEmpty && !secret.isEmpty:
            credentials.append(Credential(accessKeyId: id, accessKeySecret: secret))
        default:
            throw ValidationError("give both an AccessKeyId and an AccessKeySecret (--access-key-id/--access-key-secret or OSS_ACCESS_KEY_ID/OSS_ACCESS_KEY_SECRET), or neither")
        }
        // Comma-separated only: a secret or token may hold other punctuation.
        let credentialTexts = command.credential.isEmpty
            ? (variable("CREDENTIAL") ?? "").split(separator: ",").map(String.init)
            : command.credential
        for (index, text) in credentialTexts.enumerated() {
            switch CredentialSpec.parse(text) {
            case .success(let credential): credentials.append(credential)
            case .failure(let error): throw ValidationError("--credential #\(index + 1): \(error)")
            }
        }
        if case .failure(let error) = CredentialSpec.checkDistinct(credentials) {
            throw ValidationError("--credential: \(error)")
        }
        if !credentials.isEmpty { configuration.credentials = credentials }

        for text in list(command.bucket, "BUCKET") {
            switch BucketSpec.parse(text) {
            case .success(let spec): configuration.buckets.append(spec)
            case .failure(let error): throw ValidationError("--bucket \(text): \(error)")
            }
        }
        for text in list(command.channel, "CHANNEL") {
            switch ChannelSpec.parse(text) {
            case .success(let spec): configuration.channels.append(spec)
            case .failure(let error): throw ValidationError("--channel \(text): \(error)")
            }
        }
        if let bucket = command.defaultBucket ?? variable("DEFAULT_BUCKET") {
            guard NameRules.isValidBucketName(bucket) else {
                throw ValidationError("--default-bucket \(bucket): not a valid bucket name")
            }
            configuration.defaultBucket = bucket
        }
        if let styleText = command.urlStyle ?? variable("URL_STYLE") {
            guard let style = LiveChannelURLStyle(rawValue: styleText) else {
                throw ValidationError("URL style '\(styleText)' is not one of reachable, oss")
            }
            configuration.urlStyle = style
        }
        let baseHosts = list(command.baseHost, "BASE_HOST")
        if !baseHosts.isEmpty { configuration.baseHosts = baseHosts.map { $0.lowercased() } }
        readyFile = command.readyFile ?? variable("READY_FILE")
        configuration.adminToken = command.adminToken ?? variable("ADMIN_TOKEN")

        if let levelText = command.logLevel ?? variable("LOG_LEVEL") {
            guard let level = Logger.Level(rawValue: levelText.lowercased()) else {
                let known = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
                throw ValidationError("log level '\(levelText)' is not one of \(known)")
            }
            logLevel = level
        }
        if let formatText = command.logFormat ?? variable("LOG_FORMAT") {
            guard let format = LogFormat(rawValue: formatText.lowercased()) else {
                let known = LogFormat.allCases.map(\.rawValue).joined(separator: ", ")
                throw ValidationError("log format '\(formatText)' is not one of \(known)")
            }
            logFormat = format
        }
    }
}

/// How log lines are written to stderr.
enum LogFormat: String, CaseIterable {
    /// swift-log's stream format: `time level label: metadata [source] message`.
    case text
    /// One JSON object per line (see `JSONLogHandler`).
    case json
}
