import Glibc

/// A value guarded by a pthread mutex, with a condition variable to wait for changes to it.
///
/// `@unchecked Sendable`: `state` is read and written only between `pthread_mutex_lock` and `pthread_mutex_unlock`
/// on `mutex` (in `withLock` and `wait(until:then:)`), so no two threads ever touch it at once.
final class Monitor<State>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    private var state: State

    /// Creates the monitor with its first state. Calls `pthread_mutex_init` and `pthread_cond_init`.
    init(_ initial: State) {
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        let mutexStatus = pthread_mutex_init(mutex, nil)
        let conditionStatus = pthread_cond_init(condition, nil)
        precondition(mutexStatus == 0 && conditionStatus == 0, "pthread_mutex_init/pthread_cond_init failed")
        state = initial
    }

    deinit {
        // POSIX: a mutex or condition may be destroyed once no thread holds or waits on it; the last reference is
        // gone, so none can.
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Runs `body` with the state locked.
    func withLock<Result>(_ body: (inout State) -> Result) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body(&state)
    }

    /// Waits (`pthread_cond_wait`) until `ready` holds, then runs `body` with the state still locked.
    func wait<Result>(until ready: (State) -> Bool, then body: (inout State) -> Result) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while !ready(state) {
            pthread_cond_wait(condition, mutex)
        }
        return body(&state)
    }

    /// Wakes one waiter (`pthread_cond_signal`).
    func signal() {
        pthread_cond_signal(condition)
    }

    /// Wakes every waiter (`pthread_cond_broadcast`).
    func broadcast() {
        pthread_cond_broadcast(condition)
    }
}
