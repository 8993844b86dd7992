import Locking

/// Contents of small objects kept in memory, so serving one costs no
/// open/read/close. An entry is valid only while the index still describes
/// the same content: file identity (inode, size, modification time) and the
/// content's MD5 and CRC-64 must all match, so a rewrite — even one that
/// reuses the inode within a timestamp tick — is never served stale.
/// Bounded by total bytes; when full, the oldest entries go first.
final class SmallContentCache: Sendable {
    struct Key: Hashable, Sendable {
        var bucket: String
        var key: [UInt8]
    }

    /// What must match for a cached content to be served.
    struct Version: Sendable, Equatable {
        var identity: FileIdentity
        var md5: MD5Value
        var crc64: UInt64
    }

    private struct Entry: Sendable {
        var identity: Version
        var bytes: [UInt8]
        var stamp: UInt64
    }

    private struct State: Sendable {
        var entries: [Key: Entry] = [:]
        var order: [(stamp: UInt64, key: Key)] = []
        var orderStart = 0
        var total = 0
        var nextStamp: UInt64 = 0
    }

    let maxObjectBytes: Int
    let maxTotalBytes: Int
    private let state = Locked(State())

    init(maxObjectBytes: Int, maxTotalBytes: Int) {
        self.maxObjectBytes = maxObjectBytes
        self.maxTotalBytes = maxTotalBytes
    }

    func lookup(_ key: Key, identity: Version) -> [UInt8]? {
        state.withLock { state in
            guard let entry = state.entries[key] else { return nil }
            guard entry.identity == identity else {
                state.total -= entry.bytes.count
                state.entries[key] = nil
                return nil
            }
            return entry.bytes
        }
    }

    func insert(_ key: Key, identity: Version, bytes: [UInt8]) {
        guard bytes.count <= maxObjectBytes, bytes.count <= maxTotalBytes else { return }
        state.withLock { state in
            if let old = state.entries[key] { state.total -= old.bytes.count }
            let stamp = state.nextStamp
            state.nextStamp += 1
            state.entries[key] = Entry(identity: identity, bytes: bytes, stamp: stamp)
            state.order.append((stamp, key))
            state.total += bytes.count
            // Oldest first; queue slots whose entry was replaced or dropped are skipped.
            while state.total > maxTotalBytes, state.orderStart < state.order.count {
                let (oldStamp, oldKey) = state.order[state.orderStart]
                state.orderStart += 1
                if let entry = state.entries[oldKey], entry.stamp == oldStamp {
                    state.total -= entry.bytes.count
                    state.entries[oldKey] = nil
                }
            }
            if state.orderStart > 1024, state.orderStart * 2 > state.order.count {
                state.order.removeFirst(state.orderStart)
                state.orderStart = 0
            }
        }
    }

    func remove(_ key: Key) {
        state.withLock { state in
            if let old = state.entries.removeValue(forKey: key) { state.total -= old.bytes.count }
        }
    }

    var totalBytes: Int { state.withLock { $0.total } }
}
