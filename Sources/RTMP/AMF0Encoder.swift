/// Encodes AMF0 values (media-pipeline.md §3.1), the exact inverse of
/// `AMF0Decoder` for every value it produces.
public enum AMF0Encoder {
    public static func encode(_ values: [AMF0Value]) -> [UInt8] {
        var out: [UInt8] = []
        for value in values { encode(value, into: &out) }
        return out
    }

    public static func encode(_ value: AMF0Value) -> [UInt8] {
        var out: [UInt8] = []
        encode(value, into: &out)
        return out
    }

    public static func encode(_ value: AMF0Value, into out: inout [UInt8]) {
        switch value {
        case .number(let number):
            out.append(AMF0Marker.number)
            out.appendUInt64(number.bitPattern)
        case .boolean(let flag):
            out.append(AMF0Marker.boolean)
            out.append(flag ? 1 : 0)
        case .string(let text):
            let utf8 = Array(text.utf8)
            if utf8.count > Int(UInt16.max) {
                out.append(AMF0Marker.longString)
                appendLong(utf8, into: &out)
            } else {
                out.append(AMF0Marker.string)
                appendShort(utf8, into: &out)
            }
        case .longString(let text):
            out.append(AMF0Marker.longString)
            appendLong(Array(text.utf8), into: &out)
        case .xmlDocument(let text):
            out.append(AMF0Marker.xmlDocument)
            appendLong(Array(text.utf8), into: &out)
        case .object(let properties):
            out.append(AMF0Marker.object)
            appendProperties(properties, into: &out)
        case .typedObject(let className, let properties):
            out.append(AMF0Marker.typedObject)
            appendShort(Array(className.utf8), into: &out)
            appendProperties(properties, into: &out)
        case .ecmaArray(let properties):
            out.append(AMF0Marker.ecmaArray)
            out.appendUInt32(UInt32(truncatingIfNeeded: properties.count))
            appendProperties(properties, into: &out)
        case .strictArray(let elements):
            out.append(AMF0Marker.strictArray)
            out.appendUInt32(UInt32(truncatingIfNeeded: elements.count))
            for element in elements { encode(element, into: &out) }
        case .date(let milliseconds, let timeZone):
            out.append(AMF0Marker.date)
            out.appendUInt64(milliseconds.bitPattern)
            out.appendUInt16(UInt16(bitPattern: timeZone))
        case .null:
            out.append(AMF0Marker.null)
        case .undefined:
            out.append(AMF0Marker.undefined)
        case .unsupported:
            out.append(AMF0Marker.unsupported)
        case .reference(let index):
            out.append(AMF0Marker.reference)
            out.appendUInt16(index)
        }
    }

    private static func appendProperties(_ properties: [AMF0Property], into out: inout [UInt8]) {
        for property in properties {
            appendShort(Array(property.key.utf8), into: &out)
            encode(property.value, into: &out)
        }
        out.append(contentsOf: [0x00, 0x00, AMF0Marker.objectEnd])
    }

    /// Keys and class names have only a u16 length; longer ones are cut at
    /// 65 535 bytes rather than written with a wrong length.
    private static func appendShort(_ utf8: [UInt8], into out: inout [UInt8]) {
        let count = min(utf8.count, Int(UInt16.max))
        out.appendUInt16(UInt16(count))
        out.append(contentsOf: utf8[0..<count])
    }

    private static func appendLong(_ utf8: [UInt8], into out: inout [UInt8]) {
        let count = min(utf8.count, Int(UInt32.max))
        out.appendUInt32(UInt32(count))
        out.append(contentsOf: utf8[0..<count])
    }
}
