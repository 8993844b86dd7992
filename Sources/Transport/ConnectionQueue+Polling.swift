#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch

/// Batched reading: connections that asked for it are read on one timer tick
/// per queue, found ready by one `poll(2)` over all of them. A Dispatch read
/// source per connection costs a hand-off from Dispatch's event thread to a
/// worker thread per readable event, and for a live publisher (a few small
/// messages every frame) those hand-offs, not the work, were most of the
/// CPU; the tick makes it one hand-off per interval for all of them.
extension ConnectionQueue {
    /// How often batched connections are read. A live publisher's media then
    /// waits at most this long in the socket, far below a segment's length.
    static let pollInterval: DispatchTimeInterval = .milliseconds(100)
    /// How late the tick may run, so the kernel can coalesce its timers.
    static let pollLeeway: DispatchTimeInterval = .milliseconds(20)

    /// On `queue`.
    func addPolled(_ connection: SocketConnection) {
        polled.append(connection)
        pollDescriptors.append(pollfd(fd: connection.descriptor, events: Int16(POLLIN), revents: 0))
        guard pollTimer == nil else { return }
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + Self.pollInterval, repeating: Self.pollInterval, leeway: Self.pollLeeway)
        timer.setEventHandler { [unowned self] in self.pollTick() }
        timer.activate()
        pollTimer = timer
    }

    /// On `queue`.
    func removePolled(_ connection: SocketConnection) {
        guard let index = polled.firstIndex(where: { $0 === connection }) else { return }
        polled.swapAt(index, polled.count - 1)
        polled.removeLast()
        pollDescriptors.swapAt(index, pollDescriptors.count - 1)
        pollDescriptors.removeLast()
        if polled.isEmpty {
            pollTimer?.cancel()
            pollTimer = nil
        }
    }

    private func pollTick() {
        guard !polled.isEmpty else { return }
        // Copies: reading may close connections, which changes the sets.
        let connections = polled
        var descriptors = pollDescriptors
        let ready = descriptors.withUnsafeMutableBufferPointer { buffer in
            poll(buffer.baseAddress, nfds_t(buffer.count), 0)
        }
        if ready > 0 {
            for index in descriptors.indices where descriptors[index].revents != 0 {
                let connection = connections[index]
                let events = descriptors[index].revents
                if connection.inPollSet {
                    connection.readAvailable(mayHaveError: events & Int16(POLLERR | POLLHUP) != 0)
                }
            }
        }
        for connection in connections where connection.inPollSet { connection.onPollTick?() }
    }
}
