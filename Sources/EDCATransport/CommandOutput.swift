/// What one remote command produced: its exit status and its two output streams, as raw bytes.
///
/// A non-zero exit status is a result, not an error. Output is only ever returned complete: a command whose output
/// was cut short by a timeout, a disconnect or the output cap is an `SSHError`, never a `CommandOutput`.
package struct CommandOutput: Sendable {
    /// The status the server reported, or `nil` when it sent none (the command was killed by a signal, or the channel
    /// closed without one). Windows exit codes above `Int32.max` keep their bit pattern (4294967295 reads as -1).
    package var exitStatus: Int32?
    /// Everything the command wrote to stdout, undecoded.
    package var standardOutput: [UInt8]
    /// Everything the command wrote to stderr, undecoded.
    package var standardError: [UInt8]
    /// The SHA256 fingerprint of the host key the server presented, as `ssh-keygen -l` prints it.
    package var hostKeyFingerprint: String
    /// What the run's deadline (`SSHOptions.deadline` from the run's start) had left when the output was complete,
    /// or nil when the runner has no deadline: the caller's own processing of the output gets that much time.
    package var timeLeft: Duration?

    /// Creates an output value (used by the transport, and by fakes in tests of its callers).
    package init(
        exitStatus: Int32?, standardOutput: [UInt8], standardError: [UInt8], hostKeyFingerprint: String,
        timeLeft: Duration? = nil
    ) {
        self.exitStatus = exitStatus
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.hostKeyFingerprint = hostKeyFingerprint
        self.timeLeft = timeLeft
    }
}
