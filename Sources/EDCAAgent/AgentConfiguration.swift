import EDCACore
import EDCAEngine
import EDCAJSON
package import EDCATransport
import Foundation

/// The settings of scheduled scans: one JSON file (default `/etc/edca-agent/config.json`), every key also a flag of
/// `edca-agent scan`; flags win over the file, the file over the defaults.
///
/// ## Configuration keys
/// | key | type | default |
/// |---|---|---|
/// | `inventory` | path | `/etc/edca-agent/inventory.yaml` |
/// | `controlsDirectory` | path | `/usr/share/edca-agent/Controls` |
/// | `spoolDirectory` | path | `/var/lib/edca-agent/spool` |
/// | `stateDirectory` | path | `/var/lib/edca-agent/state` |
/// | `knownHosts` | path | `$CREDENTIALS_DIRECTORY/known-hosts` if present, else `~/.ssh/known_hosts` |
/// | `identity` | path | `$CREDENTIALS_DIRECTORY/ssh-key` if present |
/// | `passphraseFile` | path (secret) | `$CREDENTIALS_DIRECTORY/ssh-key-passphrase` if present |
/// | `concurrency` | 1...1024 | 32 |
/// | `deadlineSeconds` | 1...3600 | 60 |
/// | `retries` | 0...10 | 1 (connection-level failures only) |
/// | `retryBackoffSeconds` | 0...300 | 2 (doubles per retry) |
/// | `spoolRetentionDays` | 1...3650 | 14 |
/// | `spoolGroup` | group name | none |
/// | `kerberosKeytab` | path (secret) | `$CREDENTIALS_DIRECTORY/krb5-keytab` if present |
/// | `kerberosPrincipal` | principal | the keytab's first principal |
/// | `kerberosCredentialCache` | path (secret) | `$CREDENTIALS_DIRECTORY/krb5-ccache` if present (and no keytab) |
/// | `kerberosDelegation` | bool | true |
/// | `spoolChangesOnly` | boolean | false: every finding of every scan; true: only new and changed ones |
package struct AgentConfiguration: Sendable, Equatable {
    /// The inventory file.
    package var inventory = "/etc/edca-agent/inventory.yaml"
    /// The directory of control files.
    package var controlsDirectory = "/usr/share/edca-agent/Controls"
    /// Where the SIEM reads findings.
    package var spoolDirectory = "/var/lib/edca-agent/spool"
    /// Where drift state and the scan lock live.
    package var stateDirectory = "/var/lib/edca-agent/state"
    /// The OpenSSH known_hosts file; nil: the credential, else `~/.ssh/known_hosts`.
    package var knownHosts: String?
    /// The private key file; nil: the credential, else the inventory's per-host identity.
    package var identity: String?
    /// A file holding the key's passphrase; never a passphrase itself.
    package var passphraseFile: String?
    /// The most hosts probed at once.
    package var concurrency = 32
    /// Each host's whole deadline, in seconds.
    package var deadlineSeconds = 60
    /// Retries of a host whose connection failed (not of one that answered badly).
    package var retries = 1
    /// The first retry's delay in seconds; each later one doubles it.
    package var retryBackoffSeconds = 2
    /// Days rotated spool files are kept.
    package var spoolRetentionDays = 14
    /// The group that spool files belong to, for the forwarder.
    package var spoolGroup: String?
    /// The keytab that gives Kerberos hosts (`auth: kerberos`) their ticket; never read by anything else.
    package var kerberosKeytab: String?
    /// The keytab principal to use; nil: the keytab's first.
    package var kerberosPrincipal: String?
    /// A credential cache file holding a forwardable ticket-granting ticket, instead of a keytab.
    package var kerberosCredentialCache: String?
    /// Whether the ticket is delegated to Kerberos hosts (the point of Kerberos here: the session gets network
    /// credentials).
    package var kerberosDelegation = true
    /// Whether scans write only new and changed findings, and each host's Scan Activity with its counts
    /// (`docs/spool.md`, "Changes-only output").
    package var spoolChangesOnly = false

    /// The defaults.
    package init() {}

    private static let ranges: [String: ClosedRange<Int64>] = [
        "concurrency": 1...1024, "deadlineSeconds": 1...3600, "retries": 0...10, "retryBackoffSeconds": 0...300,
        "spoolRetentionDays": 1...3650,
    ]
    private static let pathKeys = [
        "inventory", "controlsDirectory", "spoolDirectory", "stateDirectory", "knownHosts", "identity",
        "passphraseFile", "spoolGroup", "kerberosKeytab", "kerberosPrincipal", "kerberosCredentialCache",
    ]

    /// Reads a configuration file over the defaults.
    /// - Throws: ``InputError`` naming the file and, for each problem, its line, column and key.
    package static func load(path: String) throws(InputError) -> AgentConfiguration {
        let bytes = try InputFile.read(path, limit: 1 << 20, what: "configuration")
        var problems: [DecodingProblem] = []
        var configuration = AgentConfiguration()
        do {
            let document = try JSONParser.parse(bytes)
            if var reader = JSONObjectReader(document, path: "", problems: &problems) {
                configuration.read(&reader, problems: &problems)
                reader.reportUnknownFields(
                    knownNames: pathKeys + ranges.keys.sorted() + ["kerberosDelegation", "spoolChangesOnly"],
                    problems: &problems)
            }
        } catch {
            let message = error.hint.map { "\(error.message); \($0)" } ?? error.message
            problems.append(DecodingProblem(position: error.position, field: "", message: "invalid JSON: \(message)"))
        }
        guard problems.isEmpty else {
            throw InputError(kind: .badContent, problems: problems.map { FileProblem(file: path, problem: $0) })
        }
        return configuration
    }

    private mutating func read(_ reader: inout JSONObjectReader, problems: inout [DecodingProblem]) {
        if let value = reader.take("spoolChangesOnly"), let flag = JSONRead.bool(value, "spoolChangesOnly", &problems) {
            spoolChangesOnly = flag
        }
        var cachePosition: SourcePosition?
        for key in Self.pathKeys {
            guard let value = reader.take(key), let text = JSONRead.nonEmptyString(value, key, &problems) else {
                continue
            }
            switch key {
            case "inventory": inventory = text
            case "controlsDirectory": controlsDirectory = text
            case "spoolDirectory": spoolDirectory = text
            case "stateDirectory": stateDirectory = text
            case "knownHosts": knownHosts = text
            case "identity": identity = text
            case "passphraseFile": passphraseFile = text
            case "kerberosKeytab": kerberosKeytab = text
            case "kerberosPrincipal": kerberosPrincipal = text
            case "kerberosCredentialCache":
                kerberosCredentialCache = text
                cachePosition = value.position
            default: spoolGroup = text
            }
        }
        if let value = reader.take("kerberosDelegation"),
            let flag = JSONRead.bool(value, "kerberosDelegation", &problems)
        {
            kerberosDelegation = flag
        }
        if kerberosKeytab != nil, kerberosCredentialCache != nil {
            problems.append(
                DecodingProblem(
                    position: cachePosition, field: "kerberosCredentialCache",
                    message: "give kerberosKeytab or kerberosCredentialCache, not both"))
        }
        for (key, range) in Self.ranges.sorted(by: { $0.key < $1.key }) {
            guard let value = reader.take(key), let number = JSONRead.integer(value, key, &problems) else { continue }
            guard range.contains(number) else {
                problems.append(
                    DecodingProblem(
                        position: value.position, field: key,
                        message: "out of range: expected \(range.lowerBound) to \(range.upperBound), found \(number)"))
                continue
            }
            switch key {
            case "concurrency": concurrency = Int(number)
            case "deadlineSeconds": deadlineSeconds = Int(number)
            case "retries": retries = Int(number)
            case "retryBackoffSeconds": retryBackoffSeconds = Int(number)
            default: spoolRetentionDays = Int(number)
            }
        }
    }

    /// Fills unset secrets and known_hosts from systemd credentials (`LoadCredential=ssh-key:...`,
    /// `known-hosts`, `ssh-key-passphrase`, `krb5-keytab`, `krb5-ccache`) in `credentialsDirectory`, when those
    /// files exist. A Kerberos credential is used only when neither a keytab nor a credential cache is configured;
    /// `krb5-keytab` wins over `krb5-ccache`.
    package mutating func useCredentials(in credentialsDirectory: String?) {
        guard let credentialsDirectory, !credentialsDirectory.isEmpty else { return }
        func credential(_ name: String) -> String? {
            let path = credentialsDirectory + "/" + name
            return FileManager.default.fileExists(atPath: path) ? path : nil
        }
        knownHosts = knownHosts ?? credential("known-hosts")
        identity = identity ?? credential("ssh-key")
        passphraseFile = passphraseFile ?? credential("ssh-key-passphrase")
        if kerberosKeytab == nil, kerberosCredentialCache == nil {
            kerberosKeytab = credential("krb5-keytab")
            if kerberosKeytab == nil { kerberosCredentialCache = credential("krb5-ccache") }
        }
    }

    /// The Kerberos settings for the transport, or nil when neither a keytab nor a credential cache is configured.
    package var kerberosOptions: KerberosOptions? {
        if let kerberosKeytab {
            return KerberosOptions(
                source: .keytab(path: kerberosKeytab, principal: kerberosPrincipal), delegate: kerberosDelegation)
        }
        if let kerberosCredentialCache {
            return KerberosOptions(
                source: .credentialCache(path: kerberosCredentialCache), delegate: kerberosDelegation)
        }
        return nil
    }
}
