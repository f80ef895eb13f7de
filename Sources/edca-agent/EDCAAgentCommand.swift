import ArgumentParser

/// The `edca-agent` command: checks Exchange servers against hardening controls.
@main
struct EDCAAgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edca-agent",
        abstract: "Check Exchange servers against hardening controls (CIS, ANSSI, BSI, DISA, ...).",
        discussion: """
            Exit status: 0 when the command ran (whatever the verdicts), 64 for a usage error, \
            65 for a malformed control, snapshot or other input file, 66 for an input file that is missing \
            or unreadable, 1 for any other failure.
            """,
        subcommands: [
            ControlsCommand.self, EvaluateCommand.self, ProbeCommand.self, ScanCommand.self, InventoryCommand.self,
            PowerShellCommand.self,
        ]
    )
}
