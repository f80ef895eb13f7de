import Dispatch

/// Group commit for the spool: one `fdatasync` makes durable every batch appended before it started, so hosts that
/// finish while a sync runs share the next one instead of queueing one sync each.
///
/// The caller appends a batch (whole lines, one writer at a time), numbers it (1, 2, 3, ... in append order) and
/// awaits ``durable(through:)`` with that number: it returns once a sync that started after the append has
/// completed, which is the guarantee of a sync per batch. The first caller to find no sync running leads: it syncs
/// everything appended so far, off the actor (on its own queue, so a slow disk does not hold a thread of the
/// cooperative pool); callers arriving meanwhile wait for the sync after it. A failed sync fails every batch it
/// covered and every later one: after a failed `fdatasync` nothing about the file's cache can be trusted.
package actor GroupCommit {
    private let sync: @Sendable () throws(SpoolError) -> Void
    private let queue = DispatchQueue(label: "edca.spool.group-commit")
    /// The highest batch number a caller asked to make durable.
    private var highestRequested = 0
    /// Every batch up to this number is on disk.
    private var durableThrough = 0
    private var syncing = false
    private var failure: SpoolError?
    private var waiting: [CheckedContinuation<Void, Never>] = []
    /// How many syncs ran (for the scan's summary and the benchmarks).
    package private(set) var syncs = 0

    /// Creates a group commit over `sync` (``SpoolWriter/syncer``): it must make durable every byte appended
    /// before it was called.
    package init(sync: @escaping @Sendable () throws(SpoolError) -> Void) {
        self.sync = sync
    }

    /// Returns once batch `number` (and every batch before it) is on disk.
    ///
    /// - Throws: the ``SpoolError`` of a failed sync that covered this batch, or of any earlier failed sync.
    package func durable(through number: Int) async throws(SpoolError) {
        highestRequested = max(highestRequested, number)
        while true {
            if let failure { throw failure }
            if number <= durableThrough { return }
            if syncing {
                await withCheckedContinuation { waiting.append($0) }
                continue
            }
            // Lead: every batch numbered so far was appended before this sync starts.
            syncing = true
            let target = highestRequested
            let result = await runSync()
            syncs += 1
            syncing = false
            switch result {
            case .success: durableThrough = max(durableThrough, target)
            case .failure(let error): failure = error
            }
            // Everyone waiting looks again: covered ones return, one of the others leads the next sync.
            let woken = waiting
            waiting = []
            for continuation in woken { continuation.resume() }
        }
    }

    /// How many callers wait for a sync now (for tests).
    package var waitingCount: Int { waiting.count }

    private func runSync() async -> Result<Void, SpoolError> {
        let sync = self.sync
        return await withCheckedContinuation { continuation in
            queue.async {
                do throws(SpoolError) {
                    try sync()
                    continuation.resume(returning: .success(()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
    }
}
