/// Every bound the store enforces, with the reason; tests shrink them.
public struct StorageLimits: Sendable, Equatable {
    /// OSS object names are 1–1023 bytes of UTF-8.
    public var maxKeyBytes: Int = 1023
    /// `readObject` (and `loadRecords`, per record) loads the whole file into
    /// memory; meant for playlists and records, larger objects are streamed
    /// through `openObject`.
    public var maxReadObjectBytes: Int = 64 << 20
    /// A bucket's journal is rewritten from its index once this many records
    /// were appended since the last rewrite, and at least as many as the bucket
    /// holds objects (so the rewrite's cost is amortised over the appends).
    /// Overwritten playlists append a record per segment, so a long stream
    /// would otherwise grow the journal without end.
    public var journalCompactionSlack: Int = 50_000
    /// State records are single files named by their escaped name; one file
    /// name on Linux holds at most 255 bytes.
    public var maxRecordNameBytes: Int = 255
    /// Objects up to this size are served from memory once read
    /// (`openObjectContent`), without opening their file again.
    public var maxCachedObjectBytes: Int = 64 << 10
    /// All cached small objects together.
    public var maxCachedTotalBytes: Int = 32 << 20

    public init() {}

    public init(maxKeyBytes: Int = 1023, maxReadObjectBytes: Int = 64 << 20, journalCompactionSlack: Int = 50_000, maxRecordNameBytes: Int = 255) {
        self.maxKeyBytes = maxKeyBytes
        self.maxReadObjectBytes = maxReadObjectBytes
        self.journalCompactionSlack = journalCompactionSlack
        self.maxRecordNameBytes = maxRecordNameBytes
    }
}
