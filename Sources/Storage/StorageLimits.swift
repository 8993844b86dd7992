/// Every bound the store enforces, with the reason; tests shrink them.
public struct StorageLimits: Sendable, Equatable {
    /// OSS object names are 1–1023 bytes of UTF-8.
    public var maxKeyBytes: Int = 1023
    /// `readObject` loads the whole object into memory; it is meant for
    /// playlists and records, so larger objects must be streamed via `openObject`.
    public var maxReadObjectBytes: Int = 64 << 20
    /// The journal is rewritten from the index once it holds this many records
    /// more than twice the live object count (overwritten playlists append a
    /// record per segment, so a long stream would otherwise grow it without end).
    public var journalCompactionSlack: Int = 50_000
    /// State records are single files named by their escaped name; one file
    /// name on Linux holds at most 255 bytes.
    public var maxRecordNameBytes: Int = 255

    public init() {}

    public init(maxKeyBytes: Int = 1023, maxReadObjectBytes: Int = 64 << 20, journalCompactionSlack: Int = 50_000, maxRecordNameBytes: Int = 255) {
        self.maxKeyBytes = maxKeyBytes
        self.maxReadObjectBytes = maxReadObjectBytes
        self.journalCompactionSlack = journalCompactionSlack
        self.maxRecordNameBytes = maxRecordNameBytes
    }
}
