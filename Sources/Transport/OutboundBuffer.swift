#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Bytes and file ranges waiting to go out on one socket, in order.
///
/// Each flush gathers as much as it can into one `sendmsg` (a response head
/// and its body, or a head and the first file chunk), because a response
/// split over two writes waits on the client's delayed ACK. A short file
/// range is read with `pread` one bounded chunk at a time, only when the
/// socket can take it. A range of `directFileThreshold` bytes or more goes
/// from the page cache to the socket with `sendfile(2)` (Linux), with no copy
/// through memory of ours; the bytes before it are sent with `MSG_MORE`, so
/// the head still leaves with the first bytes of the body.
struct OutboundBuffer: ~Copyable {
    /// Bytes of a file read ahead per response; bounds memory per connection.
    static let fileChunkSize = 256 * 1024
    /// File ranges this long or longer are sent with sendfile(2) where the
    /// system has it; shorter ones are read with pread and gathered with the
    /// head into one sendmsg.
    #if os(Linux)
    static let directFileThreshold: Int64 = 64 * 1024
    #else
    static let directFileThreshold = Int64.max
    #endif
    /// Buffers gathered into one sendmsg call (IOV_MAX is 1024 on Linux).
    static let maxGather = 64

    enum FlushResult: Equatable {
        case drained
        case wouldBlock
        case failed(operation: String, errno: Int32)
    }

    private struct Item {
        /// Owned memory: a copy of the bytes, or the current file chunk.
        var storage: UnsafeMutableRawBufferPointer
        var start: Int
        var end: Int
        var file: FileRange?
        /// A file still to go with sendfile(2).
        var sendsDirectly: Bool { file.map { $0.direct && $0.remaining > 0 } ?? false }
    }

    private struct FileRange {
        var descriptor: Int32
        var offset: Int64
        /// Bytes not yet read (chunked) or not yet sent (direct).
        var remaining: Int64
        /// Sent with sendfile(2); the item then has no storage.
        var direct: Bool
    }

    private var items: [Item] = []
    private var head = 0
    /// Bytes not yet handed to the kernel, file ranges included.
    private(set) var pendingBytes: Int64 = 0

    init() {}

    deinit {
        for index in head..<items.count { release(items[index]) }
    }

    var isEmpty: Bool { head == items.count }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
        storage.copyMemory(from: bytes)
        items.append(Item(storage: storage, start: 0, end: bytes.count, file: nil))
        pendingBytes += Int64(bytes.count)
    }

    /// Takes ownership of `descriptor`: it is closed once sent or discarded.
    mutating func appendFile(descriptor: Int32, offset: Int64, length: Int64) {
        guard length > 0 else {
            close(descriptor)
            return
        }
        let direct = length >= Self.directFileThreshold
        let capacity = direct ? 0 : Int(min(Int64(Self.fileChunkSize), length))
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 1)
        items.append(Item(storage: storage, start: 0, end: 0,
                          file: FileRange(descriptor: descriptor, offset: offset, remaining: length, direct: direct)))
        pendingBytes += length
    }

    /// Writes until everything is sent, the socket is full, or it fails.
    mutating func flush(to socket: Int32) -> FlushResult {
        while !isEmpty {
            if items[head].sendsDirectly {
                if let stop = sendDirect(at: head, to: socket) { return stop }
                continue
            }
            var vectors: [iovec] = []
            vectors.reserveCapacity(min(items.count - head, Self.maxGather))
            var index = head
            // A file sent directly next: hold these bytes for its first ones.
            var more = false
            while index < items.count && vectors.count < Self.maxGather {
                if items[index].sendsDirectly {
                    more = true
                    break
                }
                if items[index].start == items[index].end, let file = items[index].file, file.remaining > 0 {
                    if let failure = loadChunk(at: index) { return failure }
                }
                let item = items[index]
                if item.end > item.start, let base = item.storage.baseAddress {
                    vectors.append(iovec(iov_base: base + item.start, iov_len: item.end - item.start))
                }
                index += 1
                // The rest of a file must go before anything queued after it.
                if let file = item.file, file.remaining > 0 { break }
            }
            guard !vectors.isEmpty else {
                retireFinished()
                continue
            }
            let sent = vectors.withUnsafeMutableBufferPointer { buffer -> Int in
                var message = msghdr()
                message.msg_iov = buffer.baseAddress
                message.msg_iovlen = numericCast(buffer.count)
                return sendmsg(socket, &message, more ? sendFlags | moreFlag : sendFlags)
            }
            if sent < 0 {
                switch errno {
                case EINTR: continue
                case EAGAIN, EWOULDBLOCK: return .wouldBlock
                default: return .failed(operation: "send", errno: errno)
                }
            }
            consume(sent)
        }
        return .drained
    }

    /// Drops everything unsent and closes the files.
    mutating func discard() {
        for index in head..<items.count { release(items[index]) }
        items = []
        head = 0
        pendingBytes = 0
    }

    /// Sends the direct file at `index` (the front) until it is done, the
    /// socket is full, or it fails; nil when it is done. sendfile(2) takes no
    /// MSG_NOSIGNAL: a peer gone mid-file is EPIPE here because every
    /// listener and connector ignores SIGPIPE for the process (`ignoreSIGPIPE`).
    private mutating func sendDirect(at index: Int, to socket: Int32) -> FlushResult? {
        #if os(Linux)
        guard var file = items[index].file else { return nil }
        while file.remaining > 0 {
            var offset = off_t(file.offset)
            let count = sendfile(socket, file.descriptor, &offset, Int(min(file.remaining, Int64(Int.max))))
            if count < 0 {
                switch errno {
                case EINTR: continue
                case EAGAIN, EWOULDBLOCK:
                    items[index].file = file
                    return .wouldBlock
                default: return .failed(operation: "sendfile", errno: errno)
                }
            }
            // A file shorter than promised cannot honour the Content-Length sent.
            if count == 0 { return .failed(operation: "sendfile", errno: EIO) }
            file.offset += Int64(count)
            file.remaining -= Int64(count)
            pendingBytes -= Int64(count)
        }
        items[index].file = file
        retireFinished()
        return nil
        #else
        return .failed(operation: "sendfile", errno: ENOSYS)
        #endif
    }

    private mutating func loadChunk(at index: Int) -> FlushResult? {
        guard var file = items[index].file, let base = items[index].storage.baseAddress else { return nil }
        let wanted = Int(min(Int64(items[index].storage.count), file.remaining))
        while true {
            let count = pread(file.descriptor, base, wanted, off_t(file.offset))
            if count < 0 && errno == EINTR { continue }
            if count < 0 { return .failed(operation: "pread", errno: errno) }
            // A file shorter than promised cannot honour the Content-Length sent.
            if count == 0 { return .failed(operation: "pread", errno: EIO) }
            file.offset += Int64(count)
            file.remaining -= Int64(count)
            items[index].file = file
            items[index].start = 0
            items[index].end = count
            return nil
        }
    }

    private mutating func consume(_ sent: Int) {
        pendingBytes -= Int64(sent)
        var left = sent
        while left > 0 && head < items.count {
            let available = items[head].end - items[head].start
            guard available > 0 else { break }
            let used = min(available, left)
            items[head].start += used
            left -= used
            if used == available { retireFinished() }
        }
    }

    /// Removes the front items that have nothing left to send.
    private mutating func retireFinished() {
        while head < items.count && items[head].start == items[head].end {
            if let file = items[head].file, file.remaining > 0 { break }
            release(items[head])
            head += 1
        }
        if head == items.count {
            items.removeAll(keepingCapacity: items.count <= 16)
            head = 0
        } else if head >= 32 && head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
    }

    private func release(_ item: Item) {
        item.storage.deallocate()
        if let file = item.file { close(file.descriptor) }
    }
}

#if canImport(Darwin)
// SO_NOSIGPIPE is set on Darwin sockets instead.
let sendFlags: Int32 = 0
let moreFlag: Int32 = 0
#else
let sendFlags = Int32(MSG_NOSIGNAL)
/// More follows at once (the body of a file sent directly): no segment yet.
let moreFlag = Int32(MSG_MORE)
#endif
