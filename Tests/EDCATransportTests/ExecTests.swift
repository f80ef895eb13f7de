import EDCATestSupport
import Foundation
import Testing

@testable import EDCATransport

extension SSHTransportTests {
    /// Running commands: stdin, stdout, stderr and exit statuses as the server produced them.
    @Suite("Exec", .sharedSSHServer)
    struct Exec {
        let server: SSHServerFixture

        init() throws {
            server = try SharedSSHServer.server()
        }

        @Test("100 KB of stdin reaches the command and comes back unchanged")
        func standardInputIsEchoed() async throws {
            let client = try SSHClient(options: server.options(), threads: 1)
            defer { client.shutdown() }
            var generator = SystemRandomNumberGenerator()
            let input = (0..<100_000).map { _ in UInt8.random(in: 0...255, using: &generator) }

            let output = try await run(client, server, "cat", input: input)

            #expect(output.exitStatus == 0)
            #expect(output.standardOutput.count == input.count)
            #expect(output.standardOutput == input)
            #expect(output.standardError.isEmpty)
            #expect(output.hostKeyFingerprint == server.hostKeyFingerprint)
        }

        @Test("8 MB of stdin through cat: output is read while stdin is written, so neither side stalls")
        func largeInputAndOutputDoNotDeadlock() async throws {
            // More than sshd's 2 MB receive window and libssh's 1.28 MB one: writing everything before reading
            // would leave cat blocked on a full stdout pipe and the stdin window at zero until the deadline.
            var options = server.options()
            options.deadline = .seconds(20)
            let client = try SSHClient(options: options, threads: 1)
            defer { client.shutdown() }
            let input = (0..<8_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 13) }

            let output = try await run(client, server, "cat", input: input)

            #expect(output.exitStatus == 0)
            #expect(output.standardOutput.count == input.count)
            #expect(output.standardOutput == input)
        }

        @Test("stdout and stderr stay separate, and a non-zero exit status is a result")
        func streamsStaySeparate() async throws {
            let client = try SSHClient(options: server.options(), threads: 1)
            defer { client.shutdown() }

            let output = try await run(client, server, "printf to-stdout; printf to-stderr >&2; exit 3")

            #expect(String(decoding: output.standardOutput, as: UTF8.self) == "to-stdout")
            #expect(String(decoding: output.standardError, as: UTF8.self) == "to-stderr")
            #expect(output.exitStatus == 3)
        }

        @Test(
            "the exit status is reported, or nil when the command dies by a signal",
            arguments: [("true", Int32?.some(0)), ("exit 3", 3), ("exit 255", 255), ("kill -9 $$", nil)])
        func exitStatus(command: String, expected: Int32?) async throws {
            let client = try SSHClient(options: server.options(), threads: 1)
            defer { client.shutdown() }

            let output = try await run(client, server, command)

            #expect(output.exitStatus == expected)
        }

        @Test("output that arrives after a pause longer than the connect timeout is still read to the end")
        func slowOutputIsNotMistakenForEnd() async throws {
            // Trap: libssh's plain read uses the session timeout and returns 0 like EOF; truncated output results.
            var options = server.options()
            options.connectTimeout = .seconds(1)
            let client = try SSHClient(options: options, threads: 1)
            defer { client.shutdown() }

            let output = try await run(client, server, "printf early; sleep 2; printf late >&2; sleep 0.2; printf done")

            #expect(String(decoding: output.standardOutput, as: UTF8.self) == "earlydone")
            #expect(String(decoding: output.standardError, as: UTF8.self) == "late")
            #expect(output.exitStatus == 0)
        }

        @Test("3 MB of non-UTF-8 output comes back intact")
        func largeBinaryOutput() async throws {
            let client = try SSHClient(options: server.options(), threads: 1)
            defer { client.shutdown() }

            let output = try await run(client, server, "head -c 3000000 /dev/zero | tr '\\0' '\\377'")

            #expect(output.standardOutput.count == 3_000_000)
            #expect(output.standardOutput.allSatisfy { $0 == 0xFF })
            #expect(output.exitStatus == 0)
        }

        @Test("a passphrase-protected key works with its passphrase file")
        func passphraseProtectedKey() async throws {
            var options = server.options(identity: server.encryptedClientKeyPath)
            options.passphraseFile = server.passphraseFilePath
            let client = try SSHClient(options: options, threads: 2)
            defer { client.shutdown() }

            // Two runs on two threads: each thread imports its own copy of the key decrypted once in init.
            async let first = run(client, server, "printf one")
            async let second = run(client, server, "printf two")
            let outputs = try await [first, second]

            #expect(outputs.map { String(decoding: $0.standardOutput, as: UTF8.self) } == ["one", "two"])
        }
    }
}
