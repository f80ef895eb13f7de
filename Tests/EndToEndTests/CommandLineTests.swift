import EDCATestSupport
import Foundation
import Testing

@Suite("The edca-agent command line, run as a user runs it")
struct CommandLineTests {
    @Test("The help lists the exit statuses probe and scan really use, not 0 whatever the verdicts")
    func helpTellsExitStatuses() throws {
        let run = try runAgent(["--help"])
        #expect(run.status == 0)
        let help = run.standardOutput.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for status in [
            "probe: every applicable control passed", "1 probe: some control failed or could not be decided",
            "3 probe: the host could not be probed", "4 scan: some hosts could not be scanned",
            "5 scan: interrupted by SIGTERM or SIGINT", "75 another scan is running", "64 usage error",
        ] {
            #expect(help.contains(status), "the help does not say \"\(status)\"")
        }
    }

    @Test("controls validate passes on the shipped catalog")
    func validateShippedControls() throws {
        let run = try runAgent(["controls", "validate", "Controls"])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.hasPrefix("Controls: "))
        #expect(run.standardOutput.contains("no problems"))
    }

    @Test("evaluate on the lab snapshots prints the verdicts a user expects, as JSON")
    func evaluateLabSnapshots() throws {
        let expected: [(snapshot: String, role: String, status: String)] = [
            ("Inventory/lab/mbx01.json", "Mailbox", "Pass"),
            ("Inventory/lab/mbx02.json", "Mailbox", "Fail"),
            ("Inventory/lab/edge01.json", "Edge", "Unknown"),
        ]
        for (snapshot, role, status) in expected {
            let run = try runAgent([
                "evaluate", "--snapshot", snapshot, "--role", role, "--control", "EDCA-SEC-043", "--format", "json",
            ])
            #expect(run.status == 0, "\(run.standardError)")
            let document = try #require(try parsedJSON(run.standardOutput) as? [String: Any])
            let results = try #require(document["results"] as? [[String: Any]])
            #expect(results.count == 1)
            let result = try #require(results.first)
            #expect(result["control"] as? String == "EDCA-SEC-043")
            #expect(result["status"] as? String == status, "\(snapshot)")
            let evidence = try #require(result["evidence"] as? [String])
            #expect(evidence.count == 2, "evidence names both the server and the client side: \(evidence)")
        }
    }

    @Test("evaluate shows the Windows default in the evidence of an unset value")
    func evaluateShowsDefault() throws {
        let run = try runAgent(["evaluate", "--snapshot", "Inventory/lab/mbx02.json", "--role", "Mailbox"])
        #expect(run.status == 0)
        #expect(
            run.standardOutput.contains(
                "HKLM\\SYSTEM\\CurrentControlSet\\Services\\LanmanWorkstation\\Parameters RequireSecuritySignature "
                    + "= 0 (not set; Windows default); required: 1"))
    }

    @Test("A broken control file exits 65 and names the file, position and field on stderr; nothing on stdout")
    func brokenControlFile() throws {
        let temporary = try TemporaryDirectory()
        let directory = temporary.path
        let text = try String(contentsOfFile: repositoryRoot + "/Controls/EDCA-SEC-043.json", encoding: .utf8)
            .replacingOccurrences(of: "\"severity\": \"High\"", with: "\"severity\": \"Hihg\"")
        let file = directory + "/EDCA-SEC-043.json"
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        let run = try runAgent(["controls", "validate", directory])
        #expect(run.status == 65)
        #expect(run.standardOutput.isEmpty)
        #expect(
            run.standardError.contains(
                "edca-agent: error: \(file):8:15: severity: expected one of Critical, High, Medium, Low, Informational, "
                    + "found \"Hihg\" (did you mean 'High'?)"),
            "\(run.standardError)")
    }

    @Test("A missing snapshot exits 66; an unknown control id is a usage error (64)")
    func inputErrors() throws {
        let missing = try runAgent(["evaluate", "--snapshot", "/nonexistent.json", "--role", "Mailbox"])
        #expect(missing.status == 66)
        #expect(missing.standardError.contains("/nonexistent.json: no such file"))
        let unknown = try runAgent([
            "evaluate", "--snapshot", "Inventory/lab/mbx01.json", "--role", "Mailbox", "--control", "EDCA-NOPE-001",
        ])
        #expect(unknown.status == 64)
        #expect(unknown.standardError.contains("no control EDCA-NOPE-001"))
        let badRole = try runAgent(["evaluate", "--snapshot", "Inventory/lab/mbx01.json", "--role", "Hub"])
        #expect(badRole.status == 64)
    }

    @Test("controls list filters and prints JSON with every field of the control file")
    func listControls() throws {
        let run = try runAgent(["controls", "list", "--framework", "cis", "--format", "json"])
        #expect(run.status == 0)
        let controls = try #require(try parsedJSON(run.standardOutput) as? [[String: Any]])
        let control = try #require(controls.first { $0["id"] as? String == "EDCA-SEC-043" })
        let fields = Set(control.keys)
        #expect(
            fields == [
                "id", "title", "description", "verify", "subject", "category", "severity", "severityWeight",
                "frameworks", "references", "requirements", "remediation", "considerations", "roles", "check",
            ], "EDCA-SEC-043 lists its requirements (an optional member)")
        let none = try runAgent(["controls", "list", "--framework", "NOPE", "--format", "json"])
        #expect(none.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
    }

    @Test("controls show prints the control with its registry reads")
    func showControl() throws {
        let run = try runAgent(["controls", "show", "edca-sec-043"])
        #expect(run.status == 0)
        #expect(run.standardOutput.hasPrefix("EDCA-SEC-043: SMB packet signing is required on server and client"))
        #expect(
            run.standardOutput.contains(
                "- value HKLM\\SYSTEM\\CurrentControlSet\\Services\\LanmanWorkstation\\Parameters RequireSecuritySignature"
            ))
    }
}
