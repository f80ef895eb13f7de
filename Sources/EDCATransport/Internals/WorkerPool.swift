import Glibc
import Synchronization

/// A fixed number of dedicated pthreads that take blocking jobs from one FIFO queue.
///
/// libssh is used only in blocking mode, so its calls must never run on Swift's cooperative pool (as wide as the core
/// count) or on GCD threads (which may exit on their own while libssh's thread-local state is torn down). These threads
/// live until `shutdown()`, which joins every one of them: a thread still exiting while `exit()` runs OpenSSL's cleanup
/// crashes the process.
final class WorkerPool: Sendable {
    /// A job: `work` runs on a pool thread, or `reject` runs instead if the pool shuts down first. Exactly one of the
    /// two is called, exactly once.
    struct Job: Sendable {
        /// The blocking work, given the state that belongs to the thread running it.
        var work: @Sendable (WorkerContext) -> Void
        /// Called instead of `work` when the pool stops before the job started.
        var reject: @Sendable () -> Void
    }

    private struct Queue {
        var jobs: [Job] = []
        var head = 0
        var isOpen = true
        var busy = 0
        var peakBusy = 0
        var liveThreads = 0

        var isEmpty: Bool { head == jobs.count }

        mutating func takeAll() -> [Job] {
            let rest = Array(jobs[head...])
            jobs = []
            head = 0
            return rest
        }

        mutating func takeFirst() -> Job? {
            guard !isEmpty else { return nil }
            let job = jobs[head]
            head += 1
            if head == jobs.count || head >= 64 {
                jobs.removeFirst(head)
                head = 0
            }
            return job
        }
    }

    private let queue = Monitor(Queue())
    private let threads = Mutex<[pthread_t]>([])

    /// Starts `count` threads (`pthread_create`).
    ///
    /// - Throws: `SSHError.Code.shutdown` if a thread cannot be created; the threads already started are joined.
    init(threads count: Int) throws(SSHError) {
        precondition(count > 0, "a worker pool needs at least one thread")
        for index in 0..<count {
            let start = Unmanaged.passRetained(WorkerStart(pool: self, index: index)).toOpaque()
            var thread = pthread_t()
            let status = pthread_create(&thread, nil, workerEntry, start)
            guard status == 0 else {
                Unmanaged<WorkerStart>.fromOpaque(start).release()
                shutdown()
                let reason = String(cString: strerror(status))
                throw SSHError(
                    .shutdown, host: "", message: "could not start SSH worker thread \(index + 1): \(reason)")
            }
            threads.withLock { $0.append(thread) }
        }
    }

    /// Queues a job. Returns `false`, without calling either closure, when the pool has been shut down.
    func submit(_ job: Job) -> Bool {
        let accepted = queue.withLock { queue -> Bool in
            guard queue.isOpen else { return false }
            queue.jobs.append(job)
            return true
        }
        if accepted { queue.signal() }
        return accepted
    }

    /// Stops accepting jobs, rejects the queued ones, and joins every thread (`pthread_join`) once its current job
    /// returns. Idempotent; a second caller waits until the first has joined everything.
    func shutdown() {
        let rejected = queue.withLock { queue -> [Job] in
            queue.isOpen = false
            return queue.takeAll()
        }
        queue.broadcast()
        for job in rejected { job.reject() }
        threads.withLock { threads in
            let me = pthread_self()
            for thread in threads {
                if pthread_equal(thread, me) != 0 {
                    // Only possible if a job dropped the last reference to its client; a thread cannot join itself.
                    pthread_detach(thread)
                } else {
                    pthread_join(thread, nil)
                }
            }
            threads.removeAll()
        }
    }

    /// The most jobs that ever ran at the same time.
    var peakConcurrency: Int { queue.withLock { $0.peakBusy } }

    /// The number of pool threads that have started and not yet returned.
    var liveThreadCount: Int { queue.withLock { $0.liveThreads } }

    /// One thread's life: take jobs until the pool closes and the queue is empty.
    fileprivate func runWorker(index: Int) {
        queue.withLock { $0.liveThreads += 1 }
        // The context (and the private key imported into it) is created, used and freed on this thread only.
        let context = WorkerContext(index: index)
        while let job = nextJob() {
            job.work(context)
            queue.withLock { $0.busy -= 1 }
        }
        queue.withLock { $0.liveThreads -= 1 }
    }

    private func nextJob() -> Job? {
        queue.wait(
            until: { !$0.isEmpty || !$0.isOpen },
            then: { queue -> Job? in
                guard let job = queue.takeFirst() else { return nil }
                queue.busy += 1
                queue.peakBusy = max(queue.peakBusy, queue.busy)
                return job
            })
    }
}

/// What a new thread needs to find its pool; passed through `pthread_create`'s argument as a retained pointer.
private final class WorkerStart {
    let pool: WorkerPool
    let index: Int

    init(pool: WorkerPool, index: Int) {
        self.pool = pool
        self.index = index
    }
}

/// The C entry point of every pool thread: takes ownership of its `WorkerStart` and runs the worker loop.
private func workerEntry(_ argument: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    guard let argument else { return nil }
    let start = Unmanaged<WorkerStart>.fromOpaque(argument).takeRetainedValue()
    start.pool.runWorker(index: start.index)
    return nil
}
