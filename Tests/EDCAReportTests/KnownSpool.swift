import EDCACore
import EDCAEngine
import EDCAJSON
import EDCAReport
import EDCASpool
import EDCATestSupport
import Foundation
import Testing

/// A small spool whose numbers are worked out by hand in FleetReportTests: two runs, four controls, five hosts.
///
/// Controls: A (weight 8, verified, CIS and BSI, automatable), B (5, verified, CIS, automatable), C (3, not verified,
/// BSI, automatable), D (2, verified, NIS2, manual).
///
/// | host | run 1 | run 2 |
/// |---|---|---|
/// | h1 | A Fail, B Pass, D Fail | A Pass, B Fail, C Fail, D Fail |
/// | h2 | A Fail, B Fail | A Fail, B Unknown, D Skipped |
/// | h3 | - | A Fail, B Pass (first scan) |
/// | h4 | A Pass | - (gone) |
/// | h5 | - | not reached (timeout) |
enum KnownSpool {
    static let firstRun = "11111111111111111111111111111111"
    static let secondRun = "22222222222222222222222222222222"

    struct ControlSpec {
        var letter: String
        var id: String
        var weight: Int
        var verify: Bool
        var frameworks: [String]
        var automatable: Bool
    }

    static let controls = [
        ControlSpec(
            letter: "A", id: "EDCA-TST-001", weight: 8, verify: true, frameworks: ["CIS", "BSI"], automatable: true),
        ControlSpec(letter: "B", id: "EDCA-TST-002", weight: 5, verify: true, frameworks: ["CIS"], automatable: true),
        ControlSpec(letter: "C", id: "EDCA-TST-003", weight: 3, verify: false, frameworks: ["BSI"], automatable: true),
        ControlSpec(letter: "D", id: "EDCA-TST-004", weight: 2, verify: true, frameworks: ["NIS2"], automatable: false),
    ]

    /// A control file of the shipped format for a spec: one registry value that must be 1.
    static func controlJSON(_ spec: ControlSpec) -> String {
        let frameworks = spec.frameworks.map { "\"\($0)\"" }.joined(separator: ", ")
        return """
            {
              "id": "\(spec.id)",
              "title": "Test control \(spec.letter) is met </script><b>",
              "description": "Why \(spec.id) matters.",
              "verify": \(spec.verify),
              "subject": "Server",
              "category": "\(spec.letter == "D" ? "Monitoring" : "Platform Security")",
              "severity": "High",
              "severityWeight": \(spec.weight),
              "frameworks": [\(frameworks)],
              "references": [{"name": "A document", "url": "https://example.invalid/\(spec.id)"}],
              "remediation": {
                "automatable": \(spec.automatable),
                "description": "Set Value\(spec.letter) to 1.",
                "scriptTemplate": "Set-ItemProperty -Path 'HKLM:\\\\SOFTWARE\\\\Test' -Name 'Value\(spec.letter)' -Type DWord -Value 1"
              },
              "considerations": "Test it first.",
              "roles": ["Mailbox", "Edge"],
              "check": {"key": "HKLM\\\\SOFTWARE\\\\Test", "value": "Value\(spec.letter)", "equals": 1}
            }
            """
    }

    /// The controls directory's view of the controls, by id: OCSF 1.8.0 events leave weights, `verify` and
    /// texts to it.
    static func details() throws -> [String: ControlDetails] {
        Dictionary(uniqueKeysWithValues: try controls.map { ($0.id, ControlDetails(try control($0).metadata)) })
    }

    static func control(_ spec: ControlSpec) throws -> Control {
        try Control(json: Array(controlJSON(spec).utf8))
    }

    /// Writes the controls to `directory` (a controls directory `ControlCatalog.load` reads).
    static func writeControls(to directory: String) throws {
        for spec in controls {
            try Data(controlJSON(spec).utf8).write(to: URL(fileURLWithPath: "\(directory)/\(spec.id).json"))
        }
    }

    /// The two runs' verdicts: host -> [(control letter, status, previous status)].
    static let firstVerdicts: [(String, [(String, Status)])] = [
        ("h1", [("A", .fail), ("B", .pass), ("D", .fail)]),
        ("h2", [("A", .fail), ("B", .fail)]),
        ("h4", [("A", .pass)]),
    ]
    static let secondVerdicts: [(String, [(String, Status)])] = [
        ("h1", [("A", .pass), ("B", .fail), ("C", .fail), ("D", .fail)]),
        ("h2", [("A", .fail), ("B", .unknown), ("D", .skipped)]),
        ("h3", [("A", .fail), ("B", .pass)]),
    ]

    /// The spool files: run 1 rotated, run 2 rotated; `extra` lines are appended to the second file.
    static func files() throws -> [SpoolFile] {
        var previous: [String: [String: Status]] = [:]
        var texts: [String] = []
        for (runID, verdicts, base) in [
            (firstRun, firstVerdicts, Int64(1_764_000_000_000)), (secondRun, secondVerdicts, Int64(1_764_086_400_000)),
        ] {
            let run = SpoolRun(runID: runID, productVersion: "0.1.0")
            var lines: [String] = []
            var recorded: [String: [String: Status]] = previous
            for (host, list) in verdicts {
                let spoolHost = SpoolHost(hostname: host, ip: "10.0.0.\(host.suffix(1))", role: .mailbox)
                for (letter, status) in list {
                    let spec = try #require(controls.first { $0.letter == letter })
                    let control = try control(spec)
                    var verdict = control.evaluate(on: RegistrySnapshot(), role: .mailbox)
                    verdict.status = status
                    let before = previous[host]?[spec.id]
                    let drift = Drift(
                        kind: before == nil ? .new : before == status ? .unchanged : .changed, previous: before)
                    lines.append(
                        SpoolEvents.complianceFinding(
                            control: control.metadata, status: verdict.status, evidence: verdict.evidence,
                            host: spoolHost, drift: drift, run: run, timeMilliseconds: base + 100
                        ).compactRendered())
                    recorded[host, default: [:]][spec.id] = status
                }
                lines.append(
                    SpoolEvents.hostScanActivity(
                        HostScanOutcome(
                            host: spoolHost, result: .completed, startMilliseconds: base, endMilliseconds: base + 200),
                        run: run, timeMilliseconds: base + 200
                    ).compactRendered())
            }
            var failed = 0
            if runID == secondRun {
                failed = 1
                lines.append(
                    SpoolEvents.hostScanActivity(
                        HostScanOutcome(
                            host: SpoolHost(hostname: "h5", ip: "10.0.0.5"),
                            result: .failed(errorClass: "timeout", message: "no answer within 30 s"),
                            startMilliseconds: base, endMilliseconds: base + 300),
                        run: run, timeMilliseconds: base + 300
                    ).compactRendered())
            }
            lines.append(
                SpoolEvents.runScanActivity(
                    RunScanSummary(
                        hosts: verdicts.count + failed, reached: verdicts.count, failed: failed, interrupted: 0,
                        statusCounts: [:], startMilliseconds: base, endMilliseconds: base + 400),
                    run: run, timeMilliseconds: base + 400
                ).compactRendered())
            texts.append(lines.joined(separator: "\n") + "\n")
            previous = recorded
        }
        return [
            SpoolFile(path: "spool/findings-20251124T000000Z.ndjson", bytes: Array(texts[0].utf8)),
            SpoolFile(path: "spool/findings-20251125T000000Z.ndjson", bytes: Array(texts[1].utf8)),
        ]
    }

    /// Writes the spool files and the controls to a fresh directory: `<dir>/spool`, `<dir>/controls`.
    static func write(to directory: TemporaryDirectory) throws -> (spool: String, controls: String) {
        let spool = directory.path + "/spool"
        let controlsDirectory = directory.path + "/controls"
        for path in [spool, controlsDirectory] {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        for file in try files() {
            try Data(file.bytes).write(to: URL(fileURLWithPath: directory.path + "/" + file.path))
        }
        try writeControls(to: controlsDirectory)
        return (spool, controlsDirectory)
    }
}
