package import EDCACore
import EDCAEngine
package import EDCAInventory
import EDCAJSON
package import EDCATransport
import Synchronization

/// A request to stop a scan gracefully (SIGTERM, SIGINT): no new host starts; hosts in flight finish or fail on
/// their own deadlines. Unlike cancelling the task, it does not abort the hosts already being probed.
package final class StopRequest: Sendable {
    private let requested = Atomic<Bool>(false)

    /// Creates a request not yet made.
    package init() {}

    /// Asks the scan to stop starting hosts. Safe from any thread, including a signal handler's queue.
    package func request() {
        requested.store(true, ordering: .relaxed)
    }

    /// Whether a stop was requested.
    package var isRequested: Bool { requested.load(ordering: .relaxed) }
}

/// One host to scan: a name for reports, where to reach it, and its role (nil: from its registry).
package struct ScanTarget: Sendable, Hashable {
    /// The host's name in the inventory.
    package var name: String
    /// Where and as whom to connect.
    package var endpoint: SSHEndpoint
    /// The role to evaluate for, or nil to take it from the host's Exchange setup keys.
    package var role: ExchangeRole?
    /// The Exchange organization the host belongs to; its organization controls are evaluated once per scan.
    package var organization: String

    /// Creates a target.
    package init(
        name: String, endpoint: SSHEndpoint, role: ExchangeRole?,
        organization: String = InventoryHost.defaultOrganization
    ) {
        self.name = name
        self.endpoint = endpoint
        self.role = role
        self.organization = organization
    }

    /// A target reached at `address`:`port` as `user`, its host key optionally pinned (`SHA256:...`), logged on to
    /// with the session's key or, with `.kerberos`, its Kerberos identity to the service principal
    /// `host/<kerberosName>` (`host/<address>` when nil).
    package init(
        name: String, address: String, port: Int, user: String, fingerprint: String?, role: ExchangeRole?,
        authentication: HostAuthentication = .key, kerberosName: String? = nil,
        organization: String = InventoryHost.defaultOrganization
    ) {
        self.init(
            name: name,
            endpoint: SSHEndpoint(
                host: address, port: port, user: user, pinnedFingerprint: fingerprint,
                authentication: authentication == .kerberos ? .kerberos(serverName: kerberosName) : .publicKey),
            role: role, organization: organization)
    }

    /// An inventory host as a target.
    package init(_ host: InventoryHost) {
        self.init(
            name: host.name, address: host.address, port: host.port, user: host.user, fingerprint: host.fingerprint,
            role: host.role, authentication: host.authentication, kerberosName: host.kerberosName,
            organization: host.organization)
    }

    /// The host name or address connected to.
    package var address: String { endpoint.host }
}

/// What scanning one host gave: its verdicts, or why it could not be scanned, and how long it took.
package struct HostOutcome: Sendable {
    /// The host.
    package var target: ScanTarget
    /// The scan, or the per-host error.
    package var result: Result<HostScan, HostProbeError>
    /// From the start of this host's probe to its end (zero for hosts never started).
    package var duration: Duration

    /// Creates an outcome.
    package init(target: ScanTarget, result: Result<HostScan, HostProbeError>, duration: Duration) {
        self.target = target
        self.result = result
        self.duration = duration
    }
}

/// Scans many hosts with bounded concurrency: one probe per host, each bounded by its own deadline, so a slow or
/// failing host never holds up the others beyond that.
package struct FleetScan: Sendable {
    /// The probe, with the controls compiled once for the whole fleet.
    package let probe: HostProbe
    /// The most hosts in flight at once (the SSH client's pool should be as wide).
    package let concurrency: Int

    /// Creates a scan.
    package init(probe: HostProbe, concurrency: Int) {
        precondition(concurrency >= 1, "concurrency must be at least 1")
        self.probe = probe
        self.concurrency = concurrency
    }

    /// Probes every target, at most ``concurrency`` at a time, and hands each outcome to `record` in the host's own
    /// task as soon as the host finishes: calls overlap (at most ``concurrency``), so that a recorder can make the
    /// hosts that finish together durable together; a host's slot is free once its `record` returned. When `stop`
    /// is requested, no new host starts and hosts in flight finish on their own deadlines; when the surrounding task
    /// is cancelled, hosts in flight are cancelled too. Either way every host not started is recorded as
    /// interrupted, and a host waiting for an organization left undecided is recorded once, judged with the first
    /// host reached (or Unknown, saying why).
    ///
    /// Organization facts are collected once per organization, by one host chosen as ``OrganizationCollectors``
    /// says (the first host, in name order, that is not Edge and can collect them): organization controls are
    /// evaluated on its facts, and the other hosts' requests carry no `Organization`-scope stage key and none of the
    /// reads only organization controls need. A server control that reads an `Organization`-scope key is judged on
    /// each server with the collector's answers of those keys: a host whose probe ends before its organization is
    /// decided waits, holding no slot, and is recorded (its events still one batch) once it is; when no host could
    /// collect, those controls are Unknown and say why. The wait does not count against the host's deadline.
    /// Each organization's verdicts go to `recordOrganization` once decided and every host of it has finished.
    /// - Parameters:
    ///   - summarizing: keep each outcome ``HostOutcome/summarized`` once recorded (the spool holds the rest); false
    ///     keeps them whole, for a caller that prints them.
    ///   - record: records an outcome and returns it as recorded: the same, or the per-host error it became (a host
    ///     whose time ran out while its events were built).
    /// - Returns: every outcome as recorded, in the order of `targets`.
    package func run(
        _ targets: [ScanTarget], runner: some RemoteCommandRunner, stop: StopRequest = StopRequest(),
        summarizing: Bool = true, record: @Sendable (HostOutcome) async -> HostOutcome,
        recordOrganization: @Sendable (OrganizationOutcome) async -> Void = { _ in }
    ) async -> [HostOutcome] {
        // The host tasks call `record`; they all end before this returns, so it does not really escape.
        await withoutActuallyEscaping(record) { record in
            await run(
                targets, runner: runner, stop: stop, summarizing: summarizing, recordingIn: record,
                recordOrganization: recordOrganization)
        }
    }

    private func run(
        _ targets: [ScanTarget], runner: some RemoteCommandRunner, stop: StopRequest, summarizing: Bool,
        recordingIn record: @escaping @Sendable (HostOutcome) async -> HostOutcome,
        recordOrganization: @Sendable (OrganizationOutcome) async -> Void
    ) async -> [HostOutcome] {
        let stopping = { Task.isCancelled || stop.isRequested }
        var outcomes = [HostOutcome?](repeating: nil, count: targets.count)
        var collectors = OrganizationCollectors(targets: targets, enabled: probe.plan.collectsOrganizationFacts)
        // Hosts whose probe finished before their organization was decided: their server controls that read
        // organization facts wait for the collector's rows. Kept here, holding no slot, until recorded.
        var waiting: [Int: HostOutcome] = [:]
        let probe = self.probe
        @Sendable func completed(_ outcome: HostOutcome, organization: ExchangeSnapshot) -> HostOutcome {
            guard case .success(let scan) = outcome.result else { return outcome }
            var completed = outcome
            do throws(HostProbeError) {
                completed.result = .success(try probe.complete(scan, organization: organization))
            } catch {
                completed.result = .failure(error)
            }
            return completed
        }
        await withTaskGroup(of: FinishedProbe.self) { group in
            var running = 0
            func startNext() -> Bool {
                guard let (index, scope) = collectors.next() else { return false }
                let target = targets[index]
                running += 1
                group.addTask {
                    let started = ContinuousClock.now
                    let result: Result<HostScan, HostProbeError>
                    do throws(HostProbeError) {
                        result = .success(
                            try await probe.run(target.endpoint, client: runner, role: target.role, scope: scope))
                    } catch {
                        result = .failure(error)
                    }
                    if scope == .organizationOnly { return .organization(index, result) }
                    let outcome = HostOutcome(target: target, result: result, duration: ContinuousClock.now - started)
                    if case .success(let scan) = result, scan.awaitsOrganization { return .waiting(index, outcome) }
                    return .host(index, await record(outcome))
                }
                return true
            }
            /// Records the waiting hosts whose organization is decided, each in a task of its own (no slot).
            func recordDecided() {
                for index in waiting.keys.sorted() {
                    guard let organization = collectors.organizationAnswers(forHost: index),
                        let outcome = waiting.removeValue(forKey: index)
                    else { continue }
                    group.addTask { .recorded(index, await record(completed(outcome, organization: organization))) }
                }
            }
            while running < concurrency, !stopping(), startNext() {}
            while let finished = await group.next() {
                var decided: [OrganizationOutcome] = []
                switch finished {
                case .host(let index, let outcome):
                    running -= 1
                    decided = collectors.hostFinished(index, result: outcome.result)
                    outcomes[index] = summarizing ? outcome.summarized : outcome
                case .waiting(let index, let outcome):
                    running -= 1
                    decided = collectors.hostFinished(index, result: outcome.result)
                    waiting[index] = outcome
                case .organization(let index, let result):
                    running -= 1
                    decided = collectors.followUpFinished(index, result: result)
                case .recorded(let index, let outcome):
                    outcomes[index] = summarizing ? outcome.summarized : outcome
                }
                recordDecided()
                for organization in decided { await recordOrganization(organization) }
                while running < concurrency, !stopping(), startNext() {}
            }
        }
        // The scan stopped with organizations undecided: decide them (with the first host reached, if any), then
        // record their waiting hosts and the hosts never started together (one sync for all, with group commit).
        let remaining = collectors.finishRemaining()
        let unstarted = outcomes.indices.filter { outcomes[$0] == nil && waiting[$0] == nil }
        let recorded = await withTaskGroup(of: (Int, HostOutcome).self) { group in
            for (index, outcome) in waiting {
                let organization = collectors.organizationAnswers(forHost: index) ?? ExchangeSnapshot()
                group.addTask { (index, await record(completed(outcome, organization: organization))) }
            }
            for index in unstarted {
                let interrupted = HostOutcome(target: targets[index], result: .failure(.interrupted), duration: .zero)
                group.addTask { (index, await record(interrupted)) }
            }
            var recorded: [(Int, HostOutcome)] = []
            for await result in group { recorded.append(result) }
            return recorded
        }
        for (index, outcome) in recorded { outcomes[index] = summarizing ? outcome.summarized : outcome }
        for organization in remaining { await recordOrganization(organization) }
        return outcomes.compactMap { $0 }
    }
}

/// A finished task of a fleet scan: a host's own probe (recorded, or waiting for its organization), a second probe
/// for its organization's reads only, or the recording of a host that waited.
private enum FinishedProbe: Sendable {
    case host(Int, HostOutcome)
    case waiting(Int, HostOutcome)
    case organization(Int, Result<HostScan, HostProbeError>)
    case recorded(Int, HostOutcome)
}

extension HostOutcome {
    /// The outcome as a scan keeps it once `record` has it: the role and each verdict's status, without the registry
    /// snapshot, the read errors and the verdicts' findings (which the spool holds), so that a scan's memory does
    /// not grow with what each host reported (38 controls: about 40 KiB per host). The Exchange stage's error, one
    /// line that the scan's summary prints, is kept.
    package var summarized: HostOutcome {
        guard case .success(var scan) = result else { return self }
        var kept = HostSnapshot()
        kept.exchange.stageError = scan.snapshot.exchange.stageError
        scan.snapshot = kept
        scan.readErrors = []
        scan.organization = nil
        scan.verdicts = scan.verdicts.map { verdict in
            var statusOnly = verdict
            statusOnly.findings = []
            return statusOnly
        }
        var summary = self
        summary.result = .success(scan)
        return summary
    }

    /// How long the host took, in whole milliseconds, as events and logs report it.
    package var milliseconds: Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}
