import Testing
@testable import RTMP

@Suite struct AMF0Tests {
    /// Known encodings: each value and its exact bytes (AMF0 spec §2).
    static let known: [(name: String, value: AMF0Value, bytes: String)] = [
        ("number 1", .number(1), "00 3F F0 00 00 00 00 00 00"),
        ("number -2.5", .number(-2.5), "00 C0 04 00 00 00 00 00 00"),
        ("boolean true", .boolean(true), "01 01"),
        ("boolean false", .boolean(false), "01 00"),
        ("string", .string("live"), "02 00 04 6C 69 76 65"),
        ("empty string", .string(""), "02 00 00"),
        ("long string", .longString("ab"), "0C 00 00 00 02 61 62"),
        ("null", .null, "05"),
        ("undefined", .undefined, "06"),
        ("reference", .reference(2), "07 00 02"),
        ("object", .object([AMF0Property("app", .string("live"))]),
         "03 00 03 61 70 70 02 00 04 6C 69 76 65 00 00 09"),
        ("empty object", .object([]), "03 00 00 09"),
        ("ecma array", .ecmaArray([AMF0Property("width", .number(640))]),
         "08 00 00 00 01 00 05 77 69 64 74 68 00 40 84 00 00 00 00 00 00 00 00 09"),
        ("strict array", .strictArray([.string("hvc1"), .null]),
         "0A 00 00 00 02 02 00 04 68 76 63 31 05"),
        ("date", .date(milliseconds: 0, timeZone: 0), "0B 00 00 00 00 00 00 00 00 00 00"),
        ("unsupported", .unsupported, "0D"),
        ("xml", .xmlDocument("<a/>"), "0F 00 00 00 04 3C 61 2F 3E"),
        ("typed object", .typedObject(className: "C", properties: [AMF0Property("x", .boolean(true))]),
         "10 00 01 43 00 01 78 01 01 00 00 09"),
        ("nested", .object([AMF0Property("o", .ecmaArray([AMF0Property("n", .null)]))]),
         "03 00 01 6F 08 00 00 00 01 00 01 6E 05 00 00 09 00 00 09"),
    ]

    @Test(arguments: known.indices)
    func encodesAndDecodesKnownBytes(_ index: Int) throws {
        let (name, value, text) = Self.known[index]
        let bytes = hex(text)
        #expect(AMF0Encoder.encode(value) == bytes, "\(name)")
        var decoder = AMF0Decoder(bytes)
        #expect(try decoder.decode() == value, "\(name)")
        #expect(decoder.isAtEnd)
    }

    @Test(arguments: known.indices)
    func everyTruncationIsATypedError(_ index: Int) {
        let bytes = hex(Self.known[index].bytes)
        for cut in 0..<bytes.count {
            var decoder = AMF0Decoder(Array(bytes.prefix(cut)))
            #expect(throws: AMF0Error.truncated) { try decoder.decode() }
        }
    }

    /// The connect command FFmpeg 5.1 sends (media-pipeline.md §3.2).
    @Test func connectCommandRoundTrips() throws {
        let command = RTMPCommand(
            name: "connect", transactionID: 1,
            object: .object([
                AMF0Property("app", .string("live")),
                AMF0Property("type", .string("nonprivate")),
                AMF0Property("flashVer", .string("FMLE/3.0 (compatible; Lavf59.27.100)")),
                AMF0Property("tcUrl", .string("rtmp://127.0.0.1:1935/live")),
            ]))
        let bytes = command.encoded()
        #expect(Array(bytes.prefix(10)) == hex("02 00 07 63 6F 6E 6E 65 63 74"))
        let decoded = try RTMPCommand(payload: bytes, typeID: RTMPMessageType.amf0Command)
        #expect(decoded == command)
        #expect(decoded.object["tcUrl"]?.stringValue == "rtmp://127.0.0.1:1935/live")
        // Type 17 carries a leading format byte before the AMF0 body.
        #expect(try RTMPCommand(payload: [0] + bytes, typeID: RTMPMessageType.amf3Command) == command)
    }

    @Test func ecmaArrayCountIsOnlyAHint() throws {
        // Count says 5, one property follows, then the terminator.
        let bytes = hex("08 00 00 00 05 00 01 61 01 01 00 00 09")
        var decoder = AMF0Decoder(bytes)
        #expect(try decoder.decode() == .ecmaArray([AMF0Property("a", .boolean(true))]))
        #expect(decoder.isAtEnd)
    }

    @Test func longStringsSwitchMarkerOnEncode() throws {
        let text = String(repeating: "x", count: 70_000)
        let bytes = AMF0Encoder.encode(.string(text))
        #expect(bytes.first == 0x0C)
        #expect(bytes.count == 5 + 70_000)
        #expect(try AMF0Decoder.decodeAll(bytes) == [.longString(text)])
    }

    @Test func depthLimitStopsDeepNesting() {
        var bytes: [UInt8] = []
        for _ in 0..<40 { bytes += hex("03 00 01 61") }
        bytes += [0x05]
        for _ in 0..<40 { bytes += hex("00 00 09") }
        var decoder = AMF0Decoder(bytes, maxDepth: 32)
        #expect(throws: AMF0Error.depthExceeded(limit: 32)) { try decoder.decode() }
        var shallow = AMF0Decoder(bytes, maxDepth: 41)
        #expect(throws: Never.self) { try shallow.decode() }
    }

    @Test func rejectsBadMarkersAndCounts() {
        for marker: UInt8 in [0x04, 0x0E, 0x11, 0x12, 0xFF] {
            var decoder = AMF0Decoder([marker])
            #expect(throws: AMF0Error.unsupportedMarker(marker)) { try decoder.decode() }
        }
        var end = AMF0Decoder([0x09])
        #expect(throws: AMF0Error.unexpectedObjectEnd) { try end.decode() }
        var huge = AMF0Decoder(hex("0A FF FF FF FF 05"))
        #expect(throws: AMF0Error.truncated) { try huge.decode() }
    }

    @Test func invalidUTF8DoesNotTrap() throws {
        let value = try AMF0Decoder.decodeAll(hex("02 00 02 FF FE"))
        #expect(value.count == 1)
        #expect(value.first?.stringValue != nil)
    }
}
