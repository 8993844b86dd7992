import Digest

/// Rebuilds one bucket's index at start: walks the bucket directory and takes
/// each file's metadata from the journal when the file is the very one a
/// record describes (same inode, size and mtime), else recomputes its digests
/// (files copied in by hand, or replaced by hand while the store was stopped).
struct BucketLoader {
    let directory: String
    let limits: StorageLimits
    private(set) var notes: [String] = []
    private var candidates: [KeyBytes: Candidates] = [:]
    private var items: [KeyBytes: ObjectEntry] = [:]
    private var recordCount = 0
    private var matchedLatest = 0
    private var loadedCount = 0
    /// Keys in journal order; the journal is written sorted, so when it is
    /// exact this is the index order and sorting it is a linear check.
    private var journalOrder: [[UInt8]] = []
    private var journalHasHistory = false
    /// Bytes of the journal that hold whole records.
    private(set) var journalValidLength = 0
    /// Whether the journal already says exactly what the index holds (one
    /// put per object, each matching its file), so start-up need not rewrite it.
    var journalIsExact: Bool {
        !journalHasHistory && recordCount == loadedCount && matchedLatest == loadedCount && recordCount > 0
    }

    /// The last two puts of a key since its last delete: a crash between
    /// appending a put and its rename leaves the file of the put before it.
    private struct Candidates {
        var latest: ObjectEntry
        var previous: ObjectEntry?

        func matching(_ identity: FileIdentity) -> ObjectEntry? {
            if latest.identity == identity { return latest }
            return previous?.identity == identity ? previous : nil
        }
    }

    /// What the walk knows about the directory it is in.
    private struct Position {
        var path: String
        /// Relative path bytes (for entries not at their primary spelling).
        var relative: [UInt8]
        /// The key so far: complete segments, each followed by `/`.
        var keyPrefix: [UInt8]
        /// Whether a segment so far was cut into chunks, whose joins must be checked for valid UTF-8.
        var hadChunks = false
        /// Bytes of a long segment cut into `%l` directories, still open.
        var pendingChunks: [UInt8] = []
        var chunkNames: [[UInt8]] = []
        /// Whether every directory so far has the primary spelling of its segment.
        var isPrimary = true

        func child(_ name: [UInt8], isLast: Bool) -> Position {
            var next = self
            next.path = path + "/" + String(decoding: name, as: UTF8.self)
            switch KeyPath.decode(component: name, isLast: isLast) {
            case .chunk(let bytes):
                next.pendingChunks += bytes
                next.chunkNames.append(name)
                next.hadChunks = true
            case .piece(let piece):
                let segment = pendingChunks + piece
                if isPrimary {
                    next.isPrimary = Self.isPrimarySpelling(segment: segment, chunkNames: chunkNames, name: name)
                }
                next.keyPrefix = keyPrefix + segment
                if !isLast { next.keyPrefix.append(KeyPath.slash) }
                next.pendingChunks = []
                next.chunkNames = []
            }
            // A file's relative path is only recorded when it is not the primary one.
            if !isLast || !next.isPrimary {
                next.relative = relative.isEmpty ? name : relative + [KeyPath.slash] + name
            }
            return next
        }

        static func isPrimarySpelling(segment: [UInt8], chunkNames: [[UInt8]], name: [UInt8]) -> Bool {
            // Fast path: a plain name short enough that its escapes fit too.
            if chunkNames.isEmpty && name.first != KeyPath.percent && KeyPath.payloadLength(name) <= KeyPath.maxComponentBytes - 2 {
                return true
            }
            let path = KeyPath.path(ofSegment: segment)
            return path.chunkDirectories == chunkNames && KeyPath.primaryName(path.finalPiece) == name
        }
    }

    init(directory: String, limits: StorageLimits) {
        self.directory = directory
        self.limits = limits
    }

    mutating func replay(journal bytes: [UInt8]) {
        guard let (records, validLength) = JournalFormat.replay(bytes) else {
            notes.append("journal for \(directory) is unreadable; digests are recomputed from the files")
            return
        }
        journalValidLength = validLength
        recordCount = records.count
        candidates.reserveCapacity(records.count)
        for record in records {
            switch record {
            case .put(let key, let entry):
                let id = KeyBytes(key)
                if let replaced = candidates.updateValue(Candidates(latest: entry, previous: nil), forKey: id) {
                    journalHasHistory = true
                    candidates[id]?.previous = replaced.latest
                }
                if !journalHasHistory { journalOrder.append(key) }
            case .delete(let key):
                journalHasHistory = true
                candidates[KeyBytes(key)] = nil
            }
        }
    }

    /// The bucket's index; the journal candidates are released.
    mutating func load() throws -> ObjectIndex {
        items.reserveCapacity(candidates.count)
        try walk(Position(path: directory, relative: [], keyPrefix: []))
        candidates = [:]
        loadedCount = items.count
        defer {
            items = [:]
            journalOrder = []
        }
        return journalIsExact ? ObjectIndex(items, keys: journalOrder) : ObjectIndex(items)
    }

    private mutating func walk(_ position: Position) throws {
        for (name, info) in try FileSystem.entriesWithInfo(position.path) {
            guard KeyPath.isValidUTF8(name) else {
                notes.append("skipped \(position.path)/\(String(decoding: name, as: UTF8.self)): the name is not UTF-8")
                continue
            }
            switch FileSystem.kind(of: info) {
            case .directory:
                try walk(position.child(name, isLast: false))
            case .file:
                try add(position.child(name, isLast: true), identity: FileSystem.identity(of: info))
            case .missing, .other:
                notes.append("skipped \(position.path)/\(String(decoding: name, as: UTF8.self)): not a regular file or directory")
            }
        }
    }

    private mutating func add(_ file: Position, identity: FileIdentity) throws {
        let key = file.keyPrefix
        guard !key.isEmpty, key.count <= limits.maxKeyBytes, !file.hadChunks || KeyPath.isValidUTF8(key) else {
            notes.append("skipped \(file.path): it does not name a valid object key")
            return
        }
        let id = KeyBytes(key)
        var entry: ObjectEntry
        if let candidate = candidates[id], let recorded = candidate.matching(identity) {
            entry = recorded
            if recorded.identity == candidate.latest.identity && recorded.path == (file.isPrimary ? nil : file.relative) {
                matchedLatest += 1
            }
        } else {
            let digests = try FileContent.digests(ofFile: file.path)
            entry = ObjectEntry(
                size: digests.size, md5: MD5Value(digests.md5) ?? MD5Value(high: 0, low: 0), crc64: digests.crc64,
                lastModified: identity.mtimeNanoseconds / 1_000_000, metadata: MetadataBlob(bytes: []),
                path: nil, identity: identity)
            // Hashing may race a writer; the identity must describe what was hashed.
            entry.identity.size = digests.size
        }
        entry.path = file.isPrimary ? nil : file.relative
        if let first = items.updateValue(entry, forKey: id) {
            items[id] = first
            journalHasHistory = true  // never reuse a journal that names a skipped file
            notes.append("skipped \(file.path): another file already holds key \(String(decoding: key, as: UTF8.self))")
        }
    }
}
