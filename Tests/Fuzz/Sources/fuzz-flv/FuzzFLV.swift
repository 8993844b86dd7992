import FuzzSupport
import MediaFormats

/// An FLV file through the reader, every tag body through its payload parser
/// and the codec configuration parsers, and every tag into the HLS remuxer,
/// whose TS output must stay whole 188-byte packets.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFLV(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    guard var reader = try? FLVFileReader(bytes: bytes) else { return 0 }
    // Mutated files rarely keep PreviousTagSize right; read them anyway.
    reader.validatesPreviousTagSize = false
    var remuxer = HLSRemuxer(configuration: .init(
        fragmentDuration: 0.5, expectsVideo: reader.header.hasVideo && !reader.header.hasAudio ? true : nil))
    while let tag = try? reader.next() {
        inspect(tag)
        if let events = try? remuxer.push(tag) { check(events) }
    }
    check(remuxer.finish())
    return 0
}

private func inspect(_ tag: FLVTag) {
    switch FLVTagType(rawValue: tag.type) {
    case .video?:
        guard case .avc(let packet)? = try? FLVVideoPayload(parsing: tag.payload),
              packet.packetType == .sequenceHeader,
              let config = try? AVCDecoderConfigurationRecord(parsing: packet.body) else { return }
        _ = try? config.parsedSPS()
        let again = try? AVCDecoderConfigurationRecord(parsing: config.serialized())
        fuzzCheck(again == config, "AVCDecoderConfigurationRecord does not survive serialisation")
    case .audio?:
        guard case .aacSequenceHeader(let body)? = try? FLVAudioPayload(parsing: tag.payload),
              let config = try? AudioSpecificConfig(parsing: body),
              let adts = try? ADTSHeader(config: config) else { return }
        _ = try? adts.bytes(payloadSize: 100)
    case .script?, nil:
        return
    }
}

private func check(_ events: [RemuxEvent]) {
    for case .segmentFinished(let segment) in events {
        fuzzCheck(segment.bytes.count == segment.size, "segment bytes and size disagree")
        fuzzCheck(segment.size % 188 == 0, "segment of \(segment.size) bytes is not whole TS packets")
        for offset in stride(from: 0, to: segment.bytes.count, by: 188) {
            fuzzCheck(segment.bytes[offset] == 0x47, "TS packet at \(offset) lacks the sync byte")
        }
        fuzzCheck(segment.duration.isFinite && segment.duration >= 0, "segment duration \(segment.duration)")
    }
}
