/// Runs one command on one host: the seam that lets callers of the transport be tested with a scripted fake.
package protocol RemoteCommandRunner: Sendable {
    /// Runs `command` on `endpoint` with `standardInput` as its stdin and returns its complete output.
    ///
    /// - Throws: `SSHError` when no complete result could be obtained; a non-zero exit status is not an error.
    func run(_ endpoint: SSHEndpoint, command: String, standardInput: [UInt8]) async throws(SSHError) -> CommandOutput
}
