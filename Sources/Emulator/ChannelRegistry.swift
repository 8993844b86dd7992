#if canImport(FoundationEssentials)
import ObjectAPI
import FoundationEssentials
#else
import Foundation
#endif
import Locking
import OSSProtocol
import Storage

/// What is kept on disk for a channel: one small record per channel.
struct ChannelRecord: Codable, Sendable, Equatable {
    var name: String
    var configuration: LiveChannelConfiguration
    /// Epoch seconds of the last configuration change (create, re-create, status change).
    var lastModified: Int64
    /// The newest pushes, oldest first, at most `ChannelRegistry.historyLimit`.
    var history: [LiveRecord]
    /// A push that was in progress when this record was written; a start that
    /// finds one (the process died) closes it into the history.
    var openPush: LiveRecord?
    /// The live playlist that push was writing (to end it after a crash).
    var openPushPlaylist: String?
}

/// The channels of every bucket: configuration, status, history, and which are
/// live. Shared by the HTTP handlers and the RTMP side; every decision (create
/// while live, delete while live, publish while disabled) is taken under one lock.
final class ChannelRegistry: BucketDependents {
    static let namespace = "channels"
    /// OSS returns the 10 most recent pushes.
    static let historyLimit = 10

    private struct Live: Sendable {
        let id: UInt64
        let connectedTime: Int64
        let remoteAddr: String
        let kick: @Sendable () -> Void
        let stats: @Sendable () -> (video: LiveVideoStat?, audio: LiveAudioStat?)
    }

    private struct Bucket: Sendable {
        var records: [String: ChannelRecord] = [:]
        /// Channel names in byte order, for listing.
        var names: [String] = []
        var live: [String: Live] = [:]
    }

    private struct State: Sendable {
        var buckets: [String: Bucket] = [:]
        var nextLeaseId: UInt64 = 1
    }

    private let store: ObjectStore
    private let state = Locked(State())

    /// A push that was live when the process stopped without ending it.
    struct InterruptedPush: Sendable, Equatable {
        var bucket: String
        var channel: String
        var playlistName: String
        var configuration: LiveChannelConfiguration
    }

    /// Found by `init` and closed into the history; their playlists still need ending.
    let interrupted: [InterruptedPush]

    init(store: ObjectStore, now: Int64) throws {
        self.store = store
        var loaded = State()
        var interrupted: [InterruptedPush] = []
        for bucket in store.listBuckets() {
            var entry = Bucket()
            for (name, bytes) in try store.loadRecords(namespace: Self.namespace, bucket: bucket.name) {
                guard var record = try? JSONDecoder().decode(ChannelRecord.self, from: Data(bytes)), record.name == name else {
                    continue
                }
                if var open = record.openPush {
                    open.endTime = max(open.startTime, now)
                    record.history = Self.appending(open, to: record.history)
                    interrupted.append(InterruptedPush(
                        bucket: bucket.name, channel: name,
                        playlistName: record.openPushPlaylist ?? record.configuration.playlistName,
                        configuration: record.configuration))
                    record.openPush = nil
                    record.openPushPlaylist = nil
                    try store.saveRecord(namespace: Self.namespace, bucket: bucket.name, name: name, bytes: Self.encode(record))
                }
                entry.records[name] = record
            }
            entry.names = entry.records.keys.sorted(by: Self.byteOrder)
            loaded.buckets[bucket.name] = entry
        }
        state.withLock { $0 = loaded }
        self.interrupted = interrupted
    }

    // MARK: configuration

    /// PutLiveChannel: create, or overwrite an idle channel.
    func put(bucket: String, name: String, configuration: LiveChannelConfiguration, now: Int64) throws -> ChannelRecord {
        try state.withLock { state in
            try Self.update(&state, bucket, create: true) { entry in
                if entry.live[name] != nil { throw OSSError.channelStillLive(name) }
                var record = entry.records[name] ?? ChannelRecord(name: name, configuration: configuration, lastModified: now, history: [], openPush: nil)
                record.configuration = configuration
                record.lastModified = now
                try persist(record, bucket: bucket)
                if entry.records[name] == nil { Self.insertSorted(name, into: &entry.names) }
                entry.records[name] = record
                return record
            }!
        }
    }

    func record(bucket: String, name: String) throws -> ChannelRecord {
        try state.withLock { state in
            guard let record = state.buckets[bucket]?.records[name] else { throw OSSError.noSuchLiveChannel(name) }
            return record
        }
    }

    /// ListLiveChannel: names with `prefix`, strictly after `marker`, at most `maxKeys`.
    func list(bucket: String, prefix: String, marker: String, maxKeys: Int) -> (records: [ChannelRecord], isTruncated: Bool) {
        state.withLock { state in
            guard let entry = state.buckets[bucket] else { return ([], false) }
            var index = Self.firstIndex(after: marker, prefix: prefix, in: entry.names)
            var page: [ChannelRecord] = []
            while index < entry.names.count, entry.names[index].hasPrefix(prefix) {
                if page.count == maxKeys { return (page, true) }
                if let record = entry.records[entry.names[index]] { page.append(record) }
                index += 1
            }
            return (page, false)
        }
    }

    func count(bucket: String) -> Int {
        state.withLock { $0.buckets[bucket]?.records.count ?? 0 }
    }

    /// PutLiveChannelStatus. Disabling a live channel kicks its publisher at once.
    func setStatus(bucket: String, name: String, status: LiveChannelStatus, now: Int64) throws {
        let kick: (@Sendable () -> Void)? = try state.withLock { state in
            guard var record = state.buckets[bucket]?.records[name] else { throw OSSError.noSuchLiveChannel(name) }
            guard record.configuration.status != status else { return nil }
            record.configuration.status = status
            record.lastModified = now
            try persist(record, bucket: bucket)
            state.buckets[bucket]?.records[name] = record
            return status == .disabled ? state.buckets[bucket]?.live[name]?.kick : nil
        }
        kick?()
    }

    func delete(bucket: String, name: String) throws {
        try state.withLock { state in
            let deleted: Void? = try Self.update(&state, bucket) { entry in
                guard entry.records[name] != nil else { throw OSSError.noSuchLiveChannel(name) }
                if entry.live[name] != nil { throw OSSError.channelStillLive(name) }
                try store.deleteRecord(namespace: Self.namespace, bucket: bucket, name: name)
                entry.records[name] = nil
                if let index = Self.index(of: name, in: entry.names) { entry.names.remove(at: index) }
            }
            if deleted == nil { throw OSSError.noSuchLiveChannel(name) }
        }
    }

    /// Forgets a deleted bucket's channels (the caller refuses to delete a bucket that has any).
    func removeBucket(_ bucket: String) {
        state.withLock { $0.buckets[bucket] = nil }
    }

    // MARK: live state

    enum LiveStatus: Sendable, Equatable {
        case idle, disabled
        case live(connectedTime: Int64, remoteAddr: String, video: LiveVideoStat?, audio: LiveAudioStat?)
    }

    func liveStatus(bucket: String, name: String) throws -> LiveStatus {
        let found: (Live?, LiveChannelStatus) = try state.withLock { state in
            guard let entry = state.buckets[bucket], let record = entry.records[name] else { throw OSSError.noSuchLiveChannel(name) }
            return (entry.live[name], record.configuration.status)
        }
        // The publisher's statistics are read outside the lock.
        if let live = found.0 {
            let stats = live.stats()
            return .live(connectedTime: live.connectedTime, remoteAddr: live.remoteAddr, video: stats.video, audio: stats.audio)
        }
        return found.1 == .disabled ? .disabled : .idle
    }

    /// A granted publish; give it back with `endPublish`.
    struct Lease: Sendable, Equatable {
        let bucket: String
        let channel: String
        let id: UInt64
        let start: Int64
        let remoteAddr: String
        let configuration: LiveChannelConfiguration
    }

    /// Decides atomically whether a publisher may start: the channel exists, is
    /// enabled and has no publisher. `kick` is called (outside the lock) when
    /// the channel is disabled while live.
    func beginPublish(
        bucket: String, name: String, remoteAddr: String, now: Int64, playlistName: String? = nil,
        kick: @escaping @Sendable () -> Void,
        stats: @escaping @Sendable () -> (video: LiveVideoStat?, audio: LiveAudioStat?)
    ) throws -> Lease {
        try state.withLock { state in
            let id = state.nextLeaseId
            let lease: Lease? = try Self.update(&state, bucket) { entry in
                guard var record = entry.records[name] else { throw OSSError.noSuchLiveChannel(name) }
                if record.configuration.status == .disabled { throw OSSError.liveChannelDisabled(name) }
                if entry.live[name] != nil { throw OSSError.channelStillLive(name) }
                record.openPush = LiveRecord(startTime: now, endTime: now, remoteAddr: remoteAddr)
                record.openPushPlaylist = playlistName
                try persist(record, bucket: bucket)
                entry.records[name] = record
                entry.live[name] = Live(id: id, connectedTime: now, remoteAddr: remoteAddr, kick: kick, stats: stats)
                return Lease(bucket: bucket, channel: name, id: id, start: now, remoteAddr: remoteAddr, configuration: record.configuration)
            }
            guard let lease else { throw OSSError.noSuchLiveChannel(name) }
            state.nextLeaseId += 1
            return lease
        }
    }

    /// Ends a push: records it in the history and makes the channel idle.
    func endPublish(_ lease: Lease, now: Int64) {
        state.withLock { state in
            _ = Self.update(&state, lease.bucket) { entry in
                guard entry.live[lease.channel]?.id == lease.id else { return }
                entry.live[lease.channel] = nil
                if var record = entry.records[lease.channel] {
                    record.openPush = nil
                    record.openPushPlaylist = nil
                    record.history = Self.appending(
                        LiveRecord(startTime: lease.start, endTime: max(now, lease.start), remoteAddr: lease.remoteAddr), to: record.history)
                    try? persist(record, bucket: lease.bucket)
                    entry.records[lease.channel] = record
                }
            }
        }
    }

    // MARK: helpers

    private func persist(_ record: ChannelRecord, bucket: String) throws {
        try store.saveRecord(namespace: Self.namespace, bucket: bucket, name: record.name, bytes: Self.encode(record))
    }

    static func encode(_ record: ChannelRecord) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(record))
    }

    static func appending(_ record: LiveRecord, to history: [LiveRecord]) -> [LiveRecord] {
        Array((history + [record]).suffix(historyLimit))
    }

    static func byteOrder(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// Runs `body` on a bucket's entry in place (a copy taken out of the
    /// dictionary would copy every channel of the bucket on its first
    /// change). Nil when the bucket has no entry and `create` is false.
    private static func update<R>(_ state: inout State, _ bucket: String, create: Bool = false,
                          _ body: (inout Bucket) throws -> R) rethrows -> R? {
        if state.buckets[bucket] == nil {
            guard create else { return nil }
            state.buckets[bucket] = Bucket()
        }
        return try body(&state.buckets[bucket]!)
    }

    /// Position of `name` in the sorted `names`, found by bisection.
    static func index(of name: String, in names: [String]) -> Int? {
        var low = 0
        var high = names.count
        while low < high {
            let mid = (low + high) / 2
            if byteOrder(names[mid], name) { low = mid + 1 } else { high = mid }
        }
        return low < names.count && names[low] == name ? low : nil
    }

    static func insertSorted(_ name: String, into names: inout [String]) {
        var low = 0
        var high = names.count
        while low < high {
            let mid = (low + high) / 2
            if byteOrder(names[mid], name) { low = mid + 1 } else { high = mid }
        }
        names.insert(name, at: low)
    }

    /// Index of the first name that is > marker and >= prefix.
    static func firstIndex(after marker: String, prefix: String, in names: [String]) -> Int {
        let start = byteOrder(marker, prefix) ? prefix : marker
        let inclusive = start == prefix && marker != prefix
        var low = 0
        var high = names.count
        while low < high {
            let mid = (low + high) / 2
            let precedes = inclusive ? byteOrder(names[mid], start) : !byteOrder(start, names[mid])
            if precedes { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
