import OSSProtocol

/// `ACCESS_KEY_ID:ACCESS_KEY_SECRET[:SECURITY_TOKEN]` as given to `--credential`.
/// With a token the credential is an STS one: requests must carry that token.
public enum CredentialSpec {
    /// The shape, for messages (they never echo the text: it holds a secret).
    public static let usage = "ACCESS_KEY_ID:ACCESS_KEY_SECRET[:SECURITY_TOKEN]"

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
            return .success(Credential(accessKeyId: id, accessKeySecret: secret, securityToken: parts[2]))
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
