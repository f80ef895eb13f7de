/// Where to connect: one SSH server, the account to log in as, and optionally the host key it must present.
package struct SSHEndpoint: Sendable, Hashable {
    /// The host name or IP address, passed to libssh as `SSH_OPTIONS_HOST`; it must not contain `@` or whitespace.
    package var host: String
    /// The TCP port, 1...65535 (`SSH_OPTIONS_PORT`).
    package var port: Int
    /// The account to authenticate as (`SSH_OPTIONS_USER`).
    package var user: String
    /// The server's expected host key as `ssh-keygen -l` prints it (`SHA256:` and unpadded base64), or `nil`.
    ///
    /// A pin is checked in addition to known_hosts: a mismatch is always refused (`hostkey-mismatch`), and a
    /// changed known_hosts entry is refused even when the pin matches. A matching pin stands in for a missing
    /// known_hosts entry, because the inventory that supplied it is an explicit statement of trust; the key is then
    /// only recorded in known_hosts when `SSHOptions.acceptNewHostKeys` is set.
    package var pinnedFingerprint: String?
    /// How the host is authenticated: the run's key (the default) or Kerberos.
    package var authentication: SSHAuthentication

    /// Creates an endpoint.
    package init(
        host: String, port: Int, user: String, pinnedFingerprint: String? = nil,
        authentication: SSHAuthentication = .publicKey
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.pinnedFingerprint = pinnedFingerprint
        self.authentication = authentication
    }
}
