import EDCATestSupport
import Foundation
import Testing

/// The Exchange stage's faults, end to end: each row scans one simulated Mailbox server (real sshd, `edca-lab-host`
/// answering the stage from `Inventory/lab/mbx01.json`'s `exchange` member) with `edca-agent scan` and the controls
/// EDCA-SEC-043 (registry), EDCA-MON-006 (`TransportService`) and EDCA-MON-007 (`ReceiveConnector`).
///
/// A stage that runs no cmdlet is reported once for the host (summary line, Scan Activity) with its class, the
/// Exchange findings are Unknown with that class in their evidence, and the registry finding is unaffected; a call
/// denied by RBAC makes only its own controls Unknown.
@Suite("Exchange stage faults: one Mailbox server per row", .serialized)
struct ExchangeStageFaultTests {
    /// One row: the lab faults, the scan's deadline, and what the scan must show.
    struct Row: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var faults: [String: any Sendable]
        /// The scan's `--timeout`, in seconds.
        var timeout = 60
        /// The stage error class the host must report, or nil when the stage ran.
        var stageError: String?
        /// Text the stage error's message must contain.
        var messageContains: String?
        /// The statuses of the Exchange controls.
        var exchangeStatuses: [String: String]
        /// The shortest the scan may take, in seconds (a slow load must really wait).
        var atLeastSeconds = 0.0
    }

    static let rows: [Row] = [
        Row(
            testDescription: "No fault: the stage answers and the Exchange controls pass", faults: [:],
            exchangeStatuses: ["EDCA-MON-006": "Pass", "EDCA-MON-007": "Pass"]),
        Row(
            testDescription: "Snap-in absent: exchange.not-installed",
            faults: ["exchangeStage": "notInstalled"], stageError: "exchange.not-installed",
            messageContains: "snap-in", exchangeStatuses: ["EDCA-MON-006": "Unknown", "EDCA-MON-007": "Unknown"]),
        Row(
            testDescription: "Snap-in load failure: exchange.load-failed",
            faults: ["exchangeStage": "loadFailed"], stageError: "exchange.load-failed",
            messageContains: "type initializer",
            exchangeStatuses: ["EDCA-MON-006": "Unknown", "EDCA-MON-007": "Unknown"]),
        Row(
            testDescription: "Key logon without a network credential: exchange.no-network-credentials and the remedy",
            faults: ["exchangeStage": "noNetworkCredential"], stageError: "exchange.no-network-credentials",
            messageContains: "Kerberos with delegation",
            exchangeStatuses: ["EDCA-MON-006": "Unknown", "EDCA-MON-007": "Unknown"]),
        Row(
            testDescription: "A 20-second snap-in load inside the deadline: the stage answers",
            faults: ["exchangeLoadSeconds": 20], timeout: 60,
            exchangeStatuses: ["EDCA-MON-006": "Pass", "EDCA-MON-007": "Pass"], atLeastSeconds: 20),
        Row(
            testDescription:
                "A 20-second snap-in load past the probe's deadline: exchange.timeout, registry facts kept",
            faults: ["exchangeLoadSeconds": 20], timeout: 8, stageError: "exchange.timeout",
            messageContains: "no answer within",
            exchangeStatuses: ["EDCA-MON-006": "Unknown", "EDCA-MON-007": "Unknown"], atLeastSeconds: 5),
        Row(
            testDescription: "One cmdlet denied by RBAC: only its controls are Unknown",
            faults: ["exchangeDeniedKeys": ["TransportService"]],
            exchangeStatuses: ["EDCA-MON-006": "Unknown", "EDCA-MON-007": "Pass"]),
    ]

    @Test("One Exchange stage fault", arguments: rows.enumerated().map { ($0.offset, $0.element) })
    func stageFault(_ index: Int, _ row: Row) throws {
        let fleet = try SimulatedFleet(
            [.init(snapshot: "mbx01.json", faults: row.faults)], firstAddress: 181 + index)
        let controls = try fleet.controlsDirectory(with: ["EDCA-SEC-043", "EDCA-MON-006", "EDCA-MON-007"])
        let inventory = try fleet.writeInventory("inventory.yaml")
        let spool = fleet.directory.path + "/spool"
        let started = ContinuousClock.now
        let run = try runAgent([
            "scan", "--inventory", inventory, "--controls", controls, "--known-hosts", fleet.knownHostsPath,
            "--spool", spool, "--state", fleet.directory.path + "/state", "--timeout", String(row.timeout),
            "--retries", "0",
        ])
        let elapsed = ContinuousClock.now - started
        #expect(run.status == 0, "\(run.standardOutput)\n\(run.standardError)")
        #expect(elapsed >= .seconds(row.atLeastSeconds), "\(elapsed)")
        let events = try spoolEvents(in: spool)

        var statuses: [String: String] = [:]
        var evidence: [String: String] = [:]
        for event in events where event["class_uid"] as? Int == 2003 {
            guard let compliance = event["compliance"] as? [String: Any],
                let control = compliance["control"] as? String
            else { continue }
            statuses[control] = compliance["status_code"] as? String
            let data = try JSONSerialization.data(withJSONObject: event)
            evidence[control] = String(decoding: data, as: UTF8.self)
        }
        #expect(statuses["EDCA-SEC-043"] == "Pass", "the registry finding stands")
        for (control, status) in row.exchangeStatuses {
            #expect(statuses[control] == status, "\(control)")
        }

        let activity = try #require(events.first { $0["class_uid"] as? Int == 6007 && $0["device"] != nil })
        #expect(activity["activity_name"] as? String == "Completed")
        let unmapped = activity["unmapped"] as? [String: Any] ?? [:]
        #expect(unmapped["exchange_error_class"] as? String == row.stageError)
        guard let stageError = row.stageError else {
            #expect(!run.standardOutput.contains("Exchange stage:"))
            if row.exchangeStatuses["EDCA-MON-006"] == "Unknown" {
                #expect(evidence["EDCA-MON-006"]?.contains("denied") == true, "\(evidence["EDCA-MON-006"] ?? "")")
            }
            return
        }
        let message = unmapped["exchange_error_message"] as? String ?? ""
        if let text = row.messageContains {
            #expect(message.contains(text), "\(message)")
        }
        // Once in the terminal summary, once in the Scan Activity; each Exchange finding names the class.
        #expect(
            run.standardOutput.components(separatedBy: "Exchange stage: \(stageError)").count == 2,
            "\(run.standardOutput)")
        for control in ["EDCA-MON-006", "EDCA-MON-007"] {
            #expect(evidence[control]?.contains(stageError) == true, "\(control): \(evidence[control] ?? "")")
        }
        print("exchange stage faults: \(row.testDescription): \(stageError): \(message.prefix(120)) (\(elapsed))")
    }
}
