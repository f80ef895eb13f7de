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
    /// interrupted.
    ///
    /// Organization controls are evaluated once per organization, on the facts of one host chosen as
    /// ``OrganizationCollectors`` says (the first host, in name order, that is not Edge and can collect them); the
    /// other hosts' requests leave out the reads only those controls need. Each organization's verdicts go to
    /// `recordOrganization` once decided and every host of it has finished.
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
        var collectors = OrganizationCollectors(targets: targets, enabled: probe.plan.hasOrganizationControls)
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
                    return .host(index, await record(outcome))
                }
                return true
            }
            while running < concurrency, !stopping(), startNext() {}
            while let finished = await group.next() {
                running -= 1
                let decided: [OrganizationOutcome]
                switch finished {
                case .host(let index, let outcome):
                    decided = collectors.hostFinished(index, result: outcome.result)
                    outcomes[index] = summarizing ? outcome.summarized : outcome
                case .organization(let index, let result):
                    decided = collectors.followUpFinished(index, result: result)
                }
                for organization in decided { await recordOrganization(organization) }
                while running < concurrency, !stopping(), startNext() {}
            }
        }
        // Hosts never started are recorded together too (one sync for all of them, with group commit).
        let unstarted = outcomes.indices.filter { outcomes[$0] == nil }
        await withTaskGroup(of: Void.self) { group in
            for index in unstarted {
                let interrupted = HostOutcome(target: targets[index], result: .failure(.interrupted), duration: .zero)
                outcomes[index] = interrupted
                group.addTask { _ = await record(interrupted) }
            }
        }
        for organization in collectors.finishRemaining() { await recordOrganization(organization) }
        return outcomes.compactMap { $0 }
    }
}

/// A finished probe of a fleet scan: a host's own, or a second one for its organization's reads only.
private enum FinishedProbe: Sendable {
    case host(Int, HostOutcome)
    case organization(Int, Result<HostScan, HostProbeError>)
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
