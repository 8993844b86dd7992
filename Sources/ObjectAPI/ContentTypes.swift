/// Content-Type by file extension, used when a PUT sends none (as OSS does).
/// HLS types follow what players expect from OSS.
enum ContentTypes {
    static let fallback = "application/octet-stream"

    static let byExtension: [String: String] = [
        "m3u8": "application/x-mpegURL", "ts": "video/MP2T", "flv": "video/x-flv", "mp4": "video/mp4",
        "m4s": "video/iso.segment", "aac": "audio/aac", "mp3": "audio/mpeg", "wav": "audio/wav",
        "txt": "text/plain", "html": "text/html", "htm": "text/html", "css": "text/css",
        "js": "application/javascript", "json": "application/json", "xml": "application/xml",
        "csv": "text/csv", "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png",
        "gif": "image/gif", "svg": "image/svg+xml", "webp": "image/webp", "ico": "image/x-icon",
        "pdf": "application/pdf", "zip": "application/zip", "gz": "application/gzip",
        "tar": "application/x-tar", "webm": "video/webm", "mov": "video/quicktime",
    ]

    /// Whether the type is an HLS playlist's (`application/x-mpegurl`,
    /// `application/vnd.apple.mpegurl`, any case, with parameters).
    static func isPlaylist(_ contentType: String) -> Bool {
        var text = contentType
        let byBytes: Bool? = text.withUTF8 { bytes in
            // Printable ASCII: one byte per character, so a byte prefix is a character prefix.
            guard !bytes.contains(where: { $0 < 0x20 || $0 >= 0x7F }) else { return nil }
            return playlistTypes.contains { prefix in
                guard bytes.count >= prefix.count else { return false }
                for index in prefix.indices {
                    let byte = bytes[index]
                    guard (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte) == prefix[index]
                    else { return false }
                }
                return true
            }
        }
        if let byBytes { return byBytes }
        // Unicode case mapping and characters, as for any other text.
        let lowered = contentType.lowercased()
        return playlistTypes.contains { lowered.hasPrefix(String(decoding: $0, as: UTF8.self)) }
    }

    private static let playlistTypes = [Array("application/x-mpegurl".utf8), Array("application/vnd.apple.mpegurl".utf8)]

    static func forKey(_ key: String) -> String {
        let name = key.split(separator: "/", omittingEmptySubsequences: false).last ?? Substring(key)
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return fallback }
        let ext = name[name.index(after: dot)...].lowercased()
        return byExtension[ext] ?? fallback
    }
}
