/// Reversible mapping between object keys and file paths inside a bucket
/// directory, so objects stay browsable files while no key can leave its bucket.
///
/// A key is split at `/` into segments; each segment becomes one path component:
/// - as is, when it is a usable file name: not empty, not `.` or `..`, not
///   starting with `%`, no NUL, at most 255 bytes;
/// - otherwise `%s` + payload, where the payload is the segment with `%` written
///   `%25` and NUL written `%00` (so `.` → `%s.`, empty → `%s`);
/// - `%x` + payload is the alternate spelling, used when the usual name is taken
///   by the other kind of entry: key `a` and keys `a/…` need both a file and a
///   directory called `a`, so whichever comes second takes `%xa`;
/// - a segment whose payload exceeds a file name is cut, at UTF-8 scalar
///   boundaries, into directories `%l` + payload chunk, ending in one ordinary
///   component holding the rest.
/// Decoding is tolerant: a name that is not a well-formed escape is taken
/// literally, so files copied in by hand keep their names as keys.
enum KeyPath {
    /// Longest file name Linux accepts (NAME_MAX).
    static let maxComponentBytes = 255
    static let percent = UInt8(ascii: "%")
    static let slash = UInt8(ascii: "/")
    static let dot = UInt8(ascii: ".")
    static let tagSegment = UInt8(ascii: "s")
    static let tagAlternate = UInt8(ascii: "x")
    static let tagLong = UInt8(ascii: "l")

    /// One segment's path: leading `%l` chunk directories, then the final piece
    /// (raw bytes; spell it with `primaryName` or `alternateName`).
    struct SegmentPath: Equatable {
        var chunkDirectories: [[UInt8]]
        var finalPiece: [UInt8]
    }

    static func segments(of key: [UInt8]) -> [[UInt8]] {
        key.split(separator: slash, omittingEmptySubsequences: false).map { Array($0) }
    }

    static func isPlain(_ piece: [UInt8]) -> Bool {
        !piece.isEmpty && piece != [dot] && piece != [dot, dot] && piece.first != percent
            && !piece.contains(0) && piece.count <= maxComponentBytes
    }

    static func payloadLength(_ piece: some Collection<UInt8>) -> Int {
        piece.reduce(0) { $0 + (($1 == percent || $1 == 0) ? 3 : 1) }
    }

    static func payload(_ piece: some Collection<UInt8>) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(piece.count)
        for byte in piece {
            switch byte {
            case percent: out += [percent, UInt8(ascii: "2"), UInt8(ascii: "5")]
            case 0: out += [percent, UInt8(ascii: "0"), UInt8(ascii: "0")]
            default: out.append(byte)
            }
        }
        return out
    }

    /// Inverse of `payload`; nil for any other use of `%`.
    static func decodePayload(_ bytes: ArraySlice<UInt8>) -> [UInt8]? {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte != percent {
                out.append(byte)
                index += 1
                continue
            }
            guard bytes.endIndex - index >= 3 else { return nil }
            let code = (bytes[index + 1], bytes[index + 2])
            if code == (UInt8(ascii: "2"), UInt8(ascii: "5")) {
                out.append(percent)
            } else if code == (UInt8(ascii: "0"), UInt8(ascii: "0")) {
                out.append(0)
            } else {
                return nil
            }
            index += 3
        }
        return out
    }

    static func primaryName(_ piece: [UInt8]) -> [UInt8] {
        isPlain(piece) ? piece : [percent, tagSegment] + payload(piece)
    }

    static func alternateName(_ piece: [UInt8]) -> [UInt8] {
        [percent, tagAlternate] + payload(piece)
    }

    static func path(ofSegment segment: [UInt8]) -> SegmentPath {
        let budget = maxComponentBytes - 2
        if payloadLength(segment) <= budget {
            return SegmentPath(chunkDirectories: [], finalPiece: segment)
        }
        var chunks: [[UInt8]] = []
        var current: [UInt8] = []
        var currentLength = 0
        var index = 0
        while index < segment.count {
            // Keep each UTF-8 scalar whole so names stay readable.
            var end = index + 1
            while end < segment.count && segment[end] & 0xC0 == 0x80 { end += 1 }
            let scalar = segment[index..<end]
            let length = payloadLength(scalar)
            if currentLength + length > budget {
                chunks.append(current)
                current = []
                currentLength = 0
            }
            current += scalar
            currentLength += length
            index = end
        }
        return SegmentPath(chunkDirectories: chunks.map { [percent, tagLong] + payload($0) }, finalPiece: current)
    }

    /// The canonical relative path of a key: every final piece in its primary spelling.
    static func primaryComponents(of key: [UInt8]) -> [[UInt8]] {
        var components: [[UInt8]] = []
        for segment in segments(of: key) {
            let path = path(ofSegment: segment)
            components += path.chunkDirectories
            components.append(primaryName(path.finalPiece))
        }
        return components
    }

    enum Decoded: Equatable {
        case piece([UInt8])
        case chunk([UInt8])
    }

    static func decode(component name: [UInt8], isLast: Bool) -> Decoded {
        guard name.count >= 2, name[0] == percent else { return .piece(name) }
        let tag = name[1]
        guard tag == tagSegment || tag == tagAlternate || tag == tagLong,
              let decoded = decodePayload(name[2...])
        else { return .piece(name) }
        if tag == tagLong {
            // A chunk must be followed by more of its segment; as a file it is just a name.
            return isLast || decoded.isEmpty ? .piece(name) : .chunk(decoded)
        }
        return .piece(decoded)
    }

    /// The key a relative path (components, last one the file) stands for.
    static func key(fromComponents components: [[UInt8]]) -> [UInt8] {
        var key: [UInt8] = []
        var pending: [UInt8] = []
        var first = true
        for (index, component) in components.enumerated() {
            switch decode(component: component, isLast: index == components.count - 1) {
            case .chunk(let bytes):
                pending += bytes
            case .piece(let bytes):
                if !first { key.append(slash) }
                key += pending
                key += bytes
                pending = []
                first = false
            }
        }
        return key
    }

    /// Whether `key` is valid UTF-8, the only other demand a key makes.
    static func isValidUTF8<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> Bool {
        if bytes.allSatisfy({ $0 < 0x80 }) { return true }
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }
}
