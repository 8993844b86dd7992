/// Naming rules of buckets, objects, channels and playlists (spec §3.1, §4, §8).
public enum NameRules {
    public static let bucketNameLength = 3...63
    public static let maxObjectKeyBytes = 1023
    public static let playlistNameLength = 6...128
    public static let playlistSuffix = ".m3u8"

    /// 3–63 of `a-z0-9-`, starting and ending with a letter or digit → else 400 InvalidBucketName.
    public static func validateBucketName(_ name: String) throws(OSSError) {
        guard isValidBucketName(name) else { throw .invalidBucketName(name) }
    }

    public static func isValidBucketName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard bucketNameLength.contains(bytes.count) else { return false }
        func alnum(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) }
        guard let first = bytes.first, let last = bytes.last, alnum(first), alnum(last) else { return false }
        return bytes.allSatisfy { alnum($0) || $0 == UInt8(ascii: "-") }
    }

    /// 1–1023 bytes of UTF-8, not starting with `/` or `\` → else 400 InvalidObjectName.
    public static func validateObjectKey(_ key: String) throws(OSSError) {
        guard isValidObjectKey(key) else { throw .invalidObjectName(key) }
    }

    public static func isValidObjectKey(_ key: String) -> Bool {
        let count = key.utf8.count
        guard count >= 1, count <= maxObjectKeyBytes, let first = key.utf8.first else { return false }
        return first != UInt8(ascii: "/") && first != UInt8(ascii: "\\")
    }

    /// Longest LiveChannel name: OSS requires fewer than 64 bytes (EC 0017-00000258).
    public static let maxChannelNameBytes = 63

    /// 1–63 bytes, no `/`, no control characters (a channel name is written
    /// raw into listings, where XML cannot carry them). Every broken rule is
    /// 400 InvalidArgument naming `LiveChannelName`; the `EC` tells which.
    public static func validateChannelName(_ name: String) throws(OSSError) {
        let count = name.utf8.count
        guard count >= 1, count <= maxChannelNameBytes else {
            throw .invalidArgument("The live channel name must be 1 to \(maxChannelNameBytes) bytes long.",
                                   name: "LiveChannelName", value: name, ec: "0017-00000258")
        }
        guard !name.contains("/") else {
            throw .invalidArgument("The live channel name must not contain '/'.",
                                   name: "LiveChannelName", value: name, ec: "0017-00000260")
        }
        guard name.utf8.first != UInt8(ascii: "\\"), !name.utf8.contains(where: isControlByte) else {
            throw .invalidArgument("The live channel name is invalid.", name: "LiveChannelName", value: name)
        }
    }

    /// C0 controls and DEL.
    static func isControlByte(_ byte: UInt8) -> Bool { byte < 0x20 || byte == 0x7F }

    /// 6–128 bytes, ending in `.m3u8`, no `/` → else 400 InvalidArgument.
    public static func validatePlaylistName(_ name: String) throws(OSSError) {
        guard playlistNameLength.contains(name.utf8.count) else {
            throw .invalidArgument("PlaylistName must be \(playlistNameLength.lowerBound) to \(playlistNameLength.upperBound) bytes long.",
                                   name: "PlaylistName", value: name, ec: "0044-00000017")
        }
        guard name.hasSuffix(playlistSuffix), !name.contains("/") else {
            throw .invalidArgument("PlaylistName must end with .m3u8 and contain no '/'.",
                                   name: "PlaylistName", value: name, ec: "0044-00000018")
        }
    }
}
