import ArgumentParser
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
import Publisher

/// `oss-live-emulator push FILE.flv URL`: publishes an FLV file over RTMP
/// with the project's own client, once or looping, at file speed or real
/// time, as one stream or many.
struct Push: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Publish an FLV file (H.264/AAC) to an RTMP URL.",
        discussion: """
            Examples:
              oss-live-emulator push in.flv rtmp://127.0.0.1:1935/demo/live/cam
              oss-live-emulator push in.flv 'rtmp://127.0.0.1:1935/demo/live/c{n}'
                  --streams 500 --realtime --loop
            With --streams N, '{n}' in the URL becomes 1 … N. Exits non-zero when
            a stream fails or the server refuses it (its status text is printed).
            """
    )

    /// Streams one process may start; each holds a socket descriptor.
    static let maxStreams = 20_000
    /// Progress line interval on a terminal; otherwise lines come every
    /// `plainProgressInterval`.
    static let progressInterval: Duration = .seconds(1)
    static let plainProgressInterval: Duration = .seconds(5)

    @Argument(help: "FLV file to publish (H.264 video and/or AAC audio).")
    var file: String

    @Argument(help: "rtmp://HOST[:PORT]/APP/STREAM[?QUERY]; with --streams, '{n}' is replaced by the stream number.")
    var url: String

    @Flag(help: "Send at the file's own pace (as ffmpeg -re) instead of as fast as possible.")
    var realtime = false

    @Flag(help: "Start the file again at its end, timestamps continuing, until stopped (SIGINT/SIGTERM or --duration).")
    var loop = false

    @Flag(help: "Send the file's own timestamps (wrapping at 2^32 ms) instead of starting at 0.")
    var keepTimestamps = false

    @Option(help: "Publish this many streams at once from this process; the URL must contain '{n}'.")
    var streams: Int = 1

    @Option(help: "Stop every stream (unpublishing cleanly) after this many seconds.")
    var duration: Double?

    @Option(help: "New connections started per second with --streams.")
    var connectRate: Int = PublishOptions.defaultConnectRate

    @Option(help: "Serial queues carrying the streams (default: one per core).")
    var queues: Int?

    @Flag(help: "No progress line, only failures and the summary.")
    var quiet = false

    func validate() throws {
        guard (1...Self.maxStreams).contains(streams) else {
            throw ValidationError("--streams must be between 1 and \(Self.maxStreams)")
        }
        if streams > 1 && !url.contains(PublishURL.streamNumberPlaceholder) {
            throw ValidationError("with --streams \(streams) the URL must contain '{n}' so each stream publishes to its own channel")
        }
        if let duration, !(duration > 0) { throw ValidationError("--duration must be positive") }
        guard connectRate > 0 else { throw ValidationError("--connect-rate must be positive") }
        if let queues, !(1...256).contains(queues) { throw ValidationError("--queues must be between 1 and 256") }
    }

    func run() throws {
        guard let bytes = Self.readFile(file) else {
            throw CLIFailure("cannot read \(file): \(String(cString: strerror(errno)))")
        }
        let media: PublishMedia
        do { media = try PublishMedia(flv: bytes) } catch { throw CLIFailure("\(file): \(error)") }
        var urls: [PublishURL] = []
        for number in 1...streams {
            do {
                urls.append(try PublishURL(parsing: PublishURL.expand(url, number: number)))
            } catch {
                throw CLIFailure("\(url): \(error)")
            }
        }
        let options = PublishOptions(
            realtime: realtime, loop: loop, connectRate: connectRate, keepTimestamps: keepTimestamps,
            queueCount: queues ?? ProcessInfo.processInfo.activeProcessorCount)
        let run = PushRun(
            run: PublishRun(media: media, urls: urls, options: options),
            progress: quiet ? .off : (isatty(STDERR_FILENO) == 1 ? .terminal : .lines))
        let failed = run.execute(duration: duration.map { .milliseconds(Int64($0 * 1000)) })
        if failed { throw ExitCode.failure }
    }

    /// The whole file, or nil with `errno` set.
    static func readFile(_ path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { _ = close(descriptor) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return result }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            result.append(contentsOf: buffer[0..<count])
        }
    }
}
