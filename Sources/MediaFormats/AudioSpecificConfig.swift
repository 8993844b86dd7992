/// ISO/IEC 14496-3 §1.6.2.1 AudioSpecificConfig, as carried by an AAC
/// sequence header (§4.1): the 2-byte LC form, the 5-byte form with an SBR
/// sync extension that FFmpeg writes, and explicit HE-AAC (object type 5/29).
public struct AudioSpecificConfig: Sendable, Equatable {
    /// Object type as signalled first: 2 for LC, 5 for SBR, 29 for PS.
    public var objectType: UInt8
    /// Core sampling frequency index (15 = explicit, see `samplingFrequency`).
    public var samplingFrequencyIndex: UInt8
    /// Core sampling rate in Hz.
    public var samplingFrequency: Int
    /// 1 mono, 2 stereo … 7 for 7.1; 0 means an in-band PCE.
    public var channelConfiguration: UInt8
    /// Object type of the core codec when `objectType` is 5 or 29 (usually 2).
    public var coreObjectType: UInt8?
    /// SBR output rate, from explicit or backward-compatible signalling.
    public var extensionSamplingFrequency: Int?
    /// Set when a backward-compatible sync extension says SBR is present or absent.
    public var sbrPresent: Bool?
    /// 1024 samples per frame, or 960 with frameLengthFlag.
    public var samplesPerFrame: Int

    public static let samplingFrequencies = [96000, 88200, 64000, 48000, 44100, 32000, 24000,
                                             22050, 16000, 12000, 11025, 8000, 7350]
    static let objectTypeSBR: UInt8 = 5
    static let objectTypePS: UInt8 = 29
    static let syncExtensionType: UInt32 = 0x2B7

    public init(parsing bytes: ArraySlice<UInt8>) throws(AACError) {
        var r = BitReader(bytes)
        func u(_ n: Int) throws(AACError) -> UInt32 {
            guard let v = r.bits(n) else { throw .truncatedConfig }
            return v
        }
        func objectTypeField() throws(AACError) -> UInt8 {
            let t = try u(5)
            return t == 31 ? UInt8(32 + (try u(6))) : UInt8(t)
        }
        func frequency() throws(AACError) -> (index: UInt8, hz: Int) {
            let index = UInt8(try u(4))
            if index == 15 { return (index, Int(try u(24))) }
            guard Int(index) < Self.samplingFrequencies.count else { throw .reservedSamplingFrequencyIndex(index) }
            return (index, Self.samplingFrequencies[Int(index)])
        }

        objectType = try objectTypeField()
        (samplingFrequencyIndex, samplingFrequency) = try frequency()
        channelConfiguration = UInt8(try u(4))
        var core = objectType
        if objectType == Self.objectTypeSBR || objectType == Self.objectTypePS {
            extensionSamplingFrequency = try frequency().hz
            core = try objectTypeField()
            coreObjectType = core
            sbrPresent = true
        }
        // GASpecificConfig for the AAC object types that have one.
        samplesPerFrame = 1024
        if [1, 2, 3, 4, 6, 7, 17, 19, 20, 21, 22, 23].contains(core) {
            if try u(1) == 1 { samplesPerFrame = 960 }
            if try u(1) == 1 { _ = try u(14) }  // coreCoderDelay
            let extensionFlag = try u(1)
            if channelConfiguration == 0 { return }  // a PCE follows; we never need its contents
            if core == 6 || core == 20 { _ = try u(3) }
            if extensionFlag == 1 {
                if core == 22 { _ = try u(16) }
                if [17, 19, 20, 23].contains(core) { _ = try u(3) }
                _ = try u(1)
            }
        }
        // Backward-compatible SBR signalling (§1.6.5.2), as in FFmpeg's `12 10 56 E5 00`.
        if coreObjectType == nil, r.bitsLeft >= 16, r.bits(11) == Self.syncExtensionType {
            guard let extType = r.bits(5) else { return }
            if UInt8(extType) == Self.objectTypeSBR, let present = r.flag() {
                sbrPresent = present
                if present { extensionSamplingFrequency = try frequency().hz }
            }
        }
    }

    public init(parsing bytes: [UInt8]) throws(AACError) { try self.init(parsing: bytes[...]) }

    /// The rate a decoder outputs: the SBR rate when SBR is on, else the core rate.
    public var outputSampleRate: Int {
        sbrPresent == true ? (extensionSamplingFrequency ?? samplingFrequency * 2) : samplingFrequency
    }

    public var channelCount: Int {
        switch channelConfiguration {
        case 7: return 8
        default: return Int(channelConfiguration)
        }
    }
}
