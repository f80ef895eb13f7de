import ArgumentParser
import EDCAAgent
import EDCAEngine
import EDCAInventory
import EDCASpool
import EDCATransport
import Foundation
import Logging

/// `edca-agent scan`: probe every host of the inventory, write OCSF events to the spool, print a summary.
struct ScanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Scan the inventory's hosts and write the findings to the spool.",
        discussion: """
            Settings come from the configuration file (--config), then these flags; SSH key, passphrase and \
            known_hosts also from systemd credentials ($CREDENTIALS_DIRECTORY: ssh-key, ssh-key-passphrase, \
            known-hosts). A host that cannot be scanned is recorded with its error class; the others go on.

            Exit status: 0 every selected host was scanned; 4 some hosts could not be scanned; 5 the scan was \
            interrupted (SIGTERM/SIGINT); 75 another scan is running; 64 usage; 65 malformed input; 66 missing \
            input; 1 the spool could not be written.
            """)

    @Option(help: ArgumentHelp("The configuration file.", valueName: "file")) var config: String?
    @Option(help: ArgumentHelp("The inventory file.", valueName: "file")) var inventory: String?
    @Option(name: .customLong("controls"), help: ArgumentHelp("The directory of control files.", valueName: "dir"))
    var controlsDirectory: String?
    @Option(name: .customLong("spool"), help: ArgumentHelp("The spool directory.", valueName: "dir"))
    var spoolDirectory: String?
    @Option(name: .customLong("state"), help: ArgumentHelp("The state directory.", valueName: "dir"))
    var stateDirectory: String?
    @Option(help: ArgumentHelp("The OpenSSH known_hosts file.", valueName: "file")) var knownHosts: String?
    @Option(help: ArgumentHelp("The private key file (overrides the inventory).", valueName: "file"))
    var identity: String?
    @Option(help: ArgumentHelp("A file holding the key's passphrase.", valueName: "file")) var passphraseFile: String?
    @Option(help: "The most hosts probed at once.") var concurrency: Int?
    @Option(help: ArgumentHelp("Each host's whole deadline, in seconds.", valueName: "seconds")) var timeout: Int?
    @Option(help: "Retries of a host whose connection failed.") var retries: Int?
    @Option(help: ArgumentHelp("Seconds before the first retry (doubling after).", valueName: "seconds"))
    var retryBackoff: Int?
    @Option(help: ArgumentHelp("Days rotated spool files are kept.", valueName: "days")) var retentionDays: Int?
    @Option(help: ArgumentHelp("The group of spool files, for the forwarder.", valueName: "group")) var spoolGroup:
        String?
    @Flag(help: "Write only new and changed findings (and each host's scan activity).") var changesOnly = false
    @Option(name: .customLong("host"), help: "Only this host (repeatable).") var hostNames: [String] = []
    @Option(name: .customLong("tag"), help: "Only hosts with this tag (repeatable).") var tags: [String] = []
    @Option(
        help: ArgumentHelp("Scan only shard K of N (1-based), a stable hash partition by host name.", valueName: "K/N"))
    var shard: String?
    @Flag(help: "Trust and record unknown host keys (never changed ones).") var acceptNewHostKeys = false
    @Option(
        help: ArgumentHelp(
            "The log level on stderr: trace, debug, info, notice, warning or error (default: info, or warning on a "
                + "terminal).", valueName: "level"))
    var logLevel: String?

    /// The default configuration file, read when present.
    static let defaultConfigurationPath = "/etc/edca-agent/config.json"

    /// The spool size above which every scan warns: a forwarder that stopped reading, or retention set too long.
    static let spoolSizeWarning: Int64 = 1 << 30

    func run() async throws {
        let settings = try resolvedSettings()
        let level = try logLevel.map { name in
            guard let level = Logger.Level(rawValue: name.lowercased()) else {
                throw ValidationError("--log-level must be trace, debug, info, notice, warning, error or critical")
            }
            return level
        }
        let logger = ScanLog.bootstrap(level: level)
        do {
            try DriftState.makeDirectory(settings.stateDirectory)
        } catch {
            printError("cannot create the state directory: \(error.description)")
            throw ExitCode(1)
        }
        let lock: ScanLock
        do {
            lock = try ScanLock(stateDirectory: settings.stateDirectory)
        } catch {
            printError(error.description)
            throw ExitCode(75)
        }
        defer { withExtendedLifetime(lock) {} }
        let catalog = try reportingInputErrors { () throws(InputError) in
            try ControlCatalog.load(directory: settings.controlsDirectory)
        }
        let hosts = try selectedHosts(try loadInventory(settings.inventory))
        let targets = hosts.map {
            ScanTarget(
                name: $0.name,
                endpoint: SSHEndpoint(
                    host: $0.address, port: $0.port, user: $0.user, pinnedFingerprint: $0.fingerprint), role: $0.role)
        }
        let identity = try sharedIdentity(settings, hosts)
        let options = SSHOptions(
            knownHostsPath: settings.knownHosts ?? FileManager.default.homeDirectoryForCurrentUser.path
                + "/.ssh/known_hosts",
            acceptNewHostKeys: acceptNewHostKeys, identityFile: identity, passphraseFile: settings.passphraseFile,
            useAgent: identity == nil, deadline: .seconds(settings.deadlineSeconds))
        let spool: SpoolWriter
        let drift: DriftState
        do {
            spool = try SpoolWriter.open(directory: settings.spoolDirectory, group: settings.spoolGroup)
            drift = try DriftState.load(directory: settings.stateDirectory)
        } catch {
            printError(error.description)
            throw ExitCode(1)
        }
        for warning in spool.warnings { logger.warning("\(warning)", metadata: ["spool.file": "\(spool.activePath)"]) }
        let client: SSHClient
        do {
            client = try SSHClient(options: options, threads: min(settings.concurrency, max(1, targets.count)))
        } catch {
            printError(error.description)
            throw ExitCode(66)
        }
        let recorder = ScanRecorder(
            spool: spool, drift: drift, run: SpoolRun(productVersion: "0.1.0"), controls: catalog.controls,
            changesOnly: settings.spoolChangesOnly, retentionDays: settings.spoolRetentionDays)
        let progress = ScanProgress(total: targets.count, logger: logger)
        logger.debug(
            "scan settings",
            metadata: [
                "paths.inventory": "\(settings.inventory)", "paths.controls": "\(settings.controlsDirectory)",
                "paths.known_hosts": "\(options.knownHostsPath)", "paths.identity": "\(identity ?? "ssh-agent")",
                "paths.passphrase_file": "\(settings.passphraseFile ?? "-")",
                "paths.state": "\(settings.stateDirectory)",
                "scan.deadline_s": "\(settings.deadlineSeconds)", "scan.retries": "\(settings.retries)",
            ])
        logger.notice(
            "scan started",
            metadata: [
                "scan.hosts": "\(targets.count)", "scan.concurrency": "\(settings.concurrency)",
                "spool.directory": "\(settings.spoolDirectory)",
            ])
        let scan = FleetScan(
            probe: HostProbe(controls: catalog.controls, deadline: .seconds(settings.deadlineSeconds)),
            concurrency: settings.concurrency)
        let runner = RetryingRunner(client, retries: settings.retries, backoff: .seconds(settings.retryBackoffSeconds))
        let stop = StopRequest()
        let signals = SignalHandlers(stop: stop)
        let task = Task {
            await scan.run(targets, runner: runner, stop: stop) { outcome in
                await recorder.record(outcome)
                progress.hostFinished(outcome)
                // A spool that cannot be written (a full disk) makes every further probe wasted: stop starting hosts.
                if await recorder.spoolFailure != nil { stop.request() }
            }
        }
        let outcomes = await task.value
        signals.stop()
        client.shutdown()
        progress.finish()
        let rotated: String?
        do {
            rotated = try await recorder.finish(hosts: targets.count, retentionDays: settings.spoolRetentionDays)
        } catch {
            printError(error.description)
            throw ExitCode(1)
        }
        if let size = await recorder.spoolSize(), size > Self.spoolSizeWarning {
            logger.warning(
                "the spool holds more than 1 GiB: is the forwarder reading it, and is retention right?",
                metadata: ["spool.bytes": "\(size)", "spool.directory": "\(settings.spoolDirectory)"])
        }
        logger.notice(
            "scan finished",
            metadata: [
                "scan.hosts": "\(outcomes.count)",
                "scan.failed": "\(outcomes.count { if case .failure = $0.result { true } else { false } })",
                "spool.file": "\(rotated ?? "-")",
            ])
        print(ScanSummary.table(outcomes))
        if let rotated { print("spool: \(rotated)") }
        if outcomes.contains(where: { if case .failure(.interrupted) = $0.result { true } else { false } }) {
            throw ExitCode(5)
        }
        if outcomes.contains(where: { if case .failure = $0.result { true } else { false } }) { throw ExitCode(4) }
    }

    private func resolvedSettings() throws -> AgentConfiguration {
        var settings = AgentConfiguration()
        let path = config ?? Self.defaultConfigurationPath
        if config != nil || FileManager.default.fileExists(atPath: path) {
            settings = try reportingInputErrors { () throws(InputError) in try AgentConfiguration.load(path: path) }
        } else if FileManager.default.fileExists(atPath: "Controls") {
            settings.controlsDirectory = "Controls"  // no configuration file: run from a checkout, as other commands do
        }
        if let inventory { settings.inventory = inventory }
        if let controlsDirectory { settings.controlsDirectory = controlsDirectory }
        if let spoolDirectory { settings.spoolDirectory = spoolDirectory }
        if let stateDirectory { settings.stateDirectory = stateDirectory }
        if let knownHosts { settings.knownHosts = knownHosts }
        if let identity { settings.identity = identity }
        if let passphraseFile { settings.passphraseFile = passphraseFile }
        if let concurrency {
            guard (1...1024).contains(concurrency) else { throw ValidationError("--concurrency must be 1 to 1024") }
            settings.concurrency = concurrency
        }
        if let timeout {
            guard (1...3600).contains(timeout) else { throw ValidationError("--timeout must be 1 to 3600 seconds") }
            settings.deadlineSeconds = timeout
        }
        if let retries { settings.retries = retries }
        if let retryBackoff { settings.retryBackoffSeconds = retryBackoff }
        if let retentionDays { settings.spoolRetentionDays = retentionDays }
        if let spoolGroup { settings.spoolGroup = spoolGroup }
        if changesOnly { settings.spoolChangesOnly = true }
        settings.useCredentials(in: ProcessInfo.processInfo.environment["CREDENTIALS_DIRECTORY"])
        return settings
    }

    private func selectedHosts(_ inventory: Inventory) throws -> [InventoryHost] {
        let unknown = inventory.unknownHostNames(hostNames)
        guard unknown.isEmpty else {
            throw ValidationError("not in the inventory: \(unknown.joined(separator: ", "))")
        }
        var hosts = inventory.selecting(hosts: hostNames, tags: tags)
        if let shard {
            let parts = shard.split(separator: "/").compactMap { Int($0) }
            guard parts.count == 2, parts[1] >= 1, (1...parts[1]).contains(parts[0]) else {
                throw ValidationError("--shard must be K/N with 1 <= K <= N, e.g. 2/4")
            }
            hosts = Inventory.shard(hosts, index: parts[0] - 1, of: parts[1])
        }
        return hosts
    }

    /// The one private key of this scan: the configured one, else the inventory's when all hosts agree; nil means
    /// ssh-agent.
    private func sharedIdentity(_ settings: AgentConfiguration, _ hosts: [InventoryHost]) throws -> String? {
        if let identity = settings.identity { return identity }
        let files = Set(hosts.map(\.identityFile))
        guard files.count <= 1 else {
            throw ValidationError("the selected hosts use different identity files; one scan uses one key (--identity)")
        }
        return files.first ?? nil
    }
}

/// Structured logs on stderr (swift-log, dotted metadata keys), which journald captures under systemd; on a
/// terminal only warnings and above, since progress is shown there instead.
enum ScanLog {
    /// Bootstraps logging once for the process and returns the scan's logger, at `level` if given.
    static func bootstrap(level: Logger.Level? = nil) -> Logger {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var logger = Logger(label: "edca-agent.scan")
        logger.logLevel = level ?? (isatty(STDERR_FILENO) == 1 ? .warning : .info)
        return logger
    }
}

/// Progress on stderr while a terminal watches (hosts done of total, failures, rate); otherwise one log entry per
/// host.
final class ScanProgress: @unchecked Sendable {
    // @unchecked: every mutable field is guarded by `lock`; the logger is a value set once.
    private let lock = NSLock()
    private let total: Int
    private let logger: Logger
    private var done = 0
    private var failed = 0
    private let started = ContinuousClock.now
    private let isTerminal = isatty(STDERR_FILENO) == 1

    init(total: Int, logger: Logger) {
        self.total = total
        self.logger = logger
    }

    func hostFinished(_ outcome: HostOutcome) {
        guard isTerminal else {
            var metadata: Logger.Metadata = [
                "host.name": "\(outcome.target.name)", "host.address": "\(outcome.target.endpoint.host)",
                "scan.duration_ms": "\(outcome.milliseconds)",
            ]
            switch outcome.result {
            case .success(let scan):
                metadata["scan.result"] = "scanned"
                metadata["host.role"] = "\(scan.role)"
                for status in [Status.pass, .fail, .unknown] {
                    metadata["findings.\(status.rawValue.lowercased())"] =
                        "\(scan.verdicts.count { $0.status == status })"
                }
                logger.info("host scanned", metadata: metadata)
            case .failure(let error):
                metadata["scan.result"] = "failed"
                metadata["scan.error_class"] = "\(error.errorClass)"
                metadata["scan.error"] = "\(error.description)"
                logger.warning("host not scanned", metadata: metadata)
            }
            return
        }
        lock.lock()
        defer { lock.unlock() }
        done += 1
        if case .failure = outcome.result { failed += 1 }
        let seconds = Double((ContinuousClock.now - started).components.seconds) + 0.001
        let line =
            "\r\(done)/\(total) hosts, \(failed) failed, \(String(format: "%.1f", Double(done) / seconds)) hosts/s"
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

/// Turns SIGTERM and SIGINT into a graceful stop: no new host starts, hosts in flight finish, the rest are recorded
/// as interrupted.
final class SignalHandlers: @unchecked Sendable {
    // @unchecked: the sources are created here and only cancelled in `stop()`; DispatchSource is thread-safe.
    private var sources: [any DispatchSourceSignal] = []

    init(stop request: StopRequest) {
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { request.request() }
            source.resume()
            sources.append(source)
        }
    }

    func stop() {
        for source in sources { source.cancel() }
    }
}

/// The end-of-scan table: one row per host with its result.
enum ScanSummary {
    static func table(_ outcomes: [HostOutcome]) -> String {
        var table = TextTable(header: ["HOST", "ADDRESS", "RESULT", "PASS", "FAIL", "UNKNOWN", "SECONDS"])
        for outcome in outcomes {
            let seconds = String(format: "%.1f", Double(outcome.milliseconds) / 1000)
            switch outcome.result {
            case .success(let scan):
                let count = { (status: Status) in String(scan.verdicts.count { $0.status == status }) }
                table.rows.append([
                    outcome.target.name, outcome.target.endpoint.host, "scanned (\(scan.role))", count(.pass),
                    count(.fail), count(.unknown), seconds,
                ])
            case .failure(let error):
                table.rows.append([
                    outcome.target.name, outcome.target.endpoint.host, error.errorClass, "-", "-", "-", seconds,
                ])
            }
        }
        return table.rendered()
    }
}
