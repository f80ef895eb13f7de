import EDCATestSupport
import Foundation
import Testing

@testable import EDCATransport

/// Every suite that talks to a real sshd, run one test at a time so deadlines are not measured on a starved CPU.
@Suite("SSH transport over a private sshd", .serialized)
enum SSHTransportTests {}

/// One sshd for all the tests of a suite: started before its first test and stopped after its last, instead of
/// one per test. The tests stay independent: none changes the server, and each writes the client files it needs
/// (known_hosts, ssh directories) under a name of its own.
struct SharedSSHServer: SuiteTrait, TestScoping {
    /// The server of the suite running in this task.
    @TaskLocal static var current: SSHServerFixture?

    /// Only the suite itself is given a scope; its tests run inside it.
    var isRecursive: Bool { false }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let server = try SSHServerFixture()
        defer { server.stop() }
        try await Self.$current.withValue(server, operation: function)
    }

    /// The suite's server, for a test's `init()`.
    static func server() throws -> SSHServerFixture {
        guard let current else {
            throw SSHServerFixtureError("no shared sshd: mark the suite with .sharedSSHServer")
        }
        return current
    }
}

extension Trait where Self == SharedSSHServer {
    /// Runs the suite's tests against one private sshd.
    static var sharedSSHServer: Self { Self() }
}

extension SSHServerFixture {
    /// The endpoint of this server, optionally with a pinned fingerprint.
    func endpoint(pinning pin: String? = nil) -> SSHEndpoint {
        SSHEndpoint(host: host, port: port, user: user, pinnedFingerprint: pin)
    }

    /// Options that trust this server (its known_hosts file) and log in with the plain client key.
    func options(knownHosts: String? = nil, identity: String? = nil) -> SSHOptions {
        SSHOptions(knownHostsPath: knownHosts ?? knownHostsPath, identityFile: identity ?? clientKeyPath)
    }
}

/// Runs `command` and returns its output, recording the server's log if it fails.
func run(
    _ client: SSHClient, _ server: SSHServerFixture, _ command: String, input: [UInt8] = [],
    endpoint: SSHEndpoint? = nil
) async throws -> CommandOutput {
    do {
        return try await client.run(endpoint ?? server.endpoint(), command: command, standardInput: input)
    } catch {
        Issue.record("unexpected \(error)\nsshd log:\n\(server.log())")
        throw error
    }
}

/// Runs `command`, expecting it to fail, and returns the error (recording an issue if it succeeded).
func runExpectingError(
    _ client: SSHClient, _ endpoint: SSHEndpoint, _ command: String, input: [UInt8] = []
) async -> SSHError? {
    do {
        let output = try await client.run(endpoint, command: command, standardInput: input)
        let status = output.exitStatus.map(String.init) ?? "none"
        Issue.record("expected an error, got exit status \(status) and \(output.standardOutput.count) bytes of stdout")
        return nil
    } catch {
        return error
    }
}

/// Calls `SSHClient.init`, expecting it to fail, and returns the error.
func initExpectingError(_ options: SSHOptions) -> SSHError? {
    do {
        let client = try SSHClient(options: options, threads: 1)
        client.shutdown()
        Issue.record("expected SSHClient.init to fail")
        return nil
    } catch {
        return error
    }
}

/// The text of a file, or nil when it cannot be read.
func contents(_ path: String) -> String? {
    try? String(contentsOfFile: path, encoding: .utf8)
}

/// Seconds elapsed since `start`.
func seconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock().now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}
