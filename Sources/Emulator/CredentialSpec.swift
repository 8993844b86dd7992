import OSSProtocol

/// `ACCESS_KEY_ID:ACCESS_KEY_SECRET[:SECURITY_TOKEN[@EXPIRATION]]` as given to
/// `--credential`. With a token the credential is an STS one: requests must
/// carry that token; with an ISO 8601 expiration (`@2026-12-31T00:00:00Z`) it
/// stops working then, on the emulator's clock (403 SecurityTokenExpired).
public enum CredentialSpec {
    /// The shape, for messages (they never echo the text: it holds a secret).
    public static let usage = "ACCESS_KEY_ID:ACCESS_KEY_SECRET[:SECURITY_TOKEN[@EXPIRATION]]"

    public static func parse(_ text: String) -> Result<Credential, ConfigurationError> {
        // The token comes last and keeps any further ':' (tokens are opaque).
        let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2 else {
            return .failure(.invalid("expected \(usage)"))
        }
        let id = parts[0], secret = parts[1]
        guard !id.isEmpty, id.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            return .failure(.invalid("the AccessKeyId must be non-empty ASCII without spaces (expected \(usage))"))
        }
        guard !secret.isEmpty else {
            return .failure(.invalid("the AccessKeySecret of \(id) is empty (expected \(usage))"))
        }
        if parts.count == 3 {
            guard !parts[2].isEmpty else {
                return .failure(.invalid("the SecurityToken of \(id) is empty (expected \(usage))"))
            }
            // Tokens are base64 (no '@'): a last '@' followed by an ISO 8601 time is the expiration.
            var token = parts[2]
            var expiration: Int64?
            if let at = token.lastIndex(of: "@"), let time = OSSTime.parseISO8601(String(token[token.index(after: at)...])) {
                expiration = time
                token = String(token[..<at])
                guard !token.isEmpty else {
                    return .failure(.invalid("the SecurityToken of \(id) is empty (expected \(usage))"))
                }
            }
            return .success(Credential(accessKeyId: id, accessKeySecret: secret, securityToken: token, expiration: expiration))
        }
        return .success(Credential(accessKeyId: id, accessKeySecret: secret))
    }

    /// Refuses two credentials with one AccessKeyId: only one could ever match.
    public static func checkDistinct(_ credentials: [Credential]) -> Result<Void, ConfigurationError> {
        var seen: Set<String> = []
        for credential in credentials where !seen.insert(credential.accessKeyId).inserted {
            return .failure(.invalid("AccessKeyId \(credential.accessKeyId) is configured twice"))
        }
        return .success(())
    }
}
