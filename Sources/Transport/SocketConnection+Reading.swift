#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The read path: runs on `queue` when the read source fires, or unasked when
/// input may be left that no event will announce.
extension SocketConnection {
    /// `mayHaveError`: false when the caller knows the socket has no pending
    /// error (a poll that reported neither POLLERR nor POLLHUP), which saves
    /// asking for it after a full read.
    func readAvailable(mayHaveError: Bool = true) {
        let buffer = loop.readBuffer
        guard let base = buffer.baseAddress else { return }
        var reads = 0
        while true {
            if case .closed = state { return }
            if !readingWanted {
                unreadInputMayRemain = true
                // Input while paused: out of the readiness set until wanted again,
                // which would otherwise report it on every look.
                leaveReadinessSet()
                return
            }
            if reads == Self.maxReadsPerEvent {
                // Yield the queue to other connections, then carry on without
                // waiting for an event that may never come.
                unreadInputMayRemain = true
                if inPollSet {
                    // More than the tick keeps up with: per-event reading for now.
                    flooding = true
                    updateReadSource()
                }
                // The readiness set reports it again on its next look.
                if !inReadinessSet { scheduleRead() }
                return
            }
            // A short read does not mean the socket is drained: an error or
            // EOF may sit right behind the bytes, announced by no later event
            // from Dispatch. The poll tick asks again (level-triggered), so a
            // batched connection whose first read was short (a live stream's
            // few kilobytes per tick) stops there; one with more goes on.
            let count = read(descriptor, base, buffer.count)
            if count > 0 {
                reads += 1
                // A reset peer can take no answer: request bytes still queued
                // in front of the error are not worth reading (or spooling).
                // Asked only when the first read filled the buffer (more may be
                // queued); a short read costs no extra system call.
                if reads == 1, count == buffer.count, mayHaveError, let code = pendingError() {
                    closeNow(.failed(operation: "read", errno: code))
                    return
                }
                switch state {
                case .open:
                    onReadHandler?(UnsafeRawBufferPointer(start: base, count: count))
                case .draining, .lingering:
                    lingeredBytes += count
                    if lingeredBytes > Self.maxLingerBytes { closeNow(.closedLocally) }
                case .closed:
                    return
                }
                if count < buffer.count && reads == 1 {
                    if flooding {
                        // Slowed down: back to the tick, which reads the rest.
                        flooding = false
                        updateReadSource()
                    }
                    if inPollSet {
                        unreadInputMayRemain = false
                        return
                    }
                }
            } else if count == 0 {
                unreadInputMayRemain = false
                endOfInput()
                return
            } else {
                switch errno {
                case EINTR: continue
                case EAGAIN, EWOULDBLOCK:
                    unreadInputMayRemain = false
                    return
                default:
                    closeNow(.failed(operation: "read", errno: errno))
                    return
                }
            }
        }
    }

    /// The socket's pending error (a reset), cleared by asking.
    private func pendingError() -> Int32? {
        var code: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &code, &length) == 0, code != 0 else { return nil }
        return code
    }

    /// Reads on the next turn of the queue, if reading is still wanted then.
    func scheduleRead() {
        loop.queue.async { [self] in
            guard readingWanted, unreadInputMayRemain else { return }
            if case .closed = state { return }
            readAvailable()
        }
    }
}
