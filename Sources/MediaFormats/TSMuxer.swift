/// Packs PSI tables and PES packets into 188-byte TS packets (§6.2–§6.5),
/// appending to a caller-owned buffer. Holds only the continuity counters.
public struct TSMuxer: Sendable {
    /// What goes in front of one PES payload.
    public struct PESHeader: Sendable, Equatable {
        public var pid: UInt16
        public var streamID: UInt8
        /// 90 kHz; written modulo 2^33.
        public var pts: Int64
        /// Written only when it differs from `pts`.
        public var dts: Int64
        /// PCR base for the first packet's adaptation field, if any.
        public var pcr: Int64?
        /// Sets random_access_indicator on the first packet (key frames).
        public var randomAccess: Bool
        /// Writes PES_packet_length; false leaves it 0 (unbounded, video only).
        public var boundedLength: Bool

        public init(pid: UInt16, streamID: UInt8, pts: Int64, dts: Int64, pcr: Int64? = nil,
                    randomAccess: Bool = false, boundedLength: Bool) {
            self.pid = pid
            self.streamID = streamID
            self.pts = pts
            self.dts = dts
            self.pcr = pcr
            self.randomAccess = randomAccess
            self.boundedLength = boundedLength
        }
    }

    static let packetPayloadSize = TSLayout.packetSize - 4
    /// PES_packet_length counts at most this many bytes after itself.
    public static let maxBoundedPESLength = 0xFFFF

    public var continuity: TSContinuity

    public init(continuity: TSContinuity = TSContinuity()) {
        self.continuity = continuity
    }

    /// Appends a PAT and a PMT packet: what every segment starts with.
    public mutating func writeTables(_ program: TSProgram, into out: inout [UInt8]) {
        writeSection(PSISections.pat(), pid: TSLayout.patPID, into: &out)
        writeSection(PSISections.pmt(program), pid: TSLayout.pmtPID, into: &out)
    }

    private mutating func writeSection(_ section: [UInt8], pid: UInt16, into out: inout [UInt8]) {
        let cc = continuity.next(for: pid)
        out.append(contentsOf: [TSLayout.syncByte, 0x40 | UInt8((pid >> 8) & 0x1F), UInt8(pid & 0xFF), 0x10 | cc, 0x00])
        let body = section.prefix(Self.packetPayloadSize - 1)
        out.append(contentsOf: body)
        out.append(contentsOf: repeatElement(0xFF, count: Self.packetPayloadSize - 1 - body.count))
    }

    /// Size of the PES header for these timestamps.
    static func pesHeaderSize(_ h: PESHeader) -> Int { h.dts == h.pts ? 14 : 19 }

    /// Number of TS packets a PES of `payloadSize` bytes occupies.
    static func packetCount(_ h: PESHeader, payloadSize: Int) -> Int {
        let firstAdaptation = h.pcr != nil ? 8 : (h.randomAccess ? 2 : 0)
        let firstCapacity = packetPayloadSize - firstAdaptation - pesHeaderSize(h)
        if payloadSize <= firstCapacity { return 1 }
        return 1 + (payloadSize - firstCapacity + packetPayloadSize - 1) / packetPayloadSize
    }

    /// Appends one PES whose payload is the concatenation of `pieces`.
    /// The last packet is filled with adaptation-field stuffing.
    public mutating func writePES(_ h: PESHeader, pieces: [PESPayloadPiece], into out: inout [UInt8]) {
        var payloadSize = 0
        for piece in pieces { payloadSize += piece.count }
        let headerSize = Self.pesHeaderSize(h)
        let packets = Self.packetCount(h, payloadSize: payloadSize)
        let start = out.count
        Self.grow(&out, by: packets * TSLayout.packetSize)
        let pesLength = headerSize - 6 + payloadSize
        let lengthField = h.boundedLength && pesLength <= Self.maxBoundedPESLength ? pesLength : 0
        var cc = continuity
        out.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress else { return }
            var packet = base + start
            var remaining = payloadSize
            var pieceIndex = 0
            var pieceOffset = 0
            var first = true
            while true {
                let adaptation = first ? (h.pcr != nil ? 8 : (h.randomAccess ? 2 : 0)) : 0
                let capacity = Self.packetPayloadSize - adaptation - (first ? headerSize : 0)
                let take = min(remaining, capacity)
                let stuffing = capacity - take
                let adaptationTotal = adaptation + stuffing
                packet.storeBytes(of: TSLayout.syncByte, as: UInt8.self)
                packet.storeBytes(of: (first ? 0x40 : 0) | UInt8((h.pid >> 8) & 0x1F), toByteOffset: 1, as: UInt8.self)
                packet.storeBytes(of: UInt8(h.pid & 0xFF), toByteOffset: 2, as: UInt8.self)
                let control: UInt8 = adaptationTotal > 0 ? 0x30 : 0x10
                packet.storeBytes(of: control | cc.next(for: h.pid), toByteOffset: 3, as: UInt8.self)
                var w = 4
                if adaptationTotal > 0 {
                    packet.storeBytes(of: UInt8(adaptationTotal - 1), toByteOffset: 4, as: UInt8.self)
                    w = 5
                    if adaptationTotal >= 2 {
                        var flags: UInt8 = 0
                        if first, h.randomAccess { flags |= 0x40 }
                        if first, h.pcr != nil { flags |= 0x10 }
                        packet.storeBytes(of: flags, toByteOffset: 5, as: UInt8.self)
                        w = 6
                        if first, let pcr = h.pcr {
                            PESTimestamp.writePCR(pcr, to: packet + 6)
                            w = 12
                        }
                        let end = 4 + adaptationTotal
                        (packet + w).initializeMemory(as: UInt8.self, repeating: 0xFF, count: end - w)
                        w = end
                    }
                }
                if first {
                    Self.writePESHeader(h, lengthField: lengthField, to: packet + w)
                    w += headerSize
                }
                var need = take
                var dst = packet + w
                while need > 0 {
                    let piece = pieces[pieceIndex]
                    let n = min(need, piece.count - pieceOffset)
                    piece.copy(from: pieceOffset, length: n, to: dst)
                    dst += n
                    need -= n
                    pieceOffset += n
                    if pieceOffset == piece.count {
                        pieceIndex += 1
                        pieceOffset = 0
                    }
                }
                remaining -= take
                first = false
                packet += TSLayout.packetSize
                if remaining == 0 { break }
            }
        }
        continuity = cc
    }

    private static func writePESHeader(_ h: PESHeader, lengthField: Int, to p: UnsafeMutableRawPointer) {
        let hasDTS = h.dts != h.pts
        func put(_ byte: UInt8, _ offset: Int) { p.storeBytes(of: byte, toByteOffset: offset, as: UInt8.self) }
        put(0, 0)
        put(0, 1)
        put(1, 2)
        put(h.streamID, 3)
        put(UInt8(truncatingIfNeeded: lengthField >> 8), 4)
        put(UInt8(truncatingIfNeeded: lengthField), 5)
        put(0x80, 6)  // '10', not scrambled, no priority/alignment/copyright flags
        put(hasDTS ? 0xC0 : 0x80, 7)
        put(hasDTS ? 10 : 5, 8)
        if hasDTS {
            PESTimestamp.write(h.pts, prefix: PESTimestamp.prefixPTSWithDTS, to: p + 9)
            PESTimestamp.write(h.dts, prefix: PESTimestamp.prefixDTS, to: p + 14)
        } else {
            PESTimestamp.write(h.pts, prefix: PESTimestamp.prefixPTSOnly, to: p + 9)
        }
    }

    private static let zeros = [UInt8](repeating: 0, count: 64 * TSLayout.packetSize)

    /// Grows the buffer with memcpy from a zero block, which is much faster
    /// than appending a repeated element; every byte is overwritten after.
    static func grow(_ out: inout [UInt8], by count: Int) {
        var left = count
        zeros.withUnsafeBufferPointer { z in
            while left > 0 {
                let n = min(left, z.count)
                out.append(contentsOf: UnsafeBufferPointer(rebasing: z[0..<n]))
                left -= n
            }
        }
    }
}
