/// Where everything lives under the data directory. Objects are the only
/// thing in bucket directories; the store's own files sit under `.oss/`,
/// which can never be a bucket (bucket names have no dot):
///
///     <root>/<bucket>/<key as a path>     objects (escaping: `KeyPath`)
///     <root>/.oss/tmp/                    spooled bodies and temp files, emptied at start
///     <root>/.oss/lock                    held (flock) by the one process using the directory
///     <root>/.oss/buckets/<bucket>        ACL, creation time, storage class, redundancy, resource group
///     <root>/.oss/journal/<bucket>        object metadata and digests (`JournalFormat`)
///     <root>/.oss/<namespace>/<bucket>/   state records (`saveRecord`)
///     <root>/.oss/multipart/<bucket>/     multipart uploads and their parts (`MultipartFiles`)
struct StoreLayout: Sendable {
    let root: String

    var meta: String { root + "/.oss" }
    var temporary: String { meta + "/tmp" }
    var bucketRecords: String { meta + "/buckets" }
    var journals: String { meta + "/journal" }

    /// `.oss/` children that are not record namespaces.
    static let reservedNames: Set<String> = ["tmp", "buckets", "journal", DataDirectoryLock.fileName]

    func bucketDirectory(_ name: String) -> String { root + "/" + name }
    func bucketRecord(_ name: String) -> String { bucketRecords + "/" + name }
    func journal(_ name: String) -> String { journals + "/" + name }
    func records(namespace: String, bucket: String) -> String { meta + "/" + namespace + "/" + bucket }
}

/// OSS bucket names: 3–63 characters of `a-z`, `0-9`, `-`, starting and ending
/// with a letter or digit.
enum BucketName {
    static let minLength = 3
    static let maxLength = 63

    static func isValid(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard bytes.count >= minLength, bytes.count <= maxLength else { return false }
        func isAlphanumeric(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        guard let first = bytes.first, let last = bytes.last, isAlphanumeric(first), isAlphanumeric(last) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
    }
}

/// The bucket record `.oss/buckets/<name>`: `key=value` lines.
enum BucketRecord {
    /// The store writes five short lines; anything longer is not its record.
    static let maxBytes = 4096

    static func encode(_ info: BucketInfo) -> [UInt8] {
        Array(("acl=\(info.acl.rawValue)\ncreated=\(info.creationDate)\nclass=\(info.storageClass)\n"
            + "redundancy=\(info.dataRedundancyType)\nrg=\(info.resourceGroupId)\n").utf8)
    }

    /// Missing or unreadable fields fall back to the defaults given in `fallback`.
    static func decode(_ bytes: [UInt8], fallback: BucketInfo) -> BucketInfo {
        var info = fallback
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            let value = String(line[line.index(after: equals)...])
            switch line[..<equals] {
            case "acl": info.acl = BucketACL(rawValue: value) ?? info.acl
            case "created": info.creationDate = Int64(value) ?? info.creationDate
            case "class": info.storageClass = value.isEmpty ? info.storageClass : value
            case "redundancy": info.dataRedundancyType = value.isEmpty ? info.dataRedundancyType : value
            case "rg": info.resourceGroupId = value.isEmpty ? info.resourceGroupId : value
            default: continue
            }
        }
        return info
    }
}
