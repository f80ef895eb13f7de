package import EDCACore
import EDCAJSON

/// What the controls directory adds to a control for the report and the remediation script: the fields events may
/// not carry. Looked up by control id; the event's own values win where both have one.
package struct ControlDetails: Sendable {
    /// The weight in scores.
    package var severityWeight: Int
    /// Whether the control counts in scores and remediation.
    package var verify: Bool
    /// The frameworks that require it.
    package var frameworks: [String]
    /// Whether the fix can be scripted.
    package var automatable: Bool
    /// The PowerShell fix.
    package var scriptTemplate: String
    /// What to weigh before applying the fix.
    package var considerations: String
    /// The category, description, fix in words and cited documents: OCSF 1.8.0 events leave them out (or carry
    /// the fix only when a finding opens or changes).
    package var category = ""
    /// Why the control matters.
    package var description = ""
    /// The fix in words.
    package var remediation = ""
    /// The documents the control cites, with their titles.
    package var references: [ReferenceRecord] = []

    /// Creates details.
    package init(
        severityWeight: Int, verify: Bool, frameworks: [String], automatable: Bool, scriptTemplate: String,
        considerations: String
    ) {
        self.severityWeight = severityWeight
        self.verify = verify
        self.frameworks = frameworks
        self.automatable = automatable
        self.scriptTemplate = scriptTemplate
        self.considerations = considerations
    }

    /// The details of a parsed control.
    package init(_ control: ControlMetadata) {
        self.init(
            severityWeight: control.severityWeight, verify: control.verify, frameworks: control.frameworks,
            automatable: control.remediation.automatable, scriptTemplate: control.remediation.scriptTemplate,
            considerations: control.considerations)
        category = control.category
        description = control.description
        remediation = control.remediation.description
        references = control.references.map { ReferenceRecord(name: $0.name, url: $0.url) }
    }
}

/// A weighted score: 100 × the weight of passing verdicts over the weight of every verdict not Skipped, counting
/// controls with `verify: true` only (so Unknown and Error lower a score).
package struct Score: Sendable, Equatable {
    /// The summed weight of passing verdicts.
    package var passedWeight: Int = 0
    /// The summed weight of verdicts not Skipped.
    package var countedWeight: Int = 0

    /// Creates a score from its weights.
    package init(passedWeight: Int = 0, countedWeight: Int = 0) {
        self.passedWeight = passedWeight
        self.countedWeight = countedWeight
    }

    /// The score in percent, nil when nothing counted.
    package var percent: Double? {
        countedWeight > 0 ? 100 * Double(passedWeight) / Double(countedWeight) : nil
    }

    mutating func add(_ status: Status, weight: Int) {
        guard status != .skipped else { return }
        countedWeight += weight
        if status == .pass { passedWeight += weight }
    }
}

/// One control as the report shows it.
package struct ReportControl: Sendable {
    /// The control's id.
    package var id: String
    /// The title, description, category and severity from its events.
    package var title: String
    /// Why it matters.
    package var description: String
    /// Its category.
    package var category: String
    /// What it is about: `Server`, later organization or database.
    package var subject: String
    /// Its severity word.
    package var severity: String
    /// Its weight in scores (0 when neither the events nor the controls directory give one).
    package var severityWeight: Int
    /// Whether it counts in scores.
    package var verify: Bool
    /// Whether its fix can be scripted.
    package var automatable: Bool
    /// The frameworks that require it.
    package var frameworks: [String]
    /// The fix in words.
    package var remediation: String
    /// The PowerShell fix, when the controls directory has the control.
    package var scriptTemplate: String?
    /// What to weigh before fixing, when the controls directory has the control.
    package var considerations: String?
    /// The documents it cites.
    package var references: [ReferenceRecord]
    /// How many hosts fail it.
    package var failingHosts: Int = 0
}

/// One host's verdicts.
package struct ReportHost: Sendable {
    /// The host.
    package var host: SpoolHostRecord
    /// Its verdict per control, indexed like ``FleetReport/controls``; nil where it has none.
    package var statuses: [Status?]
    /// Its evidence lines per control, indexed like ``FleetReport/controls``.
    package var evidence: [[String]]
    /// Its own score.
    package var score: Score
    /// Its verdicts per status.
    package var statusCounts: [Status: Int]
    /// Whether the spool has no previous status for any of its controls: first scanned in this run.
    package var isNew: Bool
}

/// One host and control, for drift lists.
package struct HostControl: Sendable, Hashable {
    /// The host name.
    package var host: String
    /// The control id.
    package var control: String
}

/// What changed since the previous scan, from the events' drift data (`previous_status`).
package struct DriftSummary: Sendable {
    /// Failing now, and not before (another status, or no status for that control), on a host seen before.
    package var newFailures: [HostControl] = []
    /// Failing before, passing now.
    package var fixed: [HostControl] = []
    /// Failing before and now.
    package var stillFailing: [HostControl] = []
    /// Hosts with no previous status for any control.
    package var newHosts: [String] = []
    /// Hosts of the previous run in the spool that this run does not mention; nil when the spool has no earlier run.
    package var goneHosts: [String]?
}

/// A point of the score trend: one run's total score.
package struct TrendPoint: Sendable {
    /// The run id.
    package var runID: String
    /// When it started, epoch milliseconds.
    package var time: Int64
    /// Its total score.
    package var score: Score
}

/// Everything the report page and its tests need, computed from one run's events. Pure.
package struct FleetReport: Sendable {
    /// The frameworks in the order score cards show them; others follow alphabetically.
    package static let frameworkOrder = ["Best Practice", "ANSSI", "BSI", "CIS", "CISA", "DISA", "ISM", "NIS2"]

    /// The run.
    package var runID: String
    /// When the run started and ended (from its closing event, else from its events' times).
    package var startTime: Int64
    /// When the run ended.
    package var endTime: Int64
    /// The run's closing event, nil when the run did not finish writing.
    package var summary: RunScanRecord?
    /// The controls with a verdict, worst first (most failing hosts, then weight).
    package var controls: [ReportControl]
    /// The hosts with verdicts, worst first (lowest score, then most failures).
    package var hosts: [ReportHost]
    /// Hosts that could not be scanned.
    package var unreached: [HostScanRecord]
    /// The total score.
    package var total: Score
    /// The score per framework, in ``frameworkOrder``.
    package var frameworkScores: [(framework: String, score: Score)]
    /// Verdicts per status over all hosts.
    package var statusCounts: [Status: Int]
    /// What changed since the previous scan.
    package var drift: DriftSummary
    /// The total score of each run in the spool up to this one, oldest first.
    package var trend: [TrendPoint]

    /// Builds the report of `run`; `earlier` are the spool's earlier runs, oldest first; `details` are the
    /// controls directory's controls by id (events may lack weights, frameworks, `verify`; the script is never in
    /// them).
    package init(run: RunEvents, earlier: [RunEvents], details: [String: ControlDetails]) {
        runID = run.runID
        summary = run.summary
        startTime = run.summary?.startTime ?? run.firstTime
        endTime = run.summary?.endTime ?? (run.findings.map(\.time).max() ?? run.firstTime)

        var controlIndex: [String: Int] = [:]
        var controls: [ReportControl] = []
        for finding in run.findings where controlIndex[finding.controlID] == nil {
            controlIndex[finding.controlID] = controls.count
            let extra = details[finding.controlID]
            controls.append(
                ReportControl(
                    id: finding.controlID, title: finding.title,
                    description: finding.description.isEmpty ? extra?.description ?? "" : finding.description,
                    category: finding.category.isEmpty ? extra?.category ?? "" : finding.category,
                    subject: finding.subject, severity: finding.severity,
                    severityWeight: finding.severityWeight ?? extra?.severityWeight ?? 0,
                    verify: finding.verify ?? extra?.verify ?? false,
                    automatable: finding.automatable ?? extra?.automatable ?? false,
                    frameworks: finding.frameworks.isEmpty ? extra?.frameworks ?? [] : finding.frameworks,
                    remediation: finding.remediation.isEmpty ? extra?.remediation ?? "" : finding.remediation,
                    scriptTemplate: extra?.scriptTemplate, considerations: extra?.considerations,
                    references: (extra?.references).flatMap { $0.isEmpty ? nil : $0 } ?? finding.references))
        }

        var hostIndex: [String: Int] = [:]
        var hosts: [ReportHost] = []
        var total = Score()
        var perFramework: [String: Score] = [:]
        var counts: [Status: Int] = [:]
        var drift = DriftSummary()
        for finding in run.findings {
            let index: Int
            if let known = hostIndex[finding.host.name] {
                index = known
            } else {
                index = hosts.count
                hostIndex[finding.host.name] = index
                hosts.append(
                    ReportHost(
                        host: finding.host, statuses: Array(repeating: nil, count: controls.count),
                        evidence: Array(repeating: [], count: controls.count), score: Score(), statusCounts: [:],
                        isNew: true))
            }
            let column = controlIndex[finding.controlID] ?? 0
            let control = controls[column]
            hosts[index].statuses[column] = finding.status
            hosts[index].evidence[column] = finding.evidence
            hosts[index].statusCounts[finding.status, default: 0] += 1
            counts[finding.status, default: 0] += 1
            if finding.previousStatus != nil { hosts[index].isNew = false }
            if finding.status == .fail { controls[column].failingHosts += 1 }
            if control.verify {
                hosts[index].score.add(finding.status, weight: control.severityWeight)
                total.add(finding.status, weight: control.severityWeight)
                for framework in control.frameworks {
                    perFramework[framework, default: Score()].add(finding.status, weight: control.severityWeight)
                }
            }
            let pair = HostControl(host: finding.host.name, control: finding.controlID)
            switch (finding.previousStatus, finding.status) {
            case (.fail?, .fail): drift.stillFailing.append(pair)
            case (.fail?, .pass): drift.fixed.append(pair)
            case (_, .fail): drift.newFailures.append(pair)
            default: break
            }
        }
        let newHosts = Set(hosts.filter(\.isNew).map(\.host.name))
        // A failure on a host seen for the first time is that host's news, not a new failure.
        drift.newFailures.removeAll { newHosts.contains($0.host) }
        drift.newHosts = hosts.filter(\.isNew).map(\.host.name)
        let seen = Set(hosts.map(\.host.name) + run.hostScans.map(\.host.name))
        if let previous = earlier.last {
            let before = Set(previous.findings.map(\.host.name) + previous.hostScans.map(\.host.name))
            drift.goneHosts = before.subtracting(seen).sorted()
        }

        // Worst first: controls failing on most hosts, then heavier; hosts with the lowest score, then most failures.
        let order = controls.indices.sorted { left, right in
            let (a, b) = (controls[left], controls[right])
            return (-a.failingHosts, -a.severityWeight, a.id) < (-b.failingHosts, -b.severityWeight, b.id)
        }
        self.controls = order.map { controls[$0] }
        self.hosts = hosts.map { host in
            var reordered = host
            reordered.statuses = order.map { host.statuses[$0] }
            reordered.evidence = order.map { host.evidence[$0] }
            return reordered
        }
        .sorted { a, b in
            let left = (a.score.percent ?? 101, -(a.statusCounts[.fail] ?? 0), a.host.name)
            let right = (b.score.percent ?? 101, -(b.statusCounts[.fail] ?? 0), b.host.name)
            return left < right
        }
        unreached = run.hostScans.filter { !$0.reached }.sorted { $0.host.name < $1.host.name }
        self.total = total
        let names = perFramework.keys.sorted { a, b in
            let (left, right) = (Self.frameworkOrder.firstIndex(of: a), Self.frameworkOrder.firstIndex(of: b))
            return (left ?? Int.max, a) < (right ?? Int.max, b)
        }
        frameworkScores = names.map { ($0, perFramework[$0] ?? Score()) }
        statusCounts = counts
        self.drift = drift
        trend = (earlier + [run]).map { past in
            TrendPoint(
                runID: past.runID, time: past.summary?.startTime ?? past.firstTime,
                score: Self.totalScore(past, details))
        }
    }

    /// A run's total score alone, for the trend.
    static func totalScore(_ run: RunEvents, _ details: [String: ControlDetails]) -> Score {
        var score = Score()
        for finding in run.findings {
            let extra = details[finding.controlID]
            guard finding.verify ?? extra?.verify ?? false else { continue }
            score.add(finding.status, weight: finding.severityWeight ?? extra?.severityWeight ?? 0)
        }
        return score
    }
}
