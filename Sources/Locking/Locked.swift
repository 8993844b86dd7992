#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value guarded by a POSIX mutex: the lock every module uses for state
/// shared between queues.
///
/// Not `Synchronization.Mutex`: on Linux that one takes its lock in the
/// kernel (a priority-inheriting futex, after spinning) whenever it is
/// contended, which ThreadSanitizer cannot see, so every contended critical
/// section was reported as a race and real races were lost in the noise.
/// `pthread_mutex_lock` is intercepted by the sanitizer and costs about the
/// same (one compare-and-swap each way when uncontended). Like `Mutex`, a
/// body must not lock the same value again.
public final class Locked<Value: ~Copyable>: @unchecked Sendable {
    // Heap-allocated: a pthread mutex must never move once initialised.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value

    public init(_ value: consuming sending Value) {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        let status = pthread_mutex_init(mutex, nil)
        precondition(status == 0, "pthread_mutex_init failed: \(status)")
        self.value = value
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// Runs `body` with exclusive access to the value and returns its result.
    public func withLock<Result, Failure: Error>(
        _ body: (inout sending Value) throws(Failure) -> sending Result
    ) throws(Failure) -> sending Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
