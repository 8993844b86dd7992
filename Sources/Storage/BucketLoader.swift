import Digest

/// Rebuilds one bucket's index at start: walks the bucket directory and takes
/// each file's metadata from the journal when the file is the very one a
/// record describes (same inode, size and mtime), else recomputes its digests
/// (files copied in by hand, or replaced by hand while the store was stopped).
struct BucketLoader {
    let directory: String
    let limits: StorageLimits
    private(set) var notes: [String] = []
    private var index = ObjectIndex()
    private var records: [JournalRecord] = []
    private var candidates: [KeyBytes: Candidates] = [:]
    private var matchedLatest = 0
    private var journalHasHistory = false
    /// Keys in journal order; the journal is written sorted, so when it is
    /// exact this is the index order and sorting it is a linear check.
    private var journalOrder: [[UInt8]] = []
    /// Bytes of the journal that hold whole records.
    private(set) var journalValidLength = 0
    /// Whether the journal already says exactly what the index holds (one
    /// put per object, each matching its file), so start-up need not rewrite it.
    private(set) var journalIsExact = false

    /// Positions in `records` of the last two puts of a key since its last
    /// delete: a crash between appending a put and its rename leaves the file
    /// of the put before it in place.
    private struct Candidates {
        var latest: Int
        var previous: Int?
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
        guard let (replayed, validLength) = JournalFormat.replay(bytes) else {
            notes.append("journal for \(directory) is unreadable; digests are recomputed from the files")
            return
        }
        records = replayed
        journalValidLength = validLength
        candidates.reserveCapacity(records.count)
        for (position, record) in records.enumerated() {
            switch record {
            case .put(let key, _):
                let id = KeyBytes(key)
                if let replaced = candidates.updateValue(Candidates(latest: position), forKey: id) {
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

    /// The bucket's index; the journal records are released.
    mutating func load() throws -> ObjectIndex {
        index.reserveCapacity(candidates.count)
        try walk(Position(path: directory, relative: [], keyPrefix: []))
        journalIsExact = !journalHasHistory && !records.isEmpty
            && records.count == index.count && matchedLatest == index.count
        index.finishLoading(keysInOrder: journalIsExact ? journalOrder : nil)
        defer {
            index = ObjectIndex()
            records = []
            candidates = [:]
            journalOrder = []
        }
        return index
    }

    private func recorded(_ position: Int?) -> ObjectEntry? {
        guard let position, case .put(_, let entry) = records[position] else { return nil }
        return entry
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
        let path = file.isPrimary ? nil : file.relative
        var entry: ObjectEntry
        let refs = candidates[KeyBytes(key)]
        if let latest = recorded(refs?.latest), latest.identity == identity {
            entry = latest
            if latest.path == path { matchedLatest += 1 }
        } else if let previous = recorded(refs?.previous), previous.identity == identity {
            entry = previous
        } else {
            let digests = try FileContent.digests(ofFile: file.path)
            entry = ObjectEntry(
                size: digests.size, md5: MD5Value(digests.md5) ?? MD5Value(high: 0, low: 0), crc64: digests.crc64,
                lastModified: identity.mtimeNanoseconds / 1_000_000, metadata: MetadataBlob(bytes: []),
                path: nil, identity: identity)
            // Hashing may race a writer; the identity must describe what was hashed.
            entry.identity.size = digests.size
        }
        entry.path = path
        guard index.insertUnsorted(key, entry) else {
            journalHasHistory = true  // never reuse a journal that names a skipped file
            notes.append("skipped \(file.path): another file already holds key \(String(decoding: key, as: UTF8.self))")
            return
        }
    }
}
