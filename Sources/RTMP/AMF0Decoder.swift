/// Decodes AMF0 values from a byte array (media-pipeline.md §3.1).
///
/// Recursive with a depth limit; objects and ECMA arrays are read up to their
/// `00 00 09` terminator, whatever count an ECMA array announces.
public struct AMF0Decoder: Sendable {
    /// Nesting cap for peer data: deep enough for any real metadata, shallow
    /// enough that hostile input cannot exhaust the stack.
    public static let defaultMaxDepth = 32

    private var reader: ByteReader
    private let maxDepth: Int

    public init(_ bytes: [UInt8], from offset: Int = 0, maxDepth: Int = AMF0Decoder.defaultMaxDepth) {
        self.reader = ByteReader(bytes, from: offset)
        self.maxDepth = maxDepth
    }

    public var isAtEnd: Bool { reader.isAtEnd }
    public var position: Int { reader.position }

    public mutating func decode() throws(AMF0Error) -> AMF0Value {
        try value(depth: 0)
    }

    /// Every value up to the end of the input.
    public mutating func decodeAll() throws(AMF0Error) -> [AMF0Value] {
        var values: [AMF0Value] = []
        while !reader.isAtEnd { values.append(try value(depth: 0)) }
        return values
    }

    /// Decodes a complete buffer.
    public static func decodeAll(_ bytes: [UInt8], from offset: Int = 0, maxDepth: Int = defaultMaxDepth)
        throws(AMF0Error) -> [AMF0Value]
    {
        var decoder = AMF0Decoder(bytes, from: offset, maxDepth: maxDepth)
        return try decoder.decodeAll()
    }

    private mutating func value(depth: Int) throws(AMF0Error) -> AMF0Value {
        guard depth < maxDepth else { throw .depthExceeded(limit: maxDepth) }
        guard let marker = reader.readUInt8() else { throw .truncated }
        switch marker {
        case AMF0Marker.number:
            return .number(try double())
        case AMF0Marker.boolean:
            guard let flag = reader.readUInt8() else { throw .truncated }
            return .boolean(flag != 0)
        case AMF0Marker.string:
            return .string(try shortString())
        case AMF0Marker.longString:
            return .longString(try longString())
        case AMF0Marker.xmlDocument:
            return .xmlDocument(try longString())
        case AMF0Marker.object:
            return .object(try properties(depth: depth))
        case AMF0Marker.typedObject:
            let name = try shortString()
            return .typedObject(className: name, properties: try properties(depth: depth))
        case AMF0Marker.ecmaArray:
            guard reader.readUInt32() != nil else { throw .truncated }
            return .ecmaArray(try properties(depth: depth))
        case AMF0Marker.strictArray:
            guard let count = reader.readUInt32() else { throw .truncated }
            // Each element takes at least one byte: a count the input cannot
            // hold is truncated input, found before reserving anything.
            guard Int(count) <= reader.remaining else { throw .truncated }
            var elements: [AMF0Value] = []
            elements.reserveCapacity(Int(count))
            for _ in 0..<count { elements.append(try value(depth: depth + 1)) }
            return .strictArray(elements)
        case AMF0Marker.date:
            let milliseconds = try double()
            guard let zone = reader.readUInt16() else { throw .truncated }
            return .date(milliseconds: milliseconds, timeZone: Int16(bitPattern: zone))
        case AMF0Marker.null:
            return .null
        case AMF0Marker.undefined:
            return .undefined
        case AMF0Marker.unsupported:
            return .unsupported
        case AMF0Marker.reference:
            guard let index = reader.readUInt16() else { throw .truncated }
            return .reference(index)
        case AMF0Marker.objectEnd:
            throw .unexpectedObjectEnd
        default:
            throw .unsupportedMarker(marker)
        }
    }

    private mutating func properties(depth: Int) throws(AMF0Error) -> [AMF0Property] {
        var properties: [AMF0Property] = []
        while true {
            let key = try shortString()
            if key.isEmpty {
                guard let marker = reader.readUInt8() else { throw .truncated }
                if marker == AMF0Marker.objectEnd { return properties }
                // An empty key followed by a real value: keep it rather than
                // guess where the object ends.
                reader = rewound(by: 1)
            }
            properties.append(AMF0Property(key, try value(depth: depth + 1)))
        }
    }

    private func rewound(by count: Int) -> ByteReader {
        ByteReader(reader.bytes, from: reader.position - count)
    }

    private mutating func double() throws(AMF0Error) -> Double {
        guard let bits = reader.readUInt64() else { throw .truncated }
        return Double(bitPattern: bits)
    }

    private mutating func shortString() throws(AMF0Error) -> String {
        guard let length = reader.readUInt16(), let bytes = reader.readBytes(Int(length)) else {
            throw .truncated
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private mutating func longString() throws(AMF0Error) -> String {
        guard let length = reader.readUInt32(), let bytes = reader.readBytes(Int(length)) else {
            throw .truncated
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
