import Digest

/// Signed RTMP publish URLs (spec §5.3):
/// `Expires "\n" CanonicalizedParams "/" bucket "/" channel`, HMAC-SHA1, Base64.
public enum RTMPURLSignature {
    static let signingParameters: Set<String> = ["OSSAccessKeyId", "Signature", "Expires"]
    public static let securityTokenParameter = "security-token"

    /// `parameters` are the decoded query of the publish URL; channel and values are raw.
    /// The STS token is left out (docs, Go) or signed like any parameter (oss2, Java).
    public static func stringToSign(expires: Int64, parameters: [QueryItem], bucket: String, channel: String,
                                    includeSecurityToken: Bool) -> String {
        var seen: Set<String> = []
        var kept: [(name: String, value: String)] = []
        for item in parameters where !signingParameters.contains(item.name) && !seen.contains(item.name) {
            if item.name == securityTokenParameter && !includeSecurityToken { continue }
            seen.insert(item.name)
            kept.append((item.name, item.value ?? ""))
        }
        kept.sort { $0.name < $1.name }
        var text = String(expires) + "\n"
        for (name, value) in kept { text += name + ":" + value + "\n" }
        return text + "/" + bucket + "/" + channel
    }

    public static func sign(secret: String, stringToSign: String) -> String {
        V1Signature.sign(secret: secret, stringToSign: stringToSign)
    }

    /// True when the URL carries any of the signing parameters (an unsigned URL is
    /// acceptable on a public-read-write bucket).
    public static func isSigned(_ parameters: [QueryItem]) -> Bool {
        parameters.contains { signingParameters.contains($0.name) }
    }

    /// The query an SDK's SignRtmpURL would add (`OSSAccessKeyId`, `Expires`, `Signature`
    /// and, for STS, `security-token`), decoded; the caller percent-encodes.
    public static func signedParameters(credential: Credential, expires: Int64, parameters: [QueryItem],
                                        bucket: String, channel: String) -> [QueryItem] {
        var all = parameters
        if let token = credential.securityToken {
            all.append(QueryItem(name: securityTokenParameter, value: token))
        }
        let stringToSign = stringToSign(expires: expires, parameters: all, bucket: bucket, channel: channel,
                                        includeSecurityToken: false)
        return all + [QueryItem(name: "OSSAccessKeyId", value: credential.accessKeyId),
                      QueryItem(name: "Expires", value: String(expires)),
                      QueryItem(name: "Signature", value: sign(secret: credential.accessKeySecret, stringToSign: stringToSign))]
    }

    /// Checks a signed publish URL and returns its access key id. Order: missing
    /// parameters, expiry, unknown key, STS token, signature.
    public static func verify(parameters: [QueryItem], bucket: String, channel: String, credentials: [Credential],
                              now: Int64) throws(OSSError) -> String {
        guard let accessKeyId = parameters.value("OSSAccessKeyId"), !accessKeyId.isEmpty,
              let expiresText = parameters.value("Expires"), !expiresText.isEmpty,
              let provided = parameters.value("Signature"), !provided.isEmpty else {
            throw .accessDenied("Signed RTMP URLs need OSSAccessKeyId, Expires and Signature.")
        }
        guard let expires = Int64(expiresText) else { throw .accessDenied("Invalid Expires: \(expiresText)") }
        if now > expires { throw .requestExpired(expires: expiresText, serverTime: now) }
        guard let credential = credentials.first(where: { $0.accessKeyId == accessKeyId }) else {
            throw .invalidAccessKeyId(accessKeyId)
        }
        let token = parameters.value(securityTokenParameter)
        if let expected = credential.securityToken {
            guard let token, constantTimeEquals(expected, token) else {
                throw .accessDenied("The security token you provided is invalid.")
            }
        }
        // Both STS variants are in use; accept either when a token is present.
        let variants = token == nil ? [false] : [false, true]
        var first: String?
        for include in variants {
            let text = stringToSign(expires: expires, parameters: parameters, bucket: bucket, channel: channel,
                                    includeSecurityToken: include)
            if first == nil { first = text }
            if constantTimeEquals(sign(secret: credential.accessKeySecret, stringToSign: text), provided) {
                return accessKeyId
            }
        }
        throw .signatureDoesNotMatch(stringToSign: first ?? "", provided: provided, accessKeyId: accessKeyId)
    }
}
