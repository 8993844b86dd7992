/// Test helper: writes MSB-first bits and Exp-Golomb codes, to build SPS
/// and AudioSpecificConfig variants field by field.
struct BitWriter {
    private(set) var bits: [Bool] = []

    mutating func u(_ value: UInt64, _ count: Int) {
        for i in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> UInt64(i)) & 1 == 1) }
    }

    mutating func flag(_ b: Bool) { bits.append(b) }

    mutating func ue(_ value: UInt64) {
        let v = value + 1
        let width = 64 - v.leadingZeroBitCount
        u(0, width - 1)
        u(v, width)
    }

    mutating func se(_ value: Int64) {
        ue(value > 0 ? UInt64(2 * value - 1) : UInt64(-2 * value))
    }

    /// rbsp_trailing_bits, then the bytes.
    func rbsp() -> [UInt8] {
        var w = self
        w.flag(true)
        return w.bytes()
    }

    func bytes() -> [UInt8] {
        var out: [UInt8] = []
        var byte: UInt8 = 0
        for (i, b) in bits.enumerated() {
            byte = byte << 1 | (b ? 1 : 0)
            if i % 8 == 7 {
                out.append(byte)
                byte = 0
            }
        }
        if bits.count % 8 != 0 { out.append(byte << UInt8(8 - bits.count % 8)) }
        return out
    }
}

/// Builds a simple SPS NAL (header 0x67) with the given fields.
struct SPSBuilder {
    var profile: UInt8 = 66
    var level: UInt8 = 30
    var chromaFormat: UInt64 = 1
    var scalingLists: [[Int64]]? = nil
    var pocType: UInt64 = 2
    var pocCycle: [Int64] = []
    var widthMBs: UInt64 = 20
    var heightMapUnits: UInt64 = 15
    var frameMBsOnly = true
    var crop: (UInt64, UInt64, UInt64, UInt64)? = nil
    var timing: (UInt32, UInt32)? = nil

    func nal() -> [UInt8] {
        var w = BitWriter()
        w.u(UInt64(profile), 8)
        w.u(0, 8)
        w.u(UInt64(level), 8)
        w.ue(0)
        if [100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135].contains(profile) {
            w.ue(chromaFormat)
            if chromaFormat == 3 { w.flag(false) }
            w.ue(0)
            w.ue(0)
            w.flag(false)
            if let lists = scalingLists {
                w.flag(true)
                for i in 0..<(chromaFormat != 3 ? 8 : 12) {
                    if i < lists.count {
                        w.flag(true)
                        for delta in lists[i] { w.se(delta) }
                    } else {
                        w.flag(false)
                    }
                }
            } else {
                w.flag(false)
            }
        }
        w.ue(0)
        w.ue(pocType)
        if pocType == 0 { w.ue(0) }
        if pocType == 1 {
            w.flag(false)
            w.se(0)
            w.se(0)
            w.ue(UInt64(pocCycle.count))
            for o in pocCycle { w.se(o) }
        }
        w.ue(1)
        w.flag(false)
        w.ue(widthMBs - 1)
        w.ue(heightMapUnits - 1)
        w.flag(frameMBsOnly)
        if !frameMBsOnly { w.flag(false) }
        w.flag(true)
        if let crop {
            w.flag(true)
            w.ue(crop.0)
            w.ue(crop.1)
            w.ue(crop.2)
            w.ue(crop.3)
        } else {
            w.flag(false)
        }
        if let timing {
            w.flag(true)  // vui
            w.flag(false)  // aspect
            w.flag(false)  // overscan
            w.flag(false)  // video signal
            w.flag(false)  // chroma loc
            w.flag(true)
            w.u(UInt64(timing.0), 32)
            w.u(UInt64(timing.1), 32)
            w.flag(true)
        } else {
            w.flag(false)
        }
        return [0x67] + w.rbsp()
    }
}
