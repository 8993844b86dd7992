/// The connections a listener accepted, counted per remote address, and what
/// to do with a new one at the limits.
///
/// One address may hold `maxPerAddress` connections, so a single client cannot
/// take the whole of `maxConnections`. At either limit an idle connection
/// (no request in progress, nothing left to send) is closed to make room,
/// oldest idle first: the client's own at its share, anyone's at the overall
/// limit. Only when none is idle is the new connection refused; busy
/// connections are never cut. So a client parking thousands of connections
/// cannot lock out the next request, a health check included.
struct ConnectionTable {
    struct Entry {
        let connection: SocketConnection
        let address: String
    }

    enum Admission {
        case admit
        /// Admit, and close this idle connection to make room.
        case admitShedding(SocketConnection)
        case refuseAddressShare
        case refuseLimit
    }

    let maxConnections: Int
    let maxPerAddress: Int
    private(set) var entries: [ObjectIdentifier: Entry] = [:]
    private var perAddress: [String: Int] = [:]
    /// Chosen to be shed: still open until their queue closes them, no longer counted.
    private var shedding: Set<ObjectIdentifier> = []

    init(maxConnections: Int, maxPerAddress: Int) {
        self.maxConnections = max(1, maxConnections)
        self.maxPerAddress = max(1, min(maxPerAddress, maxConnections))
    }

    /// Connections counted against the limits.
    var counted: Int { entries.count - shedding.count }

    func count(from address: String) -> Int { perAddress[address, default: 0] }

    /// Decides on a connection from `address`; a connection to shed stops
    /// counting at once, so the caller must close it (or call `shedDeclined`).
    mutating func admission(from address: String) -> Admission {
        if count(from: address) >= maxPerAddress {
            guard let victim = oldestIdle(from: address) else { return .refuseAddressShare }
            markShedding(victim)
            return .admitShedding(victim.connection)
        }
        if counted >= maxConnections {
            guard let victim = oldestIdle(from: nil) else { return .refuseLimit }
            markShedding(victim)
            return .admitShedding(victim.connection)
        }
        return .admit
    }

    mutating func insert(_ connection: SocketConnection, from address: String) {
        entries[ObjectIdentifier(connection)] = Entry(connection: connection, address: address)
        perAddress[address, default: 0] += 1
    }

    /// The connection closed.
    mutating func remove(_ id: ObjectIdentifier) {
        guard let entry = entries.removeValue(forKey: id) else { return }
        if shedding.remove(id) == nil { uncount(entry.address) }
    }

    /// The connection to shed had become busy by the time its queue looked: it stays, counted again.
    mutating func shedDeclined(_ id: ObjectIdentifier) {
        guard shedding.remove(id) != nil, let entry = entries[id] else { return }
        perAddress[entry.address, default: 0] += 1
    }

    private mutating func markShedding(_ entry: Entry) {
        shedding.insert(ObjectIdentifier(entry.connection))
        uncount(entry.address)
    }

    private mutating func uncount(_ address: String) {
        let left = perAddress[address, default: 0] - 1
        perAddress[address] = left > 0 ? left : nil
    }

    /// The connection idle the longest, of `address` when given. A linear
    /// scan, only ever made at a limit.
    private func oldestIdle(from address: String?) -> Entry? {
        var best: (entry: Entry, since: UInt64)?
        for (id, entry) in entries where !shedding.contains(id) {
            if let address, entry.address != address { continue }
            let since = entry.connection.idleSince
            guard since != 0 else { continue }
            if let current = best, current.since <= since { continue }
            best = (entry, since)
        }
        return best?.entry
    }
}
