import Testing
@testable import MediaFormats

@Suite struct BitReaderTests {
    @Test func exponentialGolombCodes() {
        // 1 | 010 | 011 | 00100 | 00111 → ue 0, 1, 2, 3, 6
        var r = BitReader([0b1010_0110, 0b0100_0011, 0b1000_0000])
        #expect(r.ue() == 0)
        #expect(r.ue() == 1)
        #expect(r.ue() == 2)
        #expect(r.ue() == 3)
        #expect(r.ue() == 6)
    }

    @Test func signedCodesAlternate() {
        var w = BitWriter()
        for v: Int64 in [0, 1, -1, 2, -2, 127, -128] { w.se(v) }
        var r = BitReader(w.bytes())
        for v: Int64 in [0, 1, -1, 2, -2, 127, -128] { #expect(r.se() == v) }
    }

    @Test func largestUnsignedCodeFitsAndLongerIsRejected() {
        var w = BitWriter()
        w.ue(UInt64(UInt32.max) - 1)  // 31 leading zeros
        var r = BitReader(w.bytes())
        #expect(r.ue() == UInt32.max - 1)
        // 32 leading zeros cannot encode a 32-bit value.
        var tooLong = BitReader([0, 0, 0, 0, 0x80, 0, 0, 0, 0])
        #expect(tooLong.ue() == nil)
    }

    @Test func readsPastTheEndReturnNil() {
        var r = BitReader([0xFF])
        #expect(r.bits(8) == 0xFF)
        #expect(r.bit() == nil)
        #expect(r.bits(1) == nil)
        var z = BitReader([0x00])
        #expect(z.ue() == nil)
        var b = ByteReader([1, 2, 3][...])
        #expect(b.u16() == 0x0102)
        #expect(b.u16() == nil)
        #expect(b.u8() == 3)
        #expect(b.u8() == nil)
        #expect(b.take(-1) == nil)
    }
}
