import ArgumentParser
import EDCAAgent
import Foundation

/// `edca-agent powershell DIR`: writes the PowerShell the agent runs on servers, one file per text, for review,
/// allowlisting and the grammar check (`scripts/check-powershell`).
struct PowerShellCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "powershell",
        abstract: "Write the PowerShell that edca-agent runs on servers to a directory, one .ps1 file per text.",
        discussion: """
            Writes bootstrap.ps1 (the -EncodedCommand text of the constant command line) and probe.ps1 (the \
            script the bootstrap runs only when its SHA-256 matches). Controls' remediation scripts are in the \
            control files (remediation.scriptTemplate). Prints each file written with its SHA-256.
            """)

    @Argument(help: ArgumentHelp("The directory to write to (created if missing).", valueName: "dir"))
    var directory: String

    func run() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, text) in PowerShellTexts.files {
            let path = directory + "/" + name
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                printError("\(path): cannot write: \(error.localizedDescription)")
                throw ExitCode(1)
            }
            print("\(path)  SHA-256 \(PowerShellTexts.sha256(of: text))")
        }
    }
}
