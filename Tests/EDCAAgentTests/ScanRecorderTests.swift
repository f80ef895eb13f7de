import EDCAAgent
import EDCACore
import EDCAEngine
import EDCAProbe
import EDCASpool
import EDCATestSupport
import EDCATransport
import Foundation
import Synchronization
import Testing

/// The recorder dates every event, the run and the rotated file by the clock it is given.
@Suite("Scan recorder")
struct ScanRecorderTests {
    /// A wall clock that reads the given instants in turn, as the recorder asks for them.
    final class SteppingClock: Sendable {
        private let instants: Mutex<[Date]>

        init(_ instants: [Date]) { self.instants = Mutex(instants) }

        func now() -> Date {
            instants.withLock { instants in
                precondition(!instants.isEmpty, "the recorder read the clock more often than expected")
                return instants.removeFirst()
            }
        }
    }

    @Test("Events carry the injected clock's times: a host's span ends when it is recorded, the run's at finish")
    func eventsAreDatedByTheInjectedClock() async throws {
        let directory = try TemporaryDirectory()
        let started = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z
        let recorded = started.addingTimeInterval(5)
        let finished = started.addingTimeInterval(10)
        let clock = SteppingClock([started, recorded, finished])
        let recorder = ScanRecorder(
            spool: try SpoolWriter.open(directory: directory.path + "/spool"),
            drift: try DriftState.load(directory: directory.path + "/state"),
            run: SpoolRun(runID: "run-1", productVersion: AgentProduct.version), controls: [],
            now: { clock.now() })
        let target = ScanTarget(
            name: "mbx01", address: "10.0.0.5", port: 22, user: "edca", fingerprint: nil, role: .mailbox)

        await recorder.record(
            HostOutcome(target: target, result: .failure(.unknownRole("10.0.0.5")), duration: .milliseconds(1500)))
        let rotated = try await recorder.finish(hosts: 1, retentionDays: 14)

        #expect(rotated == directory.path + "/spool/findings-20260101T000010Z.ndjson")
        let events = try String(contentsOfFile: try #require(rotated), encoding: .utf8)
            .split(separator: "\n")
            .map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        try #require(events.count == 2)
        let milliseconds = { (date: Date) in Int64(date.timeIntervalSince1970 * 1000) }
        #expect(events[0]["time"] as? Int64 == milliseconds(recorded))
        #expect(events[0]["start_time"] as? Int64 == milliseconds(recorded) - 1500)
        #expect(events[0]["end_time"] as? Int64 == milliseconds(recorded))
        #expect(events[1]["time"] as? Int64 == milliseconds(finished))
        #expect(events[1]["start_time"] as? Int64 == milliseconds(started))
        #expect(events[1]["end_time"] as? Int64 == milliseconds(finished))
        #expect(
            (events[1]["metadata"] as? [String: Any]).flatMap { $0["product"] as? [String: Any] }?["version"]
                as? String == AgentProduct.version)
    }

    @Test(
        "A scan whose deadline passes before its events are written is recorded as agent.timeout, without findings",
        arguments: [false, true])
    func deadlineBoundsWritingEvents(pastDeadline: Bool) async throws {
        let directory = try TemporaryDirectory()
        let catalog = try ControlCatalog.load(directory: repositoryRoot + "/Controls")
        let snapshot = try HostSnapshot(
            json: Array(try Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/Inventory/lab/mbx01.json"))))
        let plan = EvaluationPlan(controls: catalog.controls)
        let target = ScanTarget(
            name: "mbx01", address: "10.0.0.5", port: 22, user: "edca", fingerprint: nil, role: .mailbox)
        let scan = HostScan(
            endpoint: target.endpoint, role: .mailbox, identity: HostIdentity(snapshot: snapshot.registry),
            snapshot: snapshot, verdicts: plan.evaluateAll(on: plan.facts(from: snapshot), role: .mailbox),
            readErrors: [], hostKeyFingerprint: "SHA256:x",
            timeLeft: pastDeadline ? .zero : .seconds(60))
        let recorder = ScanRecorder(
            spool: try SpoolWriter.open(directory: directory.path + "/spool"),
            drift: try DriftState.load(directory: directory.path + "/state"),
            run: SpoolRun(productVersion: AgentProduct.version), controls: catalog.controls)

        let recorded = await recorder.record(
            HostOutcome(target: target, result: .success(scan), duration: .milliseconds(20)))
        let rotated = try #require(try await recorder.finish(hosts: 1, retentionDays: 14))

        let lines = try String(contentsOfFile: rotated, encoding: .utf8).split(separator: "\n")
        let findings = lines.filter { $0.contains(#""class_uid":2003"#) }
        if pastDeadline {
            guard case .failure(let error) = recorded.result else {
                Issue.record("a scan past its deadline was recorded as scanned")
                return
            }
            #expect(error.errorClass == "agent.timeout")
            #expect(findings.isEmpty)
            #expect(lines.contains { $0.contains(#""error_class":"agent.timeout""#) })
        } else {
            guard case .success = recorded.result else {
                Issue.record("a scan within its deadline was not recorded as scanned: \(recorded.result)")
                return
            }
            #expect(findings.count > 30, "every applicable control has its finding")
        }
    }
}
