import EDCACore
import EDCAJSON

/// The PowerShell remediation script for a run's failed controls. Pure.
///
/// One function per automatable failed control, made from its `scriptTemplate` and wrapped in `ShouldProcess` so
/// that `-WhatIf` only says what would change; then one block per host, guarded by `$env:COMPUTERNAME`, calling the
/// functions of the controls that host fails, with the fixes that need judgement as comments. Windows PowerShell 5.1.
package enum RemediationScript {
    /// The script for `report`'s failed controls, on `hosts` when given (host names, any case).
    package static func render(
        _ report: FleetReport, hosts selected: [String] = [], generatedAt: String, productVersion: String
    ) -> String {
        let wanted = Set(selected.map { $0.lowercased() })
        // A host selects its own row and the organization and database rows whose fixes run on it.
        let rows = report.hosts.filter { row in
            wanted.isEmpty || wanted.contains(row.host.name.lowercased())
                || row.host.server.map { wanted.contains($0.lowercased()) } == true
        }
        .sorted { $0.host.name < $1.host.name }
        var used = Set<Int>()
        for row in rows {
            for (column, status) in row.statuses.enumerated()
            where status == .fail && isScripted(report.controls[column]) {
                used.insert(column)
            }
        }
        var lines: [String] = [
            "# Remediation for the controls that failed in edca-agent run \(report.runID).",
            "# Generated \(generatedAt) by edca-agent \(productVersion) from the run's spool events.",
            "#",
            "# A STARTING POINT, NOT A FINISHED CHANGE: read every function, test it on a server you can restore, and",
            "# plan restarts before you run it in production. Run it on each server in an elevated Windows PowerShell",
            "# 5.1 session; each host's part runs only on the computer whose name matches it (the first label of the",
            "# name in the inventory). Start with -WhatIf: it changes nothing and says what it would do.",
            "#",
            "#   .\\remediation.ps1 -WhatIf",
            "#   .\\remediation.ps1 -Confirm",
            "[CmdletBinding(SupportsShouldProcess = $true)]",
            "param()",
            "",
            "# Stop at the first error rather than carry on with a half-applied change. (No Set-StrictMode: the",
            "# controls' scripts are written for the default mode.)",
            "$ErrorActionPreference = 'Stop'",
            "",
        ]
        for column in used.sorted(by: { report.controls[$0].id < report.controls[$1].id }) {
            let control = report.controls[column]
            lines += commentLines("\(control.id): \(control.title)", prefix: "# ")
            lines += commentLines(control.remediation, prefix: "# ")
            lines += [
                "function \(functionName(control.id)) {",
                "    [CmdletBinding(SupportsShouldProcess = $true)]",
                "    param()",
                "    if ($PSCmdlet.ShouldProcess($env:COMPUTERNAME, \(quoted("\(control.id): \(control.title)")))) {",
            ]
            // A here-string's closing '@ must start its line: such a template is kept as written, unindented.
            let template = control.scriptTemplate ?? ""
            let indent = template.contains("@'\n") || template.contains("@\"\n") ? "" : "        "
            lines += template.split(separator: "\n", omittingEmptySubsequences: false).map {
                $0.isEmpty ? "" : indent + $0
            }
            lines += ["    }", "}", ""]
        }
        var matched = 0
        for row in rows {
            let failed = row.statuses.indices.filter { row.statuses[$0] == .fail }
                .sorted { report.controls[$0].id < report.controls[$1].id }
            guard !failed.isEmpty else { continue }
            matched += 1
            // An organization's or a database's fixes run on the server whose facts decided (once, for an
            // organization).
            let server = row.host.server ?? row.host.name
            let computer = String(server.split(separator: ".").first ?? Substring(server)).uppercased()
            let on = row.host.server.map { " (runs on \(sanitized($0)))" } ?? ""
            lines.append("# \(sanitized(row.host.name)): \(failed.count) failed control(s)\(on)")
            lines.append("if ($env:COMPUTERNAME -eq \(quoted(computer))) {")
            let scripted = failed.filter { isScripted(report.controls[$0]) }
            lines += scripted.map { "    \(functionName(report.controls[$0].id))" }
            let manual = failed.filter { !isScripted(report.controls[$0]) }
            if !manual.isEmpty { lines.append("    # Manual steps (they need judgement; not scripted):") }
            for column in manual {
                let control = report.controls[column]
                lines += commentLines("\(control.id) \(control.title): \(control.remediation)", prefix: "    #   ")
            }
            lines.append("}")
            lines.append("")
        }
        if matched == 0 {
            lines.append("Write-Host 'No failed controls in this run: nothing to remediate.'")
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// Whether a control's fix goes into a function: verified, automatable, with a script.
    static func isScripted(_ control: ReportControl) -> Bool {
        control.verify && control.automatable && !(control.scriptTemplate ?? "").isEmpty
    }

    /// `Repair-EDCASEC043` for `EDCA-SEC-043`: letters and digits of the id only.
    package static func functionName(_ controlID: String) -> String {
        "Repair-"
            + String(
                controlID.unicodeScalars.filter {
                    $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))
                }.map(Character.init))
    }

    /// A single-quoted PowerShell string: quotes (ASCII and the typographic ones PowerShell also accepts) doubled.
    package static func quoted(_ text: String) -> String {
        var result = "'"
        for character in sanitized(text) {
            if "'\u{2018}\u{2019}\u{201A}\u{201B}".contains(character) { result.append(character) }
            result.append(character)
        }
        return result + "'"
    }

    /// Text on one line: line breaks and other control characters become spaces.
    static func sanitized(_ text: String) -> String {
        String(text.map { $0.isNewline || ($0.asciiValue.map { $0 < 0x20 } ?? false) ? " " : $0 })
    }

    /// Text as comment lines, each starting with `prefix`.
    package static func commentLines(_ text: String, prefix: String) -> [String] {
        text.split(whereSeparator: \.isNewline).map { prefix + sanitized(String($0)) }
    }
}
