import Dispatch
import LiveIngest
import Locking
import Logging
import OSSProtocol
import RTMP
import Storage
import Transport

/// RTMP publishing into LiveChannels: admission (channel, status, signature,
/// one publisher per channel) and the hand-off of media to `ChannelPublisher`.
/// Connections arrive from the dedicated RTMP port and from the HTTP port
/// (first byte 0x03).
final class RTMPIngest: Sendable {
    let store: ObjectStore
    let channels: ChannelRegistry
    let configuration: EmulatorConfiguration
    let logger: Logger
    let resolver: HostResolver
    let namer = SegmentNamer()
    let timelines = ChannelTimelines()
    let events: EventLog
    let faults: FaultInjector
    private let writers = Locked<[String: DispatchQueue]>([:])
    /// The serial queues every channel's writer queue runs on (see `writerQueue`).
    private let writerShards: [DispatchQueue]
    private let active = Locked<[ObjectIdentifier: RTMPPublisherConnection]>([:])

    init(store: ObjectStore, channels: ChannelRegistry, configuration: EmulatorConfiguration, logger: Logger, events: EventLog,
         faults: FaultInjector = FaultInjector()) {
        self.faults = faults
        self.writerShards = (0..<Self.writerShardCount).map { DispatchQueue(label: "ingest.writers.\($0)") }
        self.events = events
        self.store = store
        self.channels = channels
        self.configuration = configuration
        self.logger = logger
        self.resolver = HostResolver(baseHosts: configuration.baseHosts)
    }

    func accept(_ connection: SocketConnection, alreadyRead: [UInt8]) {
        let publisher = RTMPPublisherConnection(connection: connection, ingest: self)
        active.withLock { $0[ObjectIdentifier(publisher)] = publisher }
        publisher.start(alreadyRead: alreadyRead)
    }

    func connectionEnded(_ publisher: RTMPPublisherConnection) {
        _ = active.withLock { $0.removeValue(forKey: ObjectIdentifier(publisher)) }
    }

    /// Channel writer queues run on this many serial queues, so at most this
    /// many threads write segments however many pushes run. A serial queue
    /// of its own per channel made Dispatch start a thread for nearly every
    /// busy channel: at 2,000 pushes, 255 threads (~40 MB of stacks) taking
    /// turns on two cores. Writes go to the page cache and take microseconds.
    static let writerShardCount = 8

    /// The serial queue that writes one channel's objects (shared by its pushes,
    /// so a new push's playlist follows the previous push's last write). It
    /// runs on one of the `writerShardCount` shared queues, by the channel's name.
    func writerQueue(bucket: String, channel: String) -> DispatchQueue {
        writers.withLock { writers in
            let key = bucket + "/" + channel
            if let queue = writers[key] { return queue }
            let shard = writerShards[Self.shard(of: key, count: writerShards.count)]
            let queue = DispatchQueue(label: "ingest.writer.\(key)", target: shard)
            writers[key] = queue
            return queue
        }
    }

    /// FNV-1a of the name, so a channel keeps its shard across runs.
    static func shard(of key: String, count: Int) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Int(hash % UInt64(count))
    }

    func emit(_ event: EmulatorEvent) {
        events.append(event, time: configuration.wallClock())
    }

    /// How long `stopAll` waits for publishers to write their last files.
    static let stopTimeout: DispatchTimeInterval = .seconds(10)

    /// Ends every publish (segments and playlists written) and closes the
    /// connections; waits at most `timeout` for the writes.
    func stopAll(reason: String = "the emulator is shutting down", timeout: DispatchTimeInterval = RTMPIngest.stopTimeout) {
        let publishers = active.withLock { Array($0.values) }
        let group = DispatchGroup()
        for publisher in publishers {
            group.enter()
            publisher.shutdown(reason: reason) { group.leave() }
        }
        _ = group.wait(timeout: .now() + timeout)
        let queues = writers.withLock { Array($0.values) }
        for queue in queues { queue.sync {} }
    }

    /// Finalises pushes that were live when the process died: playlist ended.
    func recover(_ pushes: [ChannelRegistry.InterruptedPush]) {
        for push in pushes {
            let configuration = PushConfiguration(
                bucket: push.bucket, channel: push.channel, playlistName: push.playlistName,
                fragDuration: push.configuration.fragDuration, fragCount: push.configuration.fragCount, pushId: "")
            do {
                try ChannelPublisher.finalizePlaylist(configuration, store: store, namer: namer)
                logger.notice("recovered interrupted push of \(push.bucket)/\(push.channel): playlist \(configuration.playlistKey) ended")
            } catch {
                logger.error("could not finalise the playlist of \(push.bucket)/\(push.channel): \(error)")
            }
        }
    }

    /// Admission: the decision OSS takes before `NetStream.Publish.Start`.
    func admit(app: String, streamName: String, tcUrl: String?, remoteAddress: String,
               kick: @escaping @Sendable () -> Void,
               stats: @escaping @Sendable () -> (video: LiveVideoStat?, audio: LiveAudioStat?)) -> Admission {
        let target: PublishTarget
        do {
            target = try PublishTarget.resolve(
                app: app, streamName: streamName, tcUrl: tcUrl, resolver: resolver, defaultBucket: configuration.defaultBucket)
        } catch {
            switch error {
            case .badPath(let path):
                return .refused(.badName, "InvalidArgument: '\(path)' is not a LiveChannel publish path; use /<bucket>/live/<channel> or /live/<channel>")
            case .noBucket(let path):
                return .refused(.badName, "InvalidArgument: '\(path)' names no bucket; publish to /<bucket>/live/<channel> or start the emulator with --default-bucket")
            }
        }
        guard let bucket = store.bucket(target.bucket) else {
            return .refused(.badName, "NoSuchBucket: bucket \(target.bucket) does not exist")
        }
        // Authorise before looking the channel up (as HTTP does), so an unsigned
        // publish cannot learn which channels a private bucket has.
        let now = configuration.wallClock() / 1000
        if bucket.acl != .publicReadWrite || RTMPURLSignature.isSigned(target.parameters) {
            do {
                _ = try RTMPURLSignature.verify(
                    parameters: target.parameters, bucket: target.bucket, channel: target.channel,
                    credentials: configuration.credentials, now: now)
            } catch {
                let detail = bucket.acl == .publicReadWrite ? "" : " (bucket \(target.bucket) is \(bucket.acl.rawValue): publishing needs a signed URL)"
                return .refused(.denied, "\(error.code): \(error.message)\(detail)")
            }
        }
        let record: ChannelRecord
        do { record = try channels.record(bucket: target.bucket, name: target.channel) } catch {
            return .refused(.badName, "NoSuchLiveChannel: live channel \(target.bucket)/\(target.channel) does not exist")
        }
        var playlistName = record.configuration.playlistName
        if let requested = target.parameters.value("playlistName"), !requested.isEmpty {
            do { try NameRules.validatePlaylistName(requested) } catch {
                return .refused(.badName, "InvalidArgument: playlistName \(requested): \(error.message)")
            }
            playlistName = requested
        }
        let lease: ChannelRegistry.Lease
        do {
            lease = try channels.beginPublish(
                bucket: target.bucket, name: target.channel, remoteAddr: remoteAddress, now: now,
                playlistName: playlistName, kick: kick, stats: stats)
        } catch let error as OSSError {
            let code: PublishStatusCode = error.code == "ChannelStillLive" ? .badName : .denied
            let message = error.code == "ChannelStillLive" ? "another publisher is already live on this channel" : error.message
            return .refused(code, "\(error.code): \(message)")
        } catch {
            logger.error("publish to \(target.bucket)/\(target.channel) refused: \(error)")
            return .refused(.denied, "InternalError: the channel could not be started")
        }
        let push = PushConfiguration(
            bucket: target.bucket, channel: target.channel, playlistName: playlistName,
            fragDuration: lease.configuration.fragDuration, fragCount: lease.configuration.fragCount,
            pushId: "\(lease.start)-\(lease.id)")
        return .admitted(lease, push)
    }

    enum Admission {
        case admitted(ChannelRegistry.Lease, PushConfiguration)
        case refused(PublishStatusCode, String)
    }
}
