import OSSProtocol

extension FaultRule {
    /// One rule from its JSON object (see `FaultRule` for the shape).
    static func parse(_ value: JSONText) throws(FaultRuleError) -> FaultRule {
        guard case .object(let members) = value else { throw FaultRuleError("a rule is a JSON object") }
        var rule = FaultRule()
        for (name, field) in members {
            switch (name, field) {
            case ("operation", .string(let text)): rule.operation = text
            case ("bucket", .string(let text)): rule.bucket = text
            case ("key", .string(let text)), ("channel", .string(let text)): rule.key = text
            case ("method", .string(let text)): rule.method = text.uppercased()
            case ("error", .object(let fields)):
                var status: Int?, code: String?, message = "injected fault"
                for (fieldName, fieldValue) in fields {
                    switch (fieldName, fieldValue) {
                    case ("status", .number(let text)): status = Int(text)
                    case ("code", .string(let text)): code = text
                    case ("message", .string(let text)): message = text
                    default: throw FaultRuleError("error.\(fieldName) is not understood")
                    }
                }
                guard let status, let code else { throw FaultRuleError("error needs status and code") }
                rule.error = InjectedError(status: status, code: code, message: message)
            case ("delayMs", .number(let text)):
                guard let value = Int(text) else { throw FaultRuleError("delayMs must be a whole number") }
                rule.delayMilliseconds = value
            case ("reset", .bool(let flag)): rule.reset = flag
            case ("outOfSpace", .bool(let flag)): rule.outOfSpace = flag
            case ("stall", .bool(let flag)): rule.stall = flag
            case ("bodyBytesPerSecond", .number(let text)):
                guard let value = Int(text) else { throw FaultRuleError("bodyBytesPerSecond must be a whole number") }
                rule.bodyBytesPerSecond = value
            case ("truncateAfterBytes", .number(let text)):
                guard let value = Int(text) else { throw FaultRuleError("truncateAfterBytes must be a whole number") }
                rule.truncateAfterBytes = value
            case ("pauseReadingSeconds", .number(let text)):
                guard let value = Double(text) else { throw FaultRuleError("pauseReadingSeconds must be a number") }
                rule.pauseReadingSeconds = value
            case ("dropAfterSeconds", .number(let text)):
                guard let value = Double(text) else { throw FaultRuleError("dropAfterSeconds must be a number") }
                rule.dropAfterSeconds = value
            case ("dropAfterBytes", .number(let text)):
                guard let value = Int(text) else { throw FaultRuleError("dropAfterBytes must be a whole number") }
                rule.dropAfterBytes = value
            case ("probability", .number(let text)):
                guard let value = Double(text) else { throw FaultRuleError("probability must be a number") }
                rule.probability = value
            case ("seed", .number(let text)):
                guard let value = UInt64(text) else { throw FaultRuleError("seed must be a whole number ≥ 0") }
                rule.seed = value
            case ("times", .number(let text)):
                guard let value = Int(text) else { throw FaultRuleError("times must be a whole number") }
                rule.times = value
            case ("id", _), ("remaining", _):
                continue
            default:
                throw FaultRuleError("\(name) is not a rule field (or has the wrong type)")
            }
        }
        try rule.validate()
        return rule
    }

    /// Rules from a JSON document: one rule or an array of rules.
    public static func rules(fromJSON bytes: [UInt8]) throws(FaultRuleError) -> [FaultRule] { try parseAll(bytes) }

    /// Rules from a document: one rule or an array of rules.
    static func parseAll(_ bytes: [UInt8]) throws(FaultRuleError) -> [FaultRule] {
        let document: JSONText
        do { document = try JSONText.parse(bytes) } catch { throw FaultRuleError("not JSON: \(error.reason) at byte \(error.offset)") }
        if case .array(let items) = document {
            var rules: [FaultRule] = []
            for item in items { rules.append(try parse(item)) }
            return rules
        }
        return [try parse(document)]
    }

    var json: JSONValue {
        var members: [(String, JSONValue)] = [("id", .int(Int64(id)))]
        if let operation { members.append(("operation", .string(operation))) }
        if let bucket { members.append(("bucket", .string(bucket))) }
        if let key { members.append(("key", .string(key))) }
        if let method { members.append(("method", .string(method))) }
        if let error {
            members.append(("error", .object([("status", .int(Int64(error.status))), ("code", .string(error.code)),
                                              ("message", .string(error.message))])))
        }
        if let delayMilliseconds { members.append(("delayMs", .int(Int64(delayMilliseconds)))) }
        if reset { members.append(("reset", .bool(true))) }
        if let dropAfterSeconds { members.append(("dropAfterSeconds", .number(dropAfterSeconds))) }
        if outOfSpace { members.append(("outOfSpace", .bool(true))) }
        if let dropAfterBytes { members.append(("dropAfterBytes", .int(Int64(dropAfterBytes)))) }
        if stall { members.append(("stall", .bool(true))) }
        if let bodyBytesPerSecond { members.append(("bodyBytesPerSecond", .int(Int64(bodyBytesPerSecond)))) }
        if let truncateAfterBytes { members.append(("truncateAfterBytes", .int(Int64(truncateAfterBytes)))) }
        if let pauseReadingSeconds { members.append(("pauseReadingSeconds", .number(pauseReadingSeconds))) }
        members.append(("probability", .number(probability)))
        if let seed { members.append(("seed", .string(String(seed)))) }
        members.append(("remaining", times.map { .int(Int64($0)) } ?? .null))
        return .object(members)
    }
}
