package import EDCAEngine
package import EDCATransport

/// One host to scan: a name for reports, where to reach it, and its role (nil: from its registry).
package struct ScanTarget: Sendable, Hashable {
    /// The host's name in the inventory.
    package var name: String
    /// Where and as whom to connect.
    package var endpoint: SSHEndpoint
    /// The role to evaluate for, or nil to take it from the host's Exchange setup keys.
    package var role: ExchangeRole?

    /// Creates a target.
    package init(name: String, endpoint: SSHEndpoint, role: ExchangeRole?) {
        self.name = name
        self.endpoint = endpoint
        self.role = role
    }
}

/// What scanning one host gave: its verdicts, or why it could not be scanned, and how long it took.
package struct HostOutcome: Sendable {
    /// The host.
    package var target: ScanTarget
    /// The scan, or the per-host error.
    package var result: Result<HostScan, HostProbeError>
    /// From the start of this host's probe to its end (zero for hosts never started).
    package var duration: Duration
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

    /// Probes every target, at most ``concurrency`` at a time, and hands each outcome to `record` as soon as the
    /// host finishes (completion order). When the surrounding task is cancelled, no new host starts, hosts in
    /// flight finish or fail on their own deadlines, and every host not started is recorded as interrupted.
    /// - Returns: every outcome, in the order of `targets`.
    package func run(
        _ targets: [ScanTarget], runner: some RemoteCommandRunner,
        record: @Sendable (HostOutcome) async -> Void
    ) async -> [HostOutcome] {
        var outcomes = [HostOutcome?](repeating: nil, count: targets.count)
        await withTaskGroup(of: (Int, HostOutcome).self) { group in
            var next = 0
            func startNext() {
                let index = next
                let target = targets[index]
                next += 1
                group.addTask {
                    let started = ContinuousClock.now
                    let result: Result<HostScan, HostProbeError>
                    do throws(HostProbeError) {
                        result = .success(try await probe.run(target.endpoint, client: runner, role: target.role))
                    } catch {
                        result = .failure(error)
                    }
                    return (index, HostOutcome(target: target, result: result, duration: ContinuousClock.now - started))
                }
            }
            while next < targets.count, next < concurrency, !Task.isCancelled { startNext() }
            for await (index, outcome) in group {
                outcomes[index] = outcome
                await record(outcome)
                if next < targets.count, !Task.isCancelled { startNext() }
            }
        }
        var result: [HostOutcome] = []
        for (index, outcome) in outcomes.enumerated() {
            if let outcome {
                result.append(outcome)
            } else {
                let interrupted = HostOutcome(target: targets[index], result: .failure(.interrupted), duration: .zero)
                await record(interrupted)
                result.append(interrupted)
            }
        }
        return result
    }
}
