/// Splits an Aggregate message (type 22): a run of FLV tags, each an 11-byte
/// header, a body and a u32 back-pointer (media-pipeline.md §2.5).
enum AggregateMessage {
    struct Part: Equatable {
        var typeID: UInt8
        var timestamp: UInt32
        var payload: [UInt8]
    }

    /// Sub-message timestamps are rebased on the aggregate's own timestamp.
    /// Parsing stops at the first truncated tag.
    static func split(_ payload: [UInt8], timestamp: UInt32) -> [Part] {
        var reader = ByteReader(payload)
        var parts: [Part] = []
        var firstTimestamp: UInt32?
        while let typeID = reader.readUInt8() {
            guard let size = reader.readUInt24(), let low = reader.readUInt24(), let high = reader.readUInt8(),
                reader.skip(3), let body = reader.readBytes(Int(size))
            else { break }
            let tagTimestamp = UInt32(high) << 24 | low
            let first = firstTimestamp ?? tagTimestamp
            firstTimestamp = first
            parts.append(Part(typeID: typeID & 0x1F, timestamp: timestamp &+ (tagTimestamp &- first), payload: Array(body)))
            guard reader.skip(4) else { break }
        }
        return parts
    }
}
