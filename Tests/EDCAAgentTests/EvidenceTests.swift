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
