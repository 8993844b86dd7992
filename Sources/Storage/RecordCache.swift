import Locking

/// Records a request path reads every time (a bucket's policy, CORS rules,
/// referer and website settings are consulted on each request), kept in
/// memory as read or as decoded by the reader, so a read costs no file
/// system calls and no parsing. Every write of a record (save, delete, the
/// bucket's deletion) drops the cached values of its bucket and namespace
/// after it changed the disk, so a reader never keeps an old one.
///
/// A miss reads the disk (and decodes) *outside* the cache's lock: loading
/// looks the bucket up, which takes the store's bucket table lock, and the
/// bucket's deletion forgets its records; holding both in opposite orders
/// would deadlock. A loaded value is kept only when no record was forgotten
/// while it was being read (`generation`), so a load that raced with a write
/// is answered once but never cached.
final class RecordCache: Sendable {
    private struct Slot: Hashable {
        var namespace: String
        var bucket: String
        /// The type of the value: raw records and each decoded form are kept apart.
        var kind: ObjectIdentifier
    }
    private struct Table {
        var values: [Slot: any Sendable] = [:]
        /// Counts the forgets; a load keeps its value only if this did not move.
        var generation: UInt64 = 0
    }
    private let table = Locked(Table())

    func value<Value: Sendable>(namespace: String, bucket: String, load: () throws -> Value) rethrows -> Value {
        let slot = Slot(namespace: namespace, bucket: bucket, kind: ObjectIdentifier(Value.self))
        let (cached, generation): (Value?, UInt64) = table.withLock { table in
            (table.values[slot] as? Value, table.generation)
        }
        if let cached { return cached }
        let value = try load()
        table.withLock { table in
            if table.generation == generation { table.values[slot] = value }
        }
        return value
    }

    func forget(namespace: String, bucket: String) {
        table.withLock { table in
            table.generation &+= 1
            table.values = table.values.filter { $0.key.namespace != namespace || $0.key.bucket != bucket }
        }
    }

    func forget(bucket: String) {
        table.withLock { table in
            table.generation &+= 1
            table.values = table.values.filter { $0.key.bucket != bucket }
        }
    }
}
