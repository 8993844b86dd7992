import OSSProtocol

/// A bucket policy (Put/Get/DeleteBucketPolicy): the JSON document is checked
/// for OSS's policy grammar, stored and returned byte for byte.
///
/// What the emulator evaluates (`decision`): statements whose Principal is
/// `*` (or lists `*`), without a Condition, for anonymous requests, on
/// `oss:GetObject` (GET/HEAD) and `oss:PutObject` (PUT/POST) and
/// `oss:DeleteObject`, with Action and Resource patterns using `*` and `?`
/// (`acs:oss:*:*:bucket/prefix*`). A matching Deny refuses; else a matching
/// Allow admits a request the ACL would refuse. Everything else in a policy
/// (RAM principals, conditions, bucket-level actions) is stored but not
/// evaluated.
public struct BucketPolicy: Sendable, Equatable {
    /// OSS takes policies of at most 16 KB.
    public static let maxBytes = 16 * 1024

    public enum Effect: String, Sendable { case allow = "Allow", deny = "Deny" }

    public enum Decision: Sendable, Equatable { case allow, deny, none }

    struct Statement: Sendable, Equatable {
        var effect: Effect
        var actions: [String]
        var resources: [String]
        var principals: [String]?
        var hasCondition: Bool
    }

    let statements: [Statement]

    /// Checks the grammar: an object with `Version` "1" and a `Statement`
    /// array whose members have an `Effect` of Allow or Deny and `Action` and
    /// `Resource` as a string or an array of strings.
    public static func parse(_ bytes: [UInt8]) throws(OSSError) -> BucketPolicy {
        guard !bytes.isEmpty else { throw .invalidPolicyDocument(policy: "the policy is empty") }
        guard bytes.count <= maxBytes else { throw .invalidPolicyDocument(policy: "the policy is larger than \(maxBytes) bytes") }
        let document: JSONText
        do {
            document = try JSONText.parse(bytes)
        } catch {
            throw .invalidPolicyDocument(policy: "not JSON (\(error.reason) at byte \(error.offset))")
        }
        guard case .object = document else { throw .invalidPolicyDocument(policy: "the policy must be a JSON object") }
        guard document["Version"]?.stringValue == "1" else {
            throw .invalidPolicyDocument(policy: "Version must be the string \"1\"")
        }
        guard case .array(let members)? = document["Statement"] else {
            throw .invalidPolicyDocument(policy: "Statement must be an array")
        }
        var statements: [Statement] = []
        for member in members {
            guard case .object = member else { throw .invalidPolicyDocument(policy: "each Statement must be an object") }
            guard let effect = member["Effect"]?.stringValue.flatMap(Effect.init(rawValue:)) else {
                throw .invalidPolicyDocument(policy: "Effect must be Allow or Deny")
            }
            guard let actions = strings(member["Action"]), !actions.isEmpty else {
                throw .invalidPolicyDocument(policy: "Action must be a string or an array of strings")
            }
            guard let resources = strings(member["Resource"]), !resources.isEmpty else {
                throw .invalidPolicyDocument(policy: "Resource must be a string or an array of strings")
            }
            var principals: [String]?
            if let principal = member["Principal"] {
                guard let list = strings(principal) else {
                    throw .invalidPolicyDocument(policy: "Principal must be a string or an array of strings")
                }
                principals = list
            }
            statements.append(Statement(effect: effect, actions: actions, resources: resources, principals: principals,
                                        hasCondition: member["Condition"] != nil))
        }
        return BucketPolicy(statements: statements)
    }

    static func strings(_ value: JSONText?) -> [String]? {
        switch value {
        case .string(let text)?: return [text]
        case .array(let items)?:
            let texts = items.compactMap(\.stringValue)
            return texts.count == items.count ? texts : nil
        default: return nil
        }
    }

    /// The action an anonymous object request performs, nil for ones the policy is not asked about.
    public static func objectAction(method: String) -> String? {
        switch method {
        case "GET", "HEAD": return "oss:GetObject"
        case "PUT", "POST": return "oss:PutObject"
        case "DELETE": return "oss:DeleteObject"
        default: return nil
        }
    }

    /// What the policy says about an anonymous `action` on `bucket/key`.
    public func decision(action: String, bucket: String, key: String) -> Decision {
        var allowed = false
        for statement in statements where statement.principals?.contains("*") == true && !statement.hasCondition {
            guard statement.actions.contains(where: { Self.glob($0, matches: action) }),
                  statement.resources.contains(where: { Self.resource($0, matches: bucket + "/" + key) }) else { continue }
            if statement.effect == .deny { return .deny }
            allowed = true
        }
        return allowed ? .allow : .none
    }

    /// `acs:oss:<region>:<account>:<bucket>/<key pattern>`; region and account are not checked.
    static func resource(_ pattern: String, matches object: String) -> Bool {
        let parts = pattern.split(separator: ":", maxSplits: 4, omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == "acs", parts[1] == "oss" else { return false }
        return glob(String(parts[4]), matches: object)
    }

    /// `*` matches any run of characters, `?` one character.
    static func glob(_ pattern: String, matches text: String) -> Bool {
        Wildcard(pattern, questionMark: true).matches(text)
    }
}
