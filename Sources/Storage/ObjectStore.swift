import Locking
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Buckets and objects on local disk.
///
/// Thread-safe: one lock for the bucket table, one per bucket for its index
/// and journal. Body bytes are written and hashed before any lock is taken;
/// under a bucket's lock only renames, journal appends and index updates run.
/// One process per data directory: start-up deletes whatever is in `.oss/tmp`.
public final class ObjectStore: Sendable {
    let layout: StoreLayout
    let fsync: Bool
    let clock: @Sendable () -> Int64
    let limits: StorageLimits
    /// Device of the data directory: a file to move in from elsewhere is copied instead.
    let device: UInt64
    let buckets: Locked<[String: BucketStore]>
    /// Multipart upload bookkeeping (`ObjectStore+Multipart.swift`).
    let multipart = Locked(MultipartState())
    let smallContents: SmallContentCache
    /// Record namespaces read on request paths (`cachedRecords`).
    let recordCache = RecordCache()
    /// Boxed: a closure kept directly as a generic lock's value is re-abstracted
    /// (wrapped in a conversion thunk) on its way in and out.
    private let writeFault = Locked<WriteFaultCheck?>(nil)
    /// Replaced versions' files, written again as new temp files (`makeTempFile`).
    let retiredFiles = RetiredFiles()
    private let temporaryCounter = Atomic<UInt64>(0)
    let temporaryPrefix: String
    /// What start-up skipped or repaired, one line each, for the caller to log.
    public let startupNotes: [String]

    /// Object count from which start-up returns the heap freed by loading to
    /// the system (about 0.3 MB per 1,000 objects; a few ms to do).
    static let trimAfterLoading = 10_000

    /// The default clock: wall-clock time in epoch milliseconds.
    public static let wallClock: @Sendable () -> Int64 = { FileSystem.wallClockMilliseconds() }

    /// Installs a check every object write (put, append, copy, upload part,
    /// complete) runs first: a non-nil error fails the write as a full or
    /// broken disk would, before anything changes. For fault injection; nil
    /// removes it.
    public func setWriteFault(_ check: (@Sendable (_ bucket: String, _ key: String) -> StorageError?)?) {
        let box = check.map(WriteFaultCheck.init)
        writeFault.withLock { $0 = box }
    }

    func checkWriteFault(bucket: String, key: String) throws {
        guard let box = writeFault.withLock({ $0 }), let error = box.check(bucket, key) else { return }
        throw error
    }

    /// Hands heap that was freed back to the system (glibc's `malloc_trim`;
    /// nothing elsewhere).
    public static func releaseFreedMemory() { FileSystem.releaseFreedMemory() }

    /// An error's description for answers and events: the data directory's
    /// absolute path is replaced by `<data>`, so no answer reveals where the
    /// emulator keeps its files.
    public func describe(_ error: any Error) -> String {
        "\(error)".replacing(layout.root, with: "<data>")
    }

    /// Absolute path of the data directory.
    public var root: String { layout.root }

    public init(
        root: String,
        fsync: Bool = false,
        limits: StorageLimits = StorageLimits(),
        clock: @escaping @Sendable () -> Int64 = ObjectStore.wallClock
    ) throws {
        do {
            try FileSystem.makeDirectories(root)
        } catch let StorageError.io(reason) {
            throw StorageError.io("data directory \(root) is unwritable: \(reason)")
        }
        guard let resolved = realpath(root, nil) else { throw FileSystem.failure("realpath", root) }
        let absolute = String(cString: resolved)
        free(resolved)
        let layout = StoreLayout(root: absolute)
        self.layout = layout
        self.fsync = fsync
        self.clock = clock
        self.limits = limits
        smallContents = SmallContentCache(maxObjectBytes: limits.maxCachedObjectBytes, maxTotalBytes: limits.maxCachedTotalBytes)
        temporaryPrefix = layout.temporary + "/\(getpid())-"
        do {
            for directory in [layout.meta, layout.temporary, layout.bucketRecords, layout.journals] {
                try FileSystem.makeDirectory(directory)
            }
            // Fail now, with a clear message, rather than on the first upload.
            // In a container the pid is the same on every start, so a crash
            // may have left this very name behind.
            let probe = layout.temporary + "/probe-\(getpid())"
            try FileSystem.removeFile(probe)
            try FileContent.create(probe, bytes: [], fsync: false)
            try FileSystem.removeFile(probe)
        } catch let StorageError.io(reason) {
            throw StorageError.io("data directory \(absolute) is unwritable: \(reason)")
        }
        guard let info = FileSystem.lstatInfo(layout.temporary) else {
            throw FileSystem.failure("stat", layout.temporary)
        }
        device = UInt64(truncatingIfNeeded: info.st_dev)
        var notes: [String] = []
        for orphan in try FileSystem.entries(layout.temporary) {
            try FileSystem.removeTree(layout.temporary + "/" + String(decoding: orphan.name, as: UTF8.self))
        }
        var counter: UInt64 = 0
        let loaded = try Self.loadBuckets(layout: layout, limits: limits, fsync: fsync, clock: clock, notes: &notes) {
            counter += 1
            return layout.temporary + "/load-\(counter)"
        }
        if loaded.values.reduce(0, { total, store in total + store.state.withLock { $0.index.count } }) >= Self.trimAfterLoading {
            FileSystem.releaseFreedMemory()
        }
        buckets = Locked(loaded)
        startupNotes = notes
    }

    /// A fresh path in `<root>/.oss/tmp/`, on the same file system as the
    /// buckets, for spooling a body before `putObject(movingFile:)`.
    public func makeTempFilePath() -> String {
        temporaryPrefix + String(temporaryCounter.add(1, ordering: .relaxed).newValue)
    }

    /// Whether `path` is a name `makeTempFilePath` gave out: a file directly
    /// in `.oss/tmp/`, which needs no resolving to know it is no object's.
    func isTemporaryName(_ path: String) -> Bool {
        let utf8 = path.utf8
        guard utf8.starts(with: temporaryPrefix.utf8) else { return false }
        let rest = utf8.dropFirst(temporaryPrefix.utf8.count)
        return !rest.isEmpty && rest.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// Refuses to move in a file from inside the data directory other than
    /// a temp file: moving an object's own file (or the store's) would
    /// corrupt the index. A temp name of this store's (a live segment's, a
    /// spooled body's) needs no resolving of each directory of its path.
    /// `operation` starts the error message.
    func checkMovable(_ path: String, operation: String) throws {
        guard !isTemporaryName(path), let resolved = realpath(path, nil) else { return }
        let absolute = String(cString: resolved)
        free(resolved)
        if absolute.utf8.starts(with: (layout.root + "/").utf8) && !absolute.utf8.starts(with: (layout.temporary + "/").utf8) {
            throw StorageError.io("\(operation) \(path): refusing to move a file from inside the data directory; spool into makeTempFilePath()")
        }
    }

    /// A new, empty temp file open for writing (the caller closes it and
    /// commits or unlinks the path): the file of a replaced version when one
    /// is free for reuse (`RetiredFiles`), else a file created in `.oss/tmp/`.
    func makeTempFile() throws -> (path: String, descriptor: Int32) {
        if let reused = retiredFiles.reuse() { return reused }
        let path = makeTempFilePath()
        return (path, try FileSystem.openFile(path, O_WRONLY | O_CREAT | O_EXCL))
    }

    // MARK: buckets

    /// Creates a bucket; false (and nothing changed) when it already exists.
    public func createBucket(_ name: String, acl: BucketACL) throws -> Bool {
        try createBucket(name, acl: acl, template: nil)
    }

    /// Creates a bucket; false (and nothing changed) when it already exists.
    /// `template` gives the settings fixed at creation (storage class,
    /// redundancy, resource group); its name and creation date are ignored.
    public func createBucket(_ name: String, acl: BucketACL, template: BucketInfo?) throws -> Bool {
        guard BucketName.isValid(name) else { throw StorageError.invalidBucketName(name) }
        return try buckets.withLock { table in
            if table[name] != nil { return false }
            let directory = layout.bucketDirectory(name)
            try FileSystem.makeDirectory(directory)
            if fsync { try FileSystem.syncPath(layout.root, directory: true) }
            var info = template ?? BucketInfo(name: name, creationDate: 0, acl: acl)
            info.name = name
            info.creationDate = clock() / 1000
            info.acl = acl
            try FileContent.replace(layout.bucketRecord(name), bytes: BucketRecord.encode(info), temporaryPath: makeTempFilePath(), fsync: fsync)
            // The directory may have been made (and filled) by hand while running.
            var loader = BucketLoader(directory: directory, limits: limits)
            let index = try loader.load()
            let journal = try JournalWriter.create(
                path: layout.journal(name), temporaryPath: makeTempFilePath(), entries: index.sortedEntries, fsync: fsync)
            table[name] = BucketStore(directory: directory, info: info, index: index, journal: journal)
            return true
        }
    }

    public func bucket(_ name: String) -> BucketInfo? {
        guard let store = buckets.withLock({ $0[name] }) else { return nil }
        return store.state.withLock { $0.isDeleted ? nil : $0.info }
    }

    /// All buckets, sorted by name.
    public func listBuckets() -> [BucketInfo] {
        let stores = buckets.withLock { Array($0.values) }
        return stores.compactMap { store in store.state.withLock { $0.isDeleted ? nil : $0.info } }
            .sorted { $0.name < $1.name }
    }

    public func setACL(_ acl: BucketACL, bucket: String) throws {
        let store = try bucketStore(bucket)
        try store.state.withLock { state in
            guard !state.isDeleted else { throw StorageError.noSuchBucket(bucket) }
            var info = state.info
            info.acl = acl
            try FileContent.replace(layout.bucketRecord(bucket), bytes: BucketRecord.encode(info), temporaryPath: makeTempFilePath(), fsync: fsync)
            state.info = info
        }
    }

    /// Deletes an empty bucket with its state records (the caller checks for
    /// LiveChannels first); `bucketNotEmpty` while it holds objects.
    public func deleteBucket(_ name: String) throws {
        // After the table's lock is released (a record cache miss takes that
        // lock to look the bucket up), and whether or not the removal finished.
        defer { recordCache.forget(bucket: name) }
        try buckets.withLock { table in
            guard let store = table[name] else { throw StorageError.noSuchBucket(name) }
            try store.state.withLock { state in
                guard state.index.count == 0 else { throw StorageError.bucketNotEmpty(name) }
                // Only empty directories or files that hold no key can remain.
                try FileSystem.removeTree(store.directory)
                state.isDeleted = true
                state.journal.closeDescriptor()
            }
            table[name] = nil
            try FileSystem.removeFile(layout.journal(name))
            try FileSystem.removeFile(layout.bucketRecord(name))
            for namespace in try recordNamespaces() {
                try FileSystem.removeTree(layout.records(namespace: namespace, bucket: name))
            }
        }
    }

    func bucketStore(_ name: String) throws -> BucketStore {
        guard let store = buckets.withLock({ $0[name] }) else { throw StorageError.noSuchBucket(name) }
        return store
    }

    // MARK: start-up

    private static func loadBuckets(
        layout: StoreLayout, limits: StorageLimits, fsync: Bool, clock: () -> Int64,
        notes: inout [String], temporaryPath: () -> String
    ) throws -> [String: BucketStore] {
        var names: [String] = []
        for entry in try FileSystem.entries(layout.root) {
            let name = String(decoding: entry.name, as: UTF8.self)
            guard BucketName.isValid(name), FileSystem.kind(layout.bucketDirectory(name)) == .directory else { continue }
            names.append(name)
        }
        // Records of buckets whose directory was removed by hand go with it.
        for entry in try FileSystem.entries(layout.bucketRecords) {
            let name = String(decoding: entry.name, as: UTF8.self)
            guard !names.contains(name) else { continue }
            guard FileSystem.kind(layout.bucketDirectory(name)) == .missing else {
                // A link or a file took its place: not served, but not forgotten either.
                notes.append("bucket \(name) is not a plain directory; not loaded")
                continue
            }
            notes.append("bucket \(name) has no directory any more; forgotten")
            try FileSystem.removeFile(layout.bucketRecord(name))
            try FileSystem.removeFile(layout.journal(name))
        }
        var table: [String: BucketStore] = [:]
        for name in names {
            let directory = layout.bucketDirectory(name)
            let created = FileSystem.lstatInfo(directory).map { Int64(truncatingIfNeeded: $0.st_mtim.tv_sec) } ?? clock() / 1000
            let fallback = BucketInfo(name: name, creationDate: created, acl: .private)
            let info: BucketInfo
            if let bytes = try? FileSystem.readFile(layout.bucketRecord(name), limit: BucketRecord.maxBytes) {
                info = BucketRecord.decode(bytes, fallback: fallback)
            } else {
                info = fallback
                notes.append("bucket \(name) has no readable record; adopted as private")
                try FileContent.replace(layout.bucketRecord(name), bytes: BucketRecord.encode(info), temporaryPath: temporaryPath(), fsync: fsync)
            }
            var loader = BucketLoader(directory: directory, limits: limits)
            if FileSystem.kind(layout.journal(name)) == .file {
                loader.replay(journal: try FileSystem.readFile(layout.journal(name), limit: Int.max))
            }
            let index = try loader.load()
            notes += loader.notes
            let journal = loader.journalIsExact
                ? try JournalWriter.open(path: layout.journal(name), validLength: loader.journalValidLength, fsync: fsync)
                : try JournalWriter.create(
                    path: layout.journal(name), temporaryPath: temporaryPath(), entries: index.sortedEntries, fsync: fsync)
            table[name] = BucketStore(directory: directory, info: info, index: index, journal: journal)
        }
        return table
    }
}

/// One bucket: its directory and, behind its lock, its index and journal.
final class BucketStore: Sendable {
    let directory: String
    let state: Locked<BucketState>

    init(directory: String, info: BucketInfo, index: ObjectIndex, journal: JournalWriter) {
        self.directory = directory
        state = Locked(BucketState(info: info, index: index, journal: journal))
    }

    deinit {
        state.withLock { $0.journal.closeDescriptor() }
    }
}

struct BucketState {
    var info: BucketInfo
    var index: ObjectIndex
    var journal: JournalWriter
    /// Set under the lock by deleteBucket, for callers that fetched the bucket just before.
    var isDeleted = false
}

/// The write-fault check of `ObjectStore.setWriteFault`.
final class WriteFaultCheck: Sendable {
    let check: @Sendable (_ bucket: String, _ key: String) -> StorageError?
    init(_ check: @escaping @Sendable (_ bucket: String, _ key: String) -> StorageError?) { self.check = check }
}
