import EDCAAgent
import EDCATestSupport
import EDCATransport
import Foundation
import Testing

@Suite("Scan lock and connection retries")
struct ScanLockTests {
    @Test("A second scan is refused while the first holds the lock, and allowed once it is released")
    func secondScanRefused() throws {
        let directory = try TemporaryDirectory()
        var first: ScanLock? = try ScanLock(stateDirectory: directory.path)
        #expect(first != nil && FileManager.default.fileExists(atPath: directory.path + "/scan.lock"))
        #expect(throws: InputError.self) { try ScanLock(stateDirectory: directory.path) }
        first = nil
        #expect(throws: Never.self) { _ = try ScanLock(stateDirectory: directory.path) }
    }

    /// A runner that fails with the given codes in turn, then succeeds, counting its calls.
    private final class ScriptedRunner: RemoteCommandRunner, @unchecked Sendable {
        var failures: [SSHError.Code]
        var calls = 0
        init(_ failures: [SSHError.Code]) { self.failures = failures }
        func run(_ endpoint: SSHEndpoint, command: String, standardInput: [UInt8]) async throws(SSHError)
            -> CommandOutput
        {
            calls += 1
            if !failures.isEmpty { throw SSHError(failures.removeFirst(), host: endpoint.host, message: "scripted") }
            return CommandOutput(exitStatus: 0, standardOutput: [], standardError: [], hostKeyFingerprint: "SHA256:x")
        }
    }

    @Test("Connection failures are retried; a timeout or a bad host key is not")
    func retries() async throws {
        let endpoint = SSHEndpoint(host: "mbx01", port: 22, user: "scan")
        let refused = ScriptedRunner([.connect, .connect])
        _ = try await RetryingRunner(refused, retries: 2, backoff: .milliseconds(1)).run(
            endpoint, command: "x", standardInput: [])
        #expect(refused.calls == 3)
        for code in [SSHError.Code.timeout, .hostKeyChanged, .auth] {
            let runner = ScriptedRunner([code])
            await #expect(throws: SSHError.self) {
                try await RetryingRunner(runner, retries: 3, backoff: .milliseconds(1)).run(
                    endpoint, command: "x", standardInput: [])
            }
            #expect(runner.calls == 1, "\(code) must not be retried")
        }
        let exhausted = ScriptedRunner([.connect, .connect, .connect])
        await #expect(throws: SSHError.self) {
            try await RetryingRunner(exhausted, retries: 1, backoff: .milliseconds(1)).run(
                endpoint, command: "x", standardInput: [])
        }
        #expect(exhausted.calls == 2)
    }
}
