import ArgumentParser
import EDCAAgent

/// `edca-agent controls ...`: inspect and validate the control catalog.
struct ControlsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "controls",
        abstract: "Validate, list and show controls.",
        subcommands: [Validate.self, List.self, Show.self, Reads.self]
    )

    /// `controls validate [DIR]`.
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every control file of a directory; report every problem, exit 65 if there is any.")

        @Argument(help: ArgumentHelp("The directory of control files (default: as --controls).", valueName: "dir"))
        var directory: String?

        @OptionGroup var controls: ControlsDirectoryOption

        func run() throws {
            var option = controls
            if let directory { option.directory = directory }
            let catalog = try option.loadCatalog()
            print("\(option.resolved): \(countNoun(catalog.controls.count, "control")), no problems")
        }
    }

    /// `controls list`.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List controls, optionally filtered.")

        @OptionGroup var controls: ControlsDirectoryOption
        @Option(help: "Only controls citing this framework (e.g. CIS).") var framework: String?
        @Option(help: "Only controls of this category (e.g. \"Platform Security\").") var category: String?
        @Option(help: "Only controls of this severity (Critical, High, Medium, Low, Informational).")
        var severity: Severity?
        @Option(help: "Only controls that apply to this role (Mailbox or Edge).") var role: ExchangeRole?
        @Option(help: "table or json.") var format: OutputFormat = .table

        func run() throws {
            let filter = ControlFilter(framework: framework, category: category, severity: severity, role: role)
            let selected = try controls.loadCatalog().controls.filter(filter.matches)
            print(format == .json ? ControlListing.json(selected) : ControlListing.table(selected))
        }
    }

    /// `controls show ID`.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one control in full, with its registry reads.")

        @Argument(help: "The control's id, e.g. EDCA-SEC-043.") var id: String
        @OptionGroup var controls: ControlsDirectoryOption
        @Option(help: "table (readable text) or json.") var format: OutputFormat = .table

        func run() throws {
            let catalog = try controls.loadCatalog()
            guard let control = catalog.control(id: id) else {
                throw ValidationError("no control \(id) in \(controls.resolved)")
            }
            print(format == .json ? ControlListing.document(control).rendered() : ControlListing.details(control))
        }
    }

    /// `controls reads`.
    struct Reads: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the merged, de-duplicated registry reads that the selected controls need on a host.")

        @OptionGroup var controls: ControlsDirectoryOption
        @Option(name: .customLong("control"), help: "Only this control (repeatable).") var ids: [String] = []

        func run() throws {
            let selected = try selectControls(ids, from: controls.loadCatalog(), directory: controls.resolved)
            let request = FactRequest(checks: selected.map(\.check))
            print(request.reads.map(\.description).joined(separator: "\n"))
        }
    }
}

/// The controls named by `ids` (all when empty), or a usage error naming an unknown id.
func selectControls(_ ids: [String], from catalog: ControlCatalog, directory: String) throws -> [Control] {
    guard !ids.isEmpty else { return catalog.controls }
    return try ids.map { id in
        guard let control = catalog.control(id: id) else { throw ValidationError("no control \(id) in \(directory)") }
        return control
    }
}

extension Severity: ExpressibleByArgument {}
extension ExchangeRole: ExpressibleByArgument {}
