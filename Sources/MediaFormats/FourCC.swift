/// A four-character code as used by Enhanced RTMP (`hvc1`, `av01`, `Opus`…).
public struct FourCC: Sendable, Hashable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public var description: String {
        let scalars = [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: rawValue >> UInt32($0)) }
        if scalars.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            return String(decoding: scalars, as: UTF8.self)
        }
        return "0x" + String(rawValue, radix: 16)
    }
}
