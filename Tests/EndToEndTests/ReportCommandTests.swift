import EDCATestSupport
import Foundation
import Testing

/// `edca-agent report` and `remediation` through the real binary: the documented event reads, and bad spools give
/// one clear error, a non-zero exit and no file (partial or temporary) in the output directory.
@Suite("report and remediation commands")
struct ReportCommandTests {
    /// The Compliance Finding that docs/spool.md shows "as it is in the file": the contract the report reads.
    static func documentedFindingLine() throws -> String {
        let doc = try String(contentsOfFile: repositoryRoot + "/docs/spool.md", encoding: .utf8)
        let line = doc.split(separator: "\n").first { $0.hasPrefix("{\"time\":") && $0.contains("\"class_uid\":2003") }
        return String(try #require(line, "docs/spool.md shows no finding as a spool line"))
    }

    /// The run id of the documented finding.
    static func documentedRunID() throws -> String {
        let line = try documentedFindingLine()
        return String(try #require(line.firstMatch(of: /"correlation_uid":"([0-9a-f]+)"/)?.1))
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var spoolText: String?
        var extraArguments: [String] = []
        var status: Int32
        var error: String
        var testDescription: String { name }
    }

    static func cases() throws -> [Case] {
        let line = try documentedFindingLine()
        return [
            Case(
                name: "an empty spool", spoolText: "", status: 65,
                error: "the spool holds no scan events (no findings*.ndjson, or only empty ones)"),
            Case(
                name: "a torn last line", spoolText: line + "\n" + line.prefix(40), status: 65,
                error: "/findings.ndjson:2: the last line is torn (no newline at its end)"),
            Case(
                name: "a run id that does not exist", spoolText: line + "\n", extraArguments: ["--run", "0badc0de"],
                status: 65, error: "no run 0badc0de in the spool; its newest runs: \(try documentedRunID())"),
            Case(
                name: "a newer format version",
                spoolText: line.replacing(/"version":"1\.\d+\.\d+"/, with: #""version":"9.1.0""#) + "\n",
                status: 65, error: "/findings.ndjson:1: metadata.version 9.1.0 is newer than this edca-agent reads"),
            Case(
                name: "a malformed event", spoolText: "{\"time\":1}\n", status: 65,
                error: "/findings.ndjson:1: metadata.version: missing"),
            Case(
                name: "a missing spool directory", spoolText: nil, status: 66, error: "cannot read the spool directory"),
        ]
    }

    @Test(arguments: try cases())
    func badSpoolsFailCleanly(_ bad: Case) throws {
        let directory = try TemporaryDirectory()
        let spool = directory.path + "/spool"
        if let text = bad.spoolText {
            try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
            try directory.write("spool/findings.ndjson", text)
        }
        let output = directory.path + "/out"
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        for command in [
            ["report", "-o", output + "/report.html"], ["remediation", "-o", output + "/remediation.ps1"],
        ] {
            let run = try runAgent(command + ["--spool", spool] + bad.extraArguments)
            #expect(run.status == bad.status, "\(command[0]): \(run.standardError)")
            let lines = run.standardError.split(separator: "\n")
            #expect(lines.count == 1, "\(command[0]): \(run.standardError)")
            #expect(lines.first?.hasPrefix("edca-agent: error: ") == true)
            #expect(run.standardError.contains(bad.error), "\(command[0]): \(run.standardError)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: output) == [], "\(command[0]) left a file")
        }
    }

    @Test func theDocumentedEventMakesAReportAndAScript() throws {
        let directory = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.path + "/spool", withIntermediateDirectories: true)
        try directory.write("spool/findings.ndjson", try Self.documentedFindingLine() + "\n")
        let page = directory.path + "/report.html"
        let report = try runAgent(["report", "--spool", directory.path + "/spool", "--latest", "-o", page])
        #expect(report.status == 0, "\(report.standardError)")
        #expect(
            report.standardOutput.contains(
                "run \(try Self.documentedRunID()): 1 servers, 1 controls, total score 0%"))
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.contains("\"name\":\"mbx02\""))
        #expect(!html.contains("<!--edca:"))
        let script = directory.path + "/remediation.ps1"
        let remediation = try runAgent(
            ["remediation", "--spool", directory.path + "/spool", "--host", "MBX02", "-o", script])
        #expect(remediation.status == 0, "\(remediation.standardError)")
        let text = try String(contentsOfFile: script, encoding: .utf8)
        // EDCA-SEC-043 is in the shipped Controls/: its function, and the guard on the NetBIOS name.
        #expect(text.contains("function Repair-EDCASEC043 {"))
        #expect(text.contains("if ($env:COMPUTERNAME -eq 'MBX02') {\r\n    Repair-EDCASEC043\r\n}"))
        let unknownHost = try runAgent(
            ["remediation", "--spool", directory.path + "/spool", "--host", "ex99", "-o", directory.path + "/x.ps1"])
        #expect(unknownHost.status == 65)
        #expect(unknownHost.standardError.contains("--host ex99: no verdicts for this host"))
    }
}
