import Dispatch
import RTMP
import Transport

/// One published stream: a connection, the sans-I/O RTMP client session,
/// and the position in the shared media. Confined to its connection's
/// queue; the queue's `PacingLoop` calls `tick` to send what is due.
final class StreamPublisher: @unchecked Sendable {
    /// Bytes gathered into one socket write before yielding the queue.
    static let maxBatchBytes = 256 * 1024
    /// Unsent bytes a stream queues before it waits for the socket: small,
    /// so a server that cannot keep up shows as lag instead of hiding in
    /// the publisher's memory.
    static let writeHighWaterMark = 128 * 1024
    /// A realtime stream further behind its schedule than this counts as
    /// not keeping up.
    static let lagLimit: Duration = .seconds(1)

    let number: Int
    let url: PublishURL
    private let media: PublishMedia
    private let options: PublishOptions
    private let totals: PublishTotals
    private let onDone: @Sendable (StreamPublisher, StreamOutcome) -> Void

    private enum Phase {
        case connecting
        case publishing(since: ContinuousClock.Instant)
        /// Unpublish sent; the connection closes once it is written.
        case unpublished
        case done
    }

    private var session: ClientSession
    private var connection: SocketConnection?
    private var phase = Phase.connecting
    private var index = 0
    private var pass: UInt32 = 0
    private var sentMedia: UInt32 = 0
    private var stopping = false
    private var blocked = false
    private var pumpScheduled = false
    private var lagged = false
    private var connectAnswered = false
    private(set) var outcome: StreamOutcome?

    /// The queue the stream runs on, once connected.
    var queue: DispatchQueue? { connection?.queue }

    init(number: Int, url: PublishURL, media: PublishMedia, options: PublishOptions, totals: PublishTotals,
         onDone: @escaping @Sendable (StreamPublisher, StreamOutcome) -> Void) {
        self.number = number
        self.url = url
        self.media = media
        self.options = options
        self.totals = totals
        self.onDone = onDone
        var configuration = ClientSession.Configuration(app: url.app, tcUrl: url.tcUrl, streamName: url.streamName)
        configuration.limits = options.limits
        session = ClientSession(configuration: configuration, now: .now)
    }

    /// Connects; `register` runs on the connection's queue before any byte
    /// moves so the queue's pacing loop knows the stream.
    func start(connector: TCPConnector, register: @escaping @Sendable (StreamPublisher, DispatchQueue) -> Void) {
        totals.connecting.add(1, ordering: .relaxed)
        connector.connect(host: url.host, port: url.port, timeout: options.connectTimeout) { [self] result in
            switch result {
            case .failure(let error):
                leavePhase()
                finish(.failed(.connectFailed("\(error)")))
            case .success(let connection):
                self.connection = connection
                register(self, connection.queue)
                if totals.stopRequested.load(ordering: .acquiring) {
                    // Stopped while connecting: no session ran, so no close callback will come.
                    stopping = true
                    connection.close()
                    leavePhase()
                    finish(.failed(.stoppedBeforePublish("just connected")))
                    return
                }
                session = ClientSession(configuration: session.configuration, now: .now)
                connection.writeHighWaterMark = Self.writeHighWaterMark
                connection.onWritable = { [self] in
                    blocked = false
                    pump(now: .now)
                }
                connection.start(
                    onRead: { [self] bytes in perform(session.receive(bytes, now: .now)) },
                    onClose: { [self] reason in closed(reason) })
                perform(session.start())
            }
        }
    }

    /// On the queue: sends what is due and checks the session's deadlines.
    /// A stopping stream only waits for its close (the run's stop grace
    /// bounds that): a deadline passing meanwhile must not replace the stop
    /// as its outcome.
    func tick(now: ContinuousClock.Instant) {
        guard outcome == nil, !stopping, connection != nil else { return }
        if session.isPublishing {
            if options.realtime && !blocked { pump(now: now) }
        } else if let deadline = session.nextDeadline, now >= deadline {
            perform(session.checkTimeouts(now: now))
        }
    }

    /// On the queue: ends the stream, unpublishing when publishing, else
    /// dropping the connection.
    func stop() {
        stopping = true
        guard outcome == nil, let connection else { return }
        if session.isPublishing {
            perform(session.unpublish())
        } else {
            connection.close()
        }
    }

    // MARK: - Session actions

    private func perform(_ output: ClientSession.Output) {
        guard let connection else { return }
        if !output.bytes.isEmpty { connection.write(output.bytes) }
        for event in output.events {
            switch event {
            case .connected:
                connectAnswered = true
            case .publishStarted:
                totals.connecting.subtract(1, ordering: .relaxed)
                totals.publishing.add(1, ordering: .relaxed)
                totals.everPublished.add(1, ordering: .relaxed)
                phase = .publishing(since: .now)
                if stopping {
                    stop()
                    return
                }
                pump(now: .now)
            }
        }
        if let reason = output.close {
            switch reason {
            case .finished:
                leavePhase()
                phase = .unpublished
                connection.closeAfterWriting()
            case .publishRejected(let code, let description):
                if case .publishing = phase {
                    fail(.stoppedByServer(code: code, description: description))
                } else {
                    fail(.refused(code: code, description: description))
                }
            case .handshakeTimeout:
                fail(.handshakeTimeout(options.limits.handshakeTimeout))
            case .publishTimeout:
                fail(.publishTimeout(options.limits.publishTimeout))
            case .protocolViolation(let error):
                fail(.protocolViolation("\(error)"))
            case .idleTimeout, .playRefused, .terminated:
                fail(.sessionEnded("\(reason)"))
            }
        }
    }

    private func fail(_ error: PublishError) {
        guard outcome == nil else { return }
        leavePhase()
        finish(.failed(error))
        connection?.close()
    }

    private func closed(_ reason: Transport.CloseReason) {
        guard outcome == nil else { return }
        let wasUnpublished = if case .unpublished = phase { true } else { false }
        let wasConnecting = if case .connecting = phase { true } else { false }
        leavePhase()
        if stopping && wasConnecting {
            let stage = connectAnswered ? "the server had not answered publish" : "the server had not answered the RTMP handshake and connect"
            finish(.failed(.stoppedBeforePublish(stage)))
            return
        }
        if stopping || wasUnpublished {
            finish(.finished)
            return
        }
        switch reason {
        case .closedByPeer:
            finish(.failed(.closedByServer))
        case .failed(let operation, let code):
            finish(.failed(.socketFailed(operation: operation, errno: code)))
        case .closedLocally, .serverStopped:
            finish(.failed(.connectionClosed))
        }
    }

    /// Takes the stream out of the connecting or publishing count.
    private func leavePhase() {
        switch phase {
        case .connecting: totals.connecting.subtract(1, ordering: .relaxed)
        case .publishing: totals.publishing.subtract(1, ordering: .relaxed)
        case .unpublished, .done: break
        }
        phase = .done
    }

    private func finish(_ result: StreamOutcome) {
        guard outcome == nil else { return }
        outcome = result
        switch result {
        case .finished: totals.finished.add(1, ordering: .relaxed)
        case .failed(let error): totals.recordFailure("stream \(number) (\(url.redacted)): \(error)")
        case .notStarted: break
        }
        onDone(self, result)
    }

    // MARK: - Sending media

    /// Sends due tags (all of them when not realtime) until the socket backs
    /// up or a batch is full; a full batch yields the queue and continues.
    private func pump(now: ContinuousClock.Instant) {
        guard outcome == nil, !stopping, !blocked, let connection, case .publishing(let since) = phase else { return }
        var batch: [UInt8] = []
        let tags = media.tags
        while batch.count < Self.maxBatchBytes {
            if index == tags.count {
                guard options.loop else {
                    flush(&batch, to: connection)
                    perform(session.unpublish())
                    return
                }
                index = 0
                pass &+= 1
            }
            let tag = tags[index]
            if pass > 0 && tag.isSetup {
                index += 1
                continue
            }
            let timestamp = media.timestamp(of: tag, pass: pass)
            let wire = options.keepTimestamps ? timestamp &+ media.firstTimestamp : timestamp
            if options.realtime {
                let due = since + .milliseconds(Int64(timestamp))
                if due > now { break }
                let lag = now - due
                if lag > Self.lagLimit, !lagged {
                    lagged = true
                    totals.lagging.add(1, ordering: .relaxed)
                }
                totals.recordLag(Int(lag.components.seconds * 1000 + lag.components.attoseconds / 1_000_000_000_000_000))
            }
            do {
                switch tag.type {
                case .video: batch += try session.sendVideo(timestamp: wire, payload: tag.payload)
                case .audio: batch += try session.sendAudio(timestamp: wire, payload: tag.payload)
                case .script: batch += try session.sendMetadata(timestamp: wire, scriptData: tag.payload)
                }
            } catch {
                return
            }
            if timestamp > sentMedia {
                totals.mediaMilliseconds.add(Int(timestamp - sentMedia), ordering: .relaxed)
                sentMedia = timestamp
            }
            index += 1
        }
        flush(&batch, to: connection)
        if !connection.isWritable {
            blocked = true
        } else if !options.realtime && !pumpScheduled {
            // More to send: continue after other streams on this queue had a turn.
            pumpScheduled = true
            connection.queue.async { [self] in
                pumpScheduled = false
                pump(now: .now)
            }
        }
    }

    private func flush(_ batch: inout [UInt8], to connection: SocketConnection) {
        guard !batch.isEmpty else { return }
        totals.bytesSent.add(batch.count, ordering: .relaxed)
        connection.write(batch)
        batch.removeAll(keepingCapacity: true)
    }
}
