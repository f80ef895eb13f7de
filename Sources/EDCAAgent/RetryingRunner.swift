package import EDCATransport

/// Runs commands through another runner, retrying a host whose connection failed: only `connect` errors (refused,
/// reset before the banner, unreachable), never a host that answered, timed out or presented a bad key.
package struct RetryingRunner<Base: RemoteCommandRunner>: RemoteCommandRunner {
    /// The runner that does the work.
    package let base: Base
    /// How many times a failed connection is tried again.
    package let retries: Int
    /// The delay before the first retry; each later one doubles it.
    package let backoff: Duration

    /// Creates a retrying runner.
    package init(_ base: Base, retries: Int, backoff: Duration) {
        self.base = base
        self.retries = retries
        self.backoff = backoff
    }

    package func run(
        _ endpoint: SSHEndpoint, command: String, standardInput: [UInt8]
    ) async throws(SSHError) -> CommandOutput {
        var delay = backoff
        var attempt = 0
        while true {
            do {
                return try await base.run(endpoint, command: command, standardInput: standardInput)
            } catch  where error.code == .connect && attempt < retries && !Task.isCancelled {
                attempt += 1
                try? await Task.sleep(for: delay)
                delay *= 2
            }
        }
    }
}
