import Foundation

/// A minimal FLV file reader for tests (media-pipeline.md §4.6): the tags as
/// RTMP would carry them.
struct FLVTag: Equatable {
    var type: UInt8
    var timestamp: UInt32
    var body: [UInt8]
}

enum FLVTestReader {
    struct Malformed: Error {}

    static func tags(of url: URL) throws -> [FLVTag] {
        let bytes = [UInt8](try Data(contentsOf: url))
        guard bytes.count >= 13, bytes[0] == 0x46, bytes[1] == 0x4C, bytes[2] == 0x56 else { throw Malformed() }
        let dataOffset = Int(bytes[5]) << 24 | Int(bytes[6]) << 16 | Int(bytes[7]) << 8 | Int(bytes[8])
        var index = dataOffset + 4
        var tags: [FLVTag] = []
        while index + 11 <= bytes.count {
            let type = bytes[index] & 0x1F
            let size = Int(bytes[index + 1]) << 16 | Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
            let timestamp = UInt32(bytes[index + 7]) << 24 | UInt32(bytes[index + 4]) << 16
                | UInt32(bytes[index + 5]) << 8 | UInt32(bytes[index + 6])
            let start = index + 11
            guard start + size + 4 <= bytes.count else { throw Malformed() }
            tags.append(FLVTag(type: type, timestamp: timestamp, body: Array(bytes[start..<(start + size)])))
            index = start + size + 4
        }
        return tags
    }
}
