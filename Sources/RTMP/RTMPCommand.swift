/// An AMF command message (type 20, or 17 with its leading format byte):
/// name, transaction id, command object, then arguments (media-pipeline.md §3).
public struct RTMPCommand: Sendable, Equatable {
    public var name: String
    public var transactionID: Double
    /// The command object; `.null` for most commands after `connect`.
    public var object: AMF0Value
    public var arguments: [AMF0Value]

    public init(name: String, transactionID: Double, object: AMF0Value = .null, arguments: [AMF0Value] = []) {
        self.name = name
        self.transactionID = transactionID
        self.object = object
        self.arguments = arguments
    }

    /// Parses a command payload. For type 17 the first byte (the AMF3 format
    /// selector, normally 0) is skipped and the rest read as AMF0.
    public init(payload: [UInt8], typeID: UInt8, maxDepth: Int = AMF0Decoder.defaultMaxDepth) throws(RTMPError) {
        let offset = typeID == RTMPMessageType.amf3Command ? 1 : 0
        let values: [AMF0Value]
        do {
            values = try AMF0Decoder.decodeAll(payload, from: offset, maxDepth: maxDepth)
        } catch {
            throw .malformedCommand(error)
        }
        guard let name = values.first?.stringValue else { throw .invalidCommand("command without a name") }
        self.name = name
        self.transactionID = values.count > 1 ? values[1].numberValue ?? 0 : 0
        self.object = values.count > 2 ? values[2] : .null
        self.arguments = Array(values.dropFirst(3))
    }

    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        AMF0Encoder.encode(.string(name), into: &out)
        AMF0Encoder.encode(.number(transactionID), into: &out)
        AMF0Encoder.encode(object, into: &out)
        for argument in arguments { AMF0Encoder.encode(argument, into: &out) }
        return out
    }

    /// The argument at `index` (after the command object), if present.
    public func argument(_ index: Int) -> AMF0Value? {
        arguments.indices.contains(index) ? arguments[index] : nil
    }
}

/// onStatus codes used on a publish stream (media-pipeline.md §3.3–§3.4).
public enum PublishStatusCode: String, Sendable, Equatable {
    case start = "NetStream.Publish.Start"
    /// The name is in use (another publisher is live).
    case badName = "NetStream.Publish.BadName"
    /// Not allowed: bad or expired signature, unknown or disabled channel.
    case denied = "NetStream.Publish.Denied"
    case unpublishSuccess = "NetStream.Unpublish.Success"
    case playFailed = "NetStream.Play.Failed"
}

extension RTMPCommand {
    /// `onStatus(0, null, {level, code, description[, details]})`.
    static func onStatus(level: String, code: String, description: String, details: String? = nil) -> RTMPCommand {
        var info: [AMF0Property] = [
            AMF0Property("level", .string(level)),
            AMF0Property("code", .string(code)),
            AMF0Property("description", .string(description)),
        ]
        if let details { info.append(AMF0Property("details", .string(details))) }
        return RTMPCommand(name: "onStatus", transactionID: 0, object: .null, arguments: [.object(info)])
    }
}
