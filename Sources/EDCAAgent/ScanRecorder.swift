import EDCACore
package import EDCAEngine
import EDCAJSON
import EDCAProbe
package import EDCASpool
import EDCATransport
package import Foundation

/// The one owner of the spool and the drift state during a scan: turns each host's outcome into OCSF events,
/// appends them as one batch, makes the batch durable, and keeps the counts for the run's summary.
///
/// An actor, because outcomes arrive from concurrent host tasks and the spool needs one writer. Batches are made
/// durable by group commit: hosts that finish while an `fdatasync` runs share the next one.
package actor ScanRecorder {
    private let spool: SpoolWriter
    private let commit: GroupCommit
    /// Batches appended so far: the number ``GroupCommit`` makes durable through.
    private var batchesAppended = 0
    private var drift: DriftState
    private let run: SpoolRun
    private let controls: [String: Control]
    private let now: @Sendable () -> Date
    private let started: Date
    /// Hosts that could not be scanned so far (not counting interrupted ones).
    package private(set) var hostsFailed = 0
    private var hostsInterrupted = 0
    private var statusCounts: [Status: Int] = [:]
    /// The first spool error, after which nothing more is written.
    package private(set) var spoolFailure: SpoolError?
    /// Whether findings whose status did not change are left out (changes-only output).
    private let changesOnly: Bool
    /// In changes-only output, how old a finding's last report may grow before it is written again although
    /// unchanged, in milliseconds: half the spool's retention, so the retained spool always holds every finding.
    private let restatementMilliseconds: Int64

    /// Creates a recorder writing to `spool`, comparing verdicts with `drift`; the run starts now.
    ///
    /// - Parameters:
    ///   - changesOnly: write only new and changed findings (and each host's Scan Activity with its counts); an
    ///     unchanged finding is written again once its last report is older than half of `retentionDays`.
    ///   - retentionDays: how long the spool keeps rotated files.
    ///   - now: the wall clock that dates events, the run and the rotated file (tests pass their own).
    package init(
        spool: SpoolWriter, drift: DriftState, run: SpoolRun, controls: [Control], changesOnly: Bool = false,
        retentionDays: Int = 14, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.now = now
        started = now()
        self.spool = spool
        commit = GroupCommit(sync: spool.syncer)
        self.drift = drift
        self.run = run
        self.controls = Dictionary(controls.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.changesOnly = changesOnly
        self.restatementMilliseconds = Int64(retentionDays) * 86_400_000 / 2
    }

    /// Writes one host's events: a Compliance Finding per applicable control (skipped ones are left out) and a Scan
    /// Activity, as one batch; returns once the batch is on disk (a sync shared with the hosts that finished
    /// meanwhile), and only then records the verdicts for drift. Calls may overlap: each host's batch stays whole.
    ///
    /// A scan whose time left (``HostScan/timeLeft``, counted from the start of this call) runs out while its
    /// findings are built is recorded as the per-host error `agent.timeout` instead, without findings.
    /// - Returns: the outcome as recorded: `outcome`, or the timeout it became.
    @discardableResult
    package func record(_ outcome: HostOutcome) async -> HostOutcome {
        var outcome = outcome
        let end = Self.milliseconds(now())
        let start = end - outcome.milliseconds
        var lines: [String] = []
        var hostStatuses: [Status: Int] = [:]
        var verdicts: [Verdict] = []
        var reported: Set<String> = []
        var unchangedOmitted: Int?
        let result: HostScanOutcome.Result
        var exchangeStageError: (errorClass: String, message: String)?
        var host = SpoolHost(hostname: outcome.target.name, ip: outcome.target.endpoint.host, role: outcome.target.role)
        if case .success(let scan) = outcome.result {
            let deadline = scan.timeLeft.map { ContinuousClock.now.advanced(by: $0) }
            host.role = scan.role
            host.osName = scan.identity.windowsProduct
            host.osBuild = scan.identity.windowsBuild
            if let error = scan.snapshot.exchange.stageError {
                let remedy =
                    error.errorClass == ExchangeError.noNetworkCredentials
                    ? " (\(ExchangeError.noNetworkCredentialsRemedy))" : ""
                exchangeStageError = (error.errorClass, error.message + remedy)
            }
            verdicts = scan.verdicts.filter { $0.status != .skipped }
            if changesOnly { unchangedOmitted = 0 }
            for verdict in verdicts {
                // A verdict with 100,000 subkeys' evidence takes long to write: the clock is read after each event.
                if let deadline, ContinuousClock.now >= deadline {
                    outcome.result = .failure(
                        .processingTimeout(
                            host: outcome.target.endpoint.host,
                            while: "writing its events (\(lines.count) of \(verdicts.count) written)"))
                    (lines, hostStatuses, verdicts, reported, unchangedOmitted) = ([], [:], [], [], nil)
                    exchangeStageError = nil
                    break
                }
                guard let control = controls[verdict.controlID] else { continue }
                hostStatuses[verdict.status, default: 0] += 1
                let subject = verdict.spoolSubject
                let key = subject.key(host: host.hostname)
                let drift = drift.drift(for: key, control: verdict.controlID, status: verdict.status)
                if changesOnly, drift.kind == .unchanged, let last = drift.reported,
                    end - last < restatementMilliseconds
                {
                    unchangedOmitted? += 1
                    continue
                }
                reported.insert(key + "|" + verdict.controlID)
                let event = SpoolEvents.complianceFinding(
                    control: control.metadata, status: verdict.status, evidence: verdict.evidence, host: host,
                    subject: subject, drift: drift, run: run, timeMilliseconds: end)
                lines.append(SpoolLine.render(event))
            }
        }
        switch outcome.result {
        case .success:
            result = .completed
        case .failure(.interrupted):
            hostsInterrupted += 1
            result = .interrupted
        case .failure(let error):
            hostsFailed += 1
            result = .failed(errorClass: error.errorClass, message: error.description)
        }
        let activity = HostScanOutcome(
            host: host, result: result, startMilliseconds: start, endMilliseconds: end, statusCounts: hostStatuses,
            unchangedOmitted: unchangedOmitted, exchangeStageError: exchangeStageError)
        lines.append(SpoolLine.render(SpoolEvents.hostScanActivity(activity, run: run, timeMilliseconds: end)))
        guard spoolFailure == nil else { return outcome }
        do throws(SpoolError) {
            try spool.appendBatch(lines)
            batchesAppended += 1
            try await commit.durable(through: batchesAppended)
        } catch {
            if spoolFailure == nil { spoolFailure = error }
            return outcome
        }
        for verdict in verdicts {
            let key = verdict.spoolSubject.key(host: host.hostname)
            drift.record(
                host: key, control: verdict.controlID, status: verdict.status, time: end,
                reported: reported.contains(key + "|" + verdict.controlID))
            statusCounts[verdict.status, default: 0] += 1
        }
        return outcome
    }

    /// Writes one organization's findings (Compliance Findings naming the organization in `resources`, with the
    /// host whose facts decided them as `device`), as one batch; then records them for drift under the
    /// organization's key. An organization that no host could collect writes nothing: its hosts' Scan Activities
    /// say why they were not reached.
    package func record(organization outcome: OrganizationOutcome) async {
        guard let collection = outcome.collection else { return }
        let time = Self.milliseconds(now())
        let subject = SpoolSubject.organization(outcome.organization)
        let host = SpoolHost(
            hostname: collection.host.name, ip: collection.host.endpoint.host, role: collection.role,
            osName: collection.identity.windowsProduct, osBuild: collection.identity.windowsBuild)
        let key = subject.key(host: host.hostname)
        var lines: [String] = []
        var reported: Set<String> = []
        let verdicts = collection.verdicts.filter { $0.status != .skipped }
        for verdict in verdicts {
            guard let control = controls[verdict.controlID] else { continue }
            // The differences in the organization facts this control reads.
            let reads = Set(
                FactRequest(checks: [control.check]).reads.compactMap { read -> String? in
                    if case .exchange(let fact) = read { fact.key } else { nil }
                })
            let differing = outcome.differences.filter { reads.contains($0.fact) }.map { "\($0.host): \($0.fact)" }
            let drift = drift.drift(for: key, control: verdict.controlID, status: verdict.status)
            if changesOnly, drift.kind == .unchanged, let last = drift.reported, time - last < restatementMilliseconds {
                continue
            }
            reported.insert(verdict.controlID)
            lines.append(
                SpoolLine.render(
                    SpoolEvents.complianceFinding(
                        control: control.metadata, status: verdict.status, evidence: verdict.evidence, host: host,
                        subject: subject, differingFacts: differing, drift: drift, run: run, timeMilliseconds: time)))
        }
        guard spoolFailure == nil else { return }
        if !lines.isEmpty {
            do throws(SpoolError) {
                try spool.appendBatch(lines)
                batchesAppended += 1
                try await commit.durable(through: batchesAppended)
            } catch {
                if spoolFailure == nil { spoolFailure = error }
                return
            }
        }
        for verdict in verdicts {
            drift.record(
                host: key, control: verdict.controlID, status: verdict.status, time: time,
                reported: reported.contains(verdict.controlID))
            statusCounts[verdict.status, default: 0] += 1
        }
    }

    /// Ends the run: writes the run's Scan Activity, rotates the active file, saves drift, applies retention.
    /// - Returns: the rotated file's name, if any.
    package func finish(hosts: Int, retentionDays: Int) throws(SpoolError) -> String? {
        if let spoolFailure { throw spoolFailure }
        let finished = now()
        let summary = RunScanSummary(
            hosts: hosts, reached: hosts - hostsFailed - hostsInterrupted, failed: hostsFailed,
            interrupted: hostsInterrupted, statusCounts: statusCounts, startMilliseconds: Self.milliseconds(started),
            endMilliseconds: Self.milliseconds(finished))
        try spool.appendHostBatch([
            SpoolLine.render(
                SpoolEvents.runScanActivity(summary, run: run, timeMilliseconds: Self.milliseconds(finished)))
        ])
        let rotated = try spool.rotate(at: finished)
        try drift.save()
        _ = try spool.removeRotated(olderThan: retentionDays, now: finished)
        return rotated
    }

    /// How many `fdatasync`s of the spool file the run made so far (group commits, the run's last event, rotation).
    package func syncCount() async -> Int {
        await commit.syncs + spool.syncCount
    }

    /// The spool's total size in bytes, for the size warning; nil when it cannot be read.
    package func spoolSize() -> Int64? {
        try? spool.totalSize()
    }

    private static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }
}

extension Verdict {
    /// What the verdict's finding is about in the spool: the host, or one of its databases.
    var spoolSubject: SpoolSubject {
        database.map(SpoolSubject.database) ?? .server
    }
}
