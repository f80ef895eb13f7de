import Dispatch
import Synchronization
import Testing

@testable import EDCASpool

/// Group commit over a sync the test holds: what each caller is promised (its batch is on disk when it returns) and
/// what it saves (callers arriving during a sync share the next one).
@Suite struct GroupCommitTests {
    /// A disk whose sync blocks until the test opens its gate; it remembers what each sync covered.
    final class HeldDisk: Sendable {
        /// Batches appended (the test appends by counting).
        let appended = Atomic<Int>(0)
        /// Every batch up to this number is on disk.
        let durable = Atomic<Int>(0)
        /// The batches appended when each sync started.
        let syncsStartedAt = Mutex<[Int]>([])
        /// Batches whose caller was told they were durable before a sync covering them completed.
        let returnedEarly = Mutex<[Int]>([])
        let gate = DispatchSemaphore(value: 0)
        let failure: SpoolError?

        init(failing failure: SpoolError? = nil) {
            self.failure = failure
        }

        func sync() throws(SpoolError) {
            let covered = appended.load(ordering: .sequentiallyConsistent)
            syncsStartedAt.withLock { $0.append(covered) }
            gate.wait()
            if let failure { throw failure }
            durable.store(covered, ordering: .sequentiallyConsistent)
        }

        var syncsStarted: Int { syncsStartedAt.withLock { $0.count } }
    }

    /// Waits (up to 10 s) until the condition holds.
    func eventually(_ condition: () async -> Bool) async throws {
        for _ in 0..<1000 {
            if await condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("the condition did not come true within 10 s")
    }

    @Test func hostsThatFinishDuringASyncShareTheNextAndNoneReturnsBeforeItsBatchIsOnDisk() async throws {
        let disk = HeldDisk()
        let commit = GroupCommit(sync: disk.sync)
        func batch(_ number: Int) -> Task<Void, any Error> {
            disk.appended.store(number, ordering: .sequentiallyConsistent)
            return Task {
                try await commit.durable(through: number)
                if disk.durable.load(ordering: .sequentiallyConsistent) < number {
                    disk.returnedEarly.withLock { $0.append(number) }
                }
            }
        }
        // The first host leads a sync, which the disk holds.
        let first = batch(1)
        try await eventually { disk.syncsStarted == 1 }
        // Four more hosts finish while it runs: they wait, none leads a sync of its own.
        let others = (2...5).map(batch)
        try await eventually { await commit.waitingCount == 4 }
        #expect(disk.syncsStarted == 1)
        // The disk completes the first sync, then the second.
        disk.gate.signal()
        try await first.value
        disk.gate.signal()
        for task in others { try await task.value }

        #expect(
            disk.returnedEarly.withLock { $0 } == [], "a caller returned before a sync covering its batch completed")
        #expect(disk.syncsStartedAt.withLock { $0 } == [1, 5], "one sync for the first host, one for the four others")
        #expect(await commit.syncs == 2)
        // A batch already covered returns at once, without a sync.
        try await commit.durable(through: 3)
        #expect(await commit.syncs == 2)
    }

    @Test func aFailedSyncFailsEveryBatchItCoveredAndEveryLaterOne() async throws {
        let error = SpoolError(.sync, path: "/spool/findings.ndjson", reason: "Input/output error")
        let disk = HeldDisk(failing: error)
        let commit = GroupCommit(sync: disk.sync)
        disk.appended.store(1, ordering: .sequentiallyConsistent)
        let first = Task { try await commit.durable(through: 1) }
        try await eventually { disk.syncsStarted == 1 }
        disk.appended.store(2, ordering: .sequentiallyConsistent)
        let second = Task { try await commit.durable(through: 2) }
        try await eventually { await commit.waitingCount == 1 }
        disk.gate.signal()
        await #expect(throws: error) { try await first.value }
        await #expect(throws: error) { try await second.value }
        // After a failed fdatasync nothing in the file's cache can be trusted: no later batch is called durable.
        await #expect(throws: error) { try await commit.durable(through: 3) }
        #expect(disk.syncsStarted == 1)
    }
}
