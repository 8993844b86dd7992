import Foundation
import Testing
@testable import MediaFormats

enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let directory = root.appendingPathComponent("fixtures")

    static let all = [
        "av-640x360-30fps.flv", "video-only-320x240-25fps.flv", "audio-only-48k-mono.flv",
        "baseline-480x270-29.97fps.flv", "high-1920x1080-24fps.flv",
    ]

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static func tags(_ name: String) throws -> [FLVTag] {
        var reader = try FLVFileReader(bytes: try bytes(name))
        return try reader.readAll()
    }
}

/// Runs a tool and returns (exit status, stdout, stderr). Output goes
/// through files so a chatty tool never blocks on a full pipe. A tool still
/// running after `timeout` seconds is terminated and reported as status −1.
@discardableResult
func run(_ tool: String, _ arguments: [String], timeout: Double = 120) throws -> (status: Int32, out: String, err: String) {
    let dir = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let outURL = dir.appendingPathComponent("out")
    let errURL = dir.appendingPathComponent("err")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [tool] + arguments
    process.standardOutput = try FileHandle(forWritingTo: outURL)
    process.standardError = try FileHandle(forWritingTo: errURL)
    try process.run()
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning, Date() < deadline { usleep(10_000) }
    var timedOut = false
    if process.isRunning {
        timedOut = true
        process.terminate()
    }
    process.waitUntilExit()
    let out = try String(contentsOf: outURL, encoding: .utf8)
    let err = try String(contentsOf: errURL, encoding: .utf8)
    return (timedOut ? -1 : process.terminationStatus, out, err)
}

func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("mediaformats-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

func hex(_ s: String) -> [UInt8] {
    let digits = s.filter { !$0.isWhitespace }
    var out: [UInt8] = []
    var i = digits.startIndex
    while i < digits.endIndex {
        let j = digits.index(i, offsetBy: 2)
        out.append(UInt8(digits[i..<j], radix: 16)!)
        i = j
    }
    return out
}

/// Remuxes a list of tags, returning all events' finished segments.
func remux(_ tags: [FLVTag], fragmentDuration: Double = 2, expectsVideo: Bool? = nil,
           timestampShift: UInt32 = 0) throws -> (segments: [FinishedSegment], events: [RemuxEvent], remuxer: HLSRemuxer) {
    var remuxer = HLSRemuxer(fragmentDuration: fragmentDuration, expectsVideo: expectsVideo)
    var events: [RemuxEvent] = []
    for tag in tags {
        events += try remuxer.push(tagType: tag.type, timestamp: tag.timestamp &+ timestampShift, payload: tag.payload)
    }
    events += remuxer.finish()
    let segments = events.compactMap { event -> FinishedSegment? in
        if case .segmentFinished(let s) = event { return s }
        return nil
    }
    return (segments, events, remuxer)
}

/// Deletes a test's output directory, unless MEDIAFORMATS_KEEP_OUTPUT is set
/// (then prints where it is, for looking at the files by hand).
func removeUnlessKept(_ dir: URL) {
    if ProcessInfo.processInfo.environment["MEDIAFORMATS_KEEP_OUTPUT"] != nil {
        print("kept output in \(dir.path)")
    } else {
        try? FileManager.default.removeItem(at: dir)
    }
}
