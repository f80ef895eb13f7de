#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The simulator's contact with its process: files, standard streams, the clock, sleeping and the sshd session.
///
/// Plain POSIX calls only, so that a run (one per probe) starts fast.
enum HostIO {
    /// The file descriptor of standard input.
    static let standardInput: Int32 = 0
    /// The file descriptor of standard output.
    static let standardOutput: Int32 = 1
    /// The file descriptor of standard error.
    static let standardError: Int32 = 2

    /// The parent process when the simulator started (the sshd session's shell or sshd itself); read it at start.
    static let startingParent = getppid()

    /// Makes a write to a closed pipe fail with EPIPE instead of killing the process.
    static func ignoreBrokenPipes() {
        signal(SIGPIPE, SIG_IGN)
    }

    /// The value of an environment variable, or nil when it is not set.
    static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }

    /// The whole content of a file.
    ///
    /// - Throws: A lab ``Refusal`` naming the file and the system's reason.
    static func readFile(_ path: String) throws(Refusal) -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw Refusal.lab("cannot read '\(path)': \(systemErrorText())")
        }
        defer { close(descriptor) }
        guard let bytes = readToEnd(descriptor) else {
            throw Refusal.lab("cannot read '\(path)': \(systemErrorText())")
        }
        return bytes
    }

    /// All of standard input up to end of file; what was read before an error when reading fails.
    static func readStandardInput() -> [UInt8] {
        var bytes: [UInt8] = []
        _ = readAll(standardInput, into: &bytes)
        return bytes
    }

    /// Writes all bytes to a descriptor, retrying short writes.
    ///
    /// - Throws: A ``Refusal`` when the descriptor is closed: the session is gone.
    static func writeAll(_ bytes: [UInt8], to descriptor: Int32) throws(Refusal) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return write(descriptor, base + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw Refusal.simulator("cannot write output (the session ended?): \(systemErrorText())")
            }
            offset += written
        }
    }

    /// Appends `bytes` and a newline to a file (created if missing) in one `write` with `O_APPEND`, so that lines
    /// of concurrent processes do not interleave.
    ///
    /// - Throws: A lab ``Refusal`` naming the file and the system's reason.
    static func appendLine(_ bytes: [UInt8], to path: String) throws(Refusal) {
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Refusal.lab("cannot append to '\(path)': \(systemErrorText())") }
        defer { close(descriptor) }
        let line = bytes + [UInt8(ascii: "\n")]
        let written = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == line.count else {
            throw Refusal.lab("cannot append to '\(path)': \(systemErrorText())")
        }
    }

    /// Writes text as UTF-8 to a descriptor.
    static func writeAll(_ text: String, to descriptor: Int32) throws(Refusal) {
        try writeAll(Array(text.utf8), to: descriptor)
    }

    /// Seconds on a clock that only moves forward, for measuring elapsed time.
    static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1_000_000_000
    }

    /// Sleeps for a number of milliseconds, resuming after signals.
    static func sleep(milliseconds: Int) {
        guard milliseconds > 0 else { return }
        var remaining = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
        var left = timespec()
        while nanosleep(&remaining, &left) != 0 && errno == EINTR {
            remaining = left
        }
    }

    /// Does nothing until the SSH session ends, then exits, as a Windows process would when its job is closed.
    ///
    /// Win32-OpenSSH puts the command in a job object that kills it when the session closes. Here the end of the
    /// session shows as standard output's reader going away, or the parent process dying.
    static func waitUntilSessionEnds() -> Never {
        while true {
            var watched = pollfd(fd: standardOutput, events: 0, revents: 0)
            let ready = poll(&watched, 1, 500)
            let outputClosed = ready > 0 && watched.revents & Int16(POLLERR | POLLHUP | POLLNVAL) != 0
            if outputClosed || getppid() != startingParent {
                exit(1)
            }
        }
    }

    /// Kills this process with SIGKILL, as security software would kill powershell.exe: no output, no exit status.
    static func killSelf() -> Never {
        kill(getpid(), SIGKILL)
        exit(137)
    }

    /// Kills the sshd process that serves this session, so the client sees the connection drop, then exits (the
    /// job object of a real session would kill this process too).
    ///
    /// That process is the nearest ancestor whose name starts with `sshd` (`sshd` or `sshd-session`); without
    /// one (not run by sshd, or no /proc) it is the parent process.
    ///
    /// - Throws: A ``Refusal`` when the process cannot be killed.
    static func dropSession() throws(Refusal) -> Never {
        let target = sshdAncestor() ?? getppid()
        guard target > 1 else { throw Refusal.simulator("disconnectMidOutput: no session process to kill") }
        guard kill(target, SIGKILL) == 0 else {
            throw Refusal.simulator("disconnectMidOutput: cannot kill process \(target): \(systemErrorText())")
        }
        exit(1)
    }

    /// The nearest ancestor process whose name starts with `sshd`, looked up in /proc.
    private static func sshdAncestor() -> pid_t? {
        var current = getppid()
        for _ in 0..<16 where current > 1 {
            guard let status = processStatus(current) else { return nil }
            if status.name.hasPrefix("sshd") { return current }
            current = status.parent
        }
        return nil
    }

    /// The name and parent of a process, from `/proc/PID/stat` (`PID (NAME) STATE PPID ...`).
    private static func processStatus(_ pid: pid_t) -> (name: String, parent: pid_t)? {
        let descriptor = open("/proc/\(pid)/stat", O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        guard let bytes = readToEnd(descriptor),
            let openParenthesis = bytes.firstIndex(of: UInt8(ascii: "(")),
            let closeParenthesis = bytes.lastIndex(of: UInt8(ascii: ")")), openParenthesis < closeParenthesis
        else { return nil }
        let name = String(decoding: bytes[(openParenthesis + 1)..<closeParenthesis], as: UTF8.self)
        let fields = bytes[(closeParenthesis + 1)...].split(separator: UInt8(ascii: " "))
        guard fields.count > 1, let parent = pid_t(String(decoding: fields[1], as: UTF8.self)) else { return nil }
        return (name, parent)
    }

    /// Reads a descriptor to end of file; nil on a read error.
    private static func readToEnd(_ descriptor: Int32) -> [UInt8]? {
        var bytes: [UInt8] = []
        return readAll(descriptor, into: &bytes) ? bytes : nil
    }

    /// Appends everything a descriptor yields until end of file; false when a read fails.
    private static func readAll(_ descriptor: Int32, into bytes: inout [UInt8]) -> Bool {
        let chunkSize = 65_536
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        while true {
            let count = chunk.withUnsafeMutableBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return read(descriptor, base, chunkSize)
            }
            if count == 0 { return true }
            if count < 0 {
                if errno == EINTR { continue }
                return false
            }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }

    /// The text of the current `errno`.
    private static func systemErrorText() -> String {
        String(cString: strerror(errno))
    }
}
