import CKrb5
import CLibSSH

/// One host's whole run — connect, verify the host key, authenticate, exec, write stdin, read output, exit status —
/// as blocking libssh calls on the pool thread that created it.
///
/// Not `Sendable`: it and the `SSHSession`/`SSHChannel` it creates never leave that thread. Every libssh failure is
/// turned into an `SSHError` by `failure(_:_:step:session:)`, and nowhere else.
final class HostRun {
    /// What each step is, for messages and for the code a failure gets when nothing more specific applies.
    enum Step: String {
        case connect = "connecting"
        case hostKey = "checking the host key"
        case authenticate = "authenticating"
        case channel = "starting the command"
        case writeInput = "writing stdin"
        case readOutput = "reading output"
        case exitStatus = "waiting for the exit status"

        var fallbackCode: SSHError.Code {
            switch self {
            case .connect: .connect
            case .hostKey: .knownHosts
            case .authenticate: .auth
            case .channel, .writeInput: .channel
            case .readOutput, .exitStatus: .disconnected
            }
        }
    }

    /// How long one blocking read waits before the loop checks cancellation and the deadline again.
    static let sliceMilliseconds = 100
    /// The most bytes one read call returns.
    static let readChunk = 64 * 1024
    /// The most stdin bytes one write call sends.
    static let writeChunk = 32 * 1024

    private let endpoint: SSHEndpoint
    private let options: SSHOptions
    private let key: PrivateKeyMaterial?
    private let kerberos: KerberosCredentials?
    /// The GSSAPI credential lent to libssh (`ssh_gssapi_set_creds`, which does not take ownership): it must outlive
    /// the session, so the run keeps it.
    private var gssCredential: GSSCredential?
    private let context: WorkerContext
    private let control: RunControl
    private let clock = ContinuousClock()
    private let deadline: ContinuousClock.Instant
    private var standardOutput: [UInt8] = []
    private var standardError: [UInt8] = []
    private var buffer = [UInt8](repeating: 0, count: HostRun.readChunk)

    /// Prepares a run; the deadline starts now, on the pool thread, not when the job was queued.
    init(
        endpoint: SSHEndpoint, options: SSHOptions, key: PrivateKeyMaterial?, kerberos: KerberosCredentials?,
        context: WorkerContext, control: RunControl
    ) {
        self.endpoint = endpoint
        self.options = options
        self.key = key
        self.kerberos = kerberos
        self.context = context
        self.control = control
        deadline = clock.now.advanced(by: options.deadline)
    }

    /// Runs `command` with `input` on its stdin and returns its complete output and exit status.
    func execute(command: String, input: [UInt8]) throws(SSHError) -> CommandOutput {
        try checkpoint("starting")
        try validate(command: command)
        let session = try connect()
        let fingerprint = try verifyHostKey(session)
        try authenticate(session)
        let channel = try startCommand(command, on: session)
        try write(input, to: channel)
        try readOutput(channel)
        let status = try waitForExitStatus(channel)
        return CommandOutput(
            exitStatus: status, standardOutput: standardOutput, standardError: standardError,
            hostKeyFingerprint: fingerprint, timeLeft: clock.now.duration(to: deadline))
    }

    // MARK: - The error funnel

    /// The one place a libssh failure becomes an `SSHError`. Reads `ssh_get_error` at once, before any other libssh
    /// call can overwrite it.
    ///
    /// In order: a stop request wins (`cancelled`, `shutdown`); then `SSH_AGAIN` (which blocking libssh returns when
    /// the session timeout expires) or a passed deadline is `timeout`; then, for `ssh_connect`, a resolver failure is
    /// `dns` and libssh's connect timeout is `timeout`; then a dead transport is `disconnected`; else the step's code.
    private func failure(_ status: Int32, _ call: StaticString, step: Step, session: SSHSession?) -> SSHError {
        let text = session?.lastError ?? ""
        let detail = text.isEmpty ? "\(call) failed" : "\(call) failed: \(text)"
        if let stop = control.stopCode { return stopped(stop, while: step.rawValue) }
        if status == SSH_AGAIN || clock.now >= deadline {
            return error(.timeout, "timed out while \(step.rawValue) (\(detail))")
        }
        if step == .connect {
            if text.hasPrefix("Failed to resolve hostname") { return error(.dns, detail) }
            if text.hasPrefix("Timeout connecting") {
                return error(.timeout, "no SSH connection within \(options.connectTimeout) (\(detail))")
            }
            return error(.connect, "cannot connect to \(address) (\(detail))")
        }
        if let session, !session.isConnected || text.hasPrefix("Socket error") {
            return error(.disconnected, "connection lost while \(step.rawValue) (\(detail))")
        }
        return error(step.fallbackCode, "\(step.rawValue): \(detail)")
    }

    /// Throws through the funnel unless `status` is `SSH_OK`.
    private func check(_ status: Int32, _ call: StaticString, step: Step, session: SSHSession?) throws(SSHError) {
        guard status == SSH_OK else { throw failure(status, call, step: step, session: session) }
    }

    /// Throws if the run must stop: cancelled, shut down, or past its deadline.
    private func checkpoint(_ doing: String) throws(SSHError) {
        if let stop = control.stopCode { throw stopped(stop, while: doing) }
        if clock.now >= deadline {
            throw error(.timeout, "no result within the \(options.deadline) deadline (while \(doing))")
        }
    }

    private func stopped(_ code: SSHError.Code, while doing: String) -> SSHError {
        error(code, code == .shutdown ? "client shut down while \(doing)" : "cancelled while \(doing)")
    }

    private func error(_ code: SSHError.Code, _ message: String) -> SSHError {
        SSHError(code, host: endpoint.host, message: message)
    }

    private var address: String { "\(endpoint.user)@\(endpoint.host):\(endpoint.port)" }

    // MARK: - Time

    /// Milliseconds left before the deadline, at least 1.
    private var remainingMilliseconds: Int {
        max(1, Self.milliseconds(clock.now.duration(to: deadline)))
    }

    /// Bounds the next blocking libssh call by the deadline, and by `cap` when given (`SSH_OPTIONS_TIMEOUT`).
    private func bound(_ session: SSHSession, by cap: Duration? = nil, step: Step) throws(SSHError) {
        let limit = min(remainingMilliseconds, cap.map(Self.milliseconds) ?? Int.max)
        try check(
            session.setTimeout(milliseconds: limit), "ssh_options_set(SSH_OPTIONS_TIMEOUT)", step: step,
            session: session)
    }

    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        guard seconds < Int64(Int.max / 1000 - 1) else { return Int.max / 2 }
        return max(0, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }

    // MARK: - Steps

    private func validate(command: String) throws(SSHError) {
        let host = endpoint.host
        guard !host.isEmpty, !host.contains("@"), !host.contains(where: \.isWhitespace) else {
            throw error(.connect, "invalid host name \"\(host)\"")
        }
        guard (1...65535).contains(endpoint.port) else { throw error(.connect, "invalid port \(endpoint.port)") }
        guard !endpoint.user.isEmpty else { throw error(.connect, "no user name for \(host)") }
        guard !command.utf8.contains(0) else { throw error(.channel, "the command contains a NUL byte") }
    }

    /// Creates the session, sets every option, and connects (`ssh_connect`) within the connect timeout.
    ///
    /// Config files are never read (`SSH_OPTIONS_PROCESS_CONFIG` false): in libssh 0.10 a `StrictHostKeyChecking no`
    /// in `~/.ssh/config` or `/etc/ssh/ssh_config` makes a changed host key report as known. Strict checking is set
    /// explicitly, and the global known_hosts file is `/dev/null`, so only `options.knownHostsPath` is trusted.
    private func connect() throws(SSHError) -> SSHSession {
        try checkpoint(Step.connect.rawValue)
        guard let session = SSHSession() else { throw error(.connect, "libssh could not allocate a session (ssh_new)") }
        let step = Step.connect
        try check(
            session.set(SSH_OPTIONS_PROCESS_CONFIG, bool: false), "ssh_options_set(SSH_OPTIONS_PROCESS_CONFIG)",
            step: step, session: session)
        try check(
            session.set(SSH_OPTIONS_HOST, string: endpoint.host), "ssh_options_set(SSH_OPTIONS_HOST)",
            step: step, session: session)
        try check(
            session.set(SSH_OPTIONS_PORT, int32: Int32(endpoint.port)), "ssh_options_set(SSH_OPTIONS_PORT)",
            step: step, session: session)
        try check(
            session.set(SSH_OPTIONS_USER, string: endpoint.user), "ssh_options_set(SSH_OPTIONS_USER)",
            step: step, session: session)
        try check(
            session.set(SSH_OPTIONS_KNOWNHOSTS, string: options.knownHostsPath),
            "ssh_options_set(SSH_OPTIONS_KNOWNHOSTS)", step: step, session: session)
        try check(
            session.set(SSH_OPTIONS_GLOBAL_KNOWNHOSTS, string: "/dev/null"),
            "ssh_options_set(SSH_OPTIONS_GLOBAL_KNOWNHOSTS)", step: step, session: session)
        try check(
            session.set(SSH_OPTIONS_STRICTHOSTKEYCHECK, int32: 1), "ssh_options_set(SSH_OPTIONS_STRICTHOSTKEYCHECK)",
            step: step, session: session)
        try check(
            session.set(SSH_OPTIONS_NODELAY, int32: 1), "ssh_options_set(SSH_OPTIONS_NODELAY)", step: step,
            session: session)
        if let keyExchange = options.keyExchange {
            try check(
                session.set(SSH_OPTIONS_KEY_EXCHANGE, string: keyExchange),
                "ssh_options_set(SSH_OPTIONS_KEY_EXCHANGE)", step: step, session: session)
        }
        if let directory = options.testingSSHDirectory {
            try check(
                session.set(SSH_OPTIONS_SSH_DIR, string: directory), "ssh_options_set(SSH_OPTIONS_SSH_DIR)",
                step: step, session: session)
        }
        try bound(session, by: options.connectTimeout, step: step)
        try check(ssh_connect(session.raw), "ssh_connect", step: step, session: session)
        return session
    }

    /// Checks the server's key against known_hosts (`ssh_session_is_known_server`) and the endpoint's pin, recording
    /// a new key (`ssh_session_update_known_hosts`) only when allowed. Returns the key's SHA256 fingerprint.
    private func verifyHostKey(_ session: SSHSession) throws(SSHError) -> String {
        let step = Step.hostKey
        var rawKey: ssh_key?
        try check(
            ssh_get_server_publickey(session.raw, &rawKey), "ssh_get_server_publickey", step: step,
            session: session)
        guard let rawKey else { throw failure(SSH_ERROR, "ssh_get_server_publickey", step: step, session: session) }
        let serverKey = KeyHandle(taking: rawKey)
        let fingerprint = try self.fingerprint(of: serverKey, session: session)
        let pinMatches = endpoint.pinnedFingerprint.map { Self.sameFingerprint($0, fingerprint) }
        let file = options.knownHostsPath
        let name = endpoint.port == 22 ? endpoint.host : "[\(endpoint.host)]:\(endpoint.port)"

        switch ssh_session_is_known_server(session.raw) {
        case SSH_KNOWN_HOSTS_OK:
            break
        case SSH_KNOWN_HOSTS_CHANGED:
            throw error(
                .hostKeyChanged,
                "\(file) holds a different key for \(name) than the \(fingerprint) the server presented; refused "
                    + "(if the change is expected, remove the old entry with ssh-keygen -R and verify the new key)")
        case SSH_KNOWN_HOSTS_OTHER:
            throw error(
                .hostKeyChanged,
                "\(file) holds a key of another type for \(name) than the \(fingerprint) the server presented; "
                    + "refused")
        case SSH_KNOWN_HOSTS_UNKNOWN, SSH_KNOWN_HOSTS_NOT_FOUND:
            if pinMatches == false { throw pinMismatch(fingerprint) }
            if options.acceptNewHostKeys {
                try record(session)
            } else if pinMatches != true {
                throw error(
                    .hostKeyUnknown,
                    "\(name) presented host key \(fingerprint), which is not in \(file); refused (verify it and add "
                        + "it, or allow recording new keys)")
            }
        default:
            throw failure(SSH_ERROR, "ssh_session_is_known_server", step: step, session: session)
        }
        if pinMatches == false { throw pinMismatch(fingerprint) }
        return fingerprint
    }

    private func pinMismatch(_ fingerprint: String) -> SSHError {
        error(
            .hostKeyMismatch,
            "the server presented host key \(fingerprint), not the pinned \(endpoint.pinnedFingerprint ?? "")")
    }

    /// Appends the server's key to known_hosts under the process-wide lock, unless another run just did.
    private func record(_ session: SSHSession) throws(SSHError) {
        let status = KnownHostsLock.withLock { () -> Int32 in
            if ssh_session_is_known_server(session.raw) == SSH_KNOWN_HOSTS_OK { return SSH_OK }
            return ssh_session_update_known_hosts(session.raw)
        }
        guard status == SSH_OK else {
            throw error(.knownHosts, "cannot record the host key in \(options.knownHostsPath): \(session.lastError)")
        }
    }

    /// The key's `SHA256:` fingerprint (`ssh_get_publickey_hash`, `ssh_get_fingerprint_hash`).
    private func fingerprint(of key: KeyHandle, session: SSHSession) throws(SSHError) -> String {
        var hash: UnsafeMutablePointer<UInt8>?
        var length = 0
        guard ssh_get_publickey_hash(key.raw, SSH_PUBLICKEY_HASH_SHA256, &hash, &length) == SSH_OK, let digest = hash
        else {
            throw failure(SSH_ERROR, "ssh_get_publickey_hash", step: .hostKey, session: session)
        }
        // libssh: a hash from ssh_get_publickey_hash is released with ssh_clean_pubkey_hash.
        defer { ssh_clean_pubkey_hash(&hash) }
        guard let text = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, digest, length) else {
            throw failure(SSH_ERROR, "ssh_get_fingerprint_hash", step: .hostKey, session: session)
        }
        // libssh: strings from ssh_get_fingerprint_hash are released with ssh_string_free_char.
        defer { ssh_string_free_char(text) }
        return String(cString: text)
    }

    /// Compares a pin with a fingerprint: `SHA256:` prefix in any case, base64 exact, trailing `=` padding ignored.
    static func sameFingerprint(_ pin: String, _ fingerprint: String) -> Bool {
        func body(_ text: String) -> Substring {
            var text = Substring(text.trimmingWhitespace())
            if text.lowercased().hasPrefix("sha256:") { text = text.dropFirst("sha256:".count) }
            while text.hasSuffix("=") { text = text.dropLast() }
            return text
        }
        let expected = body(pin)
        return !expected.isEmpty && expected == body(fingerprint)
    }

    /// Tries ssh-agent (`ssh_userauth_agent`) if enabled, then the private key (`ssh_userauth_publickey`); or, for
    /// a Kerberos endpoint, GSSAPI only.
    private func authenticate(_ session: SSHSession) throws(SSHError) {
        if case .kerberos(let serverName) = endpoint.authentication {
            return try authenticateWithKerberos(session, serverName: serverName ?? endpoint.host)
        }
        let step = Step.authenticate
        var refused: [String] = []
        if options.useAgent {
            try checkpoint(step.rawValue)
            try bound(session, by: options.connectTimeout, step: step)
            let status = ssh_userauth_agent(session.raw, nil)
            if status == SSH_AUTH_SUCCESS.rawValue { return }
            if status == SSH_AUTH_AGAIN.rawValue || !session.isConnected {
                throw failure(
                    status == SSH_AUTH_AGAIN.rawValue ? SSH_AGAIN : status, "ssh_userauth_agent", step: step,
                    session: session)
            }
            refused.append("the ssh-agent's keys")
        }
        if let key {
            try checkpoint(step.rawValue)
            let privateKey = try context.privateKey(from: key)
            try bound(session, by: options.connectTimeout, step: step)
            let status = ssh_userauth_publickey(session.raw, nil, privateKey.raw)
            switch status {
            case SSH_AUTH_SUCCESS.rawValue:
                return
            case SSH_AUTH_DENIED.rawValue:
                refused.append("the key \(key.path)")
            case SSH_AUTH_PARTIAL.rawValue:
                throw error(.auth, "\(address) accepted the key \(key.path) but requires further authentication")
            case SSH_AUTH_AGAIN.rawValue:
                throw failure(SSH_AGAIN, "ssh_userauth_publickey", step: step, session: session)
            default:
                throw failure(status, "ssh_userauth_publickey", step: step, session: session)
            }
        }
        throw error(.auth, "\(address) refused \(refused.joined(separator: " and "))")
    }

    /// `gssapi-with-mic` with the run's Kerberos credential (`ssh_userauth_gssapi`), delegating it when configured
    /// (`SSH_OPTIONS_GSSAPI_DELEGATE_CREDENTIALS`), to the service `host/<serverName>`
    /// (`SSH_OPTIONS_GSSAPI_SERVER_IDENTITY`). The service ticket is obtained first, outside libssh, so that a
    /// Kerberos failure has its reason (libssh only logs it and answers "denied").
    private func authenticateWithKerberos(_ session: SSHSession, serverName: String) throws(SSHError) {
        let step = Step.authenticate
        guard let kerberos else {
            throw SSHError(
                kerberos: .noTicket, host: endpoint.host,
                message: "the host uses Kerberos and no keytab or credential cache is configured")
        }
        try checkpoint(step.rawValue)
        let credential = try kerberos.credential(host: endpoint.host)
        gssCredential = credential
        try kerberos.preflight(credential, serverName: serverName, host: endpoint.host)
        try checkpoint(step.rawValue)
        try check(
            session.set(SSH_OPTIONS_GSSAPI_DELEGATE_CREDENTIALS, int32: options.kerberos?.delegate == true ? 1 : 0),
            "ssh_options_set(SSH_OPTIONS_GSSAPI_DELEGATE_CREDENTIALS)", step: step, session: session)
        try check(
            session.set(SSH_OPTIONS_GSSAPI_SERVER_IDENTITY, string: serverName),
            "ssh_options_set(SSH_OPTIONS_GSSAPI_SERVER_IDENTITY)", step: step, session: session)
        ssh_gssapi_set_creds(session.raw, UnsafeMutableRawPointer(credential.raw))
        try bound(session, by: options.connectTimeout, step: step)
        let status = ssh_userauth_gssapi(session.raw)
        switch status {
        case SSH_AUTH_SUCCESS.rawValue:
            return
        case SSH_AUTH_DENIED.rawValue:
            throw error(
                .auth,
                "\(address) refused the Kerberos principal \(kerberos.principalName) (is it allowed to log in as "
                    + "\(endpoint.user)? Otherwise the server could not accept the ticket: its clock, or its keytab for "
                    + "host/\(serverName); its sshd log says which)")
        case SSH_AUTH_PARTIAL.rawValue:
            throw error(.auth, "\(address) accepted Kerberos but requires further authentication")
        case SSH_AUTH_AGAIN.rawValue:
            throw failure(SSH_AGAIN, "ssh_userauth_gssapi", step: step, session: session)
        default:
            throw failure(status, "ssh_userauth_gssapi", step: step, session: session)
        }
    }

    /// Opens a session channel (`ssh_channel_open_session`) and starts the command (`ssh_channel_request_exec`).
    /// No PTY is requested, so stdout and stderr stay separate and the output is not rewritten.
    private func startCommand(_ command: String, on session: SSHSession) throws(SSHError) -> SSHChannel {
        let step = Step.channel
        try checkpoint(step.rawValue)
        guard let channel = SSHChannel(session: session) else {
            throw failure(SSH_ERROR, "ssh_channel_new", step: step, session: session)
        }
        try bound(session, step: step)
        try check(ssh_channel_open_session(channel.raw), "ssh_channel_open_session", step: step, session: session)
        try checkpoint(step.rawValue)
        try bound(session, step: step)
        try check(
            command.withCString { ssh_channel_request_exec(channel.raw, $0) }, "ssh_channel_request_exec",
            step: step, session: session)
        return channel
    }

    /// Writes stdin (`ssh_channel_write`) no faster than the remote window allows, reading output meanwhile so a
    /// command that writes before it has read all its input cannot deadlock us, then sends EOF
    /// (`ssh_channel_send_eof`). A command that exits without reading its input just gets the rest discarded.
    private func write(_ input: [UInt8], to channel: SSHChannel) throws(SSHError) {
        let step = Step.writeInput
        let session = channel.session
        var offset = 0
        while offset < input.count, ssh_channel_is_closed(channel.raw) == 0 {
            try checkpoint(step.rawValue)
            let window = Int(ssh_channel_window_size(channel.raw))
            guard window > 0 else {
                // Reading processes the server's WINDOW_ADJUST as well as its output.
                _ = try readSlice(channel)
                continue
            }
            let length = min(window, Self.writeChunk, input.count - offset)
            try bound(session, step: step)
            let written = input.withUnsafeBytes { bytes -> Int32 in
                guard let base = bytes.baseAddress else { return 0 }
                return ssh_channel_write(channel.raw, base + offset, UInt32(length))
            }
            if written < 0 {
                if session.isConnected, ssh_channel_is_closed(channel.raw) != 0 { break }
                throw failure(written, "ssh_channel_write", step: step, session: session)
            }
            offset += Int(written)
        }
        if ssh_channel_is_closed(channel.raw) == 0 {
            try bound(session, step: step)
            let status = ssh_channel_send_eof(channel.raw)
            if status != SSH_OK, !(session.isConnected && ssh_channel_is_closed(channel.raw) != 0) {
                throw failure(status, "ssh_channel_send_eof", step: step, session: session)
            }
        }
    }

    /// Reads stdout and stderr until the channel reports EOF (`ssh_channel_is_eof`, which is true only once the
    /// remote sent EOF and both buffers are drained). A read that times out is never taken for the end of output.
    private func readOutput(_ channel: SSHChannel) throws(SSHError) {
        while true {
            try checkpoint(Step.readOutput.rawValue)
            if try readSlice(channel) { return }
        }
    }

    /// Waits up to one slice for stdout (`ssh_channel_read_timeout`), then drains stderr without waiting
    /// (`ssh_channel_read_nonblocking`). Returns `true` at the end of output.
    private func readSlice(_ channel: SSHChannel) throws(SSHError) -> Bool {
        let step = Step.readOutput
        let session = channel.session
        let wait = Int32(min(Self.sliceMilliseconds, remainingMilliseconds))
        let count = buffer.withUnsafeMutableBytes { bytes -> Int32 in
            ssh_channel_read_timeout(channel.raw, bytes.baseAddress, UInt32(bytes.count), 0, wait)
        }
        if count > 0 {
            try append(count, to: \.standardOutput)
        } else if count != 0, count != SSH_EOF {
            throw failure(count, "ssh_channel_read_timeout", step: step, session: session)
        }
        while true {
            let errorCount = buffer.withUnsafeMutableBytes { bytes -> Int32 in
                ssh_channel_read_nonblocking(channel.raw, bytes.baseAddress, UInt32(bytes.count), 1)
            }
            if errorCount > 0 {
                try append(errorCount, to: \.standardError)
            } else if errorCount == 0 || errorCount == SSH_EOF {
                break
            } else {
                throw failure(errorCount, "ssh_channel_read_nonblocking", step: step, session: session)
            }
        }
        if ssh_channel_is_eof(channel.raw) != 0 { return true }
        guard session.isConnected else {
            throw failure(SSH_ERROR, "ssh_channel_read_timeout", step: step, session: session)
        }
        // Closed without EOF (CLOSE implies no more data) and nothing left to read.
        return count <= 0 && ssh_channel_is_closed(channel.raw) != 0
    }

    /// Appends `count` bytes from the read buffer to one stream, enforcing the output cap.
    private func append(_ count: Int32, to stream: ReferenceWritableKeyPath<HostRun, [UInt8]>) throws(SSHError) {
        self[keyPath: stream].append(contentsOf: buffer[..<Int(count)])
        let total = standardOutput.count + standardError.count
        if total > options.maxOutputBytes {
            throw error(
                .outputTooLarge,
                "the command's output exceeded the limit of \(options.maxOutputBytes) bytes (stdout and stderr "
                    + "together); the channel was closed")
        }
    }

    /// Waits for the `exit-status` request after EOF, in slices (`ssh_channel_get_exit_status`, which processes
    /// packets until the status arrives, the channel closes, or the session timeout set before it expires).
    /// Returns `nil` when the channel closed without a status (e.g. the command was killed by a signal).
    private func waitForExitStatus(_ channel: SSHChannel) throws(SSHError) -> Int32? {
        let step = Step.exitStatus
        let session = channel.session
        while true {
            if let status = channel.exitStatus { return status }
            guard session.isConnected else {
                throw failure(SSH_ERROR, "ssh_channel_get_exit_status", step: step, session: session)
            }
            if ssh_channel_is_closed(channel.raw) != 0 { return nil }
            try checkpoint(step.rawValue)
            try bound(session, by: .milliseconds(Self.sliceMilliseconds), step: step)
            _ = ssh_channel_get_exit_status(channel.raw)
        }
    }
}

extension String {
    /// The string without leading and trailing whitespace and newlines.
    fileprivate func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
