/// PAT and PMT sections (§6.3), CRC included, ready for one TS packet each.
public enum PSISections {
    public static func pat() -> [UInt8] {
        var s: [UInt8] = [0x00, 0xB0, 0x00]
        appendSyntaxPrefix(id: TSLayout.transportStreamID, to: &s)
        s.append(contentsOf: be16(TSLayout.programNumber))
        s.append(contentsOf: be16(0xE000 | TSLayout.pmtPID))
        return finished(s)
    }

    public static func pmt(_ program: TSProgram) -> [UInt8] {
        var s: [UInt8] = [0x02, 0xB0, 0x00]
        appendSyntaxPrefix(id: TSLayout.programNumber, to: &s)
        s.append(contentsOf: be16(0xE000 | program.pcrPID))
        s.append(contentsOf: [0xF0, 0x00])  // program_info_length 0
        if program.hasVideo {
            s.append(TSLayout.streamTypeH264)
            s.append(contentsOf: be16(0xE000 | TSLayout.videoPID))
            s.append(contentsOf: [0xF0, 0x00])
        }
        if program.hasAudio {
            s.append(TSLayout.streamTypeADTS)
            s.append(contentsOf: be16(0xE000 | TSLayout.audioPID))
            s.append(contentsOf: [0xF0, 0x00])
        }
        return finished(s)
    }

    /// id, reserved/version 0/current_next 1, section 0 of 0.
    private static func appendSyntaxPrefix(id: UInt16, to s: inout [UInt8]) {
        s.append(contentsOf: be16(id))
        s.append(contentsOf: [0xC1, 0x00, 0x00])
    }

    /// Fills in section_length (bytes after it, CRC included) and the CRC.
    private static func finished(_ section: [UInt8]) -> [UInt8] {
        var s = section
        let length = s.count - 3 + 4
        s[1] = 0xB0 | UInt8(length >> 8)
        s[2] = UInt8(length & 0xFF)
        let crc = CRC32MPEG2.checksum(s)
        s.append(contentsOf: [UInt8(crc >> 24), UInt8((crc >> 16) & 0xFF), UInt8((crc >> 8) & 0xFF), UInt8(crc & 0xFF)])
        return s
    }

    private static func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }
}
