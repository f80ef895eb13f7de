/// Why a command could not be run on a host, with a stable code for callers and a readable message for people.
///
/// Messages carry libssh's own error text where there is one, and never key material or passphrases.
package struct SSHError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a stable kebab-case code (`rawValue`) suitable for logs and reports.
    package enum Code: String, Sendable {
        /// The host name could not be resolved (`getaddrinfo` failed inside `ssh_connect`).
        case dns
        /// The connection was refused or failed before the SSH handshake finished, or the endpoint is invalid.
        case connect
        /// The connect timeout or the per-host deadline passed.
        case timeout
        /// The server's host key is not in known_hosts and new keys are not accepted.
        case hostKeyUnknown = "hostkey-unknown"
        /// known_hosts holds a different key for this host (or only keys of another type); always refused.
        case hostKeyChanged = "hostkey-changed"
        /// The server's host key does not match the endpoint's pinned fingerprint.
        case hostKeyMismatch = "hostkey-mismatch"
        /// known_hosts could not be read or updated.
        case knownHosts = "known-hosts"
        /// The private key or its passphrase file could not be read or decrypted (raised by `SSHClient.init`).
        case keyLoad = "key-load"
        /// The server refused every offered key, or the Kerberos principal for this account.
        case auth
        /// Kerberos could not authenticate this host, or the run's keytab or credential cache is unusable; the
        /// reason is in `kerberosReason`.
        case kerberos
        /// The session channel could not be opened, the command could not be started, or stdin could not be written.
        case channel
        /// The connection dropped before the command's result was complete.
        case disconnected
        /// stdout and stderr together exceeded `SSHOptions.maxOutputBytes`.
        case outputTooLarge = "output-too-large"
        /// The calling task was cancelled.
        case cancelled
        /// The client was shut down before or while the command ran.
        case shutdown
    }

    /// Why Kerberos failed, for `kerberos` errors: a stable kebab-case word for logs and reports.
    package enum KerberosReason: String, Sendable {
        /// No usable ticket-granting ticket: the credential cache is missing, empty or expired.
        case noTicket = "no-ticket"
        /// The clocks of the agent, the KDC or the server differ by more than the realm allows (5 minutes).
        case clockSkew = "clock-skew"
        /// The KDC does not know the client principal, or the server's `host/` principal.
        case unknownPrincipal = "unknown-principal"
        /// The ticket cannot be delegated: not forwardable (the account is marked sensitive, or forwarding is
        /// disabled), or the delegation flag was not granted.
        case delegationRefused = "delegation-refused"
        /// No KDC of the realm answered.
        case kdcUnreachable = "kdc-unreachable"
        /// The keytab cannot be read, holds no key for the principal, or holds a key the KDC no longer accepts.
        case badKeytab = "bad-keytab"
        /// The principal's realm is not configured (krb5.conf) and cannot be found.
        case unknownRealm = "unknown-realm"
        /// Anything else; the message has the Kerberos library's text.
        case failed
    }

    /// What went wrong.
    package var code: Code
    /// Why Kerberos failed, when `code` is `kerberos`.
    package var kerberosReason: KerberosReason?
    /// The endpoint's host as given, or empty for errors that concern no host (loading the key).
    package var host: String
    /// The details: what was being done, and libssh's error text when there is one.
    package var message: String

    /// Creates an error.
    package init(_ code: Code, host: String, message: String) {
        self.code = code
        self.host = host
        self.message = message
        kerberosReason = nil
    }

    /// Creates a `kerberos` error with its reason.
    package init(kerberos reason: KerberosReason, host: String, message: String) {
        self.init(.kerberos, host: host, message: message)
        kerberosReason = reason
    }

    /// The code, with the Kerberos reason after a colon when there is one (`kerberos:no-ticket`).
    package var detailedCode: String {
        kerberosReason.map { "\(code.rawValue):\($0.rawValue)" } ?? code.rawValue
    }

    /// One sentence: the host, the code and the details.
    package var description: String {
        host.isEmpty
            ? "SSH setup failed (\(detailedCode)): \(message)" : "SSH to \(host) failed (\(detailedCode)): \(message)"
    }
}
