import ArgumentParser
import EDCAAgent

/// The `edca-agent` command: checks Exchange servers against hardening controls.
@main
struct EDCAAgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edca-agent",
        abstract: "Check Exchange servers against hardening controls (CIS, ANSSI, BSI, DISA, ...).",
        discussion: """
            Exit status: 0 when the command did what was asked (evaluate, controls, inventory: whatever the \
            verdicts; probe: every applicable control passed; scan: every selected host was scanned); \
            1 probe: some control failed or could not be decided; 3 probe: the host could not be probed; \
            4 scan: some hosts could not be scanned; 5 scan: interrupted by SIGTERM or SIGINT; \
            75 another scan is running; 64 usage error; 65 a malformed control, snapshot, inventory, \
            configuration or other input file; 66 an input file that is missing or unreadable, or an SSH key \
            that cannot be loaded; 1 any other failure (scan: the spool could not be written).
            """,
        version: AgentProduct.version,
        subcommands: [
            ControlsCommand.self, EvaluateCommand.self, ProbeCommand.self, ScanCommand.self, InventoryCommand.self,
            ReportCommand.self, RemediationCommand.self, PowerShellCommand.self,
        ]
    )
}
