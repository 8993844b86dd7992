import Locking

/// Records a request path reads every time (a bucket's policy is consulted
/// on each anonymous object request), kept in memory so a read costs no
/// file system calls. Every write of a record (save, delete, the bucket's
/// deletion) drops the cached copy after it changed the disk, so a reader
/// never keeps an old one; a miss reads the disk under the cache's lock.
final class RecordCache: Sendable {
    private struct Slot: Hashable {
        var namespace: String
        var bucket: String
    }
    private let table = Locked<[Slot: [(name: String, bytes: [UInt8])]]>([:])

    func records(namespace: String, bucket: String,
                 load: () throws -> [(name: String, bytes: [UInt8])]) rethrows -> [(name: String, bytes: [UInt8])] {
        try table.withLock { table in
            let slot = Slot(namespace: namespace, bucket: bucket)
            if let cached = table[slot] { return cached }
            let records = try load()
            table[slot] = records
            return records
        }
    }

    func forget(namespace: String, bucket: String) {
        _ = table.withLock { $0.removeValue(forKey: Slot(namespace: namespace, bucket: bucket)) }
    }

    func forget(bucket: String) {
        table.withLock { table in table = table.filter { $0.key.bucket != bucket } }
    }
}
