import ArgumentParser
import EDCAAgent
import Foundation

/// The options every command that reads controls shares.
struct ControlsDirectoryOption: ParsableArguments {
    @Option(
        name: .customLong("controls"),
        help: ArgumentHelp(
            "The directory of control files.",
            discussion: "Default: ./Controls when it exists, else \(ControlsDirectoryOption.installedDirectory).",
            valueName: "dir"))
    var directory: String?

    /// Where packages install the controls.
    static let installedDirectory = "/usr/share/edca-agent/Controls"

    /// The directory to read.
    var resolved: String {
        if let directory { return directory }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: "Controls", isDirectory: &isDirectory), isDirectory.boolValue {
            return "Controls"
        }
        return Self.installedDirectory
    }

    /// Loads the catalog, or reports every problem and exits.
    func loadCatalog() throws -> ControlCatalog {
        try reportingInputErrors { () throws(InputError) in try ControlCatalog.load(directory: resolved) }
    }
}

/// Runs `body`; on an ``InputError`` prints each problem to stderr and exits 65 (bad content) or 66 (unreadable).
func reportingInputErrors<Result>(_ body: () throws(InputError) -> Result) throws -> Result {
    do {
        return try body()
    } catch {
        printError(error.description)
        throw ExitCode(error.kind == .badContent ? 65 : 66)
    }
}

/// Prints lines to standard error, each prefixed with `edca-agent: error: `.
func printError(_ text: String) {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { "edca-agent: error: \($0)\n" }
    FileHandle.standardError.write(Data(lines.joined().utf8))
}

extension ExchangeRole {
    /// The role named by a `--role` argument, or nil for `auto`; names ignore case.
    init?(argument: String) {
        guard let role = ExchangeRole.allCases.first(where: { $0.rawValue.lowercased() == argument.lowercased() })
        else { return nil }
        self = role
    }
}

/// The output formats of reporting commands.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table
    case json
}
