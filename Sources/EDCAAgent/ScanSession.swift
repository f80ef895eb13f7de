package import EDCAEngine
import EDCAProbe
package import EDCASpool
package import EDCATransport
import Foundation
import Synchronization

/// What a scan session needs: the controls, how to reach hosts, how wide and how patient to be, and where its
/// findings go.
package struct ScanSettings: Sendable {
    /// Where a session writes its findings: the spool, with drift state and the scan lock in the state directory.
    package struct Spooling: Sendable {
        /// The spool directory the SIEM's forwarder reads.
        package var spoolDirectory: String
        /// Where drift state and the scan lock live.
        package var stateDirectory: String
        /// The group spool files belong to, or nil.
        package var group: String?
        /// Days rotated spool files are kept.
        package var retentionDays: Int
        /// Whether only new and changed findings are written (`docs/spool.md`, "Changes-only output").
        package var changesOnly: Bool

        /// Creates spool settings.
        package init(
            spoolDirectory: String, stateDirectory: String, group: String?, retentionDays: Int,
            changesOnly: Bool = false
        ) {
            self.spoolDirectory = spoolDirectory
            self.stateDirectory = stateDirectory
            self.group = group
            self.retentionDays = retentionDays
            self.changesOnly = changesOnly
        }
    }

    /// The controls evaluated on every host.
    package var controls: [Control]
    /// The OpenSSH known_hosts file.
    package var knownHosts: String
    /// Trust and record unknown host keys (never changed ones).
    package var acceptNewHostKeys = false
    /// The private key file, or nil.
    package var identity: String?
    /// A file holding the key's passphrase, or nil.
    package var passphraseFile: String?
    /// Authenticate with ssh-agent before trying ``identity``.
    package var useAgent = false
    /// The Kerberos identity for targets that authenticate with Kerberos, or nil when none does.
    package var kerberos: KerberosOptions?
    /// Each host's whole deadline.
    package var deadline: Duration = .seconds(60)
    /// The most hosts probed at once.
    package var concurrency = 1
    /// Retries of a host whose connection failed.
    package var retries = 0
    /// The delay before the first retry; each later one doubles it.
    package var retryBackoff: Duration = .seconds(2)
    /// Where findings go; nil: nowhere, the caller prints the outcomes (`probe`).
    package var spooling: Spooling?
    /// Whether the result keeps each host's snapshot and findings even when spooling (a caller that prints them);
    /// otherwise a spooling session keeps only each host's role and statuses, so its memory does not grow with them.
    package var keepsDetails = false
    /// Whether SIGTERM and SIGINT stop the session gracefully (no new host starts; the rest are interrupted).
    package var stopsOnSignals = false

    /// Settings for a session that probes without writing anything, one host at a time, without retries.
    package init(controls: [Control], knownHosts: String) {
        self.controls = controls
        self.knownHosts = knownHosts
    }

    /// Settings for a scheduled scan: the configuration's (file, then flags), writing to its spool, stopping
    /// gracefully on SIGTERM and SIGINT. `identity` is the one key of the scan; nil means ssh-agent.
    package init(_ configuration: AgentConfiguration, controls: [Control], identity: String?) {
        self.controls = controls
        knownHosts =
            configuration.knownHosts ?? FileManager.default.homeDirectoryForCurrentUser.path + "/.ssh/known_hosts"
        self.identity = identity
        passphraseFile = configuration.passphraseFile
        useAgent = identity == nil
        kerberos = configuration.kerberosOptions
        deadline = .seconds(configuration.deadlineSeconds)
        concurrency = configuration.concurrency
        retries = configuration.retries
        retryBackoff = .seconds(configuration.retryBackoffSeconds)
        spooling = Spooling(
            spoolDirectory: configuration.spoolDirectory, stateDirectory: configuration.stateDirectory,
            group: configuration.spoolGroup, retentionDays: configuration.spoolRetentionDays,
            changesOnly: configuration.spoolChangesOnly)
        stopsOnSignals = true
    }

    var sshOptions: SSHOptions {
        SSHOptions(
            knownHostsPath: knownHosts, acceptNewHostKeys: acceptNewHostKeys, identityFile: identity,
            passphraseFile: passphraseFile, useAgent: useAgent, deadline: deadline, kerberos: kerberos)
    }
}

/// What a session reports while it runs, for the command line to render (a progress line, log entries).
package enum ScanEvent: Sendable {
    /// The lock, spool and SSH client are ready; hosts start now.
    case started(ScanProgress)
    /// One host finished (with its full scan, before the session keeps only its summary), and where the scan is.
    case hostFinished(HostOutcome, ScanProgress)
    /// One organization's controls were evaluated, or no host of it could collect its facts.
    case organizationFinished(OrganizationOutcome)
    /// After the run, the spool holds more than ``ScanSession/spoolSizeWarning`` bytes.
    case spoolLarge(bytes: Int64)
    /// Opening the spool met a problem that does not stop it: a group not applied, an active file of another OCSF
    /// version moved aside.
    case spoolWarning(String)
}

/// What a session gave.
package struct ScanResult: Sendable {
    /// One outcome per host, in the order given: ``HostOutcome/summarized`` when spooled (unless
    /// ``ScanSettings/keepsDetails``), else in full.
    package var outcomes: [HostOutcome]
    /// One outcome per organization with a host that is not Edge, when some control is organization-wide, in
    /// the order they were decided.
    package var organizations: [OrganizationOutcome] = []
    /// The spool file this run was rotated into, if the session spooled.
    package var spoolFile: String?
    /// How many `fdatasync`s of the spool file the run made, if the session spooled.
    package var spoolSyncs: Int?

    /// Hosts that could not be scanned, interrupted ones included.
    package var failedCount: Int {
        outcomes.count(where: \.isFailure)
    }

    /// Whether a stop (SIGTERM, SIGINT, a spool that failed) left hosts unscanned.
    package var wasInterrupted: Bool {
        outcomes.contains { if case .failure(.interrupted) = $0.result { true } else { false } }
    }
}

/// Why a session could not run, or could not keep what it found.
package enum ScanSessionError: Error, Sendable, CustomStringConvertible {
    /// The state directory cannot be created.
    case stateDirectory(SpoolError)
    /// Another scan holds the lock, or the lock file cannot be opened.
    case locked(InputError)
    /// The spool or the drift state cannot be opened, written or saved.
    case spool(SpoolError)
    /// The SSH client cannot be set up: a key, passphrase or known_hosts file that cannot be used.
    case sshSetup(SSHError)

    package var description: String {
        switch self {
        case .stateDirectory(let error): "cannot create the state directory: \(error.description)"
        case .locked(let error): error.description
        case .spool(let error): error.description
        case .sshSetup(let error): error.description
        }
    }
}

/// One scan, from the lock to the spool's rotation: both `scan` (the inventory's hosts, spooled) and `probe HOST`
/// (one host, printed) run through it.
///
/// It takes the scan lock and opens the spool and drift state (when spooling), sets up one SSH client as wide as the
/// concurrency, probes the hosts with retries of failed connections, records each outcome as it arrives, stops
/// gracefully on a signal or a spool that cannot be written, and reports progress as ``ScanEvent``s.
package enum ScanSession {
    /// The spool size above which a session warns: a forwarder that stopped reading, or retention set too long.
    package static let spoolSizeWarning: Int64 = 1 << 30

    /// Runs a session over `hosts` and returns every host's outcome.
    /// - Parameters:
    ///   - stop: a request that stops the session gracefully when made (the session also makes it on SIGTERM and
    ///     SIGINT when ``ScanSettings/stopsOnSignals``, and when the spool cannot be written).
    ///   - events: called as the session goes, one call at a time.
    /// - Throws: ``ScanSessionError`` when the session cannot start, or cannot finish the spool.
    package static func run(
        settings: ScanSettings, hosts: [ScanTarget], stop: StopRequest = StopRequest(),
        events: @Sendable (ScanEvent) -> Void = { _ in }
    ) async throws(ScanSessionError) -> ScanResult {
        var lock: ScanLock?
        var recorder: ScanRecorder?
        if let spooling = settings.spooling {
            do {
                try DriftState.makeDirectory(spooling.stateDirectory)
            } catch {
                throw .stateDirectory(error)
            }
            do {
                lock = try ScanLock(stateDirectory: spooling.stateDirectory)
            } catch {
                throw .locked(error)
            }
            do {
                let spool = try SpoolWriter.open(directory: spooling.spoolDirectory, group: spooling.group)
                let drift = try DriftState.load(directory: spooling.stateDirectory)
                // Read before the recorder takes the spool.
                let warnings = spool.warnings
                recorder = ScanRecorder(
                    spool: spool, drift: drift, run: SpoolRun(productVersion: AgentProduct.version),
                    controls: settings.controls, changesOnly: spooling.changesOnly,
                    retentionDays: spooling.retentionDays)
                for warning in warnings { events(.spoolWarning(warning)) }
            } catch {
                throw .spool(error)
            }
        }
        defer { withExtendedLifetime(lock) {} }
        let client: SSHClient
        do {
            client = try SSHClient(
                options: settings.sshOptions, threads: min(settings.concurrency, max(1, hosts.count)))
        } catch {
            throw .sshSetup(error)
        }
        let organizations = Mutex<[OrganizationOutcome]>([])
        let outcomes = await probe(hosts, settings: settings, client: client, recorder: recorder, stop: stop) { event in
            if case .organizationFinished(let outcome) = event { organizations.withLock { $0.append(outcome) } }
            events(event)
        }
        client.shutdown()
        let decided = organizations.withLock { $0 }
        guard let recorder, let spooling = settings.spooling else {
            return ScanResult(outcomes: outcomes, organizations: decided)
        }
        let spoolFile: String?
        do {
            spoolFile = try await recorder.finish(hosts: hosts.count, retentionDays: spooling.retentionDays)
        } catch {
            throw .spool(error)
        }
        if let size = await recorder.spoolSize(), size > spoolSizeWarning { events(.spoolLarge(bytes: size)) }
        return ScanResult(
            outcomes: outcomes, organizations: decided, spoolFile: spoolFile, spoolSyncs: await recorder.syncCount())
    }

    /// The probe's command line, bootstrap, script and payload for these settings' controls, as they would run on
    /// a host (`probe --print-script`).
    package static func probeScriptListing(_ settings: ScanSettings) -> String {
        ProbeScriptListing.text(for: HostProbe(controls: settings.controls, deadline: settings.deadline).makeRequest())
    }

    private static func probe(
        _ hosts: [ScanTarget], settings: ScanSettings, client: SSHClient, recorder: ScanRecorder?, stop: StopRequest,
        _ events: @Sendable (ScanEvent) -> Void
    ) async -> [HostOutcome] {
        let signals = settings.stopsOnSignals ? SignalHandlers(stop: stop) : nil
        defer { signals?.cancel() }
        let clock = ContinuousClock()
        let started = clock.now
        let progress = Mutex(ScanProgress(total: hosts.count))
        events(.started(ScanProgress(total: hosts.count)))
        let scan = FleetScan(
            probe: HostProbe(controls: settings.controls, deadline: settings.deadline),
            concurrency: settings.concurrency)
        let runner = RetryingRunner(client, retries: settings.retries, backoff: settings.retryBackoff)
        let summarizing = recorder != nil && !settings.keepsDetails
        return await scan.run(hosts, runner: runner, stop: stop, summarizing: summarizing) { finished in
            // Reported finished only once its events are on disk (the recorder returns then), as recorded (a host
            // whose time ran out while its events were built is a timeout).
            let outcome = await recorder?.record(finished) ?? finished
            // Hosts record concurrently; `events` is called one at a time, under the progress lock.
            progress.withLock { progress in
                progress.hostFinished(failed: outcome.isFailure, after: clock.now - started)
                events(.hostFinished(outcome, progress))
            }
            // A spool that cannot be written (a full disk) makes every further probe wasted: stop starting hosts.
            if await recorder?.spoolFailure != nil { stop.request() }
            return outcome
        } recordOrganization: { organization in
            await recorder?.record(organization: organization)
            progress.withLock { _ in events(.organizationFinished(organization)) }
        }
    }
}

extension HostOutcome {
    /// Whether the host could not be scanned (interrupted included).
    package var isFailure: Bool {
        if case .failure = result { true } else { false }
    }
}

/// Turns SIGTERM and SIGINT into a graceful stop while a session runs: no new host starts, hosts in flight finish,
/// the rest are recorded as interrupted.
private final class SignalHandlers {
    private let sources: [any DispatchSourceSignal]

    init(stop request: StopRequest) {
        sources = [SIGTERM, SIGINT].map { signalNumber in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { request.request() }
            source.resume()
            return source
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
    }
}
