import EDCATestSupport
import Foundation
import Testing

/// `scripts/check-powershell`: every PowerShell text the agent emits parses with the tree-sitter PowerShell grammar
/// and uses nothing Windows PowerShell 5.1 lacks; a broken text fails the check, which names its file and line.
@Suite("The PowerShell grammar check", .serialized)
struct PowerShellGrammarTests {
    /// Runs the check (the built `edca-agent` writes the agent's texts) on the given files, or on the agent's own
    /// texts without files.
    private func check(_ files: [String] = []) throws -> AgentRun {
        try runProgram(
            URL(fileURLWithPath: repositoryRoot + "/scripts/check-powershell"), files,
            environment: ["EDCA_AGENT": agentBinary.path])
    }

    @Test(
        "The bootstrap, the probe, a generated remediation script and every control's remediation script parse, with nothing 5.1 lacks"
    )
    func agentTextsPass() throws {
        let run = try check()
        #expect(run.status == 0, "\(run.standardOutput)\(run.standardError)")
        let controls = try FileManager.default.contentsOfDirectory(atPath: repositoryRoot + "/Controls").filter {
            $0.hasSuffix(".json")
        }
        // The bootstrap, the probe script and the remediation script `edca-agent remediation` writes, then the controls.
        #expect(run.standardOutput.contains("check-powershell: \(controls.count + 3) PowerShell texts, 0 problems"))
    }

    @Test(
        "A broken script fails the check, naming its file, line and what is wrong",
        arguments: [
            ("$a = 1\n$b = @(1, 2\nWrite-Output $b\n", 2, "syntax"),
            ("$x = 1\nif ($x -eq 1 {\n  'one'\n}\n", 2, "syntax"),
            ("# fine\n$v = $null\n$w = $v ?? 'default'\n", 3, "??"),
            ("$p = Get-Item .\n$n = $p?.Name\n", 2, "?."),
            ("$n = 1\n$t = $n -gt 0 ? 'yes' : 'no'\n", 2, "ternary"),
            ("Get-Item . && 'done'\n", 1, "&&"),
            ("'{}' | ConvertFrom-Json -AsHashtable\n", 1, "-AsHashtable"),
            ("1..3 | ForEach-Object -Parallel { $_ }\n", 1, "-Parallel"),
            ("'a', 'b' | Join-String -Separator ','\n", 1, "Join-String"),
            ("# after a failure\nGet-Error\n", 2, "Get-Error"),
            ("$j = [System.Text.Json.JsonSerializer]::Serialize(1)\n", 1, "System.Text.Json"),
        ] as [(String, Int, String)])
    func brokenScriptFails(text: String, line: Int, what: String) throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("broken.ps1", text)
        let run = try check([path])
        #expect(run.status == 1, "\(run.standardOutput)\(run.standardError)")
        let problems = run.standardOutput.split(separator: "\n").filter { $0.hasPrefix("\(path):\(line):") }
        #expect(problems.contains { $0.contains(what) }, "\(run.standardOutput)")
    }

    @Test("The same constructs in comments and strings are not flagged")
    func commentsAndStringsAreData() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(
            "fine.ps1", "# a ?? b, x ? y : z, && and ||\n'Get-Error ?. -AsHashtable'\n\"$($PSVersionTable) ?? \"\n")
        let run = try check([path])
        #expect(run.status == 0, "\(run.standardOutput)")
    }

    @Test("A control whose remediation script is broken fails the check, naming the file, the field and the line")
    func brokenRemediationFails() throws {
        let directory = try TemporaryDirectory()
        let source = try Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/Controls/EDCA-SEC-043.json"))
        var control = try #require(try JSONSerialization.jsonObject(with: source) as? [String: Any])
        var remediation = try #require(control["remediation"] as? [String: Any])
        remediation["scriptTemplate"] = "$path = 'HKLM:\\SOFTWARE'\nSet-ItemProperty -Path $path -Name X -Value (1\n"
        control["remediation"] = remediation
        let path = directory.path + "/EDCA-SEC-043.json"
        try JSONSerialization.data(withJSONObject: control).write(to: URL(fileURLWithPath: path))
        let run = try check([path])
        #expect(run.status == 1)
        #expect(run.standardOutput.contains("\(path):remediation.scriptTemplate:2:"), "\(run.standardOutput)")
    }
}
