import Digest

/// `Content-MD5` checks (Java always sends one; a mismatch is 400 InvalidDigest).
public enum ContentMD5 {
    /// Throws unless `header` is Base64 of exactly `digest` (the body's MD5).
    public static func verify(header: String, digest: [UInt8]) throws(OSSError) {
        guard let provided = Base64.decode(header), provided.count == 16 else {
            throw .invalidDigest(provided: header)
        }
        guard provided == digest else {
            throw .invalidDigest(provided: header, calculated: Base64.encode(digest))
        }
    }

    public static func verify(header: String, body: [UInt8]) throws(OSSError) {
        try verify(header: header, digest: Hash.md5(body))
    }
}
