import ArgumentParser
import EDCAAgent
import Foundation

/// `edca-agent probe HOST`: probe one Exchange server over SSH, evaluate the controls, print the verdicts.
struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Probe one Exchange server over SSH and evaluate the controls on it.",
        discussion: """
            Runs one constant PowerShell command on the host (see --print-script) that reads the registry values \
            the controls need. The host key must be in the known_hosts file (or pinned with --fingerprint); an \
            unknown key is refused unless --accept-new-host-keys is given, and a changed key is always refused.

            Exit status: 0 when every applicable control passed, 1 when any failed or could not be decided, \
            3 when the host could not be probed, 64 for a usage error, 65/66 for bad or missing input files (66 also \
            for an SSH key or known_hosts file that cannot be used); with --spool, 75 when a scan holds the lock \
            and 1 when the spool cannot be written.
            """)

    @Argument(help: "The host name or address.") var host: String
    @Option(help: "The SSH user (default: the current user).") var user: String?
    @Option(help: "The SSH port.") var port: Int = 22
    @Option(help: ArgumentHelp("The private key file (ed25519, ecdsa or rsa).", valueName: "file"))
    var identity: String?
    @Option(
        help: ArgumentHelp(
            "A file holding the key's passphrase (never give a passphrase on the command line).", valueName: "file"))
    var passphraseFile: String?
    @Flag(help: "Authenticate with ssh-agent (SSH_AUTH_SOCK) before trying --identity.") var agent = false
    @Option(help: ArgumentHelp("Log on with Kerberos, with a ticket from this keytab.", valueName: "file"))
    var kerberosKeytab: String?
    @Option(help: ArgumentHelp("The keytab's principal (default: its first).", valueName: "principal"))
    var kerberosPrincipal: String?
    @Option(
        name: .customLong("kerberos-ccache"),
        help: ArgumentHelp(
            "Log on with Kerberos, with the forwardable ticket in this credential cache.", valueName: "file"))
    var kerberosCredentialCache: String?
    @Option(help: ArgumentHelp("The name in the server's principal host/NAME (default: HOST).", valueName: "name"))
    var kerberosName: String?
    @Flag(help: "Do not delegate the Kerberos ticket to the server.") var noDelegation = false
    @Option(help: ArgumentHelp("The OpenSSH known_hosts file (default: ~/.ssh/known_hosts).", valueName: "file"))
    var knownHosts: String?
    @Flag(help: "Trust and record an unknown host key. A changed key is still refused.")
    var acceptNewHostKeys = false
    @Option(help: ArgumentHelp("The host key's expected SHA256 fingerprint (SHA256:...).", valueName: "fingerprint"))
    var fingerprint: String?
    @Option(help: "The host's Exchange role: auto (from its registry), Mailbox or Edge.") var role: String = "auto"
    @Option(name: .customLong("control"), help: ArgumentHelp("Only this control (repeatable).", valueName: "id"))
    var ids: [String] = []
    @Option(help: "table or json.") var format: OutputFormat = .table
    @Option(help: ArgumentHelp("Also write the registry facts read to this snapshot file.", valueName: "file"))
    var saveSnapshot: String?
    @Option(help: ArgumentHelp("The whole per-host deadline, in seconds.", valueName: "seconds")) var timeout: Int = 60
    @Option(
        help: ArgumentHelp(
            "Also write the findings to this spool directory, as a scan does (default: print only).", valueName: "dir"))
    var spool: String?
    @Option(
        help: ArgumentHelp(
            "With --spool: the state directory (drift state, scan lock; default: /var/lib/edca-agent/state).",
            valueName: "dir"))
    var state: String?
    @Flag(help: "Print the command line, the bootstrap and the payload that would run on the host; connect to nothing.")
    var printScript = false
    @OptionGroup var controls: ControlsDirectoryOption

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be from 1 to 65535") }
        guard timeout >= 1 else { throw ValidationError("--timeout must be at least 1 second") }
        guard ["auto", "mailbox", "edge"].contains(role.lowercased()) else {
            throw ValidationError("--role must be auto, Mailbox or Edge")
        }
        if kerberosKeytab != nil, kerberosCredentialCache != nil {
            throw ValidationError("give --kerberos-keytab or --kerberos-ccache, not both")
        }
        if state != nil, spool == nil { throw ValidationError("--state goes with --spool") }
        if let fingerprint, !fingerprint.hasPrefix("SHA256:") {
            throw ValidationError("--fingerprint must look like SHA256:... (as ssh-keygen -l prints it)")
        }
    }

    func run() async throws {
        let catalog = try controls.loadCatalog()
        let selected = try selectControls(ids, from: catalog, directory: controls.resolved)
        var settings = ScanSettings(
            controls: selected,
            knownHosts: knownHosts ?? FileManager.default.homeDirectoryForCurrentUser.path + "/.ssh/known_hosts")
        settings.acceptNewHostKeys = acceptNewHostKeys
        settings.identity = identity
        settings.passphraseFile = passphraseFile
        settings.useAgent = agent
        settings.deadline = .seconds(timeout)
        settings.keepsDetails = true
        if let spool {
            let defaults = AgentConfiguration()
            settings.spooling = ScanSettings.Spooling(
                spoolDirectory: spool, stateDirectory: state ?? defaults.stateDirectory, group: nil,
                retentionDays: defaults.spoolRetentionDays)
        }
        if printScript {
            print(ScanSession.probeScriptListing(settings))
            return
        }
        var kerberos = AgentConfiguration()  // its kerberosOptions turns the Kerberos flags into the transport's
        kerberos.kerberosKeytab = kerberosKeytab
        kerberos.kerberosPrincipal = kerberosPrincipal
        kerberos.kerberosCredentialCache = kerberosCredentialCache
        kerberos.kerberosDelegation = !noDelegation
        settings.kerberos = kerberos.kerberosOptions
        let target = ScanTarget(
            name: host, address: host, port: port, user: user ?? ProcessInfo.processInfo.userName,
            fingerprint: fingerprint, role: ExchangeRole(argument: role),
            authentication: settings.kerberos == nil ? .key : .kerberos, kerberosName: kerberosName)
        let result = try await runReportingErrors { () async throws(ScanSessionError) in
            try await ScanSession.run(settings: settings, hosts: [target])
        }
        switch result.outcomes.first?.result {
        case .failure(let error):
            printError(error.description)
            throw ExitCode(3)
        case .success(let scan):
            if let saveSnapshot {
                try writeSnapshot(scan.snapshot, to: saveSnapshot)
            }
            let report = HostReport(scan: scan, controls: selected)
            print(format == .json ? report.json() : report.table())
            let allPassed = (scan.verdicts + (scan.organization?.verdicts ?? [])).allSatisfy {
                $0.status == .pass || $0.status == .skipped
            }
            if !allPassed { throw ExitCode(1) }
        case nil:
            throw ExitCode(1)  // a session of one host gives one outcome
        }
    }

    private func writeSnapshot(_ snapshot: HostSnapshot, to path: String) throws {
        do {
            try Data((snapshot.jsonDocument().rendered() + "\n").utf8).write(
                to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            printError("\(path): cannot write the snapshot: \(error.localizedDescription)")
            throw ExitCode(1)
        }
    }
}
