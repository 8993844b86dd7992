import Locking

/// Records a request path reads every time (a bucket's policy, CORS rules,
/// referer and website settings are consulted on each request), kept in
/// memory as read or as decoded by the reader, so a read costs no file
/// system calls and no parsing. Every write of a record (save, delete, the
/// bucket's deletion) drops the cached values of its bucket and namespace
/// after it changed the disk, so a reader never keeps an old one; a miss
/// reads the disk (and decodes) under the cache's lock.
final class RecordCache: Sendable {
    private struct Slot: Hashable {
        var namespace: String
        var bucket: String
        /// The type of the value: raw records and each decoded form are kept apart.
        var kind: ObjectIdentifier
    }
    private let table = Locked<[Slot: any Sendable]>([:])

    func value<Value: Sendable>(namespace: String, bucket: String, load: () throws -> Value) rethrows -> Value {
        try table.withLock { table in
            let slot = Slot(namespace: namespace, bucket: bucket, kind: ObjectIdentifier(Value.self))
            if let cached = table[slot] as? Value { return cached }
            let value = try load()
            table[slot] = value
            return value
        }
    }

    func forget(namespace: String, bucket: String) {
        table.withLock { table in table = table.filter { $0.key.namespace != namespace || $0.key.bucket != bucket } }
    }

    func forget(bucket: String) {
        table.withLock { table in table = table.filter { $0.key.bucket != bucket } }
    }
}
