import EDCACore
import EDCAEngine
import EDCAJSON
import EDCAReport
import EDCASpool
import Testing

/// The report's numbers from the known spool (KnownSpool's table), worked out by hand.
@Suite("Report numbers from a known spool")
struct FleetReportTests {
    func secondRunReport() throws -> FleetReport {
        let runs = try SpoolRuns.read(try KnownSpool.files(), directory: "spool")
        let (run, earlier) = try runs.select(nil)
        return FleetReport(run: run, earlier: earlier, details: try KnownSpool.details())
    }

    @Test func theNewestRunIsSelectedAndEarlierRunsPrecedeIt() throws {
        let runs = try SpoolRuns.read(try KnownSpool.files(), directory: "spool")
        #expect(runs.runs.map(\.runID) == [KnownSpool.firstRun, KnownSpool.secondRun])
        let (run, earlier) = try runs.select(KnownSpool.firstRun)
        #expect(run.runID == KnownSpool.firstRun && earlier.isEmpty)
    }

    /// Total over verified controls A, B, D: h1 8 of 15 (A pass 8; B fail 5, D fail 2), h2 0 of 13 (A fail 8,
    /// B unknown 5, D skipped not counted), h3 5 of 13 (A fail 8, B pass 5): 13 of 41. C is not verified.
    @Test func scoresPerFrameworkCountVerifiedNonSkippedWeights() throws {
        let report = try secondRunReport()
        #expect(report.total == Score(passedWeight: 13, countedWeight: 41))
        let scores = Dictionary(uniqueKeysWithValues: report.frameworkScores.map { ($0.framework, $0.score) })
        // CIS: A and B on three hosts: 8 + 5 passed of 8+5 + 8+5 + 8+5.
        #expect(scores["CIS"] == Score(passedWeight: 13, countedWeight: 39))
        // BSI: A only (C is not verified): 8 of 24.
        #expect(scores["BSI"] == Score(passedWeight: 8, countedWeight: 24))
        // NIS2: D fails on h1 (2), is skipped on h2: 0 of 2.
        #expect(scores["NIS2"] == Score(passedWeight: 0, countedWeight: 2))
        #expect(report.frameworkScores.map(\.framework) == ["BSI", "CIS", "NIS2"])
        #expect(report.total.percent.map { ($0 * 100).rounded() / 100 } == 31.71)
    }

    @Test func countsPerStatusCoverEveryVerdict() throws {
        let report = try secondRunReport()
        #expect(report.statusCounts == [.pass: 2, .fail: 5, .unknown: 1, .skipped: 1])
    }

    @Test func driftComesFromThePreviousStatuses() throws {
        let drift = try secondRunReport().drift
        func pairs(_ list: [HostControl]) -> Set<String> { Set(list.map { "\($0.host) \($0.control)" }) }
        // h1 B was Pass, h1 C had no status on a known host; h3's failures are a new host's, not new failures.
        #expect(pairs(drift.newFailures) == ["h1 EDCA-TST-002", "h1 EDCA-TST-003"])
        #expect(pairs(drift.fixed) == ["h1 EDCA-TST-001"])
        #expect(pairs(drift.stillFailing) == ["h1 EDCA-TST-004", "h2 EDCA-TST-001"])
        #expect(drift.newHosts == ["h3"])
        #expect(drift.goneHosts == ["h4"])
    }

    @Test func theFirstRunHasNoEarlierRunToCompareHostsWith() throws {
        let runs = try SpoolRuns.read(try KnownSpool.files(), directory: "spool")
        let (run, earlier) = try runs.select(KnownSpool.firstRun)
        let report = FleetReport(run: run, earlier: earlier, details: try KnownSpool.details())
        #expect(report.drift.goneHosts == nil)
        #expect(report.drift.newHosts.sorted() == ["h1", "h2", "h4"])
    }

    /// Run 1: h1 5 of 15 (B pass), h2 0 of 13, h4 8 of 8: 13 of 36; run 2: 13 of 41.
    @Test func theTrendHasOneTotalPerRunOldestFirst() throws {
        let report = try secondRunReport()
        #expect(report.trend.map(\.runID) == [KnownSpool.firstRun, KnownSpool.secondRun])
        #expect(
            report.trend.map(\.score) == [
                Score(passedWeight: 13, countedWeight: 36), Score(passedWeight: 13, countedWeight: 41),
            ])
    }

    @Test func worstHostsAndControlsComeFirst() throws {
        let report = try secondRunReport()
        // h2 0%, h3 38%, h1 53%.
        #expect(report.hosts.map(\.host.name) == ["h2", "h3", "h1"])
        // A fails on two hosts; B, C, D on one each, heavier first.
        #expect(report.controls.map(\.id) == ["EDCA-TST-001", "EDCA-TST-002", "EDCA-TST-003", "EDCA-TST-004"])
        #expect(report.hosts[0].statuses == [.fail, .unknown, nil, .skipped])
        #expect(report.unreached.map(\.host.name) == ["h5"])
        #expect(report.unreached.first?.errorClass == "timeout")
    }

    /// Events that lack a weight or `verify` take them from the controls directory by control id.
    @Test func missingEventFieldsComeFromTheControlsDirectory() throws {
        let runs = try SpoolRuns.read(try KnownSpool.files(), directory: "spool")
        func stripped(_ run: RunEvents) -> RunEvents {
            var copy = run
            for index in copy.findings.indices {
                copy.findings[index].severityWeight = nil
                copy.findings[index].verify = nil
            }
            return copy
        }
        let details = Dictionary(
            uniqueKeysWithValues: try KnownSpool.controls.map {
                ($0.id, ControlDetails(try KnownSpool.control($0).metadata))
            })
        let (selected, before) = try runs.select(nil)
        let (run, earlier) = (stripped(selected), before.map(stripped))
        #expect(
            FleetReport(run: run, earlier: earlier, details: details).total
                == Score(passedWeight: 13, countedWeight: 41))
        // Without either source nothing counts.
        #expect(FleetReport(run: run, earlier: earlier, details: [:]).total == Score())
    }
}

/// A changes-only run (docs/spool.md of OCSF 1.8.0, "Changes-only output"): only h1's changed finding is written,
/// and its Scan Activity says three unchanged findings were left out; their state is the latest earlier finding.
@Suite("Report of a changes-only run")
struct ChangesOnlyRunTests {
    static let thirdRun = "33333333333333333333333333333333"

    func files() throws -> [SpoolFile] {
        let run = SpoolRun(runID: Self.thirdRun, productVersion: "0.1.0")
        let spec = try #require(KnownSpool.controls.first { $0.letter == "B" })
        let control = try KnownSpool.control(spec)
        var verdict = control.evaluate(on: RegistrySnapshot(), role: .mailbox)
        verdict.status = .pass
        let host = SpoolHost(hostname: "h1", ip: "10.0.0.1", role: .mailbox)
        let time = Int64(1_764_172_800_000)
        let finding = SpoolEvents.complianceFinding(
            control: control.metadata, status: verdict.status, evidence: verdict.evidence, host: host,
            drift: Drift(kind: .changed, previous: .fail), run: run, timeMilliseconds: time
        ).compactRendered()
        let scan = SpoolEvents.hostScanActivity(
            HostScanOutcome(host: host, result: .completed, startMilliseconds: time, endMilliseconds: time + 100),
            run: run, timeMilliseconds: time + 100
        ).compactRendered().replacing(#""status_counts":"#, with: #""unchanged_omitted":3,"status_counts":"#)
        let third = SpoolFile(
            path: "spool/findings-20251126T000000Z.ndjson", bytes: Array((finding + "\n" + scan + "\n").utf8))
        return try KnownSpool.files() + [third]
    }

    @Test func unchangedFindingsComeFromTheLatestEarlierOnes() throws {
        let runs = try SpoolRuns.read(try files(), directory: "spool")
        let (run, earlier) = try runs.select(nil)
        #expect(run.runID == Self.thirdRun)
        let report = FleetReport(run: run, earlier: earlier, details: try KnownSpool.details())
        #expect(report.hosts.map(\.host.name) == ["h1"])
        let statuses = Dictionary(
            uniqueKeysWithValues: zip(report.controls.map(\.id), report.hosts[0].statuses.map { $0?.rawValue ?? "-" }))
        // Written: B Pass; carried from run 2: A Pass, C Fail, D Fail (with their evidence).
        #expect(
            statuses == [
                "EDCA-TST-001": "Pass", "EDCA-TST-002": "Pass", "EDCA-TST-003": "Fail", "EDCA-TST-004": "Fail",
            ])
        #expect(report.hosts[0].evidence.allSatisfy { !$0.isEmpty })
        func pairs(_ list: [HostControl]) -> Set<String> { Set(list.map { "\($0.host) \($0.control)" }) }
        #expect(pairs(report.drift.fixed) == ["h1 EDCA-TST-002"])
        #expect(pairs(report.drift.stillFailing) == ["h1 EDCA-TST-003", "h1 EDCA-TST-004"])
        #expect(report.drift.newFailures.isEmpty)
    }
}

/// An organization control's findings name the organization in `resources`: the report shows one row for the
/// organization, whichever server's facts decided, beside the servers' own rows.
@Suite("Report of organization findings")
struct OrganizationFindingReportTests {
    @Test func anOrganizationFindingIsOneRowNamedAfterTheOrganization() throws {
        let run = SpoolRun(runID: "44444444444444444444444444444444", productVersion: "0.1.0")
        let spec = try #require(KnownSpool.controls.first { $0.letter == "A" })
        var control = try KnownSpool.control(spec)
        control.subject = .organization
        let verdict = control.evaluate(on: RegistrySnapshot(), role: .mailbox)
        let time = Int64(1_764_172_800_000)
        var lines: [String] = []
        for name in ["mbx01", "mbx02"] {
            let host = SpoolHost(hostname: name, ip: "10.0.0.1", role: .mailbox)
            lines.append(
                SpoolEvents.complianceFinding(
                    control: control.metadata, status: .fail, evidence: verdict.evidence, host: host,
                    drift: Drift(kind: .new, previous: nil), run: run, timeMilliseconds: time
                ).compactRendered())
        }
        let organization = SpoolEvents.complianceFinding(
            control: control.metadata, status: .pass, evidence: verdict.evidence,
            host: SpoolHost(hostname: "mbx01", ip: "10.0.0.1", role: .mailbox), subject: .organization("Contoso"),
            drift: Drift(kind: .new, previous: nil), run: run, timeMilliseconds: time
        ).compactRendered()
        #expect(organization.contains(#""resources":[{"name":"Contoso","type":"Organization"}]"#), "\(organization)")
        #expect(!organization.contains(#""message""#), "lean findings have no message: resources name the organization")
        lines.append(organization)
        let file = SpoolFile(
            path: "spool/findings-20251127T000000Z.ndjson", bytes: Array((lines.joined(separator: "\n") + "\n").utf8))
        let runs = try SpoolRuns.read([file], directory: "spool")
        let (selected, earlier) = try runs.select(nil)
        let report = FleetReport(run: selected, earlier: earlier, details: try KnownSpool.details())
        #expect(Set(report.hosts.map(\.host.name)) == ["mbx01", "mbx02", "organization Contoso"])
        let row = try #require(report.hosts.first { $0.host.name == "organization Contoso" })
        #expect(row.host.role == "Organization")
        #expect(row.statuses.compactMap { $0 } == [.pass])
        #expect(row.host.server == "mbx01", "the server whose facts decided")
    }

    @Test func anOrganizationsFixesRunOnceOnTheServerThatCollected() throws {
        let run = SpoolRun(runID: "55555555555555555555555555555555", productVersion: "0.1.0")
        let spec = try #require(KnownSpool.controls.first { $0.letter == "A" })
        var control = try KnownSpool.control(spec)
        control.subject = .organization
        let verdict = control.evaluate(on: RegistrySnapshot(), role: .mailbox)
        let line = SpoolEvents.complianceFinding(
            control: control.metadata, status: .fail, evidence: verdict.evidence,
            host: SpoolHost(hostname: "mbx02.corp", ip: "10.0.0.2", role: .mailbox), subject: .organization("Contoso"),
            drift: Drift(kind: .new, previous: nil), run: run, timeMilliseconds: 1_764_172_800_000
        ).compactRendered()
        let file = SpoolFile(path: "spool/findings-20251128T000000Z.ndjson", bytes: Array((line + "\n").utf8))
        let (selected, earlier) = try SpoolRuns.read([file], directory: "spool").select(nil)
        let report = FleetReport(run: selected, earlier: earlier, details: try KnownSpool.details())
        for hosts in [[], ["MBX02.corp"]] {
            let script = RemediationScript.render(report, hosts: hosts, generatedAt: "now", productVersion: "0.1.0")
            #expect(script.contains("# organization Contoso: 1 failed control(s) (runs on mbx02.corp)\r\n"))
            #expect(script.contains("if ($env:COMPUTERNAME -eq 'MBX02') {\r\n"), "\(script)")
        }
    }
}
