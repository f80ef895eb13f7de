import EDCATestSupport
import Foundation
import Testing

/// Real forwarders read the spool: rsyslog's `imfile`, and syslog-ng's `file()` source, tail `findings.ndjson`
/// across the rotations of scans (and, for syslog-ng, its own crash) and write every event they read, as they read
/// it, to a file.
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

        init(snapshots: [String], firstAddress: Int = 71, faults: [String: Any] = [:]) throws {
            lab = try SimulatedFleet(
                snapshots.map { SimulatedFleet.Host(snapshot: $0, faults: faults) }, firstAddress: firstAddress)
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

        try expectEveryEventOnceAndWhole(fleet: fleet, output: output, rotations: 2, log: log)
    }

    /// Debian's syslog-ng-core, unpacked by `scripts/install-dependencies` (it conflicts with rsyslog's package).
    private static let syslogNGRoot = repositoryRoot + "/.deps/syslog-ng"

    /// The syslog-ng configuration: a `file()` source following the fixed active path every 50 ms, each line taken
    /// whole as the message (`no-parse`) and written unchanged to `output`.
    private static func syslogNGConfiguration(spool: String, output: String) -> String {
        """
        @version: 3.38
        options { log-msg-size(65536); stats-freq(0); };
        source s_edca { file("\(spool)/findings.ndjson" flags(no-parse) follow-freq(0.05)); };
        destination d_edca { file("\(output)" template("${MESSAGE}\\n")); };
        log { source(s_edca); destination(d_edca); };

        """
    }

    @Test("syslog-ng receives every event of two scans exactly once and whole, across rotations and its own crash")
    func syslogNGReadsEveryEventOnceAcrossACrash() throws {
        let binary = Self.syslogNGRoot + "/usr/sbin/syslog-ng"
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw Failure(
                "\(binary) is missing: run scripts/install-dependencies (it unpacks Debian's syslog-ng-core there)")
        }
        // Four hosts answering after 0.6 s each, one at a time: the second scan writes for seconds, long enough to
        // crash syslog-ng in the middle of it.
        let fleet = try Fleet(
            snapshots: ["mbx01.json", "edge01.json", "mbx02.json", "mbx03.json"], firstAddress: 75,
            faults: ["latencyMs": 600])
        let forwarder = fleet.directory + "/syslog-ng"
        try FileManager.default.createDirectory(atPath: forwarder, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: fleet.spool, withIntermediateDirectories: true)
        let output = forwarder + "/received.ndjson"
        let configuration = forwarder + "/syslog-ng.conf"
        let log = forwarder + "/syslog-ng.log"
        try Data(Self.syslogNGConfiguration(spool: fleet.spool, output: output).utf8).write(
            to: URL(fileURLWithPath: configuration))
        // Its persist file keeps how far it read each file, so a restarted syslog-ng goes on from there.
        func start() throws -> ChildProcess {
            let library = Self.syslogNGRoot + "/usr/lib/syslog-ng"
            let daemon = try ChildProcess(
                "/usr/bin/env",
                [
                    "LD_LIBRARY_PATH=\(library)", binary, "-F", "-f", configuration,
                    "--persist-file=\(forwarder)/syslog-ng.persist", "--pidfile=\(forwarder)/syslog-ng.pid",
                    "--control=\(forwarder)/syslog-ng.ctl", "--module-path=\(library)/3.38", "--no-caps",
                ], output: log)
            try waitUntil(seconds: 10, "syslog-ng did not write its pid file", log: log) {
                guard daemon.isRunning else { throw Failure("syslog-ng exited: \(Self.read(log))") }
                return FileManager.default.fileExists(atPath: forwarder + "/syslog-ng.pid")
            }
            return daemon
        }

        var daemon = try start()
        defer { daemon.stop() }
        let first = try runAgent(fleet.scanArguments() + ["--concurrency", "1"])
        #expect(first.status == 0, "scan 1: \(first.standardError)")
        let second = try startAgent(fleet.scanArguments() + ["--concurrency", "1"])
        // Crash syslog-ng once the second scan has written some hosts, and start it again while the scan goes on.
        try waitUntil(seconds: 15, "the second scan wrote nothing", log: log) {
            !Self.read(fleet.spool + "/findings.ndjson").isEmpty
        }
        daemon.crash()
        try? FileManager.default.removeItem(atPath: forwarder + "/syslog-ng.pid")
        daemon = try start()
        second.waitUntilExit()
        #expect(second.terminationStatus == 0, "scan 2")

        try expectEveryEventOnceAndWhole(fleet: fleet, output: output, rotations: 2, log: log)
    }

    /// Waits until `output` has as many lines as the rotated spool files hold events, then checks that each event
    /// arrived exactly once and byte for byte.
    private func expectEveryEventOnceAndWhole(fleet: Fleet, output: String, rotations: Int, log: String) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: fleet.spool).sorted()
        let rotated = names.filter { $0 != "findings.ndjson" }
        #expect(rotated.count == rotations, "one rotated file per scan: \(names)")
        #expect(Self.read(fleet.spool + "/findings.ndjson").isEmpty)
        var written: [String: String] = [:]
        for name in rotated {
            for line in Self.read(fleet.spool + "/" + name).split(separator: "\n") {
                written[try Self.uid(of: String(line))] = String(line)
            }
        }
        try #require(written.count > 4, "the scans wrote events: \(rotated)")

        try waitUntil(seconds: 15, "the forwarder did not receive \(written.count) events", log: log) {
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

    /// Polls `condition` every 50 ms for at most `seconds`; throws with the forwarder's log when it never holds.
    private func waitUntil(seconds: Int, _ message: String, log: String, _ condition: () throws -> Bool) throws {
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: .seconds(seconds))
        while clock.now < end {
            if try condition() { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        if try condition() { return }
        throw Failure("\(message) within \(seconds) s; the forwarder's log:\n\(Self.read(log))")
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
