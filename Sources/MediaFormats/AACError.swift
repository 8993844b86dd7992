/// Malformed or unusable AAC configuration / frame.
public enum AACError: Error, Equatable, Sendable {
    case truncatedConfig
    case reservedSamplingFrequencyIndex(UInt8)
    /// ADTS has no field for an explicit rate, a PCE-defined channel layout
    /// or object types beyond Main/LC/SSR/LTP (SBR and PS excepted).
    case notRepresentableInADTS(reason: String)
    case frameTooLargeForADTS(Int)
}
