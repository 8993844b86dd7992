/// CopyObject's answer: `<CopyObjectResult><LastModified/><ETag/></CopyObjectResult>`.
public enum CopyObjectXML {
    /// `lastModified` in epoch seconds; `etag` without quotes.
    public static func result(lastModified: Int64, etag: String) -> [UInt8] {
        var w = XMLWriter(root: "CopyObjectResult")
        w.element("LastModified", OSSTime.iso8601(lastModified))
        w.element("ETag", "\"" + etag + "\"")
        return w.finish()
    }
}
