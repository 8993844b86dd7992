/// Caps enforced while parsing H.264 from a peer.
public enum H264Limits {
    /// A 4K key frame at high quality stays well below this; it matches the
    /// RTMP layer's default message cap.
    public static let maxAccessUnitSize = 8 << 20
    /// Real encoders send a handful of NAL units per frame (slices, SEI,
    /// parameter sets); this bounds the per-frame scratch list.
    public static let maxNALUnitsPerAccessUnit = 1024
    /// H.264 allows num_ref_frames_in_pic_order_cnt_cycle up to 255.
    public static let maxRefFramesInPOCCycle = 255
    /// Largest picture dimension we accept (H.264 level 6.2 tops out at 8192).
    public static let maxDimension = 16384
}
