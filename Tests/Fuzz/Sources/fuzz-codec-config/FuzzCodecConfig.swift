import FuzzSupport
import MediaFormats

/// The codec parsers on their own, where short inputs reach every branch:
/// the first byte picks the parser, the rest is its input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCodecConfig(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    guard let selector = bytes.first else { return 0 }
    let input = bytes.dropFirst()
    switch selector % 6 {
    case 0:
        guard let config = try? AVCDecoderConfigurationRecord(parsing: input) else { return 0 }
        _ = try? config.parsedSPS()
        _ = AnnexBAccessUnit.parameterSets(of: config)
    case 1:
        _ = try? SequenceParameterSet(parsing: input)
        _ = try? SequenceParameterSet(parsing: EmulationPrevention.removed(from: input))
    case 2:
        guard let config = try? AudioSpecificConfig(parsing: input),
              let adts = try? ADTSHeader(config: config) else { return 0 }
        _ = try? adts.bytes(payloadSize: input.count)
    case 3:
        // An access unit in AVCC form (4-byte lengths), converted to Annex B.
        let config = AVCDecoderConfigurationRecord(
            profileIndication: 100, profileCompatibility: 0, levelIndication: 31, nalLengthSize: 4,
            sequenceParameterSets: [[0x67, 0x64, 0x00, 0x1F]], pictureParameterSets: [[0x68, 0xEE, 0x3C, 0x80]])
        _ = try? AnnexBAccessUnit.convert(input, config: config)
    case 4:
        _ = try? FLVVideoPayload(parsing: input)
    default:
        _ = try? FLVAudioPayload(parsing: input)
    }
    return 0
}
