import EDCACore
import EDCAEngine
import EDCAJSON

/// One synthetic host: its decoded registry snapshot and its Exchange role.
struct SyntheticHost {
    /// What the host's registry holds.
    var snapshot: RegistrySnapshot
    /// Mailbox or Edge.
    var role: ExchangeRole
}

/// How many verdicts of each status a set of evaluations gave, and how many findings they carried.
///
/// The timed loop adds every verdict here, and the benchmark prints the result, so no evaluation can be optimised
/// away.
struct StatusTally: Equatable {
    /// `Pass` verdicts.
    var passed = 0
    /// `Fail` verdicts.
    var failed = 0
    /// `Unknown` verdicts.
    var unknown = 0
    /// `Skipped` verdicts.
    var skipped = 0
    /// `Error` verdicts.
    var errors = 0
    /// Findings (evidence items, not yet rendered) over all verdicts.
    var findings = 0

    /// All verdicts counted.
    var total: Int { passed + failed + unknown + skipped + errors }

    /// Counts one verdict.
    mutating func add(_ verdict: Verdict) {
        switch verdict.status {
        case .pass: passed += 1
        case .fail: failed += 1
        case .unknown: unknown += 1
        case .skipped: skipped += 1
        case .error: errors += 1
        }
        findings += verdict.findings.count
    }

    /// The count of one status.
    func count(of status: Status) -> Int {
        switch status {
        case .pass: passed
        case .fail: failed
        case .unknown: unknown
        case .skipped: skipped
        case .error: errors
        }
    }
}

/// What the evidence pass produced besides its tally.
struct EvidenceTally {
    /// The statuses over all verdicts.
    var statuses = StatusTally()
    /// The statuses per group of controls: per shape for synthetic controls, per control for a real catalog.
    var byGroup: [StatusTally]
    /// Evidence lines rendered.
    var lines = 0
    /// UTF-8 bytes of evidence rendered.
    var bytes = 0

    /// An empty tally for `groups` groups of controls.
    init(groups: Int) {
        byGroup = [StatusTally](repeating: StatusTally(), count: groups)
    }
}

/// The timed work: every control of the plan evaluated on every host's resolved facts, on the calling thread.
func evaluateAll(_ plan: EvaluationPlan, on hosts: [SyntheticHost], facts: [HostFacts]) -> StatusTally {
    var tally = StatusTally()
    for (host, hostFacts) in zip(hosts, facts) {
        for index in plan.controls.indices {
            tally.add(plan.evaluate(controlAt: index, on: hostFacts, role: host.role))
        }
    }
    return tally
}

/// The same work, starting from each host's snapshot: resolves the plan's reads (string lookups), then evaluates.
func resolveAndEvaluateAll(_ plan: EvaluationPlan, on hosts: [SyntheticHost]) -> StatusTally {
    var tally = StatusTally()
    for host in hosts {
        let hostFacts = plan.facts(from: host.snapshot)
        for index in plan.controls.indices {
            tally.add(plan.evaluate(controlAt: index, on: hostFacts, role: host.role))
        }
    }
    return tally
}

/// The same work as ``evaluateAll(_:on:facts:)``, plus rendering every verdict's evidence strings
/// (`Verdict.evidence`) as a report needs them.
///
/// - Parameters:
///   - groups: the group of each control (its shape, or itself), for the per-group tallies.
///   - groupCount: how many groups there are.
func evaluateAllWithEvidence(
    _ plan: EvaluationPlan, groups: [Int], groupCount: Int, on hosts: [SyntheticHost], facts: [HostFacts]
) -> EvidenceTally {
    var tally = EvidenceTally(groups: groupCount)
    for (host, hostFacts) in zip(hosts, facts) {
        for index in plan.controls.indices {
            let verdict = plan.evaluate(controlAt: index, on: hostFacts, role: host.role)
            tally.statuses.add(verdict)
            tally.byGroup[groups[index]].add(verdict)
            for line in verdict.evidenceLines {
                tally.lines += 1
                tally.bytes += line.utf8.count
            }
        }
    }
    return tally
}
