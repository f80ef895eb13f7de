import EDCATestSupport
import Foundation
import Testing

/// `edca-agent scan` over a fleet of simulated hosts behind one real sshd on several loopback addresses.
@Suite("edca-agent scan over SSH", .serialized)
struct ScanCommandTests {
    /// A simulated fleet on 127.0.0.41... plus one unreachable host, scanned into its own spool and state.
    private final class Fleet {
        let lab: SimulatedFleet
        let inventory: String
        /// Only EDCA-SEC-043: these tests are about scanning, and its verdicts on the lab snapshots are known.
        let controls: String

        init(snapshots: [String], faults: [Int: [String: Any]] = [:]) throws {
            lab = try SimulatedFleet(
                snapshots.enumerated().map { SimulatedFleet.Host(snapshot: $1, faults: faults[$0] ?? [:]) },
                firstAddress: 41)
            let unreachable =
                "  - name: unreachable\n    address: 127.0.0.99\n    port: \(try SSHServerFixture.freePort())\n"
            inventory = try lab.writeInventory("inventory.yaml", extraHosts: unreachable)
            controls = try lab.controlsDirectory(with: ["EDCA-SEC-043"])
        }

        func scanArguments() -> [String] {
            [
                "scan", "--inventory", inventory, "--controls", controls, "--known-hosts", lab.knownHostsPath,
                "--spool",
                lab.directory.path + "/spool", "--state", lab.directory.path + "/state", "--timeout", "5", "--retries",
                "0",
            ]
        }

        /// The events of the spool files not read before, parsed (each scan rotates one file).
        func newSpoolEvents() throws -> [[String: Any]] {
            let spool = lab.directory.path + "/spool"
            let rotated = try FileManager.default.contentsOfDirectory(atPath: spool).filter {
                $0 != "findings.ndjson" && !seen.contains($0)
            }
            seen.formUnion(rotated)
            return try rotated.flatMap { name in
                try String(contentsOfFile: spool + "/" + name, encoding: .utf8).split(separator: "\n").map {
                    try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
                }
            }
        }

        private var seen: Set<String> = []
    }

    private func findings(_ events: [[String: Any]]) -> [[String: Any]] {
        events.filter { $0["class_uid"] as? Int == 2003 }
    }

    @Test(
        "One finding per applicable control per reachable host, one activity per host and per run; drift across scans")
    func fleetScanAndDrift() throws {
        let kinds = ["mbx01.json", "mbx02.json", "edge01.json", "mbx03.json"]
        let snapshots = (0..<20).map { kinds[$0 % kinds.count] }
        let fleet = try Fleet(snapshots: snapshots)
        let first = try runAgent(fleet.scanArguments())
        #expect(first.status == 4, "one host is unreachable: \(first.standardError)")
        let events = try fleet.newSpoolEvents()
        let activities = events.filter { $0["class_uid"] as? Int == 6007 }
        #expect(findings(events).count == snapshots.count, "SEC-043 applies to every reachable host")
        #expect(activities.count == snapshots.count + 2, "one per host, the unreachable one included, and one per run")
        let statuses = Dictionary(
            uniqueKeysWithValues: findings(events).compactMap { event -> (String, String)? in
                guard let device = event["device"] as? [String: Any] ?? (event["resources"] as? [[String: Any]])?.first,
                    let name = device["hostname"] as? String ?? device["name"] as? String,
                    let compliance = event["compliance"] as? [String: Any],
                    let status = compliance["status_code"] as? String
                else { return nil }
                return (name, status)
            })
        let expected = ["Pass", "Fail", "Unknown", "Unknown"]
        for index in snapshots.indices {
            #expect(statuses["host\(index)"] == expected[index % expected.count], "host\(index)")
        }
        let firstDrift = findings(events).compactMap { ($0["unmapped"] as? [String: Any])?["drift"] as? String }
        #expect(Set(firstDrift) == ["new"])

        // host1 gets hardened: its verdict changes, the others stay.
        try FileManager.default.removeItem(atPath: fleet.lab.snapshotPath(ofHost: 1))
        try FileManager.default.copyItem(
            atPath: repositoryRoot + "/Inventory/lab/mbx01.json", toPath: fleet.lab.snapshotPath(ofHost: 1))
        let second = try runAgent(fleet.scanArguments())
        #expect(second.status == 4)
        let later = findings(try fleet.newSpoolEvents())
        let drift = later.compactMap { $0["unmapped"] as? [String: Any] }
        #expect(drift.filter { $0["drift"] as? String == "changed" }.count == 1)
        #expect(drift.contains { $0["drift"] as? String == "changed" && $0["previous_status"] as? String == "Fail" })
        #expect(drift.filter { $0["drift"] as? String == "unchanged" }.count == snapshots.count - 1)
    }

    @Test("Changes-only output: a first scan writes every finding, the next only the changed one, with counts")
    func changesOnly() throws {
        let snapshots = ["mbx01.json", "mbx02.json", "edge01.json", "mbx03.json"]
        let fleet = try Fleet(snapshots: snapshots)
        let first = try runAgent(fleet.scanArguments() + ["--changes-only"])
        #expect(first.status == 4, "one host is unreachable: \(first.standardError)")
        #expect(findings(try fleet.newSpoolEvents()).count == snapshots.count, "every finding is new")

        // host1 gets hardened: its finding changes, the others are left out.
        try FileManager.default.removeItem(atPath: fleet.lab.snapshotPath(ofHost: 1))
        try FileManager.default.copyItem(
            atPath: repositoryRoot + "/Inventory/lab/mbx01.json", toPath: fleet.lab.snapshotPath(ofHost: 1))
        let second = try runAgent(fleet.scanArguments() + ["--changes-only"])
        #expect(second.status == 4)
        let events = try fleet.newSpoolEvents()
        let written = findings(events)
        #expect(written.count == 1, "only the changed finding")
        #expect((written.first?["unmapped"] as? [String: Any])?["previous_status"] as? String == "Fail")
        let hostActivities = events.filter {
            $0["class_uid"] as? Int == 6007 && ($0["unmapped"] as? [String: Any])?["scope"] == nil
        }
        #expect(hostActivities.count == snapshots.count + 1, "one Scan Activity per host, still")
        let reached = hostActivities.compactMap { $0["unmapped"] as? [String: Any] }.filter {
            $0["reached"] as? Bool == true
        }
        #expect(reached.map { $0["unchanged_omitted"] as? Int }.sorted { ($0 ?? -1) < ($1 ?? -1) } == [0, 1, 1, 1])
        #expect(reached.allSatisfy { ($0["status_counts"] as? [String: Int])?.values.reduce(0, +) == 1 })

        // Without the option, every finding is written again.
        let full = try runAgent(fleet.scanArguments())
        #expect(full.status == 4)
        #expect(findings(try fleet.newSpoolEvents()).count == snapshots.count)
    }

    @Test("A spool left with events of an older OCSF version: the scan moves that file aside, says so, and starts anew")
    func olderFormatVersionStartsANewFile() throws {
        let fleet = try Fleet(snapshots: ["mbx01.json"])
        let spool = fleet.lab.directory.path + "/spool"
        try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
        let old = #"{"time":1,"metadata":{"uid":"0","correlation_uid":"r","version":"1.3.0"},"class_uid":2003}"# + "\n"
        try old.write(toFile: spool + "/findings.ndjson", atomically: true, encoding: .utf8)
        let scan = try runAgent(fleet.scanArguments())
        #expect(scan.status == 4, "\(scan.standardError)")
        #expect(scan.standardError.contains("held events of OCSF 1.3.0, not 1.8.0"), "\(scan.standardError)")
        let rotated = try FileManager.default.contentsOfDirectory(atPath: spool).filter { $0 != "findings.ndjson" }
        let contents = try rotated.map { try String(contentsOfFile: spool + "/" + $0, encoding: .utf8) }
        #expect(contents.filter { $0 == old }.count == 1, "the old events are kept, alone in their file")
        #expect(contents.filter { $0.contains(#""version":"1.8.0""#) }.count == 1, "the scan's events in another")
        #expect(!contents.contains { $0.contains(#""version":"1.3.0""#) && $0.contains(#""version":"1.8.0""#) })
    }

    @Test("A second scan while one runs exits at once with a clear message")
    func concurrentScanRefused() throws {
        // The first scan's only host answers after 60 s, so a second scan that waited for the lock could not
        // finish before the first is stopped below.
        let fleet = try Fleet(snapshots: ["mbx01.json"], faults: [0: ["latencyMs": 60_000]])
        let first = try startScanningAgent(fleet.scanArguments() + ["--timeout", "90"])
        let second = try runAgent(fleet.scanArguments())
        #expect(first.isRunning, "the first scan still holds the lock while the second gives up")
        #expect(second.status == 75)
        #expect(second.standardError.contains("another scan is running"))
        kill(first.processIdentifier, SIGKILL)  // SIGTERM would let the in-flight host finish, 60 s from now
        first.waitUntilExit()
    }

    @Test("SIGTERM stops the scan cleanly: no new host starts, finished hosts are kept, the rest are interrupted")
    func sigtermInterrupts() throws {
        let slow: [String: Any] = ["latencyMs": 1500]
        let fleet = try Fleet(
            snapshots: ["mbx01.json", "mbx02.json", "mbx01.json"], faults: [0: slow, 1: slow, 2: slow])
        let scan = try startScanningAgent(fleet.scanArguments() + ["--concurrency", "1"])
        Thread.sleep(forTimeInterval: 0.3)  // the first host is in flight: it answers after 1.5 s
        scan.terminate()
        scan.waitUntilExit()
        #expect(scan.terminationStatus == 5)
        let events = try fleet.newSpoolEvents()
        let activities = events.filter { $0["class_uid"] as? Int == 6007 }
        let cancelled = activities.filter { $0["activity_name"] as? String == "Cancelled" }
        #expect(activities.count == 5, "3 hosts + the unreachable one + the run")
        #expect(cancelled.count == 4, "3 hosts never started, and the run itself")
        #expect(findings(events).count == 1, "the host in flight when SIGTERM came finished and was kept")
    }
}
