/// How to connect: one value for a whole run, shared by every host.
///
/// Secrets never appear here: the private key, its passphrase and the Kerberos keytab or credential cache are read
/// from files by `SSHClient.init`.
package struct SSHOptions: Sendable {
    /// The OpenSSH-format known_hosts file checked for every host (`SSH_OPTIONS_KNOWNHOSTS`).
    ///
    /// The global file is always `/dev/null` (`SSH_OPTIONS_GLOBAL_KNOWNHOSTS`), and ssh_config files are never read.
    package var knownHostsPath: String
    /// Whether an unknown host key is accepted and appended to `knownHostsPath` (trust on first use).
    ///
    /// A changed key is refused regardless.
    package var acceptNewHostKeys: Bool
    /// The private key file (ed25519, ecdsa or rsa; OpenSSH or PEM format), or `nil` to use only the agent.
    package var identityFile: String?
    /// A file whose first line (trailing newline removed) is the key's passphrase, e.g. a systemd credential.
    package var passphraseFile: String?
    /// Whether ssh-agent (via `SSH_AUTH_SOCK`) is tried before the key file.
    package var useAgent: Bool
    /// The bound on TCP connect, banner and key exchange, and on each authentication step (`SSH_OPTIONS_TIMEOUT`).
    package var connectTimeout: Duration
    /// The bound on one host's whole run: connect, authentication, exec, reading the output and the exit status.
    package var deadline: Duration
    /// The most output accepted from one command, stdout and stderr together; more is `output-too-large`.
    package var maxOutputBytes: Int
    /// The key exchange algorithms offered (`SSH_OPTIONS_KEY_EXCHANGE`, e.g. `curve25519-sha256`), or libssh's default.
    package var keyExchange: String?
    /// The Kerberos identity for hosts whose endpoint says `.kerberos`, or `nil` when no host uses Kerberos.
    package var kerberos: KerberosOptions?
    /// Test hook: the directory libssh would read `config` from if config processing were on (`SSH_OPTIONS_SSH_DIR`).
    ///
    /// Lets a test plant a hostile `config` where libssh would look for it, to prove that it is never read.
    var testingSSHDirectory: String?

    /// Creates options; only the known_hosts path has no default.
    package init(
        knownHostsPath: String,
        acceptNewHostKeys: Bool = false,
        identityFile: String? = nil,
        passphraseFile: String? = nil,
        useAgent: Bool = false,
        connectTimeout: Duration = .seconds(10),
        deadline: Duration = .seconds(60),
        maxOutputBytes: Int = 16 << 20,
        keyExchange: String? = nil,
        kerberos: KerberosOptions? = nil
    ) {
        self.knownHostsPath = knownHostsPath
        self.acceptNewHostKeys = acceptNewHostKeys
        self.identityFile = identityFile
        self.passphraseFile = passphraseFile
        self.useAgent = useAgent
        self.connectTimeout = connectTimeout
        self.deadline = deadline
        self.maxOutputBytes = maxOutputBytes
        self.keyExchange = keyExchange
        self.kerberos = kerberos
    }
}
