import FuzzSupport
import RTMP

/// The chunk stream decoder, fed all at once and in pieces: both must give
/// the same messages and fail at the same message.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRTMPChunks(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    var limits = RTMPLimits()
    limits.maxMessageLength = 64 << 10
    limits.maxBufferedBytes = 256 << 10
    limits.maxChunkStreams = 8

    let whole = decode([bytes[...]], limits: limits)
    let split = decode(pieces(of: bytes, size: pieceSize(of: bytes)), limits: limits)
    fuzzCheck(whole.messages == split.messages, "messages differ when the input is split")
    fuzzCheck(whole.failed == split.failed, "one feeding failed, the other did not")
    for message in whole.messages {
        switch message.typeID {
        case RTMPMessageType.userControl: _ = UserControlEvent(payload: message.payload)
        case RTMPMessageType.amf0Command, RTMPMessageType.amf3Command, RTMPMessageType.amf0Data:
            _ = try? RTMPCommand(payload: message.payload, typeID: message.typeID)
        default: break
        }
    }
    return 0
}

private func decode(_ inputs: [ArraySlice<UInt8>], limits: RTMPLimits) -> (messages: [RTMPMessage], failed: Bool) {
    var decoder = ChunkDecoder(limits: limits)
    var messages: [RTMPMessage] = []
    for input in inputs {
        decoder.append(input)
        do {
            while let message = try decoder.nextMessage() { messages.append(message) }
        } catch {
            return (messages, true)
        }
    }
    return (messages, false)
}
