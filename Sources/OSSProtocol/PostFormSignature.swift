import Digest

/// The signature of a browser form upload: it signs the base64 `policy` field.
/// V1: `OSSAccessKeyId` + `Signature` = base64 HMAC-SHA1(secret, policy).
/// V4: `x-oss-signature-version` = `OSS4-HMAC-SHA256`, `x-oss-credential`,
/// `x-oss-date`, `x-oss-signature` = hex HMAC-SHA256(signing key, policy).
public enum PostFormSignature {
    /// Verifies the signature fields of a form (names lower-cased) and returns
    /// the access key that signed it.
    public static func verify(fields: [String: String], authenticator: Authenticator) throws(OSSError) -> String {
        guard let policy = fields["policy"] else { throw .postFieldMissing("policy") }
        if let version = fields["x-oss-signature-version"] {
            guard version == V4Signature.algorithm else {
                throw .invalidArgument("Unsupported signature version: \(version).", name: "x-oss-signature-version",
                                       value: version)
            }
            guard let credentialText = fields["x-oss-credential"] else { throw .postFieldMissing("x-oss-credential") }
            guard fields["x-oss-date"] != nil else { throw .postFieldMissing("x-oss-date") }
            guard let provided = fields["x-oss-signature"] else { throw .postFieldMissing("x-oss-signature") }
            guard let scope = V4Signature.CredentialScope(parsing: credentialText) else {
                throw .invalidArgument("Invalid x-oss-credential: \(credentialText).", name: "x-oss-credential",
                                       value: credentialText)
            }
            let credential = try lookup(scope.accessKeyId, authenticator, token: fields["x-oss-security-token"])
            let expected = Hex.encode(HMAC.sha256(
                key: V4Signature.signingKey(secret: credential.accessKeySecret, scope: scope), message: Array(policy.utf8)))
            guard constantTimeEquals(expected, provided.lowercased()) else {
                throw .formSignatureDoesNotMatch(accessKeyId: scope.accessKeyId)
            }
            return scope.accessKeyId
        }
        guard let accessKeyId = fields["ossaccesskeyid"] else { throw .postFieldMissing("OSSAccessKeyId") }
        guard let provided = fields["signature"] else { throw .postFieldMissing("Signature") }
        let credential = try lookup(accessKeyId, authenticator, token: fields["x-oss-security-token"])
        let expected = Base64.encode(HMAC.sha1(key: credential.accessKeySecret, message: policy))
        guard constantTimeEquals(expected, provided) else { throw .formSignatureDoesNotMatch(accessKeyId: accessKeyId) }
        return accessKeyId
    }

    private static func lookup(_ accessKeyId: String, _ authenticator: Authenticator, token: String?) throws(OSSError) -> Credential {
        guard let credential = authenticator.credential(for: accessKeyId) else { throw .invalidAccessKeyId(accessKeyId) }
        if let expected = credential.securityToken, expected != token {
            throw .invalidAccessKeyId(accessKeyId)
        }
        // A long-term key takes no token, as with header and URL signatures.
        if credential.securityToken == nil { try authenticator.checkToken(credential, provided: token) }
        return credential
    }
}
