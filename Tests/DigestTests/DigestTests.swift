import Testing
@testable import Digest

@Suite struct DigestTests {
    @Test func md5OfHelloWorldMatchesTheOSSExampleETag() {
        #expect(Hex.encode(Hash.md5(Array("hello world".utf8)), uppercase: true) == "5EB63BBBE01EEED093CB22BB8F5ACDC3")
    }

    @Test func streamingMD5EqualsOneShot() {
        let data = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let stream = StreamingHash(.md5)
        stream.update(data[0..<777])
        stream.update(data[777...])
        #expect(stream.finalize() == Hash.md5(data))
    }

    @Test func sha256OfEmptyInput() {
        #expect(Hex.encode(Hash.sha256([UInt8]())) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func hmacSHA1SignsTheSpecRTMPExample() {
        let mac = HMAC.sha1(key: "secretExample", message: "1709629200\nplaylistName:playlist.m3u8\n/demo-bucket/cam1")
        #expect(Base64.encode(mac) == "BBxrAO97wCY5X8NlCV57t1P82tA=")
    }

    @Test func hmacSHA256RFC4231Case2() {
        let mac = HMAC.sha256(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(Hex.encode(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func crc64CheckValue() {
        #expect(CRC64.checksum(Array("123456789".utf8)) == 0x995D_C9BB_DF19_39FA)
        #expect(CRC64.checksum([UInt8]()) == 0)
    }

    @Test func crc64IsIncremental() {
        let data = (0..<10_001).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        var crc = CRC64()
        crc.update(data[0..<13])
        crc.update(data[13..<5000])
        crc.update(data[5000...])
        #expect(crc.value == CRC64.checksum(data))
    }

    /// The folded CRC (carry-less multiplication) and the table loop agree
    /// for every length around the folding boundaries, at every alignment,
    /// and when a running CRC continues into a folded update.
    @Test func crc64FoldingAgreesWithTheTables() {
        var generator = SystemRandomNumberGenerator()
        let data = (0..<70_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        data.withUnsafeBytes { all in
            for length in Array(0..<600) + [1_000, 4_095, 4_096, 65_536, 65_537, 69_990] {
                for offset in [0, 1, 7, 9] where offset + length <= all.count {
                    let slice = UnsafeRawBufferPointer(rebasing: all[offset..<offset + length])
                    var folded = CRC64()
                    folded.update(slice)
                    #expect(folded.value == CRC64.tableChecksum(slice), "length \(length) offset \(offset)")
                }
            }
            var chained = CRC64()
            chained.update(UnsafeRawBufferPointer(rebasing: all[0..<5]))
            chained.update(UnsafeRawBufferPointer(rebasing: all[5..<40_005]))
            chained.update(UnsafeRawBufferPointer(rebasing: all[40_005...]))
            #expect(chained.value == CRC64.tableChecksum(all))
        }
        #if arch(x86_64)
        #expect(CRC64.folds, "every x86-64 CPU since 2010 has PCLMULQDQ")
        #endif
    }

    /// A known value over a long input (folded where the CPU can): CRC-64/XZ
    /// of 1 MiB of the byte pattern n mod 251, from an independent implementation.
    @Test func crc64OfALongInput() {
        let data = (0..<1_048_576).map { UInt8($0 % 251) }
        #expect(CRC64.checksum(data) == CRC64Reference.bitwise(data))
    }

    @Test(arguments: [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
    ])
    func base64RFC4648Vectors(plain: String, encoded: String) {
        #expect(Base64.encode(Array(plain.utf8)) == encoded)
        #expect(Base64.decode(encoded) == Array(plain.utf8))
    }

    @Test(arguments: ["Zg=", "Zg=a", "Z===", "@@@@", "Zm9v\n"])
    func base64RejectsMalformedInput(text: String) {
        #expect(Base64.decode(text) == nil)
    }
}

/// CRC-64/XZ one bit at a time, straight from the definition (reflected
/// ECMA-182 polynomial, all-ones initial value and final xor).
enum CRC64Reference {
    static func bitwise(_ bytes: [UInt8]) -> UInt64 {
        var crc = UInt64.max
        for byte in bytes {
            crc ^= UInt64(byte)
            for _ in 0..<8 { crc = (crc & 1) == 1 ? (crc >> 1) ^ 0xC96C_5795_D787_0F42 : crc >> 1 }
        }
        return ~crc
    }
}
