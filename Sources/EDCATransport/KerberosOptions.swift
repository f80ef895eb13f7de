/// Where the agent's Kerberos identity comes from, for hosts that authenticate with GSSAPI.
package enum KerberosSource: Sendable, Hashable {
    /// A keytab file (e.g. the systemd credential `krb5-keytab`): the client asks the KDC for a forwardable ticket
    /// once per run, for `principal` or, when `nil`, for the keytab's first principal.
    case keytab(path: String, principal: String?)
    /// A credential cache file holding a ticket-granting ticket (e.g. the systemd credential `krb5-ccache`, made
    /// by `kinit -f -c FILE`). It is copied into memory at start and never written.
    case credentialCache(path: String)
}

/// Kerberos settings shared by every host of a run that authenticates with GSSAPI (`gssapi-with-mic`).
///
/// The tickets live in a private in-memory credential cache (`MEMORY:`) owned by the client: never in a file, never
/// in the process environment, gone when the client is released.
package struct KerberosOptions: Sendable, Hashable {
    /// The identity.
    package var source: KerberosSource
    /// Whether the ticket-granting ticket is delegated to the server (`GSS_C_DELEG_FLAG`), so the remote session
    /// has network credentials. A run that asks for delegation and cannot get it fails with `delegation-refused`
    /// rather than logging in without it.
    package var delegate: Bool

    /// Creates settings; delegation is on unless turned off.
    package init(source: KerberosSource, delegate: Bool = true) {
        self.source = source
        self.delegate = delegate
    }
}

/// How a host is authenticated.
package enum SSHAuthentication: Sendable, Hashable {
    /// The run's private key and/or ssh-agent (`SSHOptions.identityFile`, `useAgent`).
    case publicKey
    /// Kerberos through GSSAPI, with the run's `SSHOptions.kerberos` identity, to the service principal
    /// `host/<serverName>` (the endpoint's host when `nil`: use the name the server's keytab holds, normally its
    /// fully qualified DNS name).
    case kerberos(serverName: String?)
}
