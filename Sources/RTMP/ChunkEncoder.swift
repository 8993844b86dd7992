/// Writes messages as chunks (media-pipeline.md §2).
///
/// Picks the smallest header each time, as FFmpeg's writer does: fmt 0 for a
/// new chunk stream, another message stream or a timestamp that goes
/// backwards; fmt 1 when length or type change; fmt 2 when only the delta
/// changes; fmt 3 when the delta repeats. Extended timestamps are repeated in
/// every fmt 3 chunk of the message.
public struct ChunkEncoder: Sendable {
    public private(set) var chunkSize = ChunkDecoder.defaultChunkSize
    private var previous: [UInt32: Sent] = [:]

    private struct Sent {
        var timestamp: UInt32
        /// What a fmt 3 message start would add: the last header's field.
        var field: UInt32
        var length: Int
        var typeID: UInt8
        var messageStreamID: UInt32
    }

    public init() {}

    /// Changes the size of the chunks written from now on. The caller sends
    /// the Set Chunk Size message first (it is written with the old size).
    public mutating func setChunkSize(_ size: Int) {
        chunkSize = min(max(size, 1), 0xFF_FFFF)
    }

    /// Appends the chunks of one message to `out`. Payloads longer than
    /// 0xFFFFFF bytes cannot be expressed and are cut at that length.
    public mutating func encode(
        chunkStreamID: UInt32, timestamp: UInt32, typeID: UInt8, messageStreamID: UInt32,
        payload: ArraySlice<UInt8>, into out: inout [UInt8]
    ) {
        let length = min(payload.count, 0xFF_FFFF)
        let format: UInt8
        var field = timestamp
        if let last = previous[chunkStreamID], last.messageStreamID == messageStreamID, timestamp >= last.timestamp {
            field = timestamp &- last.timestamp
            if last.length != length || last.typeID != typeID {
                format = 1
            } else if field != last.field {
                format = 2
            } else {
                format = 3
            }
        } else {
            format = 0
        }
        previous[chunkStreamID] = Sent(
            timestamp: timestamp, field: field, length: length, typeID: typeID, messageStreamID: messageStreamID)

        let extended = field >= 0xFF_FFFF
        out.reserveCapacity(out.count + length + 18 + (length / max(chunkSize, 1)) * 8)
        appendBasicHeader(format: format, chunkStreamID: chunkStreamID, into: &out)
        if format <= 2 { out.appendUInt24(extended ? 0xFF_FFFF : field) }
        if format <= 1 {
            out.appendUInt24(UInt32(length))
            out.append(typeID)
        }
        if format == 0 { out.appendUInt32LE(messageStreamID) }
        if extended { out.appendUInt32(field) }

        var offset = payload.startIndex
        let end = payload.startIndex + length
        while true {
            let count = min(chunkSize, end - offset)
            out.append(contentsOf: payload[offset..<(offset + count)])
            offset += count
            guard offset < end else { break }
            appendBasicHeader(format: 3, chunkStreamID: chunkStreamID, into: &out)
            if extended { out.appendUInt32(field) }
        }
    }

    public mutating func encode(_ message: RTMPMessage, into out: inout [UInt8]) {
        encode(
            chunkStreamID: message.chunkStreamID, timestamp: message.timestamp, typeID: message.typeID,
            messageStreamID: message.messageStreamID, payload: message.payload[...], into: &out)
    }

    /// The smallest basic-header form for the id (§2.1); ids below 2 are
    /// reserved and written as 2, ids above 65 599 as 65 599.
    private func appendBasicHeader(format: UInt8, chunkStreamID: UInt32, into out: inout [UInt8]) {
        let id = min(max(chunkStreamID, 2), 65_599)
        if id <= 63 {
            out.append(format << 6 | UInt8(id))
        } else if id <= 319 {
            out.append(format << 6)
            out.append(UInt8(id - 64))
        } else {
            out.append(format << 6 | 1)
            out.append(UInt8((id - 64) & 0xFF))
            out.append(UInt8((id - 64) >> 8))
        }
    }
}
