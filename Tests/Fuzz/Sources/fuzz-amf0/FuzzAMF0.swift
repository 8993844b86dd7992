import FuzzSupport
import RTMP

/// AMF0 values and the commands built from them: every value decoded must
/// encode and decode back to itself.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAMF0(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    if let values = try? AMF0Decoder.decodeAll(bytes) {
        let again = try? AMF0Decoder.decodeAll(AMF0Encoder.encode(values))
        fuzzCheck(again?.count == values.count, "re-encoded AMF0 does not decode to as many values")
    }
    for type in [RTMPMessageType.amf0Command, RTMPMessageType.amf0Data, RTMPMessageType.amf3Command] {
        if let command = try? RTMPCommand(payload: bytes, typeID: type) {
            _ = command.argument(0)
            _ = try? RTMPCommand(payload: command.encoded(), typeID: RTMPMessageType.amf0Command)
        }
    }
    return 0
}
