/// The parts of an H.264 sequence parameter set (§7.3.2.1.1, VUI up to the
/// timing info of Annex E.1.1) that give picture size and frame rate.
public struct SequenceParameterSet: Sendable, Equatable {
    public struct Cropping: Sendable, Equatable {
        public var left: UInt32, right: UInt32, top: UInt32, bottom: UInt32
    }

    public struct ExtendedSAR: Sendable, Equatable {
        public var width: UInt16, height: UInt16
    }

    public struct Timing: Sendable, Equatable {
        public var numUnitsInTick: UInt32
        public var timeScale: UInt32
        public var fixedFrameRate: Bool
    }

    public var profileIDC: UInt8
    public var constraintFlags: UInt8
    public var levelIDC: UInt8
    public var id: UInt32
    public var chromaFormatIDC: UInt32 = 1
    public var separateColourPlane = false
    public var bitDepthLuma: UInt32 = 8
    public var bitDepthChroma: UInt32 = 8
    public var picOrderCountType: UInt32 = 0
    public var maxNumRefFrames: UInt32 = 0
    public var widthInMacroblocks: UInt32 = 0
    public var heightInMapUnits: UInt32 = 0
    public var frameMBsOnly = true
    public var cropping: Cropping?
    /// aspect_ratio_idc from the VUI; 255 means `extendedSAR` holds the ratio.
    public var aspectRatioIDC: UInt8?
    public var extendedSAR: ExtendedSAR?
    public var timing: Timing?

    /// Profiles whose SPS carries chroma format, bit depth and scaling lists.
    static let highProfiles: Set<UInt8> = [100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]

    /// Parses a complete SPS NAL unit (header byte 0x67 included), with the
    /// emulation-prevention bytes still in it.
    public init(parsing nal: ArraySlice<UInt8>) throws(H264Error) {
        guard let header = nal.first else { throw .invalidSPS(field: "nal_unit_header") }
        guard header & 0x1F == 7 else { throw .notAnSPS(nalType: header & 0x1F) }
        var r = BitReader(EmulationPrevention.removed(from: nal.dropFirst()))

        func u(_ n: Int, _ field: String) throws(H264Error) -> UInt32 {
            guard let v = r.bits(n) else { throw .invalidSPS(field: field) }
            return v
        }
        func flag(_ field: String) throws(H264Error) -> Bool { try u(1, field) == 1 }
        func ue(_ field: String) throws(H264Error) -> UInt32 {
            guard let v = r.ue() else { throw .invalidSPS(field: field) }
            return v
        }
        func se(_ field: String) throws(H264Error) -> Int64 {
            guard let v = r.se() else { throw .invalidSPS(field: field) }
            return v
        }

        profileIDC = UInt8(try u(8, "profile_idc"))
        constraintFlags = UInt8(try u(8, "constraint_flags"))
        levelIDC = UInt8(try u(8, "level_idc"))
        id = try ue("seq_parameter_set_id")
        guard id <= 31 else { throw .unsupportedSPS(field: "seq_parameter_set_id", value: Int64(id)) }

        if Self.highProfiles.contains(profileIDC) {
            chromaFormatIDC = try ue("chroma_format_idc")
            guard chromaFormatIDC <= 3 else {
                throw .unsupportedSPS(field: "chroma_format_idc", value: Int64(chromaFormatIDC))
            }
            if chromaFormatIDC == 3 { separateColourPlane = try flag("separate_colour_plane_flag") }
            bitDepthLuma = try ue("bit_depth_luma_minus8") &+ 8
            bitDepthChroma = try ue("bit_depth_chroma_minus8") &+ 8
            _ = try flag("qpprime_y_zero_transform_bypass_flag")
            if try flag("seq_scaling_matrix_present_flag") {
                let lists = chromaFormatIDC != 3 ? 8 : 12
                for i in 0..<lists where try flag("seq_scaling_list_present_flag") {
                    try Self.skipScalingList(size: i < 6 ? 16 : 64, se: se)
                }
            }
        }

        _ = try ue("log2_max_frame_num_minus4")
        picOrderCountType = try ue("pic_order_cnt_type")
        switch picOrderCountType {
        case 0:
            _ = try ue("log2_max_pic_order_cnt_lsb_minus4")
        case 1:
            _ = try flag("delta_pic_order_always_zero_flag")
            _ = try se("offset_for_non_ref_pic")
            _ = try se("offset_for_top_to_bottom_field")
            let cycle = try ue("num_ref_frames_in_pic_order_cnt_cycle")
            guard cycle <= H264Limits.maxRefFramesInPOCCycle else {
                throw .unsupportedSPS(field: "num_ref_frames_in_pic_order_cnt_cycle", value: Int64(cycle))
            }
            for _ in 0..<cycle { _ = try se("offset_for_ref_frame") }
        case 2:
            break
        default:
            throw .unsupportedSPS(field: "pic_order_cnt_type", value: Int64(picOrderCountType))
        }

        maxNumRefFrames = try ue("max_num_ref_frames")
        _ = try flag("gaps_in_frame_num_value_allowed_flag")
        widthInMacroblocks = try ue("pic_width_in_mbs_minus1") &+ 1
        heightInMapUnits = try ue("pic_height_in_map_units_minus1") &+ 1
        frameMBsOnly = try flag("frame_mbs_only_flag")
        if !frameMBsOnly { _ = try flag("mb_adaptive_frame_field_flag") }
        _ = try flag("direct_8x8_inference_flag")
        if try flag("frame_cropping_flag") {
            cropping = Cropping(left: try ue("frame_crop_left_offset"), right: try ue("frame_crop_right_offset"),
                                top: try ue("frame_crop_top_offset"), bottom: try ue("frame_crop_bottom_offset"))
        }
        if try flag("vui_parameters_present_flag") {
            if try flag("aspect_ratio_info_present_flag") {
                let idc = UInt8(try u(8, "aspect_ratio_idc"))
                aspectRatioIDC = idc
                if idc == 255 {
                    extendedSAR = ExtendedSAR(width: UInt16(try u(16, "sar_width")),
                                              height: UInt16(try u(16, "sar_height")))
                }
            }
            if try flag("overscan_info_present_flag") { _ = try flag("overscan_appropriate_flag") }
            if try flag("video_signal_type_present_flag") {
                _ = try u(4, "video_format/video_full_range_flag")
                if try flag("colour_description_present_flag") { _ = try u(24, "colour_description") }
            }
            if try flag("chroma_loc_info_present_flag") {
                _ = try ue("chroma_sample_loc_type_top_field")
                _ = try ue("chroma_sample_loc_type_bottom_field")
            }
            if try flag("timing_info_present_flag") {
                timing = Timing(numUnitsInTick: try u(32, "num_units_in_tick"), timeScale: try u(32, "time_scale"),
                                fixedFrameRate: try flag("fixed_frame_rate_flag"))
            }
        }
        guard width > 0, height > 0, width <= H264Limits.maxDimension, height <= H264Limits.maxDimension else {
            throw .unsupportedSPS(field: "picture_size", value: Int64(width) << 32 | Int64(height))
        }
    }

    public init(parsing nal: [UInt8]) throws(H264Error) { try self.init(parsing: nal[...]) }

    /// Skips scaling_list(); the values themselves do not affect size or rate.
    private static func skipScalingList(size: Int, se: (String) throws(H264Error) -> Int64) throws(H264Error) {
        var last: Int64 = 8
        var next: Int64 = 8
        for _ in 0..<size {
            if next != 0 {
                let delta = try se("delta_scale")
                guard delta >= -128, delta <= 127 else { throw .unsupportedSPS(field: "delta_scale", value: delta) }
                next = (last + delta + 256) % 256
            }
            last = next == 0 ? last : next
        }
    }

    private var chromaArrayType: UInt32 { separateColourPlane ? 0 : chromaFormatIDC }

    private var cropUnits: (x: Int64, y: Int64) {
        let frameFactor: Int64 = frameMBsOnly ? 1 : 2
        switch chromaArrayType {
        case 0: return (1, frameFactor)
        case 1: return (2, 2 * frameFactor)
        case 2: return (2, frameFactor)
        default: return (1, frameFactor)
        }
    }

    /// Displayed width in pixels (cropping applied); 0 if the SPS is inconsistent.
    public var width: Int {
        let coded = Int64(widthInMacroblocks) * 16
        let crop = cropping.map { Int64($0.left) + Int64($0.right) } ?? 0
        return Self.clamped(coded - cropUnits.x * crop)
    }

    /// Displayed height in pixels (cropping applied); 0 if the SPS is inconsistent.
    public var height: Int {
        let coded = (frameMBsOnly ? 1 : 2) * Int64(heightInMapUnits) * 16
        let crop = cropping.map { Int64($0.top) + Int64($0.bottom) } ?? 0
        return Self.clamped(coded - cropUnits.y * crop)
    }

    private static func clamped(_ v: Int64) -> Int { v > 0 && v <= Int64(Int32.max) ? Int(v) : 0 }

    /// Frames per second from VUI timing: time_scale / (2 · num_units_in_tick).
    public var frameRate: Double? {
        guard let t = timing, t.numUnitsInTick > 0, t.timeScale > 0 else { return nil }
        return Double(t.timeScale) / (2 * Double(t.numUnitsInTick))
    }
}
