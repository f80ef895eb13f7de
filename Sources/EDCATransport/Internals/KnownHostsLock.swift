import Synchronization

/// Serialises appends to known_hosts files across the whole process.
///
/// libssh's `ssh_session_update_known_hosts` appends to the file without any locking, so two hosts accepted at the
/// same moment could interleave their lines.
enum KnownHostsLock {
    private static let mutex = Mutex(())

    /// Runs `body` while no other thread of this process is writing a known_hosts file.
    static func withLock<Result>(_ body: () -> Result) -> Result {
        mutex.withLock { _ in body() }
    }
}
