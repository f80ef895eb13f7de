import CLibSSH

/// The one owner of an `ssh_channel`, plus the exit status the server reported on it.
///
/// Holds its session strongly, because libssh's `ssh_free` tears down every channel of the session: freeing the
/// channel afterwards would be a use-after-free. Not `Sendable`, for the same one-thread rule as `SSHSession`.
final class SSHChannel {
    /// The channel; valid until this owner is released.
    let raw: OpaquePointer
    /// The session the channel belongs to; outlives the channel.
    let session: SSHSession
    private let exitStatusBox = ExitStatusBox()
    private let callbacks: UnsafeMutablePointer<ssh_channel_callbacks_struct>

    /// Creates a channel (`ssh_channel_new`) and registers the exit-status callback (`ssh_set_channel_callbacks`).
    /// Returns `nil` if libssh cannot allocate either.
    init?(session: SSHSession) {
        guard let raw = ssh_channel_new(session.raw) else { return nil }
        self.raw = raw
        self.session = session
        callbacks = .allocate(capacity: 1)
        callbacks.initialize(to: ssh_channel_callbacks_struct())
        // ssh_callbacks_init is a macro Swift cannot import; it only sets `size`.
        callbacks.pointee.size = MemoryLayout<ssh_channel_callbacks_struct>.size
        // Unretained: the box lives exactly as long as this owner, and libssh calls back only during calls made on
        // this channel, which all happen before `deinit`.
        callbacks.pointee.userdata = Unmanaged.passUnretained(exitStatusBox).toOpaque()
        callbacks.pointee.channel_exit_status_function = { _, _, status, userdata in
            guard let userdata else { return }
            Unmanaged<ExitStatusBox>.fromOpaque(userdata).takeUnretainedValue().status = status
        }
        guard ssh_set_channel_callbacks(raw, callbacks) == SSH_OK else {
            // libssh: a channel from ssh_channel_new that was never opened is released with ssh_channel_free alone.
            ssh_channel_free(raw)
            callbacks.deallocate()
            return nil
        }
    }

    deinit {
        // Bound the CLOSE message's flush, which waits with the session timeout.
        _ = session.setTimeout(milliseconds: 1000)
        // libssh: a channel is closed (ssh_channel_close) and then freed (ssh_channel_free), and both must happen
        // before ssh_free of its session; `session` is held strongly, so it is still alive here.
        if ssh_channel_is_closed(raw) == 0 {
            ssh_channel_close(raw)
        }
        ssh_channel_free(raw)
        // libssh keeps only a pointer to the callback structure; after ssh_channel_free nothing can call it.
        callbacks.deallocate()
    }

    /// The status from the server's `exit-status` request, once it has arrived. Unlike
    /// `ssh_channel_get_exit_status`, which returns -1 both for "none" and for a Windows exit code of 4294967295,
    /// this tells the two apart.
    var exitStatus: Int32? { exitStatusBox.status }
}

/// Where the exit-status callback writes; read on the same thread after libssh returns.
private final class ExitStatusBox {
    var status: Int32?
}
