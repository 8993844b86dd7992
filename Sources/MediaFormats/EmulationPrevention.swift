/// H.264 §7.4.1: inside a NAL unit every `00 00 03` hides a 00 00 followed by
/// a byte ≤ 3; the 03 must go before the RBSP is read as bits.
public enum EmulationPrevention {
    public static func removed(from nal: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(nal.count)
        var zeros = 0
        for byte in nal {
            if zeros >= 2, byte == 0x03 {
                zeros = 0
                continue
            }
            zeros = byte == 0 ? zeros + 1 : 0
            out.append(byte)
        }
        return out
    }

    public static func removed(from nal: [UInt8]) -> [UInt8] { removed(from: nal[...]) }
}
