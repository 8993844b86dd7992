/// One piece of a PES payload. A payload is a list of pieces so that NAL
/// units and AAC frames go from the caller's buffer straight into TS packets
/// (one copy), with start codes and ADTS headers interleaved inline.
public enum PESPayloadPiece: Sendable {
    case bytes(ArraySlice<UInt8>)
    /// The low `count` (≤ 8) bytes of `value`, most significant first.
    case inline(UInt64, count: Int)

    public var count: Int {
        switch self {
        case .bytes(let slice): return slice.count
        case .inline(_, let count): return min(max(count, 0), 8)
        }
    }

    static let startCode = PESPayloadPiece.inline(0x0000_0001, count: 4)

    /// Copies `length` bytes starting at `offset` within the piece to `dst`.
    @inline(__always)
    func copy(from offset: Int, length: Int, to dst: UnsafeMutableRawPointer) {
        switch self {
        case .bytes(let slice):
            slice.withUnsafeBytes { src in
                guard let base = src.baseAddress else { return }
                dst.copyMemory(from: base + offset, byteCount: length)
            }
        case .inline(let value, _):
            let count = self.count
            for i in 0..<length {
                let shift = UInt64(8 * (count - 1 - (offset + i)))
                dst.storeBytes(of: UInt8(truncatingIfNeeded: value >> shift), toByteOffset: i, as: UInt8.self)
            }
        }
    }
}
