import Dispatch
import LiveIngest
import Locking
import Logging
import OSSProtocol
import RTMP
import Transport

/// One RTMP connection: bytes from the socket into the sans-I/O server
/// session, its actions back out, media into the channel's publisher.
/// Confined to the connection's queue.
final class RTMPPublisherConnection: @unchecked Sendable {
    private let connection: SocketConnection
    private let ingest: RTMPIngest
    private var session: ServerSession
    private var timer: DispatchSourceTimer?
    /// The deadline `timer` is armed for.
    private var armedDeadline: ContinuousClock.Instant?
    private var lease: ChannelRegistry.Lease?
    private var publisher: ChannelPublisher? {
        didSet { slot.value = publisher }
    }
    /// The publisher, readable from other threads (GetLiveChannelStat).
    private let slot = PublisherSlot()
    private var connectInfo: ConnectRequest?
    private var ended = false
    /// Reading is paused until the push's segment writes catch up.
    private var backlogged = false
    /// Fault rules are consulted once per connection.
    private var faultChecked = false
    /// A fault rule's `dropAfterBytes`: media bytes taken before the publisher is dropped.
    private var dropAfterBytes: Int?
    private var mediaBytes = 0
    private var onShutdown: [@Sendable () -> Void] = []

    init(connection: SocketConnection, ingest: RTMPIngest) {
        self.connection = connection
        self.ingest = ingest
        self.session = ServerSession(limits: ingest.configuration.rtmpLimits, now: .now)
    }

    private var logger: Logger { ingest.logger }

    func start(alreadyRead: [UInt8]) {
        connection.start(
            onRead: { [self] bytes in perform(session.receive(bytes, now: .now)) },
            onClose: { [self] _ in closed() })
        connection.queue.async { [self] in
            if !alreadyRead.isEmpty { perform(session.receive(alreadyRead, now: .now)) }
            scheduleTimer()
        }
    }

    /// Ends the publish from the server side (shutdown); `done` runs once the
    /// push's files are written.
    func shutdown(reason: String, done: @escaping @Sendable () -> Void) {
        connection.queue.async { [self] in
            if ended || publisher == nil {
                done()
                terminate(reason)
                return
            }
            onShutdown.append(done)
            terminate(reason)
        }
    }

    private func terminate(_ description: String) {
        perform(session.terminate(code: .denied, description: description))
    }

    private func perform(_ output: ServerSession.Output) {
        if !output.bytes.isEmpty { connection.write(output.bytes) }
        for event in output.events { handle(event) }
        if let reason = output.close {
            logger.debug("rtmp \(connection.remoteAddress): closing: \(reason)")
            connection.closeAfterWriting()
        }
        scheduleTimer()
    }

    private func handle(_ event: ServerEvent) {
        switch event {
        case .connected(let request):
            connectInfo = request
        case .publishRequested(let request):
            admit(request)
        case .audio(let message):
            push(8, message)
        case .video(let message):
            push(9, message)
        case .data(let message):
            if message.name == "onMetaData", let properties = message.values.first?.properties {
                publisher?.noteMetadata(keys: Set(properties.map(\.key)))
            }
        case .publishEnded(let reason):
            endPush(reason: "\(reason)")
        }
    }

    private func admit(_ request: PublishRequest) {
        // Fault rules for `rtmp:publish` come first, as a network or server failure would.
        let target = try? PublishTarget.resolve(
            app: request.app, streamName: request.streamName, tcUrl: request.tcUrl ?? connectInfo?.tcUrl,
            resolver: ingest.resolver, defaultBucket: ingest.configuration.defaultBucket)
        if !faultChecked, let fault = ingest.faults.hit(operation: "rtmp:publish", bucket: target?.bucket, key: target?.channel, method: nil) {
            faultChecked = true
            logger.notice("fault injected: rule \(fault.id) on rtmp:publish \(target?.bucket ?? "-")/\(target?.channel ?? "-"): \(fault.actionDescription)")
            ingest.emit(.faultInjected(rule: fault.id, operation: "rtmp:publish", bucket: target?.bucket, key: target?.channel,
                                       action: fault.actionDescription))
            if let delay = fault.delayMilliseconds, delay > 0 {
                connection.queue.asyncAfter(deadline: .now() + .milliseconds(delay)) { [self] in act(on: fault, request) }
            } else {
                act(on: fault, request)
            }
            return
        }
        faultChecked = true
        admitNow(request)
    }

    private func act(on fault: FaultRule, _ request: PublishRequest) {
        if fault.stall { return }  // the publish is never answered
        if fault.reset {
            connection.reset()
        } else if let error = fault.error {
            let description = "\(error.code): \(error.message)"
            perform(session.rejectPublish(code: .denied, description: description))
        } else {
            admitNow(request)
            if let seconds = fault.pauseReadingSeconds, lease != nil {
                connection.pauseReading()
                connection.queue.asyncAfter(deadline: .now() + .milliseconds(Int(seconds * 1000))) { [weak self] in
                    guard let self, !self.backlogged else { return }
                    self.connection.resumeReading()
                }
            }
            if let bytes = fault.dropAfterBytes, lease != nil { dropAfterBytes = bytes }
            if let seconds = fault.dropAfterSeconds, lease != nil {
                connection.queue.asyncAfter(deadline: .now() + .milliseconds(Int(seconds * 1000))) { [weak self] in
                    self?.connection.reset()
                }
            }
        }
    }

    private func admitNow(_ request: PublishRequest) {
        let queue = connection.queue
        let admission = ingest.admit(
            app: request.app, streamName: request.streamName, tcUrl: request.tcUrl ?? connectInfo?.tcUrl,
            remoteAddress: connection.remoteAddress,
            kick: { [weak self] in
                guard let strong = self else { return }
                queue.async { strong.terminate("LiveChannelDisabled: the live channel was disabled by its owner") }
            },
            stats: { [slot] in Self.stats(of: slot.value) })
        switch admission {
        case .refused(let code, let description):
            logger.notice("rtmp publish refused from \(connection.remoteAddress) (\(request.app)/\(redacted(request.streamName))): \(description)")
            let target = try? PublishTarget.resolve(
                app: request.app, streamName: request.streamName, tcUrl: request.tcUrl ?? connectInfo?.tcUrl,
                resolver: ingest.resolver, defaultBucket: ingest.configuration.defaultBucket)
            ingest.emit(.publishRefused(
                bucket: target?.bucket, channel: target?.channel, remoteAddress: connection.remoteAddress, reason: description))
            perform(session.rejectPublish(code: code, description: description))
        case .admitted(let lease, let push):
            self.lease = lease
            let ingest = self.ingest
            publisher = ChannelPublisher(
                configuration: push, store: ingest.store,
                writer: ingest.writerQueue(bucket: push.bucket, channel: push.channel), namer: ingest.namer,
                timelines: ingest.timelines,
                wallClock: ingest.configuration.wallClock, monotonicMilliseconds: MonotonicClock.milliseconds,
                onEvent: { [logger = ingest.logger, ingest, channel = push.channel] event in
                    switch event {
                    case .segmentWritten(let bucket, let key, let duration, let size):
                        logger.info("segment \(bucket)/\(key) \(duration)ms \(size) bytes")
                        ingest.emit(.segmentWritten(bucket: bucket, channel: channel, key: key, durationMilliseconds: duration, size: size))
                    case .playlistWritten(let bucket, let key, let ended):
                        logger.debug("playlist \(bucket)/\(key)\(ended ? " (ended)" : "")")
                        ingest.emit(.playlistUpdated(bucket: bucket, channel: channel, key: key, ended: ended))
                    case .writeFailed(let bucket, let key, let reason):
                        logger.error("could not write \(bucket)/\(key): \(reason)")
                        ingest.emit(.writeFailed(bucket: bucket, channel: channel, key: key, reason: reason))
                    }
                })
            startIdleChecks()
            logger.info("rtmp publish started: \(push.bucket)/\(push.channel) from \(connection.remoteAddress), playlist \(push.playlistKey)")
            ingest.emit(.publishStarted(
                bucket: push.bucket, channel: push.channel, remoteAddress: connection.remoteAddress, playlistKey: push.playlistKey))
            perform(session.acceptPublish(now: .now))
            // From now on a steady stream of small media messages: read it in
            // batches with the queue's other publishers.
            connection.setBatchedReading(true)
        }
    }

    private func push(_ type: UInt8, _ message: MediaMessage) {
        guard let publisher else { return }
        if let limit = dropAfterBytes {
            mediaBytes += message.payload.count
            if mediaBytes > limit {
                dropAfterBytes = nil
                connection.reset()
                return
            }
        }
        do {
            try publisher.push(tagType: type, timestamp: message.timestamp, payload: message.payload)
            if publisher.isBacklogged, !backlogged { holdBack(publisher) }
        } catch {
            logger.notice("rtmp publish to \(publisher.configuration.bucket)/\(publisher.configuration.channel) stopped: \(error)")
            terminate("InvalidArgument: unsupported media (\(error)); LiveChannel ingest takes H.264 video and AAC audio")
        }
    }

    /// The disk is behind this push: stop reading from the publisher (TCP
    /// slows it down) until the queued segment bytes have drained.
    private func holdBack(_ publisher: ChannelPublisher) {
        backlogged = true
        connection.pauseReading()
        let queue = connection.queue
        publisher.onDrained { [weak self] in
            guard let strong = self else { return }
            queue.async {
                guard strong.backlogged else { return }
                strong.backlogged = false
                strong.connection.resumeReading()
            }
        }
    }

    private func endPush(reason: String) {
        guard !ended, let lease else { return }
        ended = true
        connection.onPollTick = nil
        let waiting = onShutdown
        onShutdown = []
        let channels = ingest.channels
        let clock = ingest.configuration.wallClock
        let logger = self.logger
        let ingest = self.ingest
        let done: @Sendable () -> Void = {
            channels.endPublish(lease, now: clock() / 1000)
            logger.info("rtmp publish ended: \(lease.bucket)/\(lease.channel) (\(reason))")
            ingest.emit(.publishEnded(bucket: lease.bucket, channel: lease.channel, reason: reason))
            for callback in waiting { callback() }
        }
        if let publisher {
            publisher.finish(completion: done)
        } else {
            done()
        }
    }

    private func closed() {
        perform(session.connectionClosed())
        // A publish that never reached a decision has no lease to end.
        timer?.cancel()
        timer = nil
        connection.onPollTick = nil
        for callback in onShutdown { callback() }
        onShutdown = []
        ingest.connectionEnded(self)
    }

    private static func stats(of publisher: ChannelPublisher?) -> (video: LiveVideoStat?, audio: LiveAudioStat?) {
        guard let stats = publisher?.stats else { return (nil, nil) }
        let video = stats.video.map {
            LiveVideoStat(width: $0.width, height: $0.height, frameRate: $0.frameRate, bandwidth: $0.bandwidth,
                          details: LiveVideoDetails(
                            profileIDC: Int($0.profileIDC), constraintFlags: Int($0.constraintFlags), levelIDC: Int($0.levelIDC),
                            keyFrameIntervalMilliseconds: $0.keyFrameIntervalMilliseconds, bandwidthHistory: $0.bandwidthHistory))
        }
        let audio = stats.audio.map {
            LiveAudioStat(bandwidth: $0.bandwidth, sampleRate: $0.sampleRate,
                          details: LiveAudioDetails(objectType: Int($0.objectType), channels: $0.channels, bandwidthHistory: $0.bandwidthHistory))
        }
        return (video, audio)
    }

    /// The open segment of a publisher gone quiet is closed from the poll
    /// tick of batched reading (`ConnectionQueue.pollInterval`, well under
    /// `ChannelPublisher.idleCheckMilliseconds`), which runs anyway: no timer
    /// per publisher.
    private func startIdleChecks() {
        guard let publisher else { return }
        connection.onPollTick = { [weak publisher] in publisher?.closeIfIdle() }
    }

    /// Arms the timer for the session's next deadline. Every message moves
    /// the inactivity deadline later; re-arming a Dispatch timer that often
    /// costs a wake-up of Dispatch's manager thread per message, so a timer
    /// armed for an earlier instant is left alone: it fires early, finds
    /// nothing due and is armed again for the deadline of that moment.
    private func scheduleTimer() {
        guard let deadline = session.nextDeadline else {
            timer?.cancel()
            timer = nil
            armedDeadline = nil
            return
        }
        if timer != nil, let armed = armedDeadline, armed <= deadline { return }
        let delay = ContinuousClock.now.duration(to: deadline)
        let nanoseconds = max(0, delay.components.seconds * 1_000_000_000 + delay.components.attoseconds / 1_000_000_000)
        if timer == nil {
            let source = DispatchSource.makeTimerSource(queue: connection.queue)
            source.setEventHandler { [weak self] in
                guard let self else { return }
                armedDeadline = nil
                perform(session.checkTimeouts(now: .now))
            }
            source.resume()
            timer = source
        }
        armedDeadline = deadline
        timer?.schedule(deadline: .now() + .nanoseconds(Int(nanoseconds)), leeway: .milliseconds(50))
    }

    /// The stream name without signature values, for logs.
    private func redacted(_ streamName: String) -> String {
        guard let mark = streamName.firstIndex(of: "?") else { return streamName }
        return String(streamName[..<mark]) + "?…"
    }
}

final class PublisherSlot: Sendable {
    private let storage = Locked<ChannelPublisher?>(nil)
    var value: ChannelPublisher? {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}
