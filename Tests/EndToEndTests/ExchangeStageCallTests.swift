import EDCATestSupport
import Foundation
import Testing

/// What one Exchange call can do to the others, end to end: each row probes one simulated Mailbox server (real sshd,
/// `edca-lab-host` answering the stage from `Inventory/lab/mbx01.json`) with `edca-agent probe` and the controls
/// EDCA-SEC-043 (registry), EDCA-MON-007 (`ReceiveConnector`, read first), EDCA-MON-006 (`TransportService`, read
/// after it) and EDCA-RES-011 (`Mailbox`).
///
/// A call past its bound that stops leaves the runspace to the next call; one that does not stop makes every later
/// key say so ("not run: the stage timed out on ReceiveConnector") rather than fail for a busy runspace. A key past
/// its row limit answers the first rows marked truncated, and a check that those rows do not decide is Unknown.
@Suite("Exchange stage calls: a hanging call, a stuck call, a truncated answer")
struct ExchangeStageCallTests {
    /// One row: the lab faults and what the scan must show.
    struct Row: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var faults: [String: any Sendable]
        /// The statuses of the Exchange controls.
        var statuses: [String: String]
        /// Text each control's finding must contain.
        var evidence: [String: String] = [:]
        /// The shortest the scan may take, in seconds (a hanging call must really wait).
        var atLeastSeconds = 0.0
    }

    static let rows: [Row] = [
        Row(
            testDescription: "A call past its bound that stops: that key times out, the next key still answers",
            faults: ["exchangeHangingKeys": ["ReceiveConnector"], "exchangeCallSeconds": 2],
            statuses: ["EDCA-MON-007": "Unknown", "EDCA-MON-006": "Pass", "EDCA-RES-011": "Pass"],
            evidence: ["EDCA-MON-007": "timeout: no answer within 2 s"], atLeastSeconds: 2),
        Row(
            testDescription: "A call that does not stop: every later key says it was not run, and why",
            faults: ["exchangeStuckKeys": ["ReceiveConnector"], "exchangeCallSeconds": 2],
            // Mailbox is read before ReceiveConnector (the reads are sorted by key), TransportService after it.
            statuses: ["EDCA-RES-011": "Pass", "EDCA-MON-007": "Unknown", "EDCA-MON-006": "Unknown"],
            evidence: [
                "EDCA-MON-007": "timeout: no answer within 2 s",
                "EDCA-MON-006": "timeout: not run: the stage timed out on ReceiveConnector, whose call did not stop",
            ], atLeastSeconds: 7),
        Row(
            testDescription: "25,000 mailboxes: the first 20,000 rows, truncated, and no Pass from them",
            faults: ["exchangeBulkRows": ["Mailbox": 25_000]],
            statuses: ["EDCA-MON-007": "Pass", "EDCA-MON-006": "Pass", "EDCA-RES-011": "Unknown"],
            evidence: ["EDCA-RES-011": "the answer stops at the key's limit of 20000 rows"]),
    ]

    @Test("One Exchange call fault", arguments: rows)
    func callFault(_ row: Row) throws {
        let host = try SimulatedHost(snapshot: "mbx01.json", faults: row.faults)
        let saved = host.directory.path + "/snapshot.json"
        let controls = ["EDCA-SEC-043", "EDCA-MON-006", "EDCA-MON-007", "EDCA-RES-011"].flatMap { ["--control", $0] }
        let started = ContinuousClock.now
        let run = try runAgent(host.probeArguments(controls + ["--format", "json", "--save-snapshot", saved]))
        let elapsed = ContinuousClock.now - started
        #expect(elapsed >= .seconds(row.atLeastSeconds), "\(elapsed)")
        let document = try #require(try parsedJSON(run.standardOutput) as? [String: Any], "\(run.standardError)")
        let results = try #require(document["results"] as? [[String: Any]])
        let statuses = statusesByControl(results)
        var evidence: [String: String] = [:]
        for result in results {
            guard let control = result["control"] as? String else { continue }
            evidence[control, default: ""] += (result["evidence"] as? [String] ?? []).joined(separator: "\n")
        }
        #expect(statuses["EDCA-SEC-043"] == "Pass", "the registry finding stands")
        for (control, status) in row.statuses {
            #expect(statuses[control] == status, "\(control): \(evidence[control] ?? "no finding")")
        }
        for (control, text) in row.evidence {
            #expect(evidence[control]?.contains(text) == true, "\(control): \(evidence[control] ?? "no finding")")
        }
        // The stage ran: no stage error, only calls that failed or were cut.
        let snapshot = try String(contentsOfFile: saved, encoding: .utf8)
        #expect(!snapshot.contains(#""stage""#), "\(snapshot.prefix(400))")
        if row.faults["exchangeBulkRows"] != nil {
            #expect(snapshot.contains(#""truncated": true"#) || snapshot.contains(#""truncated":true"#))
            print("exchange stage calls: snapshot with 20,000 Mailbox rows: \(snapshot.utf8.count) bytes")
        }
        print("exchange stage calls: \(row.testDescription): \(elapsed)")
    }
}
