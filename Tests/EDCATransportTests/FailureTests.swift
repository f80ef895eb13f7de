import EDCATestSupport
import Foundation
import Testing

@testable import EDCATransport

extension SSHTransportTests {
    /// Everything that can go wrong after the client is set up, each with its own code and within its deadline.
    @Suite("Failures", .sharedSSHServer)
    struct Failures {
        let server: SSHServerFixture

        init() throws {
            server = try SharedSSHServer.server()
        }

        @Test("a closed port is a connect error, quickly")
        func closedPort() async throws {
            let client = try SSHClient(options: server.options(), threads: 1)
            defer { client.shutdown() }
            let closed = SSHEndpoint(host: "127.0.0.1", port: try SSHServerFixture.freePort(), user: server.user)
            let start = ContinuousClock().now

            let error = await runExpectingError(client, closed, "true")

            #expect(error?.code == .connect)
            #expect(seconds(since: start) < 3)
        }

        @Test("an unresolvable host name is a dns error, not a connect error")
        func unresolvableHost() async throws {
            let client = try SSHClient(options: server.options(), threads: 1)
            defer { client.shutdown() }
            let nowhere = SSHEndpoint(host: "no-such-host.invalid", port: 22, user: server.user)

            let error = await runExpectingError(client, nowhere, "true")

            #expect(error?.code == .dns)
            #expect(error?.host == "no-such-host.invalid")
            #expect(error?.description.contains("no-such-host.invalid") == true)
        }

        @Test("a peer that accepts TCP but never speaks hits the connect timeout")
        func silentPeer() async throws {
            let listener = try SilentListener()
            var options = server.options()
            options.connectTimeout = .seconds(1)
            let client = try SSHClient(options: options, threads: 1)
            defer { client.shutdown() }
            let start = ContinuousClock().now

            let error = await runExpectingError(
                client, SSHEndpoint(host: "127.0.0.1", port: listener.port, user: "x"), "true")

            #expect(error?.code == .timeout)
            #expect(seconds(since: start) < 4)
        }

        @Test("a command that hangs is stopped at the deadline")
        func hangHitsDeadline() async throws {
            var options = server.options()
            options.deadline = .seconds(2)
            let client = try SSHClient(options: options, threads: 1)
            defer { client.shutdown() }
            let start = ContinuousClock().now

            let error = await runExpectingError(client, server.endpoint(), "sleep 30")

            #expect(error?.code == .timeout)
            #expect(seconds(since: start) < 4)
        }

        @Test("output over the cap is output-too-large, and the client keeps working")
        func outputOverCap() async throws {
            var options = server.options()
            options.maxOutputBytes = 1 << 20
            let client = try SSHClient(options: options, threads: 1)
            defer { client.shutdown() }

            let error = await runExpectingError(client, server.endpoint(), "head -c 20000000 /dev/zero")

            #expect(error?.code == .outputTooLarge)
            let after = try await run(client, server, "printf still-alive")
            #expect(String(decoding: after.standardOutput, as: UTF8.self) == "still-alive")
        }

        @Test("stdout and stderr count together against the cap")
        func capCountsBothStreams() async throws {
            var options = server.options()
            options.maxOutputBytes = 1 << 20
            let client = try SSHClient(options: options, threads: 1)
            defer { client.shutdown() }

            let error = await runExpectingError(
                client, server.endpoint(), "head -c 700000 /dev/zero; head -c 700000 /dev/zero >&2")

            #expect(error?.code == .outputTooLarge)
        }

        @Test("a connection that drops mid-output is disconnected, never a truncated result")
        func disconnectMidOutput() async throws {
            let client = try SSHClient(options: server.options(), threads: 1)
            defer { client.shutdown() }

            // $PPID is the sshd process serving this session; killing it drops the TCP connection.
            let error = await runExpectingError(
                client, server.endpoint(), "printf partial; sleep 0.2; kill -9 $PPID; sleep 5")

            #expect(error?.code == .disconnected)
        }

        @Test("cancelling the calling task stops a running command with cancelled")
        func cancellation() async throws {
            let client = try SSHClient(options: server.options(), threads: 1)
            defer { client.shutdown() }
            let endpoint = server.endpoint()
            let start = ContinuousClock().now

            let task = Task { await runExpectingError(client, endpoint, "sleep 30") }
            try await Task.sleep(for: .milliseconds(700))
            task.cancel()
            let error = await task.value

            #expect(error?.code == .cancelled)
            #expect(seconds(since: start) < 5)
        }
    }
}

/// A TCP listener on 127.0.0.1 that never accepts, so a client's connect succeeds and then hears nothing.
final class SilentListener {
    let port: Int
    private let descriptor: Int32

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ready = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
                    && listen(descriptor, 8) == 0
            }
        }
        guard descriptor >= 0, ready else {
            close(descriptor)
            throw SSHServerFixtureError("cannot listen on 127.0.0.1")
        }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit {
        close(descriptor)
    }
}
