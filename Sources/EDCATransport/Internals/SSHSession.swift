import CLibSSH

/// The one owner of an `ssh_session`.
///
/// Not `Sendable`, by design: libssh allows a session and its channels to be used by one thread at a time only
/// ("Threads with libssh"), so a session is created, used and freed inside one job on one pool thread.
final class SSHSession {
    /// The session; valid until this owner is released.
    let raw: OpaquePointer

    /// Creates a session (`ssh_new`), or returns `nil` if libssh cannot allocate one.
    init?() {
        guard let raw = ssh_new() else { return nil }
        self.raw = raw
    }

    deinit {
        // Bound the teardown: ssh_disconnect flushes the DISCONNECT message with the session timeout.
        _ = setTimeout(milliseconds: 1000)
        // libssh: a connected session is closed with ssh_disconnect before ssh_free; ssh_free then releases the
        // session and whatever channels are still attached to it, so every SSHChannel (which holds this owner
        // strongly) has already been freed by the time this runs.
        if ssh_is_connected(raw) != 0 {
            ssh_disconnect(raw)
        }
        ssh_free(raw)
    }

    /// Whether the transport is still up (`ssh_is_connected`).
    var isConnected: Bool { ssh_is_connected(raw) != 0 }

    /// libssh's text for the last error on this session (`ssh_get_error`), copied at once: the C string belongs to
    /// the session and is overwritten by the next failure.
    var lastError: String {
        guard let text = ssh_get_error(UnsafeMutableRawPointer(raw)) else { return "" }
        return String(cString: text)
    }

    /// Sets a `char *` option (`ssh_options_set`). Returns libssh's status.
    func set(_ option: ssh_options_e, string value: String) -> Int32 {
        value.withCString { ssh_options_set(raw, option, $0) }
    }

    /// Sets an `int *` option (`ssh_options_set`), e.g. `SSH_OPTIONS_PORT` or `SSH_OPTIONS_STRICTHOSTKEYCHECK`.
    func set(_ option: ssh_options_e, int32 value: Int32) -> Int32 {
        withUnsafePointer(to: value) { ssh_options_set(raw, option, $0) }
    }

    /// Sets a `bool *` option (`ssh_options_set`), e.g. `SSH_OPTIONS_PROCESS_CONFIG`.
    func set(_ option: ssh_options_e, bool value: Bool) -> Int32 {
        withUnsafePointer(to: value) { ssh_options_set(raw, option, $0) }
    }

    /// Sets a `long *` option (`ssh_options_set`), e.g. `SSH_OPTIONS_TIMEOUT`.
    func set(_ option: ssh_options_e, long value: Int) -> Int32 {
        withUnsafePointer(to: value) { ssh_options_set(raw, option, $0) }
    }

    /// Bounds libssh's next blocking calls (`SSH_OPTIONS_TIMEOUT` plus `SSH_OPTIONS_TIMEOUT_USEC`). At least 1 ms:
    /// libssh reads an all-zero timeout as "use the default".
    func setTimeout(milliseconds: Int) -> Int32 {
        let bounded = max(1, milliseconds)
        let seconds = set(SSH_OPTIONS_TIMEOUT, long: bounded / 1000)
        let microseconds = set(SSH_OPTIONS_TIMEOUT_USEC, long: (bounded % 1000) * 1000)
        return seconds < 0 ? seconds : microseconds
    }
}
