import Locking
import OSSProtocol

/// `OSSTime.httpDate` for the seconds answers keep asking about: the
/// current one (every answer's `Date`) and the `Last-Modified` of objects
/// being read. One slot per second modulo `slots`, under one lock; a miss
/// formats the date and takes the slot.
enum HTTPDateCache {
    static let slots = 64
    private static let table = Locked<[(seconds: Int64, text: String)?]>(Array(repeating: nil, count: slots))

    static func httpDate(_ epochSeconds: Int64) -> String {
        let slot = Int(UInt64(bitPattern: epochSeconds) % UInt64(slots))
        let cached: String? = table.withLock { table in
            guard let entry = table[slot], entry.seconds == epochSeconds else { return nil }
            return entry.text
        }
        if let cached { return cached }
        let text = OSSTime.httpDate(epochSeconds)
        table.withLock { $0[slot] = (epochSeconds, text) }
        return text
    }
}
