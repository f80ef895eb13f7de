import EDCAAgent
import EDCACore
import EDCAEngine
import EDCAJSON
import EDCATestSupport
import Foundation
import Testing

@Suite("Loading a directory of control files")
struct ControlCatalogTests {
    private func loadProblems(_ directory: TemporaryDirectory) throws -> InputError {
        do {
            _ = try ControlCatalog.load(directory: directory.path)
        } catch {
            return error
        }
        Issue.record("the directory loaded without problems")
        throw CancellationError()
    }

    @Test("The shipped Controls directory loads, and every control in it reads something")
    func shippedCatalogLoads() throws {
        let catalog = try ControlCatalog.load(directory: repositoryRoot + "/Controls")
        #expect(catalog.controls.map(\.id).contains("EDCA-SEC-043"))
        for control in catalog.controls {
            #expect(!FactRequest(checks: [control.check]).reads.isEmpty, "\(control.id) reads nothing")
        }
    }

    @Test("A control pasted with no-break-space indentation is rejected with a hint, naming file, line and column")
    func pastedSeedIsRejectedWithHint() throws {
        let directory = try TemporaryDirectory()
        let pasted = try String(
            contentsOfFile: repositoryRoot + "/Tests/EDCAAgentTests/Fixtures/EDCA-SEC-043-pasted.json", encoding: .utf8)
        let file = try directory.write("EDCA-SEC-043.json", pasted)
        let error = try loadProblems(directory)
        #expect(error.kind == .badContent)
        let problem = try #require(error.problems.first)
        #expect(problem.file == file)
        #expect(problem.problem.position == SourcePosition(line: 2, column: 1))
        #expect(problem.description.contains("U+00A0"))
        #expect(problem.description.contains("replace no-break spaces with ordinary spaces"))
    }

    @Test("A file not named after its id is rejected, naming the field and the expected name")
    func fileNameMustMatchID() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("EDCA-SEC-044.json", try shippedSEC043())
        let error = try loadProblems(directory)
        #expect(
            error.problems.map(\.description) == [
                "\(file): id: the file must be named after its id: expected EDCA-SEC-043.json"
            ])
    }

    @Test("Two files with the same id, named in different case, are reported as a duplicate")
    func duplicateIDs() throws {
        let directory = try TemporaryDirectory()
        let text = try shippedSEC043()
        let first = try directory.write("EDCA-SEC-043.json", text)
        let second = try directory.write("edca-sec-043.json", text)
        let error = try loadProblems(directory)
        #expect(error.problems.map(\.description) == ["\(second): id: duplicate id EDCA-SEC-043, also in \(first)"])
    }

    @Test("Every problem of every file is reported in one pass, each naming its file and field")
    func allProblemsInOnePass() throws {
        let directory = try TemporaryDirectory()
        let text = try shippedSEC043()
        let weight = try directory.write(
            "EDCA-SEC-043.json", text.replacingOccurrences(of: "\"severityWeight\": 8", with: "\"severityWeight\": 12"))
        let misspelled = try directory.write(
            "EDCA-SEC-099.json",
            text.replacingOccurrences(of: "EDCA-SEC-043", with: "EDCA-SEC-099")
                .replacingOccurrences(of: "\"equals\": 1", with: "\"equal\": 1"))
        try directory.write("notes.txt", "not a control")
        let error = try loadProblems(directory)
        let lines = error.problems.map(\.description)
        #expect(lines.contains { $0.hasPrefix(weight + ":") && $0.contains("severityWeight: out of range") })
        #expect(
            lines.contains {
                $0.hasPrefix(misspelled + ":")
                    && $0.contains("check.all[0].equal: unknown field (did you mean 'equals'?)")
            })
        #expect(!lines.contains { $0.contains("notes.txt") }, "files other than *.json are not controls")
    }

    @Test("A missing directory is an unreadable-input error naming it")
    func missingDirectory() throws {
        do {
            _ = try ControlCatalog.load(directory: "/nonexistent/controls")
            Issue.record("a missing directory loaded")
        } catch {
            #expect(error.kind == .unreadable)
            #expect(error.description == "/nonexistent/controls: no such directory of controls")
        }
    }

    @Test("A control file over the size limit is refused before parsing")
    func oversizedFile() throws {
        let directory = try TemporaryDirectory()
        let padding = String(repeating: " ", count: ControlCatalog.fileSizeLimit)
        let file = try directory.write("EDCA-SEC-043.json", try shippedSEC043() + padding)
        let error = try loadProblems(directory)
        #expect(error.problems.map(\.description) == ["\(file): larger than 4 MiB, which no control file should be"])
    }
}

@Suite("Loading registry snapshot files")
struct SnapshotFileTests {
    @Test("A malformed snapshot names the file, the position, the key, the value and the problem")
    func malformedSnapshot() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write(
            "host.json",
            """
            {
              "HKLM\\\\SYSTEM\\\\Test": {
                "Level": { "type": "REG_DWORD", "data": 4294967296 }
              }
            }
            """)
        do {
            _ = try SnapshotFile.load(file)
            Issue.record("the snapshot loaded")
        } catch {
            #expect(error.kind == .badContent)
            #expect(
                error.description
                    == "\(file):3:45: key 'HKLM\\SYSTEM\\Test' value 'Level' data: "
                    + "REG_DWORD data must be an integer from 0 to 4294967295, found 4294967296")
        }
    }

    @Test("A missing snapshot is an unreadable-input error")
    func missingSnapshot() {
        #expect(throws: InputError.self) { try SnapshotFile.load("/nonexistent/host.json") }
    }
}

/// The shipped SEC-043 control file's text.
func shippedSEC043() throws -> String {
    try String(contentsOfFile: repositoryRoot + "/Controls/EDCA-SEC-043.json", encoding: .utf8)
}
