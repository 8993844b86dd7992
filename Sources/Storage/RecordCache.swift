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
///
/// A lookup hashes the bucket name once and then scans that bucket's few
/// slots; a value is kept in a box of its own type, so taking it out needs
/// no dynamic cast. A GET consults the cache several times (policy,
/// referer, CORS), so this is on the hot path of every request.
final class RecordCache: Sendable {
    private final class Box<Value: Sendable>: @unchecked Sendable {
        let value: Value
        init(_ value: Value) { self.value = value }
    }
    private struct Slot: @unchecked Sendable {
        var namespace: String
        /// The type of the value: raw records and each decoded form are kept apart.
        var kind: ObjectIdentifier
        /// A `Box<Value>` whose `Value` is `kind`.
        var box: AnyObject

        func holds(_ namespace: String, _ kind: ObjectIdentifier) -> Bool {
            self.kind == kind && self.namespace == namespace
        }
    }
    private struct Table: @unchecked Sendable {
        var buckets: [String: [Slot]] = [:]
        /// Counts the forgets; a load keeps its value only if this did not move.
        var generation: UInt64 = 0
    }
    private let table = Locked(Table())

    func value<Value: Sendable>(namespace: String, bucket: String, load: () throws -> Value) rethrows -> Value {
        let kind = ObjectIdentifier(Value.self)
        let (cached, generation): (AnyObject?, UInt64) = table.withLock { table in
            let box = table.buckets[bucket]?.first { $0.holds(namespace, kind) }?.box
            return (box, table.generation)
        }
        if let cached { return unsafeDowncast(cached, to: Box<Value>.self).value }
        let value = try load()
        table.withLock { table in
            guard table.generation == generation else { return }
            let slot = Slot(namespace: namespace, kind: kind, box: Box(value))
            if let index = table.buckets[bucket]?.firstIndex(where: { $0.holds(namespace, kind) }) {
                table.buckets[bucket]?[index] = slot
            } else {
                table.buckets[bucket, default: []].append(slot)
            }
        }
        return value
    }

    func forget(namespace: String, bucket: String) {
        table.withLock { table in
            table.generation &+= 1
            table.buckets[bucket]?.removeAll { $0.namespace == namespace }
            if table.buckets[bucket]?.isEmpty == true { table.buckets[bucket] = nil }
        }
    }

    func forget(bucket: String) {
        table.withLock { table in
            table.generation &+= 1
            table.buckets[bucket] = nil
        }
    }
}
