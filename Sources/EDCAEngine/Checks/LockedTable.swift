import Glibc

/// A dictionary shared between threads, guarded by a pthread mutex.
///
/// A pthread mutex rather than `Synchronization.Mutex`: ThreadSanitizer intercepts `pthread_mutex_lock`, but it
/// does not see the futex-based locking of the prebuilt Synchronization library, so its runs reported the accesses
/// inside `Mutex.withLock` from two threads as a race.
final class LockedTable<Key: Hashable, Value>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var table: [Key: Value] = [:]

    init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` on the table while holding the lock.
    func withLock<Result>(_ body: (inout [Key: Value]) -> Result) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body(&table)
    }
}
