import Synchronization

/// A flag set once from any thread and polled by a pool thread between blocking libssh steps.
final class StopFlag: Sendable {
    private let isSet = Atomic<Bool>(false)

    /// Creates a cleared flag.
    init() {}

    /// Sets the flag; safe from any thread, including a task cancellation handler.
    func set() {
        isSet.store(true, ordering: .releasing)
    }

    /// Whether the flag has been set.
    var value: Bool { isSet.load(ordering: .acquiring) }
}

/// Why a run should stop early: its task was cancelled, or its client is shutting down.
struct RunControl: Sendable {
    /// Set by the task cancellation handler of this run.
    let cancelled: StopFlag
    /// Set by `SSHClient.shutdown()`, shared by every run of that client.
    let shutDown: StopFlag

    /// The code to stop with, or `nil` to carry on.
    var stopCode: SSHError.Code? {
        if shutDown.value { return .shutdown }
        if cancelled.value { return .cancelled }
        return nil
    }
}
