import EDCAAgent
import EDCACore
import EDCAEngine
import EDCATestSupport
import Foundation
import Testing

@Suite("Evidence an auditor reads")
struct EvidenceTests {
    /// EDCA-GOV-002 reads the Setup key's values in several branches; on the lab's mbx02 (Exchange 2019 CU14) the
    /// verdict shows each fact that decided it once, in the order read, and no branch whose condition did not hold.
    @Test func exchangeBuildControlShowsEachDecidingFactOnce() throws {
        let catalog = try ControlCatalog.load(directory: repositoryRoot + "/Controls")
        let control = try #require(catalog.control(id: "EDCA-GOV-002"))
        let snapshot = try SnapshotFile.load(repositoryRoot + "/Inventory/lab/mbx02.json")
        let verdict = control.evaluate(on: snapshot, role: .mailbox)
        #expect(verdict.status == .fail)
        let setup = #"HKLM\SOFTWARE\Microsoft\ExchangeServer\v15\Setup"#
        #expect(
            verdict.evidenceLines == [
                "\(setup) MsiProductMajor = 15; required: 15",
                "\(setup) MsiProductMinor = 2; required: one of 1, 2; required: 2",
                "\(setup) IsExchangeServerSubscriptionEdition: not set; required: 1; when not set: Fail",
                "\(setup) MsiBuildMajor = 1544; required: >= 2562",
                "\(setup) OwaVersion: not set; MsiProductMajor.MsiProductMinor.MsiBuildMajor.MsiBuildMinor = "
                    + #""15.2.1544.4" (REG_SZ); no case of version >= 15.2.1748.43 (exchange-builds: Exchange2019) "#
                    + "→ Unknown (the latest known Exchange 2019 build, but Exchange 2019 is out of support) applies, "
                    + "so Fail",
            ])
        let subjects = verdict.evidence.compactMap(\.subject)
        #expect(Set(subjects).count == subjects.count, "a fact shows once")
        #expect(verdict.evidence.last?.result == .fail)
        #expect(verdict.evidence.last?.origin == .composed)
    }

    /// A control skipped because its condition does not hold keeps that condition as its evidence.
    @Test func skippedControlKeepsItsCondition() throws {
        let catalog = try ControlCatalog.load(directory: repositoryRoot + "/Controls")
        let control = try #require(catalog.control(id: "EDCA-DATA-007"))
        let snapshot = try SnapshotFile.load(repositoryRoot + "/Inventory/lab/mbx02.json")
        let verdict = control.evaluate(on: snapshot, role: .mailbox)
        #expect(verdict.status == .skipped)
        #expect(verdict.evidenceLines.last == "not applicable: the condition above does not hold")
        #expect(verdict.evidence.first?.subject != nil)
    }
}

@Suite("Verdicts name their subject")
struct SubjectOutputTests {
    @Test("evaluate marks an organization control [Organization] in the table and gives each result its subject")
    func evaluateNamesTheSubject() throws {
        let catalog = try ControlCatalog.load(directory: repositoryRoot + "/Controls")
        let server = try #require(catalog.control(id: "EDCA-SEC-043"))
        var organization = server
        organization.id = "EDCA-ORG-901"
        organization.subject = .organization
        let snapshot = try SnapshotFile.load(repositoryRoot + "/Inventory/lab/mbx01.json")
        let report = EvaluationReport(
            source: "mbx01.json", role: .mailbox, controls: [server, organization], snapshot: snapshot)
        let lines = report.table().split(separator: "\n")
        #expect(lines.contains { $0.contains("EDCA-ORG-901") && $0.contains("[Organization] \(server.title)") })
        #expect(lines.contains { $0.contains("EDCA-SEC-043") && !$0.contains("[") })
        let document = try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any]
        let results = try #require(document?["results"] as? [[String: Any]])
        #expect(results.map { $0["subject"] as? String } == ["Server", "Organization"])
    }
}

@Suite("Database controls: one verdict per database")
struct DatabaseSubjectTests {
    /// A Database control that requires circular logging off, on a server with two databases (one with it on).
    static func report(_ exchange: String) throws -> EvaluationReport {
        let source = try Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/Controls/EDCA-SEC-043.json"))
        var document = try #require(try JSONSerialization.jsonObject(with: source) as? [String: Any])
        document["id"] = "EDCA-DB-901"
        document["subject"] = "Database"
        document["roles"] = ["Mailbox"]
        document["check"] = [
            "exchange": "MailboxDatabase", "property": "CircularLoggingEnabled", "require": "all", "equals": false,
        ]
        let control = try Control(json: Array(try JSONSerialization.data(withJSONObject: document)))
        let snapshot = try HostSnapshot(json: Array(#"{"edcaSnapshot": 2, "exchange": \#(exchange)}"#.utf8))
        return EvaluationReport(source: "test", role: .mailbox, controls: [control], snapshot: snapshot)
    }

    @Test("Each row of MailboxDatabase gets its own verdict, named by the database")
    func oneVerdictPerDatabase() throws {
        let report = try Self.report(
            #"{"facts": {"MailboxDatabase": {"rows": [{"Name": "DB01", "CircularLoggingEnabled": false}, {"Name": "DB02", "CircularLoggingEnabled": true}]}}}"#
        )
        #expect(report.results.map { $0.verdict.database } == ["DB01", "DB02"])
        #expect(report.results.map { $0.verdict.status } == [.pass, .fail])
        #expect(report.table().contains("[Database DB02]"))
    }

    @Test("No database, or the stage failing, gives the one verdict the check gives")
    func noRowsOneVerdict() throws {
        let none = try Self.report(#"{"facts": {"MailboxDatabase": {"rows": []}}}"#)
        #expect(none.results.count == 1 && none.results.first?.verdict.database == nil)
        let failed = try Self.report(
            #"{"stage": {"error": {"class": "exchange.no-network-credentials", "message": "no"}}}"#)
        #expect(failed.results.map(\.verdict.status) == [.unknown])
    }
}
