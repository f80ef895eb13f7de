import Foundation
import Synchronization

/// A private OpenSSH `sshd` on 127.0.0.1 for tests, with its own host key, client keys, authorized_keys and config
/// in a temporary directory. The system's sshd and its files are never touched.
///
/// Start one per suite (the transport suites share one through their `.sharedSSHServer` trait) or per test
/// (`try SSHServerFixture()`); it is stopped by `stop()` or, failing that, when released. Runs
/// `/usr/sbin/sshd -D -e -f <config> -E <log>` as a child process and returns once the port accepts connections.
///
/// sshd is started with `posix_spawn`, not Foundation's `Process`: sshd closes every inherited descriptor at startup,
/// which swift-corelibs-foundation takes for the child's exit, so its monitor thread blocks in `waitpid` on the
/// still-running sshd and no other `Process` in the test process is ever reaped again.
package final class SSHServerFixture: Sendable {
    /// How the server is set up beyond the fixed test configuration.
    package struct Configuration: Sendable {
        /// A command sshd runs instead of whatever the client asked for (`ForceCommand`); the client's command is in
        /// `$SSH_ORIGINAL_COMMAND`.
        package var forceCommand: String?
        /// Extra sshd_config lines, appended last.
        package var extraConfig: [String]
        /// More loopback addresses (such as `127.0.0.21`) to listen on, on the same port, so one sshd can stand for
        /// a fleet; the known_hosts file lists the host key for each.
        package var extraAddresses: [String]

        /// Creates a configuration.
        package init(forceCommand: String? = nil, extraConfig: [String] = [], extraAddresses: [String] = []) {
            self.forceCommand = forceCommand
            self.extraConfig = extraConfig
            self.extraAddresses = extraAddresses
        }
    }

    /// The server's address: always `127.0.0.1`.
    package let host = "127.0.0.1"
    /// The port sshd listens on.
    package let port: Int
    /// The account to log in as: the user running the tests.
    package let user: String
    /// The server's host key fingerprint, as `ssh-keygen -l` prints it (`SHA256:...`).
    package let hostKeyFingerprint: String
    /// The server's `known_hosts` line, `[127.0.0.1]:PORT ssh-ed25519 AAAA...`.
    package let knownHostsLine: String
    /// A known_hosts file that holds `knownHostsLine`.
    package let knownHostsPath: String
    /// An empty known_hosts file.
    package let emptyKnownHostsPath: String
    /// An unencrypted ed25519 client key listed in authorized_keys.
    package let clientKeyPath: String
    /// A passphrase-protected ed25519 client key listed in authorized_keys.
    package let encryptedClientKeyPath: String
    /// A file holding the encrypted key's passphrase and a trailing newline.
    package let passphraseFilePath: String
    /// A file holding a wrong passphrase for the encrypted key.
    package let wrongPassphraseFilePath: String
    /// An ed25519 client key that is not in authorized_keys.
    package let unauthorizedClientKeyPath: String
    /// The temporary directory holding every file of this server; removed by `stop()`.
    package let directory: String
    /// sshd's log (`LogLevel VERBOSE`).
    package let logPath: String

    private let daemon: ChildProcess

    /// The encrypted client key's passphrase.
    package static let passphrase = "correct horse battery staple"

    /// Fails with a clear message when OpenSSH's sshd or ssh-keygen is not installed.
    ///
    /// Never skips: a transport suite that silently ran nothing would look green in CI.
    package static func requireSSHD() throws {
        for tool in ["/usr/sbin/sshd", "/usr/bin/ssh-keygen"] where !FileManager.default.isExecutableFile(atPath: tool)
        {
            throw SSHServerFixtureError(
                "\(tool) is missing: install openssh-server and openssh-client (apt-get install -y openssh-server) "
                    + "to run the SSH transport tests")
        }
    }

    /// Creates keys and config in a new temporary directory, starts sshd on a free port, and waits (at most 10 s)
    /// until it accepts TCP connections.
    package init(_ configuration: Configuration = Configuration()) throws {
        try Self.requireSSHD()
        let directory = try Self.makeTemporaryDirectory()
        self.directory = directory
        do {
            user = try Self.currentUserName()
            let hostKey = directory + "/ssh_host_ed25519_key"
            try Self.generateKey(at: hostKey, passphrase: "", comment: "edca-test-host")
            hostKeyFingerprint = try Self.fingerprint(ofPublicKey: hostKey + ".pub")
            clientKeyPath = directory + "/client_ed25519"
            try Self.generateKey(at: clientKeyPath, passphrase: "", comment: "edca-test-client")
            encryptedClientKeyPath = directory + "/client_ed25519_encrypted"
            try Self.generateKey(
                at: encryptedClientKeyPath, passphrase: Self.passphrase, comment: "edca-test-encrypted")
            unauthorizedClientKeyPath = directory + "/client_ed25519_unauthorized"
            try Self.generateKey(at: unauthorizedClientKeyPath, passphrase: "", comment: "edca-test-unauthorized")
            passphraseFilePath = try Self.write(directory + "/passphrase", Self.passphrase + "\n")
            wrongPassphraseFilePath = try Self.write(directory + "/wrong-passphrase", "not the passphrase\n")
            let authorized = try Self.read(clientKeyPath + ".pub") + Self.read(encryptedClientKeyPath + ".pub")
            let authorizedKeys = try Self.write(directory + "/authorized_keys", authorized)
            emptyKnownHostsPath = try Self.write(directory + "/known_hosts_empty", "")
            logPath = directory + "/sshd.log"
            try Self.ensurePrivilegeSeparationDirectory()

            var lastFailure = ""
            var started: (port: Int, daemon: ChildProcess)?
            for _ in 0..<3 where started == nil {
                let port = try Self.freePort()
                let config = Self.config(
                    port: port, directory: directory, hostKey: hostKey, authorizedKeys: authorizedKeys,
                    configuration: configuration)
                let configPath = try Self.write(directory + "/sshd_config", config)
                let daemon = try ChildProcess(
                    "/usr/sbin/sshd", ["-D", "-e", "-f", configPath, "-E", logPath], output: logPath)
                if Self.waitForListener(port: port, daemon: daemon, timeout: .seconds(10)) {
                    started = (port, daemon)
                } else {
                    daemon.stop()
                    lastFailure = (try? Self.read(logPath)) ?? ""
                }
            }
            guard let started else {
                throw SSHServerFixtureError("sshd did not start listening within 10 s; its log:\n\(lastFailure)")
            }
            port = started.port
            daemon = started.daemon
            let publicKey = try Self.read(hostKey + ".pub").split(separator: " ").prefix(2).joined(separator: " ")
            let names = ([host] + configuration.extraAddresses).map { "[\($0)]:\(started.port)" }
            knownHostsLine = names.joined(separator: ",") + " \(publicKey)"
            knownHostsPath = try Self.write(directory + "/known_hosts", knownHostsLine + "\n")
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    deinit {
        stop()
    }

    /// Stops sshd (SIGTERM, then waits for it to exit; SIGKILL after 5 s) and removes the temporary directory.
    /// Idempotent.
    package func stop() {
        daemon.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Whether sshd is still running.
    package var isRunning: Bool { daemon.isRunning }

    /// sshd's log so far, for failure messages.
    package func log() -> String {
        (try? Self.read(logPath)) ?? ""
    }

    /// Writes a known_hosts file that holds a different ed25519 key for this server's `[127.0.0.1]:PORT`, as if
    /// the server's key had changed (or an attacker answered), and returns its path.
    package func otherHostKeyKnownHostsPath() throws -> String {
        let other = directory + "/other_host_key_\(UUID().uuidString)"
        try Self.generateKey(at: other, passphrase: "", comment: "edca-test-other-host")
        let publicKey = try Self.read(other + ".pub").split(separator: " ").prefix(2).joined(separator: " ")
        return try Self.write(other + ".known_hosts", "[\(host)]:\(port) \(publicKey)\n")
    }

    // MARK: - Setup helpers

    private static func config(
        port: Int, directory: String, hostKey: String, authorizedKeys: String, configuration: Configuration
    ) -> String {
        var lines = [
            "ListenAddress 127.0.0.1:\(port)",
            "HostKey \(hostKey)",
            "PidFile \(directory)/sshd.pid",
            "AuthorizedKeysFile \(authorizedKeys)",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "UsePAM no",
            "StrictModes no",
            "PermitRootLogin prohibit-password",
            "MaxStartups 200:30:400",
            // Debian's bash sources ~/.bashrc for commands run by sshd unless SHLVL is already set.
            "SetEnv SHLVL=1",
            "PrintMotd no",
            "UseDNS no",
            "LogLevel VERBOSE",
        ]
        if let forceCommand = configuration.forceCommand {
            lines.append("ForceCommand \(forceCommand)")
        }
        lines += configuration.extraAddresses.map { "ListenAddress \($0):\(port)" }
        lines += configuration.extraConfig
        return lines.joined(separator: "\n") + "\n"
    }

    /// Polls until `port` accepts a TCP connection, the process exits, or `timeout` passes.
    private static func waitForListener(port: Int, daemon: ChildProcess, timeout: Duration) -> Bool {
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: timeout)
        while clock.now < end {
            if canConnect(port: port) { return true }
            if !daemon.isRunning { return false }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }

    /// Whether a TCP connection to 127.0.0.1:`port` succeeds.
    package static func canConnect(port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = loopback(port: port)
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return status == 0
    }

    /// A port on 127.0.0.1 that nothing listens on right now (bound to port 0, read back, closed).
    package static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw SSHServerFixtureError("socket() failed: errno \(errno)") }
        defer { close(descriptor) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else { throw SSHServerFixtureError("cannot bind a free port on 127.0.0.1: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }

    private static func generateKey(at path: String, passphrase: String, comment: String) throws {
        _ = try run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", passphrase, "-C", comment, "-f", path])
    }

    private static func fingerprint(ofPublicKey path: String) throws -> String {
        // "256 SHA256:abc... comment (ED25519)"
        let output = try run("/usr/bin/ssh-keygen", ["-l", "-E", "sha256", "-f", path])
        guard let field = output.split(separator: " ").dropFirst().first, field.hasPrefix("SHA256:") else {
            throw SSHServerFixtureError("unexpected ssh-keygen -l output: \(output)")
        }
        return String(field)
    }

    /// Runs a tool to completion and returns its stdout; throws with its stderr if it fails.
    private static func run(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw SSHServerFixtureError(
                "\(tool) \(arguments.first ?? "") failed (\(process.terminationStatus)): "
                    + String(decoding: errorData, as: UTF8.self))
        }
        return String(decoding: outputData, as: UTF8.self)
    }

    private static func makeTemporaryDirectory() throws -> String {
        var template = Array((NSTemporaryDirectory() + "/edca-sshd-XXXXXX").utf8CString)
        guard let created = mkdtemp(&template) else {
            throw SSHServerFixtureError("mkdtemp failed: errno \(errno)")
        }
        return String(cString: created)
    }

    private static func currentUserName() throws -> String {
        guard let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name else {
            throw SSHServerFixtureError("cannot find the current user's name (getpwuid)")
        }
        return String(cString: name)
    }

    /// sshd refuses to start without its privilege separation directory, which Debian creates only at boot.
    private static func ensurePrivilegeSeparationDirectory() throws {
        let path = "/run/sshd"
        guard !FileManager.default.fileExists(atPath: path) else { return }
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        } catch {
            throw SSHServerFixtureError("sshd needs \(path) and it cannot be created (run as root, or create it)")
        }
    }

    @discardableResult
    private static func write(_ path: String, _ text: String) throws -> String {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    private static func read(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }
}

/// Why the test sshd could not be set up.
package struct SSHServerFixtureError: Error, CustomStringConvertible {
    /// What went wrong, in one sentence.
    package var description: String

    /// Creates an error.
    package init(_ description: String) {
        self.description = description
    }
}
