import EDCATestSupport
import Foundation
import Testing

@testable import EDCATransport

/// Every suite that talks to a real sshd, run one test at a time so deadlines are not measured on a starved CPU.
@Suite("SSH transport over a private sshd", .serialized)
enum SSHTransportTests {}

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
