@testable import MediaFormats

/// A minimal TS demultiplexer for assertions: splits packets and PES.
struct TSPacketView {
    var pid: UInt16
    var payloadStart: Bool
    var adaptationControl: UInt8
    var continuityCounter: UInt8
    var adaptation: [UInt8]
    var payload: [UInt8]

    var randomAccess: Bool { adaptation.count >= 2 && adaptation[1] & 0x40 != 0 }

    var pcr: Int64? {
        guard adaptation.count >= 8, adaptation[1] & 0x10 != 0 else { return nil }
        let b = adaptation[2...7].map(Int64.init)
        return b[0] << 25 | b[1] << 17 | b[2] << 9 | b[3] << 1 | b[4] >> 7
    }

    static func parse(_ bytes: [UInt8]) -> [TSPacketView] {
        precondition(bytes.count % 188 == 0, "not whole packets")
        var out: [TSPacketView] = []
        var i = 0
        while i < bytes.count {
            let p = Array(bytes[i..<i + 188])
            precondition(p[0] == 0x47, "lost sync")
            let pid = UInt16(p[1] & 0x1F) << 8 | UInt16(p[2])
            let afc = (p[3] >> 4) & 3
            var w = 4
            var af: [UInt8] = []
            if afc & 2 != 0 {
                let len = Int(p[4])
                af = Array(p[4...(4 + len)])
                w = 5 + len
            }
            out.append(TSPacketView(pid: pid, payloadStart: p[1] & 0x40 != 0, adaptationControl: afc,
                                    continuityCounter: p[3] & 0x0F, adaptation: af,
                                    payload: afc & 1 != 0 ? Array(p[w...]) : []))
            i += 188
        }
        return out
    }
}

struct PESView {
    var pid: UInt16
    var randomAccess: Bool
    var pcr: Int64?
    var header: [UInt8]
    var pts: Int64
    var dts: Int64
    var lengthField: Int
    var payload: [UInt8]

    static func decodeTimestamp(_ b: ArraySlice<UInt8>) -> Int64 {
        let a = Array(b).map(Int64.init)
        return (a[0] >> 1 & 7) << 30 | a[1] << 22 | (a[2] >> 1) << 15 | a[3] << 7 | a[4] >> 1
    }

    static func collect(_ packets: [TSPacketView], pid: UInt16) -> [PESView] {
        var out: [PESView] = []
        var current: (TSPacketView, [UInt8])?
        func close() {
            guard let (first, bytes) = current else { return }
            let headerLength = 9 + Int(bytes[8])
            let flags = bytes[7]
            let pts = decodeTimestamp(bytes[9..<14])
            let dts = flags & 0x40 != 0 ? decodeTimestamp(bytes[14..<19]) : pts
            out.append(PESView(pid: pid, randomAccess: first.randomAccess, pcr: first.pcr,
                               header: Array(bytes[0..<headerLength]), pts: pts, dts: dts,
                               lengthField: Int(bytes[4]) << 8 | Int(bytes[5]),
                               payload: Array(bytes[headerLength...])))
        }
        for p in packets where p.pid == pid {
            if p.payloadStart {
                close()
                current = (p, p.payload)
            } else {
                current?.1 += p.payload
            }
        }
        close()
        return out
    }
}
