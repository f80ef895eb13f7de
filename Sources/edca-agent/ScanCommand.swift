import ArgumentParser
import EDCAAgent
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
            known-hosts), and the Kerberos keytab or credential cache for hosts with `auth: kerberos` \
            (krb5-keytab, krb5-ccache). A host that cannot be scanned is recorded with its error class; the others go on.

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
    @Option(help: ArgumentHelp("The keytab for hosts with `auth: kerberos`.", valueName: "file")) var kerberosKeytab:
        String?
    @Option(help: ArgumentHelp("The keytab's principal (default: its first).", valueName: "principal"))
    var kerberosPrincipal: String?
    @Option(
        name: .customLong("kerberos-ccache"),
        help: ArgumentHelp("A credential cache with a forwardable ticket, instead of a keytab.", valueName: "file"))
    var kerberosCredentialCache: String?
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

    func run() async throws {
        let configuration = try resolvedSettings()
        let level = try logLevel.map { name in
            guard let level = Logger.Level(rawValue: name.lowercased()) else {
                throw ValidationError("--log-level must be trace, debug, info, notice, warning, error or critical")
            }
            return level
        }
        let logger = ScanLog.bootstrap(level: level)
        let catalog = try reportingInputErrors { () throws(InputError) in
            try ControlCatalog.load(directory: configuration.controlsDirectory)
        }
        let hosts = try selectedHosts(try loadInventory(configuration.inventory))
        let keyHosts = hosts.filter { $0.authentication == .key }
        let kerberosHosts = hosts.filter { $0.authentication == .kerberos }
        if !kerberosHosts.isEmpty, configuration.kerberosOptions == nil {
            printError(
                "\(kerberosHosts.map(\.name).joined(separator: ", ")): `auth: kerberos` needs a keytab or credential "
                    + "cache (kerberosKeytab, kerberosCredentialCache, or the systemd credential krb5-keytab)")
            throw ExitCode(66)
        }
        let identity = try sharedIdentity(configuration, keyHosts)
        var settings = ScanSettings(
            configuration, controls: catalog.controls, identity: keyHosts.isEmpty ? nil : identity)
        settings.acceptNewHostKeys = acceptNewHostKeys
        if keyHosts.isEmpty { settings.useAgent = false }  // Kerberos hosts only: no key, no ssh-agent
        if kerberosHosts.isEmpty { settings.kerberos = nil }  // key hosts only: the keytab is not even read
        logger.debug(
            "scan settings",
            metadata: [
                "paths.inventory": "\(configuration.inventory)", "paths.controls": "\(configuration.controlsDirectory)",
                "paths.known_hosts": "\(settings.knownHosts)", "paths.identity": "\(settings.identity ?? "ssh-agent")",
                "paths.passphrase_file": "\(configuration.passphraseFile ?? "-")",
                "paths.state": "\(configuration.stateDirectory)",
                "paths.kerberos": "\(configuration.kerberosKeytab ?? configuration.kerberosCredentialCache ?? "-")",
                "scan.deadline_s": "\(configuration.deadlineSeconds)", "scan.retries": "\(configuration.retries)",
            ])
        let view = ScanProgressView(
            logger: logger, concurrency: configuration.concurrency, spoolDirectory: configuration.spoolDirectory)
        let result = try await runReportingErrors { () async throws(ScanSessionError) in
            try await ScanSession.run(settings: settings, hosts: hosts.map(ScanTarget.init), events: view.show)
        }
        view.finish()
        logger.notice(
            "scan finished",
            metadata: [
                "scan.hosts": "\(result.outcomes.count)", "scan.failed": "\(result.failedCount)",
                "spool.file": "\(result.spoolFile ?? "-")",
                "spool.syncs": "\(result.spoolSyncs.map(String.init) ?? "-")",
            ])
        print(ScanSummary.table(result.outcomes))
        for line in ScanSummary.exchangeStageErrors(result.outcomes) { print(line) }
        if let organizations = ScanSummary.organizationTable(result.organizations) { print("\n" + organizations) }
        if let spoolFile = result.spoolFile { print("spool: \(spoolFile)") }
        if result.wasInterrupted { throw ExitCode(5) }
        if result.failedCount > 0 { throw ExitCode(4) }
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
        if let kerberosKeytab {
            settings.kerberosKeytab = kerberosKeytab
            settings.kerberosCredentialCache = nil
        }
        if let kerberosPrincipal { settings.kerberosPrincipal = kerberosPrincipal }
        if let kerberosCredentialCache {
            settings.kerberosCredentialCache = kerberosCredentialCache
            settings.kerberosKeytab = nil
        }
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
