// flv-edit IN OUT EDIT...: rewrites the timing of an FLV file's tags to make
// streams the way real publishers send them, for the timing corpus
// (scripts/make-timing-corpus.sh). Edits apply in the order given:
//
//   offset=MS          every timestamp moves by MS (signed), modulo 2^32
//   jump=AT:MS         tags at or after AT ms move by MS (signed): a clock step
//   duplicate=TRACK:N  every Nth frame of TRACK (audio|video) repeats the
//                      timestamp of the frame before it
//   repeat-headers=MS  the current AVC and AAC sequence headers again before
//                      the first video key frame at or after every MS
//   append=FILE        FILE's tags follow, its clock starting one frame after
//                      this file's last frame (a new encoder configuration
//                      inside one push when FILE's differs)
import MediaFormats

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func complain(_ line: String) {
    let text = Array((line + "\n").utf8)
    _ = text.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

struct Failure: Error { let message: String }

typealias Tag = (type: UInt8, time: UInt32, payload: [UInt8])

func readFile(_ path: String) throws -> [UInt8] {
    guard let file = fopen(path, "rb") else { throw Failure(message: "cannot read \(path)") }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let count = fread(&chunk, 1, chunk.count, file)
        if count == 0 { break }
        bytes += chunk[..<count]
    }
    return bytes
}

func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    guard let file = fopen(path, "wb") else { throw Failure(message: "cannot write \(path)") }
    defer { fclose(file) }
    guard fwrite(bytes, 1, bytes.count, file) == bytes.count else { throw Failure(message: "cannot write \(path)") }
}

func readTags(_ path: String) throws -> (FLVFileReader.Header, [Tag]) {
    var reader = try FLVFileReader(bytes: try readFile(path))
    return (reader.header, try reader.readAll().map { ($0.type, $0.timestamp, Array($0.payload)) })
}

func isSequenceHeader(_ tag: Tag) -> Bool {
    switch FLVTagType(rawValue: tag.type) {
    case .video?: return tag.payload.count >= 2 && tag.payload[0] & 0x0F == 7 && tag.payload[1] == 0
    case .audio?: return tag.payload.count >= 2 && tag.payload[0] >> 4 == 10 && tag.payload[1] == 0
    default: return false
    }
}

func isKeyframe(_ tag: Tag) -> Bool {
    tag.type == FLVTagType.video.rawValue && tag.payload.count >= 2 && tag.payload[0] >> 4 == 1 && tag.payload[1] == 1
}

func signed(_ text: Substring) throws -> Int64 {
    guard let value = Int64(text.hasPrefix("+") ? text.dropFirst() : text) else { throw Failure(message: "not a number: \(text)") }
    return value
}

func moved(_ time: UInt32, by delta: Int64) -> UInt32 {
    UInt32(truncatingIfNeeded: Int64(time) &+ delta)
}

func apply(_ edit: String, to tags: [Tag]) throws -> [Tag] {
    let parts = edit.split(separator: "=", maxSplits: 1)
    guard parts.count == 2 else { throw Failure(message: "not an edit: \(edit)") }
    let arguments = parts[1].split(separator: ":")
    switch parts[0] {
    case "offset":
        let delta = try signed(parts[1])
        return tags.map { ($0.type, moved($0.time, by: delta), $0.payload) }
    case "jump":
        guard arguments.count == 2 else { throw Failure(message: "jump=AT:MS") }
        let at = try signed(arguments[0]), delta = try signed(arguments[1])
        return tags.map { Int64($0.time) >= at ? ($0.type, moved($0.time, by: delta), $0.payload) : $0 }
    case "duplicate":
        guard arguments.count == 2, let every = Int(arguments[1]), every > 1 else { throw Failure(message: "duplicate=TRACK:N") }
        let type: FLVTagType = arguments[0] == "video" ? .video : .audio
        var out = tags, count = 0, previous: UInt32?
        for index in out.indices where out[index].type == type.rawValue && !isSequenceHeader(out[index]) {
            count += 1
            let own = out[index].time
            if count % every == 0, let previous { out[index].time = previous }
            previous = own
        }
        return out
    case "repeat-headers":
        guard let every = Int64(parts[1]), every > 0 else { throw Failure(message: "repeat-headers=MS") }
        var out: [Tag] = [], video: Tag?, audio: Tag?, next = every
        for tag in tags {
            if isSequenceHeader(tag) {
                if tag.type == FLVTagType.video.rawValue { video = tag } else { audio = tag }
            } else if isKeyframe(tag), Int64(tag.time) >= next {
                for header in [video, audio].compactMap({ $0 }) { out.append((header.type, tag.time, header.payload)) }
                next = (Int64(tag.time) / every + 1) * every
            }
            out.append(tag)
        }
        return out
    case "append":
        let (_, more) = try readTags(String(parts[1]))
        // One frame after this file's last frame, per track the larger.
        var last: [UInt8: UInt32] = [:], step: [UInt8: UInt32] = [:]
        for tag in tags where !isSequenceHeader(tag) && tag.type != FLVTagType.script.rawValue {
            if let before = last[tag.type], tag.time > before { step[tag.type] = tag.time - before }
            last[tag.type] = max(last[tag.type] ?? 0, tag.time)
        }
        let end = last.map { type, time in Int64(time) + Int64(step[type] ?? 40) }.max() ?? 0
        let first = Int64(more.first?.time ?? 0)
        return tags + more.filter { $0.type != FLVTagType.script.rawValue }.map { ($0.type, moved($0.time, by: end - first), $0.payload) }
    default:
        throw Failure(message: "unknown edit: \(parts[0])")
    }
}

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    complain("usage: flv-edit IN.flv OUT.flv [offset=MS] [jump=AT:MS] [duplicate=TRACK:N] [repeat-headers=MS] [append=FILE]")
    exit(2)
}
do {
    let (header, initial) = try readTags(arguments[1])
    var tags = initial
    for edit in arguments.dropFirst(3) { tags = try apply(edit, to: tags) }
    var writer = FLVFileWriter(hasAudio: header.hasAudio, hasVideo: header.hasVideo)
    for tag in tags { try writer.append(FLVTag(type: tag.type, timestamp: tag.time, payload: tag.payload[...])) }
    try writeFile(arguments[2], writer.bytes)
} catch let failure as Failure {
    complain("flv-edit: \(failure.message)")
    exit(1)
} catch {
    complain("flv-edit: \(error)")
    exit(1)
}
