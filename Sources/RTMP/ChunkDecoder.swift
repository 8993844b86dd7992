/// Reassembles RTMP messages from the chunk stream (media-pipeline.md §2).
///
/// Feed bytes with `append`, then call `nextMessage()` until it returns nil.
/// Set Chunk Size and Abort take effect inside the decoder as soon as their
/// message completes (they are still returned), so a size change in the
/// middle of another stream's message applies to that message's next chunk.
///
/// Payload bytes are copied once, from the input into the message's own
/// array, which is then handed out without another copy.
public struct ChunkDecoder: Sendable {
    /// The chunk size both directions start with (Adobe RTMP §5.4.1).
    public static let defaultChunkSize = 128
    /// Capacity reserved up front for a new message; larger messages grow as
    /// their chunks arrive, so a header alone cannot make us allocate much.
    static let initialReservation = 64 << 10
    /// Input capacity kept once everything received has been parsed. A read
    /// that carried a burst (a key frame, a backlog) grows the buffer to its
    /// size; keeping that for the rest of the connection would cost every
    /// publisher its largest read. A publisher's usual read is a few KiB.
    static let retainedInputCapacity = 8 << 10

    public private(set) var chunkSize = ChunkDecoder.defaultChunkSize
    private let limits: RTMPLimits
    private var input: [UInt8] = []
    private var readIndex = 0
    private var streams: [ChunkStreamState] = []
    /// Slots of one-byte ids (2…63, all that publishers use) by id, so the
    /// common case needs no hashing; other ids go through the dictionary.
    private var smallIDSlots = [Int](repeating: -1, count: 64)
    private var slotByID: [UInt32: Int] = [:]
    /// The chunk whose body is being read: its stream's slot and the body
    /// bytes still to come.
    private var currentBody: (slot: Int, remaining: Int)?
    private var bufferedBytes = 0

    public init(limits: RTMPLimits = .default) {
        self.limits = limits
    }

    /// Bytes received but not yet parsed (an incomplete chunk header).
    public var pendingInputCount: Int { input.count - readIndex }

    /// Capacity held for the partial message of a chunk stream.
    func partialCapacity(chunkStreamID: UInt32) -> Int {
        slot(for: chunkStreamID).map { streams[$0].payload.capacity } ?? 0
    }

    public mutating func append(_ bytes: some Sequence<UInt8>) {
        compact()
        input.append(contentsOf: bytes)
    }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compact()
        input.append(contentsOf: bytes)
    }

    /// Applies a chunk size announced by the peer.
    public mutating func setChunkSize(_ announced: UInt32) throws(RTMPError) {
        guard announced != 0, announced & 0x8000_0000 == 0 else { throw .invalidChunkSize(announced) }
        let size = Int(min(announced, 0xFF_FFFF))
        guard size <= limits.maxChunkSize else { throw .chunkSizeTooLarge(size, limit: limits.maxChunkSize) }
        chunkSize = size
    }

    /// Drops the partial message of a chunk stream (Abort, type 2).
    public mutating func abort(chunkStreamID: UInt32) {
        guard let slot = slot(for: chunkStreamID) else { return }
        dropPartial(slot)
    }

    /// The next complete message, or nil when more bytes are needed.
    public mutating func nextMessage() throws(RTMPError) -> RTMPMessage? {
        if let message = try parseNextMessage() { return message }
        // Everything received is parsed: a large buffer goes now rather than
        // at the next read (connections wait between reads).
        if readIndex == input.count, input.capacity > Self.retainedInputCapacity {
            input = []
            readIndex = 0
        }
        return nil
    }

    private mutating func parseNextMessage() throws(RTMPError) -> RTMPMessage? {
        while true {
            if let body = currentBody {
                let available = input.count - readIndex
                guard available > 0 else { return nil }
                let count = min(available, body.remaining)
                streams[body.slot].payload.append(contentsOf: input[readIndex..<(readIndex + count)])
                readIndex += count
                bufferedBytes += count
                guard bufferedBytes <= limits.maxBufferedBytes else {
                    throw .bufferedBytesExceeded(limit: limits.maxBufferedBytes)
                }
                guard count == body.remaining else {
                    currentBody = (body.slot, body.remaining - count)
                    return nil
                }
                currentBody = nil
                if streams[body.slot].payload.count == streams[body.slot].length {
                    return try complete(body.slot)
                }
                continue
            }
            guard let slot = try readChunkHeader() else { return nil }
            if streams[slot].length == 0 {
                return try complete(slot)
            }
            let remaining = streams[slot].length - streams[slot].payload.count
            currentBody = (slot, min(chunkSize, remaining))
        }
    }

    /// Parses one chunk header; nil (and nothing consumed) when incomplete.
    /// Returns the slot of the chunk stream, whose message is in progress.
    private mutating func readChunkHeader() throws(RTMPError) -> Int? {
        var reader = ByteReader(input, from: readIndex)
        guard let first = reader.readUInt8() else { return nil }
        let format = first >> 6
        let chunkStreamID: UInt32
        switch first & 0x3F {
        case 0:
            guard let byte = reader.readUInt8() else { return nil }
            chunkStreamID = 64 + UInt32(byte)
        case 1:
            guard let low = reader.readUInt8(), let high = reader.readUInt8() else { return nil }
            chunkStreamID = 64 + UInt32(low) + 256 * UInt32(high)
        default:
            chunkStreamID = UInt32(first & 0x3F)
        }

        var field: UInt32 = 0
        var length: Int?
        var typeID: UInt8?
        var messageStreamID: UInt32?
        if format <= 2 {
            guard let value = reader.readUInt24() else { return nil }
            field = value
        }
        if format <= 1 {
            guard let value = reader.readUInt24(), let type = reader.readUInt8() else { return nil }
            length = Int(value)
            typeID = type
        }
        if format == 0 {
            guard let bytes = reader.readBytes(4) else { return nil }
            var value: UInt32 = 0
            for byte in bytes.reversed() { value = value << 8 | UInt32(byte) }
            messageStreamID = value
        }
        let extended = format <= 2 && field == 0xFF_FFFF
        if extended {
            guard let value = reader.readUInt32() else { return nil }
            field = value
        }

        let existing = slot(for: chunkStreamID)
        if format == 3 {
            guard let slot = existing else { throw .missingPreviousHeader(chunkStreamID: chunkStreamID) }
            let state = streams[slot]
            if state.inProgress {
                // A continuation. The extended field, when the message's
                // header used one, is repeated here by conforming writers;
                // consume it only if it matches, for writers that omit it
                // (SRS's tolerance). The peek waits for 4 bytes even if the
                // message needs fewer; the next chunk always supplies them.
                if state.hasExtended {
                    guard let value = reader.readUInt32() else { return nil }
                    if value == state.field { readIndex = reader.position } else { readIndex = reader.position - 4 }
                } else {
                    readIndex = reader.position
                }
                return slot
            }
            if state.hasExtended {
                guard let value = reader.readUInt32() else { return nil }
                streams[slot].field = value
            }
            readIndex = reader.position
            streams[slot].begin(at: streams[slot].lastTimestamp &+ streams[slot].field)
            return slot
        }

        let slot: Int
        if let existing {
            slot = existing
        } else {
            guard format == 0 else { throw .missingPreviousHeader(chunkStreamID: chunkStreamID) }
            guard streams.count < limits.maxChunkStreams else {
                throw .tooManyChunkStreams(limit: limits.maxChunkStreams)
            }
            slot = streams.count
            streams.append(ChunkStreamState())
            if chunkStreamID < 64 { smallIDSlots[Int(chunkStreamID)] = slot } else { slotByID[chunkStreamID] = slot }
        }
        readIndex = reader.position
        // A new header while a message is incomplete: the sender gave that
        // message up; start over rather than splice two messages together.
        if streams[slot].inProgress { dropPartial(slot) }
        if let length {
            guard length <= limits.maxMessageLength else {
                throw .messageTooLong(length: length, limit: limits.maxMessageLength)
            }
            streams[slot].length = length
        }
        if let typeID { streams[slot].typeID = typeID }
        if let messageStreamID { streams[slot].messageStreamID = messageStreamID }
        streams[slot].chunkStreamID = chunkStreamID
        streams[slot].field = field
        streams[slot].hasExtended = extended
        let timestamp = format == 0 ? field : streams[slot].lastTimestamp &+ field
        streams[slot].begin(at: timestamp)
        return slot
    }

    private func slot(for chunkStreamID: UInt32) -> Int? {
        if chunkStreamID < 64 {
            let slot = smallIDSlots[Int(chunkStreamID)]
            return slot >= 0 ? slot : nil
        }
        return slotByID[chunkStreamID]
    }

    private mutating func complete(_ slot: Int) throws(RTMPError) -> RTMPMessage {
        var payload: [UInt8] = []
        swap(&payload, &streams[slot].payload)
        bufferedBytes -= payload.count
        streams[slot].inProgress = false
        let state = streams[slot]
        let message = RTMPMessage(
            chunkStreamID: state.chunkStreamID, timestamp: state.lastTimestamp,
            typeID: state.typeID, messageStreamID: state.messageStreamID, payload: payload)
        switch message.typeID {
        case RTMPMessageType.setChunkSize:
            guard payload.count >= 4 else { throw .malformedControlMessage(type: message.typeID) }
            try setChunkSize(payload.uint32(at: 0))
        case RTMPMessageType.abort:
            guard payload.count >= 4 else { throw .malformedControlMessage(type: message.typeID) }
            abort(chunkStreamID: payload.uint32(at: 0))
        default:
            break
        }
        return message
    }

    private mutating func dropPartial(_ slot: Int) {
        bufferedBytes -= streams[slot].payload.count
        streams[slot].payload = []
        streams[slot].inProgress = false
    }

    private mutating func compact() {
        if readIndex == input.count {
            input.removeAll(keepingCapacity: input.capacity <= Self.retainedInputCapacity)
        } else if readIndex > 0 {
            input.removeSubrange(0..<readIndex)
        }
        readIndex = 0
    }

    /// Capacity of the buffer holding received bytes (for tests).
    var inputCapacity: Int { input.capacity }
}

/// What one chunk stream remembers between chunks (media-pipeline.md §2.2).
struct ChunkStreamState: Sendable {
    var chunkStreamID: UInt32 = 0
    /// Timestamp of the message in progress, or of the last one.
    var lastTimestamp: UInt32 = 0
    /// The last timestamp or delta carried by a fmt 0/1/2 header (or by the
    /// extended field of a fmt 3 message start); a fmt 3 message start adds it.
    var field: UInt32 = 0
    var hasExtended = false
    var length = 0
    var typeID: UInt8 = 0
    var messageStreamID: UInt32 = 0
    var inProgress = false
    var payload: [UInt8] = []

    mutating func begin(at timestamp: UInt32) {
        lastTimestamp = timestamp
        inProgress = true
        payload = []
        payload.reserveCapacity(min(length, ChunkDecoder.initialReservation))
    }
}
