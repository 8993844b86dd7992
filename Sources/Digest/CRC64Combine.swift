/// CRC-64 of a concatenation from the CRCs of its pieces, without reading the
/// bytes again: a multipart object's `x-oss-hash-crc64ecma` is built from its
/// parts' CRCs, as the SDKs do when they check a CompleteMultipartUpload.
///
/// The CRC register is linear over GF(2): appending `n` bytes to `A` moves
/// A's CRC along as if `n` zero bytes followed it, which is a multiplication
/// by x^(8n) modulo the polynomial; the init and xor-out terms cancel, so
/// crc(A‖B) = crc(A)·x^(8·|B|) mod P ⊕ crc(B). Cost: O(log |B|) products.
extension CRC64 {
    public static func combine(_ first: UInt64, _ second: UInt64, secondLength: Int64) -> UInt64 {
        guard secondLength > 0 else { return first ^ second }
        return multiplyModP(first, xPowerModP(UInt64(secondLength) &* 8)) ^ second
    }

    /// The CRC of `pieces` concatenated, from each piece's CRC and length.
    public static func combine(_ pieces: [(crc: UInt64, length: Int64)]) -> UInt64 {
        pieces.reduce(0) { combine($0, $1.crc, secondLength: $1.length) }
    }

    /// In the reflected representation the top bit is x^0.
    private static let one: UInt64 = 1 << 63

    /// a·b mod P, both in reflected form.
    static func multiplyModP(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var product: UInt64 = 0
        var multiplier = b
        var mask = one
        while mask != 0 {
            if a & mask != 0 { product ^= multiplier }
            // Multiply by x: shift towards higher degrees, reducing by P.
            multiplier = multiplier & 1 == 1 ? (multiplier >> 1) ^ polynomial : multiplier >> 1
            mask >>= 1
        }
        return product
    }

    /// x^n mod P by square-and-multiply.
    static func xPowerModP(_ n: UInt64) -> UInt64 {
        var result = one
        var square = one >> 1  // x^1
        var remaining = n
        while remaining > 0 {
            if remaining & 1 == 1 { result = multiplyModP(result, square) }
            square = multiplyModP(square, square)
            remaining >>= 1
        }
        return result
    }
}
