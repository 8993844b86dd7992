// Remuxes an FLV file held in memory into MPEG-TS segments with HLSRemuxer
// and prints throughput per CPU-second. Usage:
//   remux-benchmark <file.flv> [--iterations N] [--fragment SECONDS] [--write DIR]
// --write saves the segments and a playlist of one extra run (not timed), so
// the output can be checked with ffprobe/ffmpeg.
import FoundationEssentials
import MediaFormats
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func cpuSeconds() -> Double {
    var usage = rusage()
    #if canImport(Glibc)
    getrusage(RUSAGE_SELF.rawValue, &usage)
    #else
    getrusage(RUSAGE_SELF, &usage)
    #endif
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

func wallSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

struct RunResult {
    var cpu: Double
    var wall: Double
    var segments: Int
    var outputBytes: Int
    var videoFrames: Int
    var audioFrames: Int
}

func remuxOnce(_ bytes: [UInt8], fragment: Double, keep: ((FinishedSegment) -> Void)? = nil) throws -> RunResult {
    let wall0 = wallSeconds()
    let cpu0 = cpuSeconds()
    var reader = try FLVFileReader(bytes: bytes)
    var remuxer = HLSRemuxer(fragmentDuration: fragment, expectsVideo: reader.header.hasVideo)
    var result = RunResult(cpu: 0, wall: 0, segments: 0, outputBytes: 0, videoFrames: 0, audioFrames: 0)
    func account(_ events: [RemuxEvent]) {
        for case .segmentFinished(let segment) in events {
            result.segments += 1
            keep?(segment)
            result.outputBytes += segment.size
        }
    }
    while let tag = try reader.next() {
        if tag.type == FLVTagType.video.rawValue { result.videoFrames += 1 }
        if tag.type == FLVTagType.audio.rawValue { result.audioFrames += 1 }
        account(try remuxer.push(tag))
    }
    account(remuxer.finish())
    result.cpu = cpuSeconds() - cpu0
    result.wall = wallSeconds() - wall0
    return result
}

var path: String?
var iterations = 5
var fragment = 2.0
var writeDirectory: String?
var argumentIterator = CommandLine.arguments.dropFirst().makeIterator()
while let argument = argumentIterator.next() {
    switch argument {
    case "--iterations": iterations = max(1, Int(argumentIterator.next() ?? "") ?? 5)
    case "--fragment": fragment = Double(argumentIterator.next() ?? "") ?? 2
    case "--write": writeDirectory = argumentIterator.next()
    default: path = argument
    }
}
guard let path else {
    print("usage: remux-benchmark <file.flv> [--iterations N] [--fragment SECONDS] [--write DIR]")
    exit(2)
}

let input = try Data(contentsOf: URL(fileURLWithPath: path))
let bytes = [UInt8](input)
let megabytes = Double(bytes.count) / 1e6

_ = try remuxOnce(bytes, fragment: fragment)  // warm-up: page faults, caches
var runs: [RunResult] = []
for _ in 0..<iterations { runs.append(try remuxOnce(bytes, fragment: fragment)) }
let sorted = runs.sorted { $0.cpu < $1.cpu }
let median = sorted[sorted.count / 2]
let best = sorted[0]

func fmt(_ v: Double, _ digits: Int = 3) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let r = (v * scale).rounded() / scale
    return "\(r)"
}

print("input: \(fmt(megabytes, 2)) MB, \(median.videoFrames) video + \(median.audioFrames) audio frames")
print("output: \(median.segments) segments, \(fmt(Double(median.outputBytes) / 1e6, 2)) MB of TS")
print("remux CPU: median \(fmt(median.cpu, 4)) s, best \(fmt(best.cpu, 4)) s over \(iterations) runs (wall median \(fmt(median.wall, 4)) s)")
print("throughput: \(fmt(megabytes / median.cpu, 1)) MB per CPU-second (median), \(fmt(megabytes / best.cpu, 1)) (best)")
let frames = Double(median.videoFrames + median.audioFrames)
print("per frame: \(fmt(median.cpu / Double(median.videoFrames) * 1e6, 2)) µs per video frame, \(fmt(median.cpu / frames * 1e6, 2)) µs per media message")
print("RESULT_MBPS=\(fmt(megabytes / median.cpu, 1))")

if let writeDirectory {
    try FileManager.default.createDirectory(atPath: writeDirectory, withIntermediateDirectories: true)
    var entries: [HLSPlaylistEntry] = []
    _ = try remuxOnce(bytes, fragment: fragment) { segment in
        let name = "\(segment.sequence).ts"
        let file = URL(fileURLWithPath: writeDirectory).appendingPathComponent(name)
        try? Data(segment.bytes).write(to: file)
        entries.append(HLSPlaylistEntry(uri: name, duration: segment.duration))
    }
    let playlist = URL(fileURLWithPath: writeDirectory).appendingPathComponent("playlist.m3u8")
    try Data(HLSVODPlaylist.render(entries: entries).utf8).write(to: playlist)
    print("wrote \(entries.count) segments and \(playlist.path)")
}
