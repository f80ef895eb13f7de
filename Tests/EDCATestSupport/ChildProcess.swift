import Foundation
import Synchronization

/// A long-running child process started with `posix_spawn` and reaped with `waitpid` by this owner alone.
///
/// Used for daemons that close inherited descriptors (sshd), which Foundation's `Process` cannot monitor. Only this
/// owner waits for the pid, and it never signals a pid it has already reaped, so a recycled pid is never hit.
package final class ChildProcess: Sendable {
    /// The child's process id.
    package let pid: Int32
    private let exited = Mutex(false)

    /// Starts `executable` with `arguments`; stdin is /dev/null, stdout and stderr are appended to `output`.
    package init(_ executable: String, _ arguments: [String], output: String) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer {
            for argument in argv { free(argument) }
        }
        var child: pid_t = 0
        // The test runner's threads may block SIGTERM; a child inherits the mask, and a daemon that waits for
        // signals (rsyslogd) would then ignore `stop()`. Start it with no signal blocked and default handlers.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var defaultSignals = sigset_t()
        sigemptyset(&defaultSignals)
        for signalNumber in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&defaultSignals, signalNumber) }
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let status = posix_spawn(&child, executable, &actions, &attributes, argv, environ)
        guard status == 0 else {
            throw SSHServerFixtureError("cannot start \(executable): \(String(cString: strerror(status)))")
        }
        pid = child
    }

    deinit {
        stop()
    }

    /// Whether the child has not exited yet (`waitpid` with `WNOHANG`, reaping it if it has).
    package var isRunning: Bool {
        exited.withLock { exited in
            if !exited, waitpid(pid, nil, WNOHANG) == pid { exited = true }
            return !exited
        }
    }

    /// Sends SIGKILL and reaps the child: a crash, with no chance to save its state. Idempotent.
    package func crash() {
        exited.withLock { exited in
            guard !exited else { return }
            kill(pid, SIGKILL)
            _ = waitpid(pid, nil, 0)
            exited = true
        }
    }

    /// Sends SIGTERM, waits up to 5 s for the child to exit, then sends SIGKILL and waits. Idempotent.
    package func stop() {
        exited.withLock { exited in
            guard !exited else { return }
            kill(pid, SIGTERM)
            let clock = ContinuousClock()
            let end = clock.now.advanced(by: .seconds(5))
            while clock.now < end {
                if waitpid(pid, nil, WNOHANG) == pid {
                    exited = true
                    return
                }
                usleep(10_000)
            }
            kill(pid, SIGKILL)
            _ = waitpid(pid, nil, 0)
            exited = true
        }
    }
}
