import Dispatch
import Locking
import Testing

/// `Locked` is the lock behind every queue-shared state. These tests also
/// run under `scripts/sanitize.sh thread`, where a lock the sanitizer cannot
/// see (as `Synchronization.Mutex` is when contended on Linux) turns the
/// contended increments below into race reports and fails the run.
struct LockedTests {
    @Test func contendedUpdatesAreNeitherLostNorTorn() {
        let threads = 8
        let rounds = 20_000
        // A dictionary, not an integer, so a torn update can crash or lose keys.
        let counts = Locked<[Int: Int]>([:])
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for round in 0..<rounds {
                counts.withLock { $0[round % 64, default: 0] += thread + 1 }
            }
        }
        let total = counts.withLock { $0.values.reduce(0, +) }
        #expect(total == rounds * (1...threads).reduce(0, +))
        #expect(counts.withLock { $0.count } == 64)
    }

    @Test func aThrowingBodyLeavesTheLockFree() {
        struct Refused: Error {}
        let value = Locked(0)
        #expect(throws: Refused.self) {
            try value.withLock { (number: inout Int) throws(Refused) -> Void in
                number = 1
                throw Refused()
            }
        }
        // Would deadlock if the throw had left the mutex held.
        #expect(value.withLock { $0 } == 1)
    }

    @Test func holdsAValueThatCannotBeCopied() {
        struct Token: ~Copyable { var uses = 0 }
        let token = Locked(Token())
        token.withLock { $0.uses += 1 }
        #expect(token.withLock { $0.uses } == 1)
    }
}
