import EDCACore
import EDCAJSON
import EDCAProbe
import Testing

@testable import edca_lab_host

/// The probe's Exchange stage and the agent's allow-list are one table written twice (PowerShell and Swift): each
/// key must have the same cmdlet, fixed parameters, Edge flag and properties in both, and the stage must run nothing
/// else. The simulated host must answer as the stage does.
@Suite("The Exchange stage, the allow-list and the simulated host agree")
struct ExchangeStageAgreementTests {
    /// The stage's table rows: `'KEY' = @{ Cmdlet = ...; ... }`, one line each.
    private var scriptRows: [Substring] {
        ProbeScripts.probe.split(separator: "\n").filter { $0.hasPrefix("    '") && $0.contains("= @{ Cmdlet = '") }
    }

    /// The row the stage should have for an allow-listed key, its parameters rebuilt from the Swift arguments.
    private func expectedRow(_ fact: ExchangeFact) -> String {
        var parameters: [String] = []
        var rest = Substring(fact.arguments)
        while let dash = rest.firstIndex(of: "-") {
            rest = rest[rest.index(after: dash)...]
            let name = rest.prefix { $0 != " " }
            rest = rest.dropFirst(name.count).drop { $0 == " " }
            if rest.hasPrefix("'") {
                let value = rest.dropFirst().prefix { $0 != "'" }
                parameters.append("\(name) = '\(value)'")
                rest = rest.dropFirst(value.count + 2).drop { $0 == " " }
            } else if rest.hasPrefix("$env:COMPUTERNAME") {
                parameters.append("\(name) = $env:COMPUTERNAME")
                rest = rest.dropFirst("$env:COMPUTERNAME".count).drop { $0 == " " }
            } else {
                parameters.append("\(name) = $true")
            }
        }
        let table = parameters.isEmpty ? "@{}" : "@{ " + parameters.joined(separator: "; ") + " }"
        let properties = fact.properties.map { "'\($0)'" }.joined(separator: ", ")
        return "    '\(fact.key)' = @{ Cmdlet = '\(fact.cmdlet)'; Parameters = \(table); Edge = $\(fact.runsOnEdge); "
            + "Properties = @(\(properties)) }"
    }

    @Test("Every allow-listed key is one row of the stage's table, and the table has no other")
    func tablesAgree() {
        let rows = Set(scriptRows.map(String.init))
        for fact in ExchangeFact.allowed {
            #expect(rows.contains(expectedRow(fact)), "\(fact.key): expected\n\(expectedRow(fact))")
        }
        #expect(scriptRows.count == ExchangeFact.allowed.count)
    }

    @Test("The stage runs only Get-* cmdlets and loads only allow-listed snap-ins")
    func onlyReads() {
        for row in scriptRows {
            #expect(row.contains("Cmdlet = 'Get-"), "\(row)")
        }
        #expect(
            ProbeScripts.probe.contains(
                "$exchangeSnapIns = @('Microsoft.Exchange.Management.PowerShell.SnapIn', "
                    + "'Microsoft.Exchange.Management.PowerShell.E2010')"))
        #expect(ProbeScripts.probe.contains("Invoke-Bounded $runspace 'Add-PSSnapin' @{ Name = $snapIn }"))
    }

    @Test("The stage writes exactly the error classes the agent reads")
    func errorClasses() {
        for errorClass in ExchangeError.stageClasses where errorClass != "exchange.timeout" {
            #expect(ProbeScripts.probe.contains("New-ExchangeError '\(errorClass)'"), "\(errorClass)")
        }
        #expect(ProbeScripts.probe.contains("$class = 'exchange.timeout'"))
        for errorClass in ["denied", "failed", "timeout"] {
            #expect(ProbeScripts.probe.contains("'\(errorClass)'"), "\(errorClass)")
        }
    }

    @Test("The simulated host refuses a key outside the allow-list with the stage's message")
    func unknownKey() throws {
        let answer = ProbeAnswers.answer(
            ProbeRead(try JSONParser.parse(#"{"exchange": "Set-OrganizationConfig"}"#)), from: HostSnapshot())
        guard case .object(let members) = answer, case .string(let message)? = members.last?.value else {
            Issue.record("not an error answer: \(answer)")
            return
        }
        #expect(ProbeScripts.probe.contains("'\(message)'"), "\(message)")
    }
}
