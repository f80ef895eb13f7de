import EDCAAgent
import EDCATestSupport
import Foundation
import Synchronization
import Testing

/// Whole sessions, as `scan` and `probe` run them, against simulated hosts behind real sshds.
@Suite("Scan sessions", .serialized)
struct ScanSessionTests {
    /// The targets of a fleet's hosts, named `host0`, `host1`, ...
    private func targets(_ fleet: SimulatedFleet) -> [ScanTarget] {
        fleet.addresses.indices.map { index in
            ScanTarget(
                name: "host\(index)", address: fleet.addresses[index], port: fleet.port(ofHost: index),
                user: fleet.user, fingerprint: nil, role: nil)
        }
    }

    /// Settings that reach the fleet with its plain client key, spooling to its directory.
    private func spooledSettings(_ fleet: SimulatedFleet) throws -> ScanSettings {
        var settings = ScanSettings(
            controls: try ControlCatalog.load(directory: repositoryRoot + "/Controls").controls,
            knownHosts: fleet.knownHostsPath)
        settings.identity = fleet.clientKeyPath
        settings.concurrency = 2
        settings.deadline = .seconds(20)
        settings.spooling = ScanSettings.Spooling(
            spoolDirectory: fleet.directory.path + "/spool", stateDirectory: fleet.directory.path + "/state",
            group: nil, retentionDays: 14)
        return settings
    }

    /// The spool lines of a rotated file that are Scan Activity events.
    private func scanActivities(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
            .filter { $0.contains(#""class_uid":6007"#) }
    }

    @Test("A spooled session spools every host, reports progress per host, keeps summaries and releases the lock")
    func spooledSession() async throws {
        let fleet = try SimulatedFleet(
            [.init(snapshot: "mbx01.json"), .init(snapshot: "edge01.json")], firstAddress: 41)
        let settings = try spooledSettings(fleet)
        let unreachable = ScanTarget(
            name: "unreachable", address: "127.0.0.43", port: try SSHServerFixture.freePort(), user: fleet.user,
            fingerprint: nil, role: nil)
        let events = Mutex<[ScanEvent]>([])

        let result = try await ScanSession.run(settings: settings, hosts: targets(fleet) + [unreachable]) { event in
            events.withLock { $0.append(event) }
        }

        #expect(result.outcomes.map(\.target.name) == ["host0", "host1", "unreachable"])
        #expect(result.failedCount == 1)
        #expect(!result.wasInterrupted)
        guard case .success(let scan) = result.outcomes[0].result else {
            Issue.record("host0 was not scanned: \(result.outcomes[0].result)")
            return
        }
        let serverControls = settings.controls.filter { !$0.subject.isOrganizationWide }
        #expect(
            Set(scan.verdicts.map(\.controlID)) == Set(serverControls.map(\.id)),
            "organization controls are judged once per organization")
        #expect(scan.verdicts.allSatisfy { $0.findings.isEmpty }, "a spooled session keeps statuses, not findings")
        let spoolFile = try #require(result.spoolFile)
        #expect(try scanActivities(spoolFile).count == 4, "one Scan Activity per host and one for the run")

        let recorded = events.withLock { $0 }
        guard case .started(let start) = recorded.first else {
            Issue.record("the first event is not .started: \(recorded)")
            return
        }
        #expect(start.total == 3 && start.done == 0)
        let progress = recorded.compactMap { event -> ScanProgress? in
            if case .hostFinished(_, let progress) = event { progress } else { nil }
        }
        #expect(progress.map(\.done) == [1, 2, 3])
        #expect(progress.last?.failed == 1)
        #expect(progress.allSatisfy { $0.hostsPerSecond != nil })
        let stateDirectory = try #require(settings.spooling?.stateDirectory)
        #expect(throws: Never.self) { _ = try ScanLock(stateDirectory: stateDirectory) }
    }

    @Test("A session that does not spool (probe) keeps each host's snapshot and findings and writes no spool")
    func unspooledSession() async throws {
        let fleet = try SimulatedFleet([.init(snapshot: "mbx02.json")], firstAddress: 44)
        var settings = try spooledSettings(fleet)
        settings.spooling = nil

        let result = try await ScanSession.run(settings: settings, hosts: targets(fleet))

        #expect(result.spoolFile == nil)
        guard case .success(let scan) = result.outcomes.first?.result else {
            Issue.record("the host was not scanned: \(result.outcomes)")
            return
        }
        #expect(!scan.snapshot.registry.listedKeys.isEmpty)
        #expect(scan.verdicts.contains { !$0.findings.isEmpty })
        #expect(!FileManager.default.fileExists(atPath: fleet.directory.path + "/spool"))
    }

    @Test("A session refuses to start while another scan holds the lock, and connects to nothing")
    func lockedSession() async throws {
        let fleet = try SimulatedFleet([.init(snapshot: "mbx01.json")], firstAddress: 45)
        let settings = try spooledSettings(fleet)
        let stateDirectory = try #require(settings.spooling?.stateDirectory)
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        let held = try ScanLock(stateDirectory: stateDirectory)

        do {
            let result = try await ScanSession.run(settings: settings, hosts: targets(fleet))
            Issue.record("expected the session to be refused, got \(result.outcomes.count) outcomes")
        } catch {
            guard case .locked = error else {
                Issue.record("expected .locked, got \(error)")
                return
            }
            #expect(error.description.contains("another scan is running"))
        }
        withExtendedLifetime(held) {}
        #expect(!FileManager.default.fileExists(atPath: fleet.directory.path + "/spool"))
    }

    @Test("A stop requested before any host starts records every host as interrupted, in the spool too")
    func stoppedSession() async throws {
        let fleet = try SimulatedFleet(
            [.init(snapshot: "mbx01.json"), .init(snapshot: "mbx02.json")], firstAddress: 46)
        let settings = try spooledSettings(fleet)
        let stop = StopRequest()
        stop.request()

        let result = try await ScanSession.run(settings: settings, hosts: targets(fleet), stop: stop)

        #expect(result.wasInterrupted)
        #expect(result.failedCount == 2)
        let activities = try scanActivities(try #require(result.spoolFile))
        #expect(activities.filter { $0.contains(#""error_class":"interrupted""#) }.count == 2)
    }
}
