import Digest

/// Rebuilds one bucket's index at start: walks the bucket directory and takes
/// each file's metadata from the journal when the file is the very one a
/// record describes (same inode, size and mtime), else recomputes its digests
/// (files copied in by hand, or replaced by hand while the store was stopped).
struct BucketLoader {
    let directory: String
    let limits: StorageLimits
    private(set) var notes: [String] = []
    private var candidates: [[UInt8]: [ObjectEntry]] = [:]
    private var items: [[UInt8]: ObjectEntry] = [:]

    init(directory: String, limits: StorageLimits) {
        self.directory = directory
        self.limits = limits
    }

    /// Journal records by key: the last two puts since the key's last delete.
    /// Two, because a crash between appending a put and its rename leaves the
    /// file of the put before it in place.
    mutating func replay(journal bytes: [UInt8]) {
        guard let records = JournalFormat.records(in: bytes) else {
            notes.append("journal for \(directory) is unreadable; digests are recomputed from the files")
            return
        }
        for record in records {
            switch record {
            case .put(let key, let entry):
                var list = candidates[key] ?? []
                list.append(entry)
                if list.count > 2 { list.removeFirst() }
                candidates[key] = list
            case .delete(let key):
                candidates[key] = nil
            }
        }
    }

    mutating func load() throws -> [([UInt8], ObjectEntry)] {
        try walk(directory, components: [])
        return items.map { ($0.key, $0.value) }
    }

    private mutating func walk(_ path: String, components: [[UInt8]]) throws {
        for entry in try FileSystem.entries(path) {
            let child = path + "/" + String(decoding: entry.name, as: UTF8.self)
            guard KeyPath.isValidUTF8(entry.name) else {
                notes.append("skipped \(child): the name is not UTF-8")
                continue
            }
            guard let info = FileSystem.lstatInfo(child) else { continue }
            switch FileSystem.kind(of: info) {
            case .directory:
                try walk(child, components: components + [entry.name])
            case .file:
                try add(child, components: components + [entry.name], identity: FileSystem.identity(of: info))
            case .missing, .other:
                notes.append("skipped \(child): not a regular file or directory")
            }
        }
    }

    private mutating func add(_ path: String, components: [[UInt8]], identity: FileIdentity) throws {
        let key = KeyPath.key(fromComponents: components)
        guard !key.isEmpty, key.count <= limits.maxKeyBytes, KeyPath.isValidUTF8(key) else {
            notes.append("skipped \(path): it does not name a valid object key")
            return
        }
        guard items[key] == nil else {
            notes.append("skipped \(path): another file already holds key \(String(decoding: key, as: UTF8.self))")
            return
        }
        var entry: ObjectEntry
        if let recorded = candidates[key]?.last(where: { $0.identity == identity }) {
            entry = recorded
        } else {
            let digests = try FileContent.digests(ofFile: path)
            entry = ObjectEntry(
                size: digests.size, etag: Hex.encode(digests.md5, uppercase: true), crc64: digests.crc64,
                lastModified: identity.mtimeNanoseconds / 1_000_000, metadata: ObjectMetadata(),
                path: nil, identity: identity)
            // Hashing may race a writer; the identity must describe what was hashed.
            entry.identity.size = digests.size
        }
        entry.path = ObjectPlacement.recordedPath(components, key: key)
        items[key] = entry
    }
}
