import EDCACore
import EDCAEngine
import EDCAJSON
import EDCAReport
import Testing

/// The remediation script of the known spool's newest run (failures: h1 B, C, D; h2 A; h3 A).
@Suite("Remediation script")
struct RemediationScriptTests {
    func script(hosts: [String] = []) throws -> String {
        let runs = try SpoolRuns.read(try KnownSpool.files(), directory: "spool")
        let (run, earlier) = try runs.select(nil)
        let details = Dictionary(
            uniqueKeysWithValues: try KnownSpool.controls.map {
                ($0.id, ControlDetails(try KnownSpool.control($0).metadata))
            })
        let report = FleetReport(run: run, earlier: earlier, details: details)
        return RemediationScript.render(
            report, hosts: hosts, generatedAt: "2026-01-01T00:00:00Z", productVersion: "0.1.0")
    }

    @Test func oneFunctionPerFailedAutomatableVerifiedControl() throws {
        let text = try script()
        let functions = text.split(separator: "\r\n").filter { $0.hasPrefix("function ") }
        // A and B are automatable and verified; C is not verified, D needs judgement.
        #expect(functions == ["function Repair-EDCATST001 {", "function Repair-EDCATST002 {"])
        #expect(text.contains("[CmdletBinding(SupportsShouldProcess = $true)]\r\nparam()"))
        #expect(text.contains("if ($PSCmdlet.ShouldProcess($env:COMPUTERNAME, 'EDCA-TST-001: "))
        #expect(
            text.contains("        Set-ItemProperty -Path 'HKLM:\\SOFTWARE\\Test' -Name 'ValueA' -Type DWord -Value 1"))
        #expect(text.hasPrefix("# Remediation for the controls that failed in edca-agent run \(KnownSpool.secondRun)."))
        #expect(text.contains("A STARTING POINT, NOT A FINISHED CHANGE"))
    }

    @Test func eachHostsPartRunsOnlyOnThatHost() throws {
        let text = try script()
        #expect(text.contains("if ($env:COMPUTERNAME -eq 'H2') {\r\n    Repair-EDCATST001\r\n}"))
        #expect(text.contains("if ($env:COMPUTERNAME -eq 'H3') {\r\n    Repair-EDCATST001\r\n}"))
        // h1: B scripted; C (not verified) and D (manual) as comments.
        #expect(
            text.contains(
                "if ($env:COMPUTERNAME -eq 'H1') {\r\n    Repair-EDCATST002\r\n    # Manual steps (they need judgement; not scripted):\r\n"
                    + "    #   EDCA-TST-003 Test control C is met </script><b>: Set ValueC to 1.\r\n"
                    + "    #   EDCA-TST-004 Test control D is met </script><b>: Set ValueD to 1.\r\n}"))
        let onlyH2 = try script(hosts: ["H2"])
        #expect(onlyH2.contains("'H2'") && !onlyH2.contains("'H1'") && !onlyH2.contains("'H3'"))
        #expect(!onlyH2.contains("function Repair-EDCATST002"))
    }

    @Test func textInStringsAndCommentsCannotBreakOut() {
        #expect(RemediationScript.functionName("EDCA-SEC-043") == "Repair-EDCASEC043")
        #expect(
            RemediationScript.quoted("it's \u{2019}x\u{2019}\nnext") == "'it''s \u{2019}\u{2019}x\u{2019}\u{2019} next'"
        )
        #expect(RemediationScript.commentLines("one\ntwo\r\nthree", prefix: "# ") == ["# one", "# two", "# three"])
    }
}
