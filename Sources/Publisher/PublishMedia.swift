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
    /// The time of the last tag plus one frame interval: how far each loop
    /// pass moves timestamps on.
    public let loopSpan: UInt32
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
        var step: [FLVTagType: UInt32] = [:]
        var total = 0
        do {
            while let tag = try reader.next() {
                guard let type = tag.knownType else { continue }
                let start = first ?? tag.timestamp
                first = start
                // Timestamps before the first tag (rare, broken muxers) are clamped.
                let time = tag.timestamp >= start ? tag.timestamp - start : 0
                let payload = Array(tag.payload)
                let setup = Self.isSetup(type: type, payload: payload)
                if !setup {
                    if let previous = last[type], time > previous { step[type] = min(step[type] ?? .max, time - previous) }
                    last[type] = max(last[type] ?? 0, time)
                }
                total += payload.count
                tags.append(Tag(type: type, time: time, payload: payload, isSetup: setup))
            }
        } catch {
            throw .invalid(error)
        }
        guard !last.isEmpty else { throw .noMedia }
        self.tags = tags
        // The next pass starts one frame after the last frame of every track
        // ends, so no track's timestamps overlap the previous pass.
        let end = last.map { type, time in time + (step[type] ?? Self.fallbackFrameInterval) }.max() ?? 0
        loopSpan = max(Self.minimumLoopSpan, end)
        payloadBytes = total
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
