import ArgumentParser
import EDCAAgent

/// `edca-agent evaluate`: evaluate controls offline on a saved registry snapshot.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate controls on a registry snapshot file, offline.",
        discussion: "Exit status 0 whatever the verdicts; non-zero only when the input is bad.")

    @Option(help: ArgumentHelp("The registry snapshot (JSON, see docs).", valueName: "file")) var snapshot: String
    @Option(help: "The host's Exchange role: Mailbox or Edge.") var role: ExchangeRole
    @Option(name: .customLong("control"), help: ArgumentHelp("Only this control (repeatable).", valueName: "id"))
    var ids: [String] = []
    @Option(help: "table or json.") var format: OutputFormat = .table
    @OptionGroup var controls: ControlsDirectoryOption

    func run() throws {
        let catalog = try controls.loadCatalog()
        let selected = try selectControls(ids, from: catalog, directory: controls.resolved)
        let facts = try reportingInputErrors { () throws(InputError) in try SnapshotFile.load(snapshot) }
        let report = EvaluationReport(source: snapshot, role: role, controls: selected, snapshot: facts)
        print(format == .json ? report.json() : report.table())
    }
}
