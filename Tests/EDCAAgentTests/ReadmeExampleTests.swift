import EDCAAgent
import EDCACore
import EDCAEngine
import EDCAJSON
import EDCATestSupport
import Foundation
import Testing

@Suite("README examples")
struct ReadmeExampleTests {
    /// The ```json blocks of README.md that are check nodes.
    private func checkExamples() throws -> [String] {
        let readme = try String(contentsOfFile: repositoryRoot + "/README.md", encoding: .utf8)
        return readme.components(separatedBy: "```json\n").dropFirst().compactMap { block in
            block.components(separatedBy: "```").first
        }
    }

    @Test("Every check example in README.md is a valid check")
    func examplesDecode() throws {
        let examples = try checkExamples()
        #expect(examples.count >= 6)
        let control = try shippedSEC043()
        let checkStart = try #require(control.range(of: "\"check\": "))
        let prefix = control[..<checkStart.upperBound]
        for example in examples {
            do {
                _ = try Control(json: Array((prefix + example + "\n}\n").utf8))
            } catch {
                Issue.record("README example does not decode: \(error.problems)\n\(example)")
            }
        }
    }

    @Test(
        "README's table of controls lists exactly the shipped catalog, with id, title, frameworks, severity and roles")
    func controlsTableMatchesTheCatalog() throws {
        let readme = try String(contentsOfFile: repositoryRoot + "/README.md", encoding: .utf8)
        let catalog = try ControlCatalog.load(directory: repositoryRoot + "/Controls")
        let expected = catalog.controls.map { control in
            let cells = [
                control.id, control.title, control.frameworks.joined(separator: ", "), control.severity.rawValue,
                control.roles.map(\.rawValue).joined(separator: ", "),
            ]
            return "| " + cells.joined(separator: " | ") + " |"
        }
        let rows = readme.split(separator: "\n").filter { $0.hasPrefix("| EDCA-") }.map(String.init)
        #expect(rows == expected, "README's controls table should read:\n\(expected.joined(separator: "\n"))")
    }
}
