import EDCATestSupport
import Foundation
import Testing

/// A real forwarder reads the spool: rsyslog's `imfile` tails `findings.ndjson` across the rotations of two scans
/// and writes every event it read, as it read it, to a file.
@Suite("A forwarder reads the spool", .serialized)
struct ForwarderTests {
    private struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    private static let rsyslogd = "/usr/sbin/rsyslogd"

    /// Two simulated hosts, their inventory and a spool, in one private directory.
    private final class Fleet {
        let lab: SimulatedFleet
        let inventory: String

        init(snapshots: [String]) throws {
            lab = try SimulatedFleet(snapshots.map { SimulatedFleet.Host(snapshot: $0) }, firstAddress: 71)
            inventory = try lab.writeInventory("inventory.yaml")
        }

        var directory: String { lab.directory.path }
        var spool: String { directory + "/spool" }

        func scanArguments() -> [String] {
            [
                "scan", "--inventory", inventory, "--known-hosts", lab.knownHostsPath,
                "--spool", spool, "--state", directory + "/state", "--timeout", "5", "--retries", "0",
            ]
        }
    }

    /// The rsyslog configuration: `imfile` (inotify) on the fixed active path, read from its beginning, each line
    /// written unchanged (`%msg%`) by `omfile` to `output`; state files in `directory`.
    private static func rsyslogConfiguration(directory: String, spool: String, output: String) -> String {
        """
        global(workDirectory="\(directory)" maxMessageSize="64k")
        module(load="imfile" mode="inotify")
        template(name="edcaLine" type="string" string="%msg%\\n")
        ruleset(name="edca") {
            action(type="omfile" file="\(output)" template="edcaLine" asyncWriting="off" flushOnTXEnd="on")
        }
        input(type="imfile" file="\(spool)/findings.ndjson" tag="edca" ruleset="edca"
              freshStartTail="off" reopenOnTruncate="on")

        """
    }

    @Test("rsyslog imfile receives every event of two scans exactly once and whole, across both rotations")
    func rsyslogReadsEveryEventOnce() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.rsyslogd) else {
            let context = ProcessInfo.processInfo.environment["CI"] != nil ? " (CI)" : ""
            throw Failure(
                "\(Self.rsyslogd) is missing\(context): install rsyslog (apt-get install -y rsyslog, or "
                    + "scripts/install-dependencies as root) to run the forwarder test")
        }
        let fleet = try Fleet(snapshots: ["mbx01.json", "edge01.json"])
        let forwarder = fleet.directory + "/rsyslog"
        try FileManager.default.createDirectory(atPath: forwarder, withIntermediateDirectories: true)
        // The spool directory exists before rsyslog starts, so inotify watches it from the start.
        try FileManager.default.createDirectory(atPath: fleet.spool, withIntermediateDirectories: true)
        let output = forwarder + "/received.ndjson"
        let configuration = forwarder + "/rsyslog.conf"
        let pidFile = forwarder + "/rsyslogd.pid"
        let log = forwarder + "/rsyslogd.log"
        try Data(
            Self.rsyslogConfiguration(directory: forwarder, spool: fleet.spool, output: output).utf8
        ).write(to: URL(fileURLWithPath: configuration))

        let daemon = try Self.withTerminationSignalsUnblocked {
            try ChildProcess(Self.rsyslogd, ["-n", "-f", configuration, "-i", pidFile], output: log)
        }
        defer { daemon.stop() }
        try waitUntil(seconds: 10, "rsyslogd did not write its pid file", log: log) {
            guard daemon.isRunning else { throw Failure("rsyslogd exited: \(Self.read(log))") }
            return FileManager.default.fileExists(atPath: pidFile)
        }

        for run in 1...2 {
            let scan = try runAgent(fleet.scanArguments())
            #expect(scan.status == 0, "scan \(run): \(scan.standardError)")
        }

        // The spool: two rotated files (one per scan) and an empty active file.
        let names = try FileManager.default.contentsOfDirectory(atPath: fleet.spool).sorted()
        let rotated = names.filter { $0 != "findings.ndjson" }
        #expect(rotated.count == 2, "one rotated file per scan: \(names)")
        #expect(Self.read(fleet.spool + "/findings.ndjson").isEmpty)
        var written: [String: String] = [:]
        for name in rotated {
            for line in Self.read(fleet.spool + "/" + name).split(separator: "\n") {
                written[try Self.uid(of: String(line))] = String(line)
            }
        }
        try #require(written.count > 4, "the scans wrote events: \(rotated)")

        try waitUntil(seconds: 15, "rsyslog did not receive \(written.count) events", log: log) {
            Self.read(output).split(separator: "\n").count >= written.count
        }
        // A moment more, so that a duplicate arriving late is seen.
        Thread.sleep(forTimeInterval: 0.5)

        let received = Self.read(output)
        #expect(received.hasSuffix("\n"))
        var counts: [String: Int] = [:]
        for line in received.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            let uid = try Self.uid(of: String(line))
            counts[uid, default: 0] += 1
            #expect(written[uid] == String(line), "the event is received whole and unchanged: \(line.prefix(120))")
        }
        #expect(Set(counts.keys) == Set(written.keys), "every spool event is received")
        #expect(counts.values.allSatisfy { $0 == 1 }, "no event is received twice: \(counts.filter { $0.value > 1 })")
    }

    /// Polls `condition` every 50 ms for at most `seconds`; throws with rsyslogd's log when it never holds.
    private func waitUntil(seconds: Int, _ message: String, log: String, _ condition: () throws -> Bool) throws {
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: .seconds(seconds))
        while clock.now < end {
            if try condition() { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        if try condition() { return }
        throw Failure("\(message) within \(seconds) s; rsyslogd's log:\n\(Self.read(log))")
    }

    /// Runs `body` with SIGTERM, SIGINT and SIGHUP unblocked on this thread.
    ///
    /// `posix_spawn` gives the child this thread's signal mask, and the test runner's threads may block SIGTERM;
    /// rsyslogd waits for signals with the mask it inherited, so it would then ignore the SIGTERM of
    /// `ChildProcess.stop()` until the SIGKILL 5 s later.
    private static func withTerminationSignalsUnblocked<T>(_ body: () throws -> T) rethrows -> T {
        var signals = sigset_t()
        var previous = sigset_t()
        sigemptyset(&signals)
        for signal in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&signals, signal) }
        pthread_sigmask(SIG_UNBLOCK, &signals, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        return try body()
    }

    /// The event id (`metadata.uid`) of a line that must be one JSON object.
    private static func uid(of line: String) throws -> String {
        let event = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        guard let uid = (event?["metadata"] as? [String: Any])?["uid"] as? String else {
            throw Failure("not a JSON event with metadata.uid: \(line.prefix(200))")
        }
        return uid
    }

    private static func read(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }
}
