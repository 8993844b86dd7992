/// An AMF0 value (Adobe AMF0 File Format Specification; media-pipeline.md §3.1).
///
/// Objects and ECMA arrays keep their properties in wire order, so decoding
/// then encoding gives back the same bytes.
public enum AMF0Value: Sendable, Equatable {
    case number(Double)
    case boolean(Bool)
    /// Encoded with the short-string marker, or as a long string when its
    /// UTF-8 form exceeds 65 535 bytes.
    case string(String)
    /// A value that arrived with the long-string marker (0x0C).
    case longString(String)
    case object([AMF0Property])
    case null
    case undefined
    case reference(UInt16)
    /// Properties in order; the u32 count on the wire is only a hint and is
    /// not kept.
    case ecmaArray([AMF0Property])
    case strictArray([AMF0Value])
    case date(milliseconds: Double, timeZone: Int16)
    case unsupported
    case xmlDocument(String)
    case typedObject(className: String, properties: [AMF0Property])

    /// The string carried by `.string` or `.longString`.
    public var stringValue: String? {
        switch self {
        case .string(let text), .longString(let text): return text
        case .number, .boolean, .object, .null, .undefined, .reference, .ecmaArray, .strictArray,
            .date, .unsupported, .xmlDocument, .typedObject:
            return nil
        }
    }

    public var numberValue: Double? {
        if case .number(let number) = self { return number }
        return nil
    }

    public var booleanValue: Bool? {
        if case .boolean(let flag) = self { return flag }
        return nil
    }

    /// Properties of an object, ECMA array or typed object.
    public var properties: [AMF0Property]? {
        switch self {
        case .object(let properties), .ecmaArray(let properties): return properties
        case .typedObject(_, let properties): return properties
        case .number, .boolean, .string, .longString, .null, .undefined, .reference, .strictArray,
            .date, .unsupported, .xmlDocument:
            return nil
        }
    }

    /// The first property named `key` of an object-like value.
    public subscript(key: String) -> AMF0Value? {
        properties?.first(where: { $0.key == key })?.value
    }
}

public struct AMF0Property: Sendable, Equatable {
    public var key: String
    public var value: AMF0Value

    public init(_ key: String, _ value: AMF0Value) {
        self.key = key
        self.value = value
    }
}

/// AMF0 type markers (media-pipeline.md §3.1).
enum AMF0Marker {
    static let number: UInt8 = 0x00
    static let boolean: UInt8 = 0x01
    static let string: UInt8 = 0x02
    static let object: UInt8 = 0x03
    static let movieClip: UInt8 = 0x04
    static let null: UInt8 = 0x05
    static let undefined: UInt8 = 0x06
    static let reference: UInt8 = 0x07
    static let ecmaArray: UInt8 = 0x08
    static let objectEnd: UInt8 = 0x09
    static let strictArray: UInt8 = 0x0A
    static let date: UInt8 = 0x0B
    static let longString: UInt8 = 0x0C
    static let unsupported: UInt8 = 0x0D
    static let recordSet: UInt8 = 0x0E
    static let xmlDocument: UInt8 = 0x0F
    static let typedObject: UInt8 = 0x10
    static let avmPlus: UInt8 = 0x11
}

public enum AMF0Error: Error, Sendable, Equatable {
    /// The input ended inside a value.
    case truncated
    /// A marker this decoder does not accept (MovieClip, RecordSet, AVM+ or
    /// an unknown byte).
    case unsupportedMarker(UInt8)
    /// An object-end marker where a value was expected.
    case unexpectedObjectEnd
    /// Nesting deeper than the configured limit.
    case depthExceeded(limit: Int)
}
