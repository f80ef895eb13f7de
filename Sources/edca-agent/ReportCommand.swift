import ArgumentParser
import EDCAAgent

/// The options `report` and `remediation` share: which spool and which run.
struct RunSelectionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The spool directory.", valueName: "dir"))
    var spool = "/var/lib/edca-agent/spool"

    @Option(name: .customLong("run"), help: ArgumentHelp("The run id (metadata.correlation_uid).", valueName: "id"))
    var runID: String?

    @Flag(help: "The newest run in the spool (the default).")
    var latest = false

    @OptionGroup var controls: ControlsDirectoryOption

    func validate() throws {
        if latest && runID != nil { throw ValidationError("--run and --latest exclude each other") }
    }

    var source: ReportSource {
        ReportSource(spoolDirectory: spool, runID: runID, controlsDirectory: controls.resolved)
    }
}

/// Prints a report failure and exits 65 (bad input) or 66 (unreadable or unwritable file).
func exitReporting(_ failure: ReportFailure) -> ExitCode {
    printError(failure.description)
    return ExitCode(failure.isBadInput ? 65 : 66)
}

/// `edca-agent report`: one self-contained HTML page for a run.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a run's HTML report: scores, server x control matrix, drift, findings, fixes.",
        discussion: "The page is one file with no external assets, built from the run's spool events.")

    @OptionGroup var selection: RunSelectionOptions

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the page.", valueName: "file.html"))
    var output = "report.html"

    @Option(help: ArgumentHelp("The report template directory (report.html, .css, .js).", valueName: "dir"))
    var templateDir: String?

    func run() throws {
        do {
            let summary = try ReportFiles.writeReport(
                selection.source, templateDirectory: ReportFiles.templateDirectory(explicit: templateDir),
                output: output)
            print("\(output): \(summary)")
        } catch {
            throw exitReporting(error)
        }
    }
}

/// `edca-agent remediation`: a PowerShell script for a run's failed controls.
struct RemediationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remediation",
        abstract: "Write a PowerShell script that fixes a run's failed, automatable controls, per host.",
        discussion: "A starting point to review and test: run it with -WhatIf first.")

    @OptionGroup var selection: RunSelectionOptions

    @Option(name: .customLong("host"), help: ArgumentHelp("Only this host (repeatable).", valueName: "name"))
    var hosts: [String] = []

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the script.", valueName: "file.ps1"))
    var output: String

    func run() throws {
        do {
            let summary = try ReportFiles.writeRemediation(selection.source, hosts: hosts, output: output)
            print("\(output): \(summary)")
        } catch {
            throw exitReporting(error)
        }
    }
}
