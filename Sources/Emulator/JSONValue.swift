import OSSProtocol

/// A JSON document built in code and rendered with keys in the order given
/// (the admin endpoints' answers are small and their field order is part of
/// what a reader sees).
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    /// A finite number; integral values are written without a fraction.
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.rendered == b.rendered }

    public var rendered: String {
        var out = ""
        render(into: &out)
        return out
    }

    func render(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .int(let value): out += String(value)
        case .number(let value):
            if !value.isFinite { out += "null" }
            else if value == value.rounded(), abs(value) < 1e15 { out += String(Int64(value)) }
            else { out += "\(value)" }
        case .string(let value): Self.quote(value, into: &out)
        case .array(let values):
            out += "["
            for (index, value) in values.enumerated() {
                if index > 0 { out += ", " }
                value.render(into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { out += ", " }
                Self.quote(key, into: &out)
                out += ": "
                value.render(into: &out)
            }
            out += "}"
        }
    }

    /// A JSON string literal (`JSONText.quote`).
    public static func quote(_ text: String, into out: inout String) {
        JSONText.quote(text, into: &out)
    }
}

extension JSONValue {
    static func int(_ value: Int) -> JSONValue { .int(Int64(value)) }
    static func optional(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
}

extension EmulatorEvent {
    /// The event's fields as JSON (`type` first), the SSE `data:` line.
    var json: JSONValue {
        var members: [(String, JSONValue)] = [("type", .string(name))]
        switch self {
        case .publishStarted(let bucket, let channel, let remote, let playlist):
            members += [("bucket", .string(bucket)), ("channel", .string(channel)), ("remoteAddress", .string(remote)),
                        ("playlistKey", .string(playlist))]
        case .publishRefused(let bucket, let channel, let remote, let reason):
            members += [("bucket", .optional(bucket)), ("channel", .optional(channel)), ("remoteAddress", .string(remote)),
                        ("reason", .string(reason))]
        case .publishEnded(let bucket, let channel, let reason):
            members += [("bucket", .string(bucket)), ("channel", .string(channel)), ("reason", .string(reason))]
        case .segmentWritten(let bucket, let channel, let key, let duration, let size):
            members += [("bucket", .string(bucket)), ("channel", .string(channel)), ("key", .string(key)),
                        ("durationMilliseconds", .int(duration)), ("size", .int(size))]
        case .playlistUpdated(let bucket, let channel, let key, let ended):
            members += [("bucket", .string(bucket)), ("channel", .string(channel)), ("key", .string(key)), ("ended", .bool(ended))]
        case .writeFailed(let bucket, let channel, let key, let reason):
            members += [("bucket", .string(bucket)), ("channel", .string(channel)), ("key", .string(key)), ("reason", .string(reason))]
        case .reset:
            break
        case .faultInjected(let rule, let operation, let bucket, let key, let action):
            members += [("rule", .int(Int64(rule))), ("operation", .string(operation)), ("bucket", .optional(bucket)),
                        ("key", .optional(key)), ("action", .string(action))]
        case .lifecycleApplied(let bucket, let expired, let transitioned, let aborted):
            members += [("bucket", .string(bucket)), ("expired", .int(expired)), ("transitioned", .int(transitioned)),
                        ("aborted", .int(aborted))]
        case .clockChanged(let now, let offset):
            members += [("now", .string(OSSTime.iso8601Milliseconds(now))), ("offsetSeconds", .number(Double(offset) / 1000))]
        }
        return .object(members)
    }
}

extension EmulatorEventRecord {
    var json: JSONValue {
        guard case .object(let members) = event.json else { return event.json }
        return .object([("sequence", .int(Int64(clamping: sequence))), ("time", .int(time))] + members
                       + [("summary", .string(event.summary))])
    }

    /// One Server-Sent Events message.
    var serverSentEvent: String {
        "id: \(sequence)\nevent: \(event.name)\ndata: \(json.rendered)\n\n"
    }
}
