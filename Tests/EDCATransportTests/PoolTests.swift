import EDCATestSupport
import Foundation
import Testing

@testable import EDCATransport

extension SSHTransportTests {
    /// The worker pool: bounded width, many hosts at once, and shutdown that joins every thread.
    @Suite("Worker pool", .sharedSSHServer)
    struct Pool {
        let server: SSHServerFixture

        init() throws {
            server = try SharedSSHServer.server()
        }

        @Test("20 concurrent runs through a pool of 4 threads all succeed, never more than 4 at once")
        func concurrentRuns() async throws {
            let client = try SSHClient(options: server.options(), threads: 4)
            defer { client.shutdown() }
            let endpoint = server.endpoint()

            let outputs = try await withThrowingTaskGroup(of: (Int, CommandOutput).self) { group in
                for index in 0..<20 {
                    group.addTask {
                        (
                            index,
                            try await client.run(endpoint, command: "sleep 0.2; printf \(index)", standardInput: [])
                        )
                    }
                }
                var outputs: [Int: CommandOutput] = [:]
                for try await (index, output) in group { outputs[index] = output }
                return outputs
            }

            #expect(outputs.count == 20)
            for index in 0..<20 {
                #expect(outputs[index].map { String(decoding: $0.standardOutput, as: UTF8.self) } == "\(index)")
                #expect(outputs[index]?.exitStatus == 0)
            }
            #expect(client.peakConcurrency <= 4)
            #expect(client.peakConcurrency >= 2)
        }

        @Test("shutdown joins every worker thread, is idempotent, and later runs fail with shutdown")
        func shutdownJoins() async throws {
            let client = try SSHClient(options: server.options(), threads: 3)
            let output = try await run(client, server, "printf ok")
            #expect(String(decoding: output.standardOutput, as: UTF8.self) == "ok")
            #expect(client.liveWorkerThreads == 3)

            client.shutdown()
            #expect(client.liveWorkerThreads == 0)
            client.shutdown()

            let error = await runExpectingError(client, server.endpoint(), "true")
            #expect(error?.code == .shutdown)
        }

        @Test("shutdown interrupts a running command and fails queued ones with shutdown")
        func shutdownInterruptsWork() async throws {
            let client = try SSHClient(options: server.options(), threads: 1)
            let endpoint = server.endpoint()
            let running = Task { await runExpectingError(client, endpoint, "sleep 30") }
            try await Task.sleep(for: .milliseconds(700))
            let queued = Task { await runExpectingError(client, endpoint, "true") }
            try await Task.sleep(for: .milliseconds(100))
            let start = ContinuousClock().now

            client.shutdown()

            #expect(seconds(since: start) < 5)
            #expect(client.liveWorkerThreads == 0)
            #expect(await running.value?.code == .shutdown)
            #expect(await queued.value?.code == .shutdown)
        }
    }
}

/// The pool on its own, with no SSH involved.
@Suite("Worker pool without SSH")
struct WorkerPoolTests {
    @Test("jobs run on the pool's threads, at most its width at once, and rejected jobs are told so")
    func widthAndRejection() async throws {
        let pool = try WorkerPool(threads: 2)
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<6 {
                group.addTask {
                    await withCheckedContinuation { continuation in
                        let accepted = pool.submit(
                            WorkerPool.Job(
                                work: { _ in
                                    usleep(50_000)
                                    continuation.resume(returning: true)
                                },
                                reject: { continuation.resume(returning: false) }))
                        if !accepted { continuation.resume(returning: false) }
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results == Array(repeating: true, count: 6))
        #expect(pool.peakConcurrency == 2)

        pool.shutdown()
        #expect(pool.liveThreadCount == 0)
        #expect(!pool.submit(WorkerPool.Job(work: { _ in }, reject: {})))
    }
}
