import OSSProtocol

/// The URLs the console hands out: object downloads, players' playlists and
/// publish URLs, signed with the emulator's credential where the bucket's ACL
/// needs it (the page itself is admin-only; its links work for an hour).
public struct ConsoleLinks: Sendable {
    /// Validity of every signed link, in seconds.
    public static let lifetimeSeconds: Int64 = 3600
    /// The path under `/_emulator` that serves a private playlist with its segments' URLs signed.
    public static let playPath = "/play/"
    /// The path under `/_emulator` that serves a VOD playlist of a channel, signed likewise.
    public static let vodPath = "/vod/"

    /// The Host the page was asked for, with its port.
    public var host: String
    public var credential: Credential?
    public var nowSeconds: Int64

    public init(host: String, credential: Credential?, nowSeconds: Int64) {
        self.host = host
        self.credential = credential
        self.nowSeconds = nowSeconds
    }

    var expires: Int64 { nowSeconds + Self.lifetimeSeconds }

    /// The object's URL; presigned (V1 query) unless the bucket is readable by anyone.
    public func object(bucket: String, key: String, acl: String) -> String {
        let url = "http://\(host)/\(bucket)/" + PercentEncoding.encodeRFC3986(key, keepSlash: true)
        guard acl == "private", let credential else { return url }
        let stringToSign = V1Signature.stringToSign(
            method: "GET", contentMD5: "", contentType: "", date: String(expires), ossHeaders: [:], bucket: bucket, key: key, query: [])
        let signature = V1Signature.sign(secret: credential.accessKeySecret, stringToSign: stringToSign)
        return url + "?OSSAccessKeyId=\(encode(credential.accessKeyId))&Expires=\(expires)&Signature=\(encode(signature))"
            + (credential.securityToken.map { "&security-token=\(encode($0))" } ?? "")
    }

    /// What a player on the page loads: the playlist itself when anyone may
    /// read it, else the admin endpoint that signs it and its segments.
    public func player(bucket: String, playlistKey: String, acl: String) -> String {
        if acl != "private" || credential == nil {
            return "/\(bucket)/" + PercentEncoding.encodeRFC3986(playlistKey, keepSlash: true)
        }
        return "/_emulator\(Self.playPath)\(bucket)/" + PercentEncoding.encodeRFC3986(playlistKey, keepSlash: true)
    }

    /// The RTMP publish URL (on the HTTP port, which also speaks RTMP); signed
    /// unless the bucket is public-read-write, as OSS requires.
    public func publish(bucket: String, channel: String, acl: String) -> String {
        let url = "rtmp://\(host)/\(bucket)/live/" + PercentEncoding.encodeRFC3986(channel, keepSlash: false)
        guard acl != "public-read-write", let credential else { return url }
        let parameters = RTMPURLSignature.signedParameters(
            credential: credential, expires: expires, parameters: [], bucket: bucket, channel: channel)
        return url + "?" + parameters.map { "\($0.name)=\(encode($0.value ?? ""))" }.joined(separator: "&")
    }

    /// A playlist of `bucket` (at `playlistKey`) with each segment URI
    /// replaced by the segment's absolute, signed URL.
    public func signedPlaylist(_ text: String, bucket: String, playlistKey: String, acl: String) -> String {
        let directory = playlistKey.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        var out = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.hasSuffix("\r") ? line.dropLast() : line
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.contains("://") {
                out += trimmed + "\n"
            } else {
                let key = trimmed.hasPrefix("/") ? String(trimmed.dropFirst()) : (directory.isEmpty ? "" : directory + "/") + trimmed
                out += object(bucket: bucket, key: key, acl: acl) + "\n"
            }
        }
        while out.hasSuffix("\n\n") { out.removeLast() }
        return out
    }

    private func encode(_ text: String) -> String { PercentEncoding.encodeRFC3986(text, keepSlash: false) }
}
