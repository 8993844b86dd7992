import OSSProtocol

/// Put/GetBucketStorageCapacity (`?qos`, `BucketUserQos`): the bucket's
/// storage quota in GB, -1 for none. Stored and returned; writes are not
/// refused when a bucket is over it.
public enum StorageCapacity {
    /// No quota, which every bucket starts with.
    public static let unlimited: Int64 = -1

    public static func parse(_ body: [UInt8]) throws(OSSError) -> Int64 {
        guard !body.isEmpty else { throw .malformedXML("the body is empty; expected a BucketUserQos document") }
        let root = try XMLDocument.parse(body)
        guard root.name == "BucketUserQos" else { throw .malformedXML("root element must be BucketUserQos, not \(root.name)") }
        guard let text = root.text(of: "StorageCapacity") else { throw .malformedXML("BucketUserQos without StorageCapacity") }
        guard let value = Int64(text), value >= unlimited else {
            throw .invalidArgument("StorageCapacity must be -1 (no limit) or a non-negative number of GB.",
                                   name: "StorageCapacity", value: text)
        }
        return value
    }

    public static func document(_ capacity: Int64) -> [UInt8] {
        var w = XMLWriter(root: "BucketUserQos")
        w.element("StorageCapacity", capacity)
        return w.finish()
    }
}
