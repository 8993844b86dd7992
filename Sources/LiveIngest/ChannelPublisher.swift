import Dispatch
import Locking
import MediaFormats
import Storage
import Synchronization

/// What one push writes where.
public struct PushConfiguration: Sendable, Equatable {
    public var bucket: String
    public var channel: String
    /// The live playlist's object name under `<channel>/` (the URL's
    /// `playlistName`, else the channel's PlaylistName).
    public var playlistName: String
    public var fragDuration: Int
    public var fragCount: Int
    /// Unique per push; stored with every segment so VOD and live playlists
    /// mark where a new timeline starts.
    public var pushId: String

    public init(bucket: String, channel: String, playlistName: String, fragDuration: Int, fragCount: Int, pushId: String) {
        self.bucket = bucket
        self.channel = channel
        self.playlistName = playlistName
        self.fragDuration = fragDuration
        self.fragCount = fragCount
        self.pushId = pushId
    }

    public var playlistKey: String { channel + "/" + playlistName }
}

/// Live statistics of a push (GetLiveChannelStat), integers as OSS sends them.
public struct IngestStats: Sendable, Equatable {
    public struct Video: Sendable, Equatable {
        public var width: Int
        public var height: Int
        public var frameRate: Int
        /// Bytes per second over the last few seconds.
        public var bandwidth: Int64
        /// From the SPS: `profile_idc` (66 Baseline, 77 Main, 100 High, …) and `level_idc` (30 = 3.0).
        public var profileIDC: UInt8
        public var levelIDC: UInt8
        /// The SPS's `constraint_set` flags (set 1 with Baseline: Constrained Baseline).
        public var constraintFlags: UInt8
        /// Publisher time between the last two key frames; nil before the second.
        public var keyFrameIntervalMilliseconds: Int64?
        /// Bytes of each of the last whole seconds, oldest first (`RateHistory`).
        public var bandwidthHistory: [Int64]
    }

    public struct Audio: Sendable, Equatable {
        public var sampleRate: Int
        public var bandwidth: Int64
        /// The AAC audio object type (2 = LC, 5 = SBR/HE-AAC, 29 = PS/HE-AACv2).
        public var objectType: UInt8
        public var channels: Int
        public var bandwidthHistory: [Int64]
    }

    public var video: Video?
    public var audio: Audio?
}

/// What a push did, for logs and the event stream.
public enum IngestEvent: Sendable, Equatable {
    case segmentWritten(bucket: String, key: String, durationMilliseconds: Int64, size: Int)
    case playlistWritten(bucket: String, key: String, ended: Bool)
    case writeFailed(bucket: String, key: String, reason: String)
}

/// One push into one channel: FLV tag bodies in, MPEG-TS segment objects and
/// a rolling playlist out.
///
/// `push` and `finish` run on the publisher connection's queue (remuxing is
/// CPU work there); segment and playlist writes run on the channel's own
/// serial queue, so a slow disk never stalls socket reads and the playlist
/// never names a segment before it is written.
public final class ChannelPublisher: @unchecked Sendable {
    public let configuration: PushConfiguration
    private let store: ObjectStore
    private let writer: DispatchQueue
    private let wallClock: @Sendable () -> Int64
    private let monotonicMilliseconds: @Sendable () -> Int64
    private let namer: SegmentNamer
    private let timelines: ChannelTimelines
    private let onEvent: @Sendable (IngestEvent) -> Void

    /// The open segment's bytes go to its temp file in pieces of this size,
    /// so a push holds about this much of a segment in memory, not all of it
    /// (about 1.5 pieces: see `init`). At 360p (~60 KB/s) that is a write
    /// about every quarter second; the pieces waiting for the disk are
    /// bounded by `WriteBacklog`, and their buffers are reused
    /// (`PieceBufferPool`). 16 KiB rather than 32: at 2,000 pushes the held
    /// buffers were most of the heap (peak RSS 419–431 → 355–372 MB), and
    /// a file pushed as fast as it goes costs no more CPU per MB.
    public static let defaultSegmentChunkBytes = 16 * 1024
    /// Bytes handed to the writer queue and not yet on disk above which the
    /// push reports `isBacklogged` (its connection stops reading, so a slow
    /// disk slows the publisher through TCP instead of growing memory).
    public static let defaultMaxQueuedWriteBytes = 8 * 1024 * 1024

    public struct WriteLimits: Sendable, Equatable {
        public var segmentChunkBytes = ChannelPublisher.defaultSegmentChunkBytes
        public var maxQueuedWriteBytes = ChannelPublisher.defaultMaxQueuedWriteBytes
        public init() {}
    }
    public let writeLimits: WriteLimits

    // Confined to the caller's serial context.
    private var remuxer: HLSRemuxer
    private var openNames: [Int: Int64] = [:]
    private var openSequence: Int?
    private var finished = false
    private var lastPushAt: Int64?

    // Confined to `writer`.
    private var playlist: HLSLivePlaylist
    private var isFirstSegmentOfPush = true
    /// Temp files of segments being written, by remuxer sequence; a sequence
    /// whose file failed is recorded so its later pieces are dropped.
    private var segmentFiles: [Int: PendingObject] = [:]
    private var failedSegments: Set<Int> = []

    private let queued = Atomic<Int>(0)
    private let drainedHandler = Locked<(@Sendable () -> Void)?>(nil)
    /// Bytes queued by every push together (see `WriteBacklog`).
    private let backlog: WriteBacklog
    /// Where written pieces' buffers go back to (nil when the piece size is not the pool's).
    private let pieces: PieceBufferPool?
    /// Confined to `writer`: a drain of `backlog` will call `notifyIfDrained`.
    private var waitingForSharedDrain = false

    private struct Meters: Sendable {
        var video = RateMeter()
        var audio = RateMeter()
        var videoFrames = RateMeter()
        var videoHistory = RateHistory()
        var audioHistory = RateHistory()
        /// Publisher timestamps of the last key frame and the gap before it.
        var lastKeyFrame: UInt32?
        var keyFrameInterval: Int64?
        var videoInfo: VideoStreamInfo?
        var audioInfo: AudioStreamInfo?
    }
    private let meters = Locked(Meters())

    public init(
        configuration: PushConfiguration, store: ObjectStore, writer: DispatchQueue, namer: SegmentNamer,
        timelines: ChannelTimelines, wallClock: @escaping @Sendable () -> Int64, monotonicMilliseconds: @escaping @Sendable () -> Int64,
        writeLimits: WriteLimits = WriteLimits(), backlog: WriteBacklog = .process, pieces: PieceBufferPool = .process,
        onEvent: @escaping @Sendable (IngestEvent) -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.writeLimits = writeLimits
        self.backlog = backlog
        self.store = store
        self.writer = writer
        self.namer = namer
        self.timelines = timelines
        self.wallClock = wallClock
        self.monotonicMilliseconds = monotonicMilliseconds
        self.onEvent = onEvent
        var remuxer = HLSRemuxer(configuration: HLSRemuxer.Configuration(
            fragmentDuration: Double(configuration.fragDuration),
            continuity: Self.timelineStart(configuration, store: store, timelines: timelines)))
        // A piece is taken once a push has made it reach `segmentChunkBytes`.
        remuxer.pendingBytesReservation = PieceBufferPool.bufferCapacity(pieceBytes: writeLimits.segmentChunkBytes)
        // Piece buffers are reused across pushes when they have the pool's size.
        let pool = remuxer.pendingBytesReservation == pieces.bufferCapacity ? pieces : nil
        if let pool { remuxer.makeBuffer = { pool.take() } }
        self.pieces = pool
        self.remuxer = remuxer
        self.playlist = HLSLivePlaylist(windowSize: configuration.fragCount, minimumTargetDuration: configuration.fragDuration)
        writer.async { [self] in
            // Continue the channel's playlist: earlier pushes stay in the window,
            // and this push starts a new timeline after them.
            playlist = Self.replayedPlaylist(configuration, store: store, namer: namer)
            playlist.reopen()
        }
    }

    /// Where this push's output starts: after the channel's previous push
    /// (from memory, or from the segment index after a restart).
    static func timelineStart(_ configuration: PushConfiguration, store: ObjectStore, timelines: ChannelTimelines) -> RemuxContinuity {
        if let end = timelines.end(bucket: configuration.bucket, channel: configuration.channel) { return end }
        let recorded = try? SegmentIndex(store: store).segments(bucket: configuration.bucket, channel: configuration.channel)
        return recorded?.last?.continuityAfter ?? RemuxContinuity()
    }

    /// Rebuilds a channel's live playlist from its recorded segments.
    static func replayedPlaylist(_ configuration: PushConfiguration, store: ObjectStore, namer: SegmentNamer) -> HLSLivePlaylist {
        var playlist = HLSLivePlaylist(windowSize: configuration.fragCount, minimumTargetDuration: configuration.fragDuration)
        let recorded = (try? SegmentIndex(store: store).segments(bucket: configuration.bucket, channel: configuration.channel)) ?? []
        for entry in SegmentIndex.entries(recorded) { playlist.append(entry) }
        if let last = recorded.last {
            namer.observe(bucket: configuration.bucket, channel: configuration.channel, name: last.startMilliseconds)
        }
        return playlist
    }

    /// Feeds one audio (8) or video (9) message. Throws for video that is not
    /// H.264 (OSS refuses it); other unusable messages are dropped.
    public func push(tagType: UInt8, timestamp: UInt32, payload: [UInt8]) throws(HLSRemuxerError) {
        guard !finished else { return }
        let now = monotonicMilliseconds()
        lastPushAt = now
        let events = try remuxer.push(tagType: tagType, timestamp: timestamp, payload: payload)
        defer { streamPendingBytes() }
        meters.withLock { meters in
            if tagType == 9 {
                meters.video.add(payload.count, nowMilliseconds: now)
                meters.videoHistory.add(payload.count, nowMilliseconds: now)
                meters.videoFrames.add(1, nowMilliseconds: now)
                meters.videoInfo = remuxer.videoInfo
                // FLV AVC: frame type 1 (key frame) in the high nibble, packet type 1 (NAL units).
                if payload.count >= 2, payload[0] >> 4 == 1, payload[1] == 1 {
                    if let last = meters.lastKeyFrame, timestamp &- last > 0, timestamp &- last < 1 << 31 {
                        meters.keyFrameInterval = Int64(timestamp &- last)
                    }
                    meters.lastKeyFrame = timestamp
                }
            } else if tagType == 8 {
                meters.audio.add(payload.count, nowMilliseconds: now)
                meters.audioHistory.add(payload.count, nowMilliseconds: now)
                meters.audioInfo = remuxer.audioInfo
            }
        }
        handle(events)
    }

    /// The publisher's `onMetaData`, before media: whether it announces
    /// video (`videocodecid`, `width` or `height` present) decides at once
    /// whether the stream is audio-only. Metadata without either track's
    /// keys says nothing.
    public func noteMetadata(keys: Set<String>) {
        guard !finished else { return }
        let video = !keys.isDisjoint(with: ["videocodecid", "width", "height"])
        let audio = keys.contains("audiocodecid")
        guard video || audio else { return }
        handle(remuxer.noteMetadata(hasVideo: video))
    }

    /// Ends the push: the last partial segment is written, then the playlist
    /// with `EXT-X-ENDLIST`. `completion` runs on the writer queue once both are on disk.
    public func finish(completion: @escaping @Sendable () -> Void = {}) {
        guard !finished else {
            writer.async(execute: completion)
            return
        }
        finished = true
        handle(remuxer.finish())
        writer.async { [self] in
            playlist.end()
            writePlaylist()
            completion()
        }
    }

    /// A publisher quiet for this long (half of FragDuration) gets its open
    /// segment closed and written, so a stall never keeps a segment open.
    public var idleCloseMilliseconds: Int64 { max(Int64(configuration.fragDuration) * 500, 250) }
    /// How often the push context should call `closeIfIdle()`: together with
    /// `idleCloseMilliseconds` the segment is written within one FragDuration of the last message.
    public var idleCheckMilliseconds: Int64 { max(Int64(configuration.fragDuration) * 250, 100) }

    /// Call periodically on the push context: closes the open segment once
    /// no message has come for `idleCloseMilliseconds`. The next message
    /// opens a new segment (video at its next key frame).
    public func closeIfIdle() {
        guard !finished, remuxer.hasOpenSegment, let last = lastPushAt,
              monotonicMilliseconds() - last >= idleCloseMilliseconds else { return }
        handle(remuxer.closeSegment())
    }

    /// Capacity of the remuxer's output buffer (for tests of what a push holds).
    var pendingBufferCapacity: Int { remuxer.pendingBufferCapacity }

    /// Whether more than `maxQueuedWriteBytes` of this push, or more than
    /// the shared `WriteBacklog`'s limit over all pushes, wait for the disk.
    /// Read it after `push`; when true, stop feeding until `onDrained` runs.
    public var isBacklogged: Bool {
        queued.load(ordering: .relaxed) > writeLimits.maxQueuedWriteBytes || backlog.isOver
    }

    /// Runs once (on the writer queue) when the bytes waiting for the disk
    /// have fallen to half of `maxQueuedWriteBytes`, and those of all pushes
    /// to half the shared limit; set it when `isBacklogged` is true. At once
    /// if they already have.
    public func onDrained(_ handler: @escaping @Sendable () -> Void) {
        drainedHandler.withLock { $0 = handler }
        writer.async { [self] in notifyIfDrained() }
    }

    private func notifyIfDrained() {
        guard queued.load(ordering: .relaxed) <= writeLimits.maxQueuedWriteBytes / 2 else { return }
        guard backlog.isDrained else {
            // Other pushes' bytes are what is queued: this push's writer may
            // have nothing left to write, so the shared drain calls back.
            guard !waitingForSharedDrain, drainedHandler.withLock({ $0 != nil }) else { return }
            waitingForSharedDrain = true
            backlog.whenDrained { [self] in
                writer.async { [self] in
                    waitingForSharedDrain = false
                    notifyIfDrained()
                }
            }
            return
        }
        let handler = drainedHandler.withLock { handler in
            defer { handler = nil }
            return handler
        }
        handler?()
    }

    /// Hands the open segment's bytes to the writer once a chunk has built up.
    private func streamPendingBytes() {
        guard let sequence = openSequence, remuxer.pendingByteCount >= writeLimits.segmentChunkBytes else { return }
        let bytes = remuxer.takePendingBytes()
        // The memory the piece holds until it is written (its buffer's capacity, not its length).
        let held = bytes.capacity
        queued.add(held, ordering: .relaxed)
        backlog.add(held)
        let handoff = PieceHandoff(bytes)
        writer.async { [self] in
            var piece = handoff.take()
            appendToSegmentFile(piece, sequence: sequence)
            pieces?.give(&piece)
            queued.subtract(held, ordering: .relaxed)
            backlog.subtract(held)
            notifyIfDrained()
        }
    }

    /// On the writer queue: a piece of an open segment into its temp file.
    private func appendToSegmentFile(_ bytes: [UInt8], sequence: Int) {
        guard !failedSegments.contains(sequence) else { return }
        do {
            let file = try segmentFiles[sequence] ?? PendingObject(store: store, deferringMD5: true)
            segmentFiles[sequence] = file
            try file.append(bytes)
        } catch {
            segmentFiles.removeValue(forKey: sequence)?.discard()
            failedSegments.insert(sequence)
            let key = "\(configuration.channel)/(segment \(sequence))"
            onEvent(.writeFailed(bucket: configuration.bucket, key: key, reason: store.describe(error)))
        }
    }

    public var stats: IngestStats {
        let now = monotonicMilliseconds()
        return meters.withLock { meters in
            var stats = IngestStats()
            if let info = meters.videoInfo {
                let measured = Int(meters.videoFrames.bytesPerSecond(nowMilliseconds: now))
                let rate = info.frameRate.map { Int(($0).rounded()) } ?? measured
                stats.video = IngestStats.Video(
                    width: info.width, height: info.height, frameRate: rate,
                    bandwidth: meters.video.bytesPerSecond(nowMilliseconds: now),
                    profileIDC: info.profileIDC, levelIDC: info.levelIDC, constraintFlags: info.configuration.profileCompatibility,
                    keyFrameIntervalMilliseconds: meters.keyFrameInterval,
                    bandwidthHistory: meters.videoHistory.samples(nowMilliseconds: now))
            }
            if let info = meters.audioInfo {
                stats.audio = IngestStats.Audio(
                    sampleRate: info.sampleRate, bandwidth: meters.audio.bytesPerSecond(nowMilliseconds: now),
                    objectType: info.objectType, channels: info.channels,
                    bandwidthHistory: meters.audioHistory.samples(nowMilliseconds: now))
            }
            return stats
        }
    }

    private func handle(_ events: [RemuxEvent]) {
        for event in events {
            switch event {
            case .segmentOpened(let start):
                openNames[start.sequence] = namer.next(bucket: configuration.bucket, channel: configuration.channel, now: wallClock())
                openSequence = start.sequence
            case .segmentFinished(let segment):
                let name = openNames.removeValue(forKey: segment.sequence)
                    ?? namer.next(bucket: configuration.bucket, channel: configuration.channel, now: wallClock())
                let discontinuity = segment.start.discontinuity
                if openSequence == segment.sequence { openSequence = nil }
                timelines.record(bucket: configuration.bucket, channel: configuration.channel, end: segment.continuityAfter)
                let held = segment.bytes.capacity
                queued.add(held, ordering: .relaxed)
                backlog.add(held)
                let handoff = PieceHandoff(segment.bytes)
                var withoutBytes = segment
                withoutBytes.bytes = []
                writer.async { [self, withoutBytes] in
                    var finished = withoutBytes
                    finished.bytes = handoff.take()
                    write(finished, name: name, discontinuity: discontinuity)
                    pieces?.give(&finished.bytes)
                    queued.subtract(held, ordering: .relaxed)
                    backlog.subtract(held)
                    notifyIfDrained()
                }
            case .dropped:
                break
            }
        }
    }

    /// On the writer queue: the segment object, then the playlist naming it.
    private func write(_ segment: FinishedSegment, name: Int64, discontinuity: Bool) {
        let key = "\(configuration.channel)/\(name).ts"
        let durationMs = Int64((segment.duration * 1000).rounded())
        var metadata = ObjectMetadata(contentType: "video/MP2T")
        metadata.attributes = SegmentIndex.attributes(
            startMilliseconds: name, durationMilliseconds: durationMs, push: configuration.pushId,
            continuityAfter: segment.continuityAfter)
        // Its earlier pieces are in its temp file (unless none were streamed).
        let file = segmentFiles.removeValue(forKey: segment.sequence)
        if failedSegments.remove(segment.sequence) != nil { return }
        do {
            if let file {
                try file.append(segment.bytes)
                _ = try file.commit(bucket: configuration.bucket, key: key, metadata: metadata)
            } else {
                _ = try store.putObject(bucket: configuration.bucket, key: key, bytes: segment.bytes, metadata: metadata)
            }
        } catch {
            file?.discard()
            onEvent(.writeFailed(bucket: configuration.bucket, key: key, reason: store.describe(error)))
            return
        }
        onEvent(.segmentWritten(bucket: configuration.bucket, key: key, durationMilliseconds: durationMs, size: segment.size))
        let newTimeline = (isFirstSegmentOfPush && !playlist.entries.isEmpty) || discontinuity
        isFirstSegmentOfPush = false
        playlist.append(HLSPlaylistEntry(uri: "\(name).ts", duration: Double(durationMs) / 1000, discontinuityBefore: newTimeline))
        writePlaylist()
    }

    private func writePlaylist() {
        guard !playlist.entries.isEmpty else { return }
        let key = configuration.playlistKey
        let metadata = ObjectMetadata(contentType: "application/x-mpegURL")
        do {
            _ = try store.putObject(bucket: configuration.bucket, key: key, bytes: Array(playlist.render().utf8), metadata: metadata)
            onEvent(.playlistWritten(bucket: configuration.bucket, key: key, ended: playlist.isEnded))
        } catch {
            onEvent(.writeFailed(bucket: configuration.bucket, key: key, reason: store.describe(error)))
        }
    }

    /// Ends the playlist of a push that was cut off by a crash: the recorded
    /// segments are replayed and `EXT-X-ENDLIST` appended.
    public static func finalizePlaylist(_ configuration: PushConfiguration, store: ObjectStore, namer: SegmentNamer) throws {
        var playlist = replayedPlaylist(configuration, store: store, namer: namer)
        guard !playlist.entries.isEmpty else { return }
        playlist.end()
        _ = try store.putObject(
            bucket: configuration.bucket, key: configuration.playlistKey, bytes: Array(playlist.render().utf8),
            metadata: ObjectMetadata(contentType: "application/x-mpegURL"))
    }
}
