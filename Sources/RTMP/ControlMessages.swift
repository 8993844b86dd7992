/// Protocol control and User Control messages (media-pipeline.md §2.5).
public enum UserControlEvent: Sendable, Equatable {
    case streamBegin(streamID: UInt32)
    case streamEOF(streamID: UInt32)
    case streamDry(streamID: UInt32)
    case setBufferLength(streamID: UInt32, milliseconds: UInt32)
    case streamIsRecorded(streamID: UInt32)
    case pingRequest(timestamp: UInt32)
    case pingResponse(timestamp: UInt32)
    case other(type: UInt16, data: [UInt8])

    /// Parses a type 4 payload; nil when it is shorter than its event needs.
    public init?(payload: [UInt8]) {
        var reader = ByteReader(payload)
        guard let type = reader.readUInt16() else { return nil }
        func word() -> UInt32? { reader.readUInt32() }
        switch type {
        case 0: guard let id = word() else { return nil }; self = .streamBegin(streamID: id)
        case 1: guard let id = word() else { return nil }; self = .streamEOF(streamID: id)
        case 2: guard let id = word() else { return nil }; self = .streamDry(streamID: id)
        case 3:
            guard let id = word(), let ms = word() else { return nil }
            self = .setBufferLength(streamID: id, milliseconds: ms)
        case 4: guard let id = word() else { return nil }; self = .streamIsRecorded(streamID: id)
        case 6: guard let ts = word() else { return nil }; self = .pingRequest(timestamp: ts)
        case 7: guard let ts = word() else { return nil }; self = .pingResponse(timestamp: ts)
        default: self = .other(type: type, data: Array(payload.dropFirst(2)))
        }
    }

    public var payload: [UInt8] {
        var out: [UInt8] = []
        switch self {
        case .streamBegin(let id): out.appendUInt16(0); out.appendUInt32(id)
        case .streamEOF(let id): out.appendUInt16(1); out.appendUInt32(id)
        case .streamDry(let id): out.appendUInt16(2); out.appendUInt32(id)
        case .setBufferLength(let id, let ms): out.appendUInt16(3); out.appendUInt32(id); out.appendUInt32(ms)
        case .streamIsRecorded(let id): out.appendUInt16(4); out.appendUInt32(id)
        case .pingRequest(let ts): out.appendUInt16(6); out.appendUInt32(ts)
        case .pingResponse(let ts): out.appendUInt16(7); out.appendUInt32(ts)
        case .other(let type, let data): out.appendUInt16(type); out.append(contentsOf: data)
        }
        return out
    }
}

/// Peer bandwidth limit types (Set Peer Bandwidth, type 6).
public enum PeerBandwidthLimit: UInt8, Sendable {
    case hard = 0
    case soft = 1
    case dynamic = 2
}

/// Builders for the payloads of protocol control messages.
enum ControlPayload {
    static func word(_ value: UInt32) -> [UInt8] {
        var out: [UInt8] = []
        out.appendUInt32(value)
        return out
    }

    static func setPeerBandwidth(_ window: UInt32, _ limit: PeerBandwidthLimit) -> [UInt8] {
        var out = word(window)
        out.append(limit.rawValue)
        return out
    }
}
