import Digest

/// The `policy` of a browser form upload (PostObject): base64 JSON with an
/// `expiration` time and `conditions` every form must meet.
public struct PostPolicy: Sendable, Equatable {
    public enum Condition: Sendable, Equatable {
        /// `{"field": "value"}` and `["eq", "$field", "value"]`.
        case equals(field: String, value: String)
        case startsWith(field: String, prefix: String)
        case isIn(field: String, values: [String])
        case notIn(field: String, values: [String])
        case contentLengthRange(min: Int64, max: Int64)
    }

    /// Epoch seconds.
    public var expiration: Int64
    public var conditions: [Condition]

    public init(expiration: Int64, conditions: [Condition]) {
        self.expiration = expiration
        self.conditions = conditions
    }

    /// Parses the base64 `policy` field.
    public static func parse(base64 encoded: String) throws(OSSError) -> PostPolicy {
        guard let bytes = Base64.decode(encoded), !bytes.isEmpty else {
            throw .invalidPolicyDocument("the policy is not base64 encoded.")
        }
        let document: JSONText
        do { document = try JSONText.parse(bytes) } catch {
            throw .invalidPolicyDocument("the policy is not valid JSON (\(error.reason) at byte \(error.offset)).")
        }
        guard case .string(let expirationText)? = document["expiration"] else {
            throw .invalidPolicyDocument("Policy missing expiration.")
        }
        guard let expiration = OSSTime.parseISO8601(expirationText) else {
            throw .invalidPolicyDocument("Invalid expiration: \(expirationText).")
        }
        var conditions: [Condition] = []
        switch document["conditions"] {
        case nil: break
        case .array(let items)?:
            for item in items { conditions.append(contentsOf: try condition(item)) }
        default:
            throw .invalidPolicyDocument("conditions must be a list.")
        }
        return PostPolicy(expiration: expiration, conditions: conditions)
    }

    private static func condition(_ item: JSONText) throws(OSSError) -> [Condition] {
        switch item {
        case .object(let members):
            var result: [Condition] = []
            for (name, value) in members {
                guard let text = scalarText(value) else {
                    throw .invalidPolicyDocument("Invalid condition value for \(name).")
                }
                result.append(.equals(field: fieldName(name), value: text))
            }
            return result
        case .array(let parts):
            guard let op = parts.first?.stringValue?.lowercased() else {
                throw .invalidPolicyDocument("Invalid condition: \(render(item)).")
            }
            if op == "content-length-range" {
                guard parts.count == 3, let low = parts[1].integerValue ?? parts[1].stringValue.flatMap({ Int64($0) }),
                      let high = parts[2].integerValue ?? parts[2].stringValue.flatMap({ Int64($0) }),
                      low >= 0, low <= high else {
                    throw .invalidPolicyDocument("Invalid content-length-range condition.")
                }
                return [.contentLengthRange(min: low, max: high)]
            }
            guard parts.count == 3, let rawField = parts[1].stringValue, rawField.hasPrefix("$") else {
                throw .invalidPolicyDocument("Invalid condition: \(render(item)).")
            }
            let field = fieldName(String(rawField.dropFirst()))
            switch op {
            case "eq", "starts-with":
                guard let value = scalarText(parts[2]) else { throw .invalidPolicyDocument("Invalid condition: \(render(item)).") }
                return [op == "eq" ? .equals(field: field, value: value) : .startsWith(field: field, prefix: value)]
            case "in", "not-in":
                guard case .array(let list) = parts[2] else {
                    throw .invalidPolicyDocument("Invalid condition: \(render(item)).")
                }
                var values: [String] = []
                for entry in list {
                    guard let text = scalarText(entry) else { throw .invalidPolicyDocument("Invalid condition: \(render(item)).") }
                    values.append(text)
                }
                return [op == "in" ? .isIn(field: field, values: values) : .notIn(field: field, values: values)]
            default:
                throw .invalidPolicyDocument("Invalid condition operator: \(op).")
            }
        default:
            throw .invalidPolicyDocument("Invalid condition: \(render(item)).")
        }
    }

    /// Form field names compare without case.
    static func fieldName(_ name: String) -> String { name.lowercased() }

    private static func scalarText(_ value: JSONText) -> String? {
        switch value {
        case .string(let text): return text
        case .number(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        default: return nil
        }
    }

    /// Checks the form against the policy at `now` (epoch seconds). `fields`
    /// holds the form fields by lower-cased name, the bucket included;
    /// `contentLength` is the size of the file.
    public func evaluate(fields: [String: String], contentLength: Int64, now: Int64) throws(OSSError) {
        guard now < expiration else { throw .policyExpired }
        for condition in conditions {
            switch condition {
            case .equals(let field, let value):
                guard (fields[field] ?? "") == value else { throw .policyConditionFailed("[\"eq\", \"$\(field)\", \"\(value)\"]") }
            case .startsWith(let field, let prefix):
                guard (fields[field] ?? "").hasPrefix(prefix) else {
                    throw .policyConditionFailed("[\"starts-with\", \"$\(field)\", \"\(prefix)\"]")
                }
            case .isIn(let field, let values):
                guard values.contains(fields[field] ?? "") else {
                    throw .policyConditionFailed("[\"in\", \"$\(field)\", \(Self.list(values))]")
                }
            case .notIn(let field, let values):
                guard !values.contains(fields[field] ?? "") else {
                    throw .policyConditionFailed("[\"not-in\", \"$\(field)\", \(Self.list(values))]")
                }
            case .contentLengthRange(let low, let high):
                guard contentLength >= low, contentLength <= high else {
                    throw .policyConditionFailed("[\"content-length-range\", \(low), \(high)]")
                }
            }
        }
    }

    private static func list(_ values: [String]) -> String {
        "[" + values.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
    }

    private static func render(_ value: JSONText) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let text): return text
        case .string(let text): return "\"\(text)\""
        case .array(let items): return "[" + items.map(render).joined(separator: ", ") + "]"
        case .object(let members): return "{" + members.map { "\"\($0.0)\": " + render($0.1) }.joined(separator: ", ") + "}"
        }
    }
}
