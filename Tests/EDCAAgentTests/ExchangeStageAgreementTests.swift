import EDCAAgent
import EDCACore
import EDCAJSON
import EDCAProbe
import EDCATestSupport
import EDCATransport
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
            } else if let digits = Optional(rest.prefix { $0.isNumber }), !digits.isEmpty {
                parameters.append("\(name) = \(digits)")
                rest = rest.dropFirst(digits.count).drop { $0 == " " }
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
            + "Rows = \(fact.rowLimit); Properties = @(\(properties)) }"
    }

    @Test("Every allow-listed key is one row of the stage's table, and the table has no other")
    func tablesAgree() {
        let rows = Set(scriptRows.map(String.init))
        for fact in ExchangeFact.allowed {
            #expect(rows.contains(expectedRow(fact)), "\(fact.key): expected\n\(expectedRow(fact))")
        }
        #expect(scriptRows.count == ExchangeFact.allowed.count)
    }

    @Test("A key whose cmdlet lists without bound asks for one row more than its limit, never 'Unlimited'")
    func resultSizes() {
        for fact in ExchangeFact.allowed where ["Get-Mailbox", "Get-User", "Get-RoleGroupMember"].contains(fact.cmdlet)
        {
            #expect(fact.arguments.contains("-ResultSize \(fact.rowLimit + 1)"), "\(fact.key): \(fact.arguments)")
        }
        #expect(!ProbeScripts.probe.contains("ResultSize = 'Unlimited'"))
    }

    /// The answer a key gives for `count` rows made from mbx01's, as bytes of JSON.
    private func answerBytes(_ key: String, rows count: Int) throws -> Int {
        let snapshot = try SnapshotFile.load(repositoryRoot + "/Inventory/lab/mbx01.json")
        let fact = try #require(ExchangeFact.named(key))
        return ExchangeStage.answer(fact, from: snapshot.exchange, rowCount: count).bytes.count
    }

    @Test("The recipient keys' limits keep their answers to a third of what a probe's answer may take")
    func answerSizes() throws {
        let outputLimit = SSHOptions(knownHostsPath: "").maxOutputBytes
        for key in ["Mailbox", "User.RemotePowerShell"] {
            let fact = try #require(ExchangeFact.named(key))
            let perThousand = try answerBytes(key, rows: 1_000)
            let atLimit = try answerBytes(key, rows: fact.rowLimit)
            print("exchange answer size: \(key): \(perThousand) bytes per 1,000 rows, \(atLimit) at \(fact.rowLimit)")
            #expect(atLimit <= outputLimit / 3, "\(key): \(atLimit) bytes at its limit of \(fact.rowLimit) rows")
        }
    }

    @Test("Past its row limit the simulated host answers the first rows, marked truncated, as the stage does")
    func truncation() throws {
        let snapshot = try SnapshotFile.load(repositoryRoot + "/Inventory/lab/mbx01.json")
        let fact = try #require(ExchangeFact.named("Mailbox"))
        let json = ExchangeStage.answer(fact, from: snapshot.exchange, rowCount: fact.rowLimit + 1).bytes
        var problems: [DecodingProblem] = []
        let state = ExchangeSnapshot.decodeState(
            try JSONParser.parse(json), of: fact, field: "Mailbox", problems: &problems)
        guard case .truncated(let rows)? = state else {
            Issue.record("not truncated: \(String(describing: state)) \(problems)")
            return
        }
        #expect(rows.count == fact.rowLimit)
        #expect(
            ProbeScripts.probe.contains(
                "if ($output.Count -gt $call.Rows) { return @{ rows = $rows; truncated = $true } }"))
        let exact = ExchangeStage.answer(fact, from: snapshot.exchange, rowCount: fact.rowLimit).bytes
        guard
            case .rows(let all)? = ExchangeSnapshot.decodeState(
                try JSONParser.parse(exact), of: fact, field: "Mailbox", problems: &problems)
        else {
            Issue.record("not rows: \(problems)")
            return
        }
        #expect(all.count == fact.rowLimit)
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
