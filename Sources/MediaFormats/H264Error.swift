/// Malformed H.264 configuration or access unit.
public enum H264Error: Error, Equatable, Sendable {
    case truncatedConfigurationRecord
    case unsupportedConfigurationVersion(UInt8)
    /// lengthSizeMinusOne + 1 must be 1, 2 or 4.
    case invalidNALLengthSize(Int)
    case missingSPS
    case missingPPS
    case notAnSPS(nalType: UInt8)
    /// The SPS ended or held an out-of-range value while reading `field`.
    case invalidSPS(field: String)
    case unsupportedSPS(field: String, value: Int64)
    case truncatedNALUnit(offset: Int)
    case tooManyNALUnits(Int)
    case accessUnitTooLarge(Int)
}
