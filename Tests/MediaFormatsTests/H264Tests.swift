import Foundation
import Testing
@testable import MediaFormats

@Suite struct AVCDecoderConfigurationRecordTests {
    /// The av fixture's sequence header body (FFmpeg/x264, Main 3.0).
    static let fixtureRecord = hex("""
        01 4d 40 1e ff e1 00 18 67 4d 40 1e ec a0 50 17 fc b8 08 80 00 00 03 00 80 00 00 1e 07 8b 16 cb
        01 00 04 68 ef bc 80
        """)

    @Test func parsesFixtureRecord() throws {
        let record = try AVCDecoderConfigurationRecord(parsing: Self.fixtureRecord)
        #expect(record.profileIndication == 0x4D)
        #expect(record.profileCompatibility == 0x40)
        #expect(record.levelIndication == 0x1E)
        #expect(record.nalLengthSize == 4)
        #expect(record.sequenceParameterSets == [Array(Self.fixtureRecord[8..<32])])
        #expect(record.pictureParameterSets == [[0x68, 0xEF, 0xBC, 0x80]])
        #expect(record.serialized() == Self.fixtureRecord)
    }

    @Test func highProfileTrailerIsIgnored() throws {
        // 1080p fixture: High 4.0 with the chroma/bit-depth trailer `fd f8 f8 00`.
        let bytes = hex("""
            01 64 00 28 ff e1 00 1b 67 64 00 28 ac d9 40 78 02 27 e5 c0 44 00 00 03 00 04 00 00 03 00 c0
            3c 60 c6 58 01 00 04 68 ef bc b0 fd f8 f8 00
            """)
        let record = try AVCDecoderConfigurationRecord(parsing: bytes)
        #expect(record.sequenceParameterSets.count == 1 && record.pictureParameterSets.count == 1)
        #expect(try AVCDecoderConfigurationRecord(parsing: record.serialized()) == record)
        let sps = try record.parsedSPS()
        #expect(sps.width == 1920 && sps.height == 1080)
    }

    @Test func rejectsMalformedRecords() {
        #expect(throws: H264Error.truncatedConfigurationRecord) { try AVCDecoderConfigurationRecord(parsing: [UInt8]()) }
        #expect(throws: H264Error.unsupportedConfigurationVersion(0)) {
            try AVCDecoderConfigurationRecord(parsing: [0, 0x42, 0, 0x1E, 0xFF, 0xE1])
        }
        #expect(throws: H264Error.invalidNALLengthSize(3)) {
            try AVCDecoderConfigurationRecord(parsing: [1, 0x42, 0, 0x1E, 0xFE, 0xE1])
        }
        var truncated = Self.fixtureRecord
        truncated.removeLast()
        #expect(throws: H264Error.truncatedConfigurationRecord) { try AVCDecoderConfigurationRecord(parsing: truncated) }
        #expect(throws: H264Error.missingSPS) {
            try AVCDecoderConfigurationRecord(parsing: [1, 0x42, 0, 0x1E, 0xFF, 0xE0, 1, 0, 1, 0x68])
        }
        #expect(throws: H264Error.missingPPS) {
            try AVCDecoderConfigurationRecord(parsing: [1, 0x42, 0, 0x1E, 0xFF, 0xE1, 0, 1, 0x67, 0])
        }
    }
}

@Suite struct SequenceParameterSetTests {
    @Test func handWrittenBaselineSPS() throws {
        // profile 66, constraints C0, level 30, id ue(0), log2_max_frame_num ue(0),
        // poc type ue(2), 1 ref frame, 20×15 macroblocks, frame_mbs_only,
        // direct_8x8, no cropping, no VUI: 1101 1010 | 0000 0101 | 0000 0111 | 1110 0100.
        let sps = try SequenceParameterSet(parsing: [0x67, 0x42, 0xC0, 0x1E, 0xDA, 0x05, 0x07, 0xE4])
        #expect(sps.profileIDC == 66 && sps.constraintFlags == 0xC0 && sps.levelIDC == 30)
        #expect(sps.picOrderCountType == 2 && sps.maxNumRefFrames == 1)
        #expect(sps.widthInMacroblocks == 20 && sps.heightInMapUnits == 15)
        #expect(sps.width == 320 && sps.height == 240)
        #expect(sps.cropping == nil && sps.timing == nil && sps.frameRate == nil)
    }

    @Test func fixtureSPSWithEmulationPreventionAndVUI() throws {
        // 640×360 (368 coded, bottom crop 4 × 2), VUI timing 60/1 → 30 fps.
        let record = try AVCDecoderConfigurationRecord(parsing: AVCDecoderConfigurationRecordTests.fixtureRecord)
        let sps = try record.parsedSPS()
        #expect(sps.width == 640 && sps.height == 360)
        #expect(sps.cropping == .init(left: 0, right: 0, top: 0, bottom: 4))
        #expect(sps.timing == .init(numUnitsInTick: 1, timeScale: 60, fixedFrameRate: false))
        #expect(sps.frameRate == 30)
    }

    @Test func emulationPreventionRemoval() {
        #expect(EmulationPrevention.removed(from: [0x00, 0x00, 0x03, 0x01, 0x00, 0x00, 0x03, 0x00, 0x03]) ==
            [0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x03])
        #expect(EmulationPrevention.removed(from: [0x00, 0x03, 0x00, 0x00, 0x00, 0x03]) == [0x00, 0x03, 0x00, 0x00, 0x00])
    }

    @Test func builtVariants() throws {
        // 4:4:4 High with cropping in whole pixels (CropUnitX = 1).
        var b = SPSBuilder(profile: 244, chromaFormat: 3, widthMBs: 41, heightMapUnits: 23, crop: (1, 1, 0, 8))
        var sps = try SequenceParameterSet(parsing: b.nal())
        #expect(sps.chromaFormatIDC == 3 && sps.width == 41 * 16 - 2 && sps.height == 23 * 16 - 8)
        // Field coding: height counts map units of two fields, crop units double.
        b = SPSBuilder(profile: 100, widthMBs: 45, heightMapUnits: 18, frameMBsOnly: false, crop: (0, 0, 0, 0),
                       timing: (1, 50))
        sps = try SequenceParameterSet(parsing: b.nal())
        #expect(sps.width == 720 && sps.height == 576 && sps.frameRate == 25)
        // Scaling lists are skipped, including a list that ends early (next = 0).
        b = SPSBuilder(profile: 100, scalingLists: [[-8], Array(repeating: 1, count: 16), [5, -5, 0, -8]],
                       widthMBs: 120, heightMapUnits: 68, crop: (0, 0, 0, 4), timing: (1001, 60000))
        sps = try SequenceParameterSet(parsing: b.nal())
        #expect(sps.width == 1920 && sps.height == 1080)
        #expect(abs((sps.frameRate ?? 0) - 29.97) < 0.001)
        // POC type 1 with its cycle.
        b = SPSBuilder(pocType: 1, pocCycle: [1, -1, 3])
        #expect(try SequenceParameterSet(parsing: b.nal()).picOrderCountType == 1)
    }

    @Test func limitsAndErrors() throws {
        #expect(throws: H264Error.notAnSPS(nalType: 8)) { try SequenceParameterSet(parsing: [0x68, 0xEF]) }
        #expect(throws: H264Error.invalidSPS(field: "nal_unit_header")) { try SequenceParameterSet(parsing: [UInt8]()) }
        #expect(throws: H264Error.invalidSPS(field: "level_idc")) { try SequenceParameterSet(parsing: [0x67, 0x42, 0xC0]) }
        let full = [UInt8](SPSBuilder().nal())
        #expect(throws: H264Error.self) { try SequenceParameterSet(parsing: Array(full.prefix(6))) }
        // H264Limits.maxRefFramesInPOCCycle
        let atLimit = SPSBuilder(pocType: 1, pocCycle: Array(repeating: 0, count: H264Limits.maxRefFramesInPOCCycle))
        #expect(try SequenceParameterSet(parsing: atLimit.nal()).width == 320)
        let over = SPSBuilder(pocType: 1, pocCycle: Array(repeating: 0, count: H264Limits.maxRefFramesInPOCCycle + 1))
        #expect(throws: H264Error.unsupportedSPS(field: "num_ref_frames_in_pic_order_cnt_cycle", value: 256)) {
            try SequenceParameterSet(parsing: over.nal())
        }
        // H264Limits.maxDimension
        let widest = SPSBuilder(widthMBs: UInt64(H264Limits.maxDimension / 16))
        #expect(try SequenceParameterSet(parsing: widest.nal()).width == H264Limits.maxDimension)
        let tooWide = SPSBuilder(widthMBs: UInt64(H264Limits.maxDimension / 16 + 1))
        #expect(throws: H264Error.self) { try SequenceParameterSet(parsing: tooWide.nal()) }
        // Cropping away the whole picture is not a picture.
        let cropped = SPSBuilder(crop: (0, 0, 0, 120))
        #expect(throws: H264Error.self) { try SequenceParameterSet(parsing: cropped.nal()) }
        #expect(throws: H264Error.unsupportedSPS(field: "pic_order_cnt_type", value: 3)) {
            try SequenceParameterSet(parsing: SPSBuilder(pocType: 3).nal())
        }
    }

    static func ffprobeVideo(_ path: String) throws -> (width: Int, height: Int, rate: Double) {
        let r = try run("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries",
                                    "stream=width,height,r_frame_rate", "-of", "csv=p=0", path])
        let f = r.out.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",")
        let rate = f[2].split(separator: "/").compactMap { Double($0) }
        return (Int(f[0]) ?? 0, Int(f[1]) ?? 0, rate[0] / rate[1])
    }

    static func firstSPS(ofFLV bytes: [UInt8]) throws -> SequenceParameterSet {
        var reader = try FLVFileReader(bytes: bytes)
        while let tag = try reader.next() {
            if tag.type == 9, case .avc(let p) = try FLVVideoPayload(parsing: tag.payload), p.packetType == .sequenceHeader {
                return try AVCDecoderConfigurationRecord(parsing: p.body).parsedSPS()
            }
        }
        throw H264Error.missingSPS
    }

    @Test(arguments: ["av-640x360-30fps.flv", "video-only-320x240-25fps.flv", "baseline-480x270-29.97fps.flv",
                      "high-1920x1080-24fps.flv"])
    func fixtureSPSMatchesFFprobe(_ name: String) throws {
        let sps = try Self.firstSPS(ofFLV: try Fixtures.bytes(name))
        let probe = try Self.ffprobeVideo(Fixtures.directory.appendingPathComponent(name).path)
        #expect(sps.width == probe.width && sps.height == probe.height)
        #expect(abs((sps.frameRate ?? 0) - probe.rate) < 0.001)
    }

    /// SPS variety made with x264 on the fly (§8 stress variants): custom
    /// scaling matrices, interlaced, 4:4:4 with odd cropping.
    @Test(arguments: [
        ["-s", "1920x1080", "-r", "25", "-x264-params", "cqm=jvt", "-profile:v", "high"],
        ["-s", "720x576", "-r", "25", "-flags", "+ildct+ilme", "-x264-params", "interlaced=1"],
        ["-s", "642x362", "-r", "30000/1001", "-pix_fmt", "yuv444p", "-profile:v", "high444"],
        ["-s", "352x288", "-r", "15", "-pix_fmt", "yuv422p", "-profile:v", "high422"],
    ])
    func generatedSPSMatchesFFprobe(_ options: [String]) throws {
        let dir = try makeTemporaryDirectory()
        defer { removeUnlessKept(dir) }
        let path = dir.appendingPathComponent("v.flv").path
        var args = ["-hide_banner", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25",
                    "-frames:v", "2", "-c:v", "libx264", "-preset", "ultrafast", "-threads", "1"]
        if !options.contains("-pix_fmt") { args += ["-pix_fmt", "yuv420p"] }
        args += options + ["-f", "flv", "-y", path]
        let made = try run("ffmpeg", args)
        #expect(made.status == 0, "\(made.err)")
        let sps = try Self.firstSPS(ofFLV: [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
        let probe = try Self.ffprobeVideo(path)
        #expect(sps.width == probe.width && sps.height == probe.height, "\(options)")
        #expect(abs((sps.frameRate ?? 0) - probe.rate) < 0.001, "\(options): \(String(describing: sps.frameRate)) vs \(probe.rate)")
    }
}
