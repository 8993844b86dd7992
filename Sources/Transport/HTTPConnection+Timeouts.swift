import Dispatch

/// Timeouts: one lazily re-armed timer per connection. Progress only moves
/// timestamps; when the timer fires early it re-arms for the real deadline,
/// so a streaming body costs no timer updates.
extension HTTPConnection {
    enum Expiry { case dropIdle, requestTimeout, writeStalled }

    func nextExpiry() -> (deadline: UInt64, expiry: Expiry)? {
        guard !closed && !detached else { return nil }
        let limits = context.limits
        var best: (deadline: UInt64, expiry: Expiry)?
        func consider(_ deadline: UInt64, _ expiry: Expiry) {
            if let current = best, current.deadline <= deadline { return }
            best = (deadline, expiry)
        }
        if !inputHalted && !closing {
            if receiving != nil {
                consider(lastBodyProgress &+ limits.bodyIdleTimeout.nanoseconds, .requestTimeout)
            } else if decoder.isReceivingHead {
                consider(headStartedAt &+ limits.headerTimeout.nanoseconds, .requestTimeout)
            } else if slots.isEmpty && pendingInput.isEmpty && streaming == nil {
                let wait = servedAny ? limits.keepAliveIdleTimeout : limits.headerTimeout
                consider(idleSince &+ wait.nanoseconds, .dropIdle)
            }
        }
        if socket.pendingWriteBytes > 0 {
            consider(socket.lastWriteProgress &+ limits.writeIdleTimeout.nanoseconds, .writeStalled)
        }
        return best
    }

    /// Nothing in progress: no request begun, none unanswered, nothing streaming.
    /// Such a connection may be shed to make room at the connection limits.
    var isIdle: Bool {
        !closed && !closing && !detached && !inputHalted && acceptedTunnel == nil
            && slots.isEmpty && pendingInput.isEmpty && streaming == nil && receiving == nil
            && !decoder.isReceivingHead
    }

    /// Called after every change of state (with the timer, which follows the same changes).
    func armTimer() {
        socket.setIdle(since: isIdle ? idleSince : nil)
        guard let next = nextExpiry(), next.deadline < timerDeadline else { return }
        let timer: DispatchSourceTimer
        if let existing = self.timer {
            timer = existing
        } else {
            timer = DispatchSource.makeTimerSource(queue: socket.queue)
            timer.setEventHandler { [unowned self] in self.timerFired() }
            timer.activate()
            self.timer = timer
        }
        timerDeadline = next.deadline
        let now = monotonicNanoseconds()
        let leeway = next.deadline > now ? min(max((next.deadline - now) / 20, 1_000_000), 1_000_000_000) : 1_000_000
        timer.schedule(deadline: DispatchTime(uptimeNanoseconds: next.deadline),
                       leeway: .nanoseconds(Int(leeway)))
    }

    private func timerFired() {
        timerDeadline = .max
        guard let next = nextExpiry() else { return }
        guard monotonicNanoseconds() >= next.deadline else {
            armTimer()
            return
        }
        switch next.expiry {
        case .dropIdle:
            closing = true
            socket.close()
        case .requestTimeout:
            refuseRequest(.requestTimeout)
        case .writeStalled:
            closing = true
            socket.close()
        }
    }

    /// The connection is closing or handed over: never idle again.
    func cancelTimer() {
        socket.setIdle(since: nil)
        timer?.cancel()
        timer = nil
        timerDeadline = .max
    }
}
