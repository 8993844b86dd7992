/// Small state records (LiveChannel config, status, history): one file per
/// record at `<root>/.oss/<namespace>/<bucket>/<escaped name>`, each replaced
/// atomically. Names are escaped like a key segment, with `/` also written
/// `%2F`, so any name maps to exactly one file in that directory.
extension ObjectStore {
    public func saveRecord(namespace: String, bucket: String, name: String, bytes: [UInt8]) throws {
        // After the disk changed (or failed to): a cached copy is never newer than the file.
        defer { recordCache.forget(namespace: namespace, bucket: bucket) }
        let directory = try recordDirectory(namespace: namespace, bucket: bucket)
        let file = try RecordName.fileName(for: name, limit: limits.maxRecordNameBytes)
        try FileSystem.makeDirectories(directory)
        try FileContent.replace(directory + "/" + file, bytes: bytes, temporaryPath: makeTempFilePath(), fsync: fsync)
    }

    /// `loadRecords`, kept in memory after the first read until a record of
    /// the bucket in the namespace is saved or deleted, or the bucket goes:
    /// for records read on every request. Only for namespaces written through
    /// `saveRecord` and `deleteRecord`.
    public func cachedRecords(namespace: String, bucket: String) throws -> [(name: String, bytes: [UInt8])] {
        try recordCache.value(namespace: namespace, bucket: bucket) {
            try loadRecords(namespace: namespace, bucket: bucket)
        }
    }

    /// As `cachedRecords`, keeping what `decode` made of the records (a
    /// parsed document), so a request path neither reads nor parses while
    /// nothing changed. `decode` runs on a miss, outside the cache's lock (see
    /// `RecordCache`: holding it while loading would deadlock with a bucket's deletion).
    public func cachedRecordValue<Value: Sendable>(
        namespace: String, bucket: String, decode: ([(name: String, bytes: [UInt8])]) throws -> Value
    ) throws -> Value {
        try recordCache.value(namespace: namespace, bucket: bucket) {
            try decode(loadRecords(namespace: namespace, bucket: bucket))
        }
    }

    /// All records of the bucket in the namespace, sorted by the names' UTF-8 bytes.
    public func loadRecords(namespace: String, bucket: String) throws -> [(name: String, bytes: [UInt8])] {
        let directory = try recordDirectory(namespace: namespace, bucket: bucket)
        guard FileSystem.kind(directory) == .directory else { return [] }
        var records: [([UInt8], [UInt8])] = []
        for entry in try FileSystem.entries(directory) {
            guard let name = RecordName.name(fromFileName: entry.name) else { continue }
            let path = directory + "/" + String(decoding: entry.name, as: UTF8.self)
            guard FileSystem.kind(path) == .file else { continue }
            records.append((name, try FileSystem.readFile(path, limit: limits.maxReadObjectBytes)))
        }
        records.sort { compareBytes($0.0, $1.0) < 0 }
        return records.map { (name: String(decoding: $0.0, as: UTF8.self), bytes: $0.1) }
    }

    /// Deletes a record; nothing happens when it is absent.
    public func deleteRecord(namespace: String, bucket: String, name: String) throws {
        defer { recordCache.forget(namespace: namespace, bucket: bucket) }
        let directory = try recordDirectory(namespace: namespace, bucket: bucket)
        let file = try RecordName.fileName(for: name, limit: limits.maxRecordNameBytes)
        try FileSystem.removeFile(directory + "/" + file)
        if fsync && FileSystem.kind(directory) == .directory { try FileSystem.syncPath(directory, directory: true) }
    }

    private func recordDirectory(namespace: String, bucket: String) throws -> String {
        guard RecordName.isValidNamespace(namespace) else {
            throw StorageError.invalidKey("record namespace \(namespace) must be 1 to 63 of a-z, 0-9, - and not one of \(StoreLayout.reservedNames.sorted())")
        }
        guard self.bucket(bucket) != nil else { throw StorageError.noSuchBucket(bucket) }
        return layout.records(namespace: namespace, bucket: bucket)
    }

    /// Namespaces present on disk (every `.oss/` child that is not the store's own).
    func recordNamespaces() throws -> [String] {
        try FileSystem.entries(layout.meta).compactMap { entry in
            let name = String(decoding: entry.name, as: UTF8.self)
            return StoreLayout.reservedNames.contains(name) ? nil : name
        }
    }
}

enum RecordName {
    static let escapedSlash = Array("%2F".utf8)
    static let maxNamespaceLength = 63

    /// Namespaces are directory names chosen by code, e.g. `live`.
    static func isValidNamespace(_ namespace: String) -> Bool {
        let bytes = Array(namespace.utf8)
        return !bytes.isEmpty && bytes.count <= maxNamespaceLength && !StoreLayout.reservedNames.contains(namespace)
            && bytes.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "-") }
    }

    static func fileName(for name: String, limit: Int) throws -> String {
        let bytes = Array(name.utf8)
        var file: [UInt8]
        if KeyPath.isPlain(bytes) && !bytes.contains(KeyPath.slash) {
            file = bytes
        } else {
            file = [KeyPath.percent, KeyPath.tagSegment]
            for byte in KeyPath.payload(bytes) {
                if byte == KeyPath.slash { file += escapedSlash } else { file.append(byte) }
            }
        }
        guard !bytes.isEmpty, file.count <= limit else {
            throw StorageError.invalidKey("record name \(name) must be 1 to \(limit) bytes as a file name (\(file.count))")
        }
        return String(decoding: file, as: UTF8.self)
    }

    /// Inverse of `fileName`; nil for files it cannot have produced.
    static func name(fromFileName file: [UInt8]) -> [UInt8]? {
        guard KeyPath.isValidUTF8(file) else { return nil }
        guard file.starts(with: [KeyPath.percent, KeyPath.tagSegment]) else {
            return KeyPath.isPlain(file) ? file : nil
        }
        var payload: [UInt8] = []
        var index = 2
        while index < file.count {
            if file[index...].starts(with: escapedSlash) {
                payload.append(KeyPath.slash)
                index += 3
            } else {
                payload.append(file[index])
                index += 1
            }
        }
        return KeyPath.decodePayload(payload[...])
    }
}
