import MediaFormats

/// An FLV file read once and shared by every stream of a run: the tags
/// in file order, their timing, and what to leave out when looping.
public struct PublishMedia: Sendable {
    public struct Tag: Sendable {
        public var type: FLVTagType
        /// Milliseconds from the first tag.
        public var time: UInt32
        public var payload: [UInt8]
        /// Codec configuration or metadata: sent once per connection, not again on each loop.
        public var isSetup: Bool
    }

    /// A file has to hold at least this long a span for looping, so a loop
    /// is never a busy spin.
    public static let minimumLoopSpan: UInt32 = 1
    /// Gap between the last tag of one pass and the first of the next when
    /// the file gives no frame interval to copy.
    public static let fallbackFrameInterval: UInt32 = 40

    public let tags: [Tag]
    /// The file's own timestamp of its first tag (`Tag.time` counts from it).
    public let firstTimestamp: UInt32
    /// Where the longest track's next pass starts (its first frame's time
    /// plus its span), rounded up: the length of one pass.
    public let loopSpan: UInt32
    /// Per track, milliseconds (not rounded) each pass moves its timestamps
    /// on: last frame − first frame + one frame, so every track continues
    /// exactly one frame after its own last frame. Audio uses the AAC frame
    /// length (1024 or 960 samples at the core rate), keeping later passes on
    /// its sample grid; video the average frame interval.
    public let trackSpans: [FLVTagType: Double]
    /// Bytes of tag bodies, for bitrate figures.
    public let payloadBytes: Int

    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case unreadable(String)
        case invalid(FLVError)
        case noMedia

        public var description: String {
            switch self {
            case .unreadable(let reason): return reason
            case .invalid(let error): return "not a valid FLV file: \(error)"
            case .noMedia: return "the FLV file holds no audio or video tags"
            }
        }
    }

    public init(flv bytes: [UInt8]) throws(Failure) {
        var reader: FLVFileReader
        do { reader = try FLVFileReader(bytes: bytes) } catch { throw .invalid(error) }
        var tags: [Tag] = []
        var first: UInt32?
        // Per track: the last media time and the smallest step between frames.
        var last: [FLVTagType: UInt32] = [:]
        var firstOf: [FLVTagType: UInt32] = [:]
        var count: [FLVTagType: Int] = [:]
        var step: [FLVTagType: UInt32] = [:]
        var aacFrameMs: Double?
        var total = 0
        do {
            while let tag = try reader.next() {
                guard let type = tag.knownType else { continue }
                let start = first ?? tag.timestamp
                first = start
                // Timestamps before the first tag (rare, broken muxers) are
                // clamped; a file's clock may wrap at 2^32 like RTMP's.
                let since = tag.timestamp &- start
                let time = Int32(bitPattern: since) >= 0 ? since : 0
                let payload = Array(tag.payload)
                let setup = Self.isSetup(type: type, payload: payload)
                if !setup, type != .script {
                    if let previous = last[type], time > previous { step[type] = min(step[type] ?? .max, time - previous) }
                    last[type] = max(last[type] ?? 0, time)
                    firstOf[type] = min(firstOf[type] ?? time, time)
                    count[type, default: 0] += 1
                } else if setup, type == .audio, aacFrameMs == nil,
                          let config = try? AudioSpecificConfig(parsing: payload[2...]), config.samplingFrequency > 0 {
                    aacFrameMs = Double(config.samplesPerFrame) * 1000 / Double(config.samplingFrequency)
                }
                total += payload.count
                tags.append(Tag(type: type, time: time, payload: payload, isSetup: setup))
            }
        } catch {
            throw .invalid(error)
        }
        guard !last.isEmpty else { throw .noMedia }
        self.tags = tags
        firstTimestamp = first ?? 0
        // The next pass starts one frame after the last frame of every track
        // ends, so no track's timestamps overlap the previous pass.
        var spans: [FLVTagType: Double] = [:]
        for (type, lastTime) in last {
            let first = firstOf[type] ?? 0
            let frames = count[type] ?? 1
            let frame: Double
            if type == .audio, let aacFrameMs {
                frame = aacFrameMs
            } else if frames > 1, lastTime > first {
                frame = Double(lastTime - first) / Double(frames - 1)
            } else {
                frame = Double(step[type] ?? Self.fallbackFrameInterval)
            }
            spans[type] = type == .audio && aacFrameMs != nil
                ? Double(frames) * frame
                : Double(lastTime - first) + frame
        }
        trackSpans = spans
        let end = spans.map { type, span in Double(firstOf[type] ?? 0) + span }.max() ?? 0
        loopSpan = max(Self.minimumLoopSpan, UInt32(min(end.rounded(.up), Double(UInt32.max))))
        payloadBytes = total
    }

    /// The timestamp of `tag` in loop pass `pass` (0 = as in the file):
    /// its track's span times the pass, rounded to whole milliseconds
    /// (the ingest puts audio back on its sample grid). RTMP time wraps at 2^32.
    public func timestamp(of tag: Tag, pass: UInt32) -> UInt32 {
        guard pass > 0 else { return tag.time }
        let span = trackSpans[tag.type] ?? Double(loopSpan)
        let offset = (Double(pass) * span).rounded()
        return tag.time &+ UInt32(truncatingIfNeeded: Int64(offset.truncatingRemainder(dividingBy: 4_294_967_296)))
    }

    /// Metadata, the AVC decoder configuration record or the AAC
    /// AudioSpecificConfig: state, not media.
    public static func isSetup(type: FLVTagType, payload: [UInt8]) -> Bool {
        switch type {
        case .script:
            return true
        case .video:
            // Codec 7 (AVC), AVCPacketType 0 (sequence header).
            return payload.count >= 2 && payload[0] & 0x0F == 7 && payload[1] == 0
        case .audio:
            // Sound format 10 (AAC), AACPacketType 0 (sequence header).
            return payload.count >= 2 && payload[0] >> 4 == 10 && payload[1] == 0
        }
    }
}
