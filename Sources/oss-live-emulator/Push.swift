import ArgumentParser
import Foundation
import RTMP
import Transport

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

    @Option(help: "Publish this many streams at once from this process; the URL must contain '{n}'.")
    var streams: Int = 1

    @Option(help: "Stop every stream (unpublishing cleanly) after this many seconds.")
    var duration: Double?

    @Option(help: "New connections started per second with --streams.")
    var connectRate: Int = 1000

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
        let bytes: [UInt8]
        do {
            bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
        } catch {
            throw CLIFailure("cannot read \(file): \(error.localizedDescription)")
        }
        let media: PushMedia
        do { media = try PushMedia(flv: bytes) } catch { throw CLIFailure("\(file): \(error)") }
        var urls: [PublishURL] = []
        for number in 1...streams {
            do {
                urls.append(try PublishURL(parsing: PublishURL.expand(url, number: number)))
            } catch {
                throw CLIFailure("\(url): \(error)")
            }
        }
        let run = PushRun(
            media: media, urls: urls,
            options: StreamPublisher.Options(realtime: realtime, loop: loop),
            connectRate: connectRate, queueCount: queues ?? ProcessInfo.processInfo.activeProcessorCount,
            progress: quiet ? .off : (isatty(STDERR_FILENO) == 1 ? .terminal : .lines))
        let failed = run.execute(duration: duration.map { .milliseconds(Int64($0 * 1000)) })
        if failed { throw ExitCode.failure }
    }
}
