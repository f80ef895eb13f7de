import Foundation

/// A private OpenSSH `sshd` on 127.0.0.1 that accepts Kerberos (`gssapi-with-mic`, with `host/localhost` from a
/// keytab of `realm`) and a client key, and whose forced command first records what the session received — the
/// delegated credential cache (`$KRB5CCNAME`) and `klist`'s view of it — and then runs `forcedCommand`.
///
/// `GSSAPIStrictAcceptorCheck no` lets sshd accept a ticket for any service principal in its keytab, since the test
/// connects to 127.0.0.1 while the principal is `host/localhost`; the client names that principal itself.
package final class KerberizedSSHServer: Sendable {
    /// Always `127.0.0.1`.
    package let host = "127.0.0.1"
    /// The port sshd listens on.
    package let port: Int
    /// The account to log in as: the user running the tests.
    package let user: String
    /// A known_hosts file holding the server's key.
    package let knownHostsPath: String
    /// An unencrypted ed25519 client key listed in authorized_keys.
    package let clientKeyPath: String
    /// sshd's log.
    package let logPath: String
    /// Where the forced command writes one `session-PID.txt` report per session.
    package let reportDirectory: String
    private let directory: String
    private let daemon: ChildProcess

    /// Starts sshd with a keytab for `host/localhost` written from `realm`, running `forcedCommand` (a shell command
    /// line) after the report.
    package init(realm: KerberosRealm, forcedCommand: String) throws {
        try SSHServerFixture.requireSSHD()
        var template = Array((NSTemporaryDirectory() + "/edca-gssd-XXXXXX").utf8CString)
        guard let created = mkdtemp(&template) else { throw SSHServerFixtureError("mkdtemp failed: errno \(errno)") }
        directory = String(cString: created)
        do {
            guard let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name else {
                throw SSHServerFixtureError("cannot find the current user's name (getpwuid)")
            }
            user = String(cString: name)
            reportDirectory = directory + "/reports"
            try FileManager.default.createDirectory(atPath: reportDirectory, withIntermediateDirectories: false)
            let keytab = try realm.writeKeytab(
                "host/\(KerberosRealm.serverName)", name: "sshd-\(UUID().uuidString).keytab")
            let hostKey = directory + "/ssh_host_ed25519_key"
            clientKeyPath = directory + "/client_ed25519"
            try realm.runTool("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", hostKey])
            try realm.runTool("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", clientKeyPath])
            let authorizedKeys = directory + "/authorized_keys"
            try FileManager.default.copyItem(atPath: clientKeyPath + ".pub", toPath: authorizedKeys)
            let script = directory + "/session-report"
            try Data(
                """
                #!/bin/sh
                # Records what this session received from the client, then runs the real forced command.
                {
                  echo "KRB5CCNAME=${KRB5CCNAME:-}"
                  cache=${KRB5CCNAME#FILE:}
                  if [ -n "${KRB5CCNAME:-}" ] && [ -f "$cache" ]; then echo "cache-file: present"; fi
                  if [ -n "${KRB5CCNAME:-}" ]; then klist -f; fi
                } > \(reportDirectory)/session-$$.txt 2>&1
                exec \(forcedCommand)

                """.utf8
            ).write(to: URL(fileURLWithPath: script))
            chmod(script, 0o755)
            logPath = directory + "/sshd.log"
            port = try SSHServerFixture.freePort()
            let config =
                [
                    "ListenAddress 127.0.0.1:\(port)",
                    "HostKey \(hostKey)",
                    "PidFile \(directory)/sshd.pid",
                    "AuthorizedKeysFile \(authorizedKeys)",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "PubkeyAuthentication yes",
                    "GSSAPIAuthentication yes",
                    "GSSAPICleanupCredentials yes",
                    "GSSAPIStrictAcceptorCheck no",
                    "UsePAM no",
                    "StrictModes no",
                    "PermitRootLogin yes",
                    "SetEnv SHLVL=1",
                    "PrintMotd no",
                    "UseDNS no",
                    "LogLevel VERBOSE",
                    "ForceCommand \(script)",
                ].joined(separator: "\n") + "\n"
            let configPath = directory + "/sshd_config"
            try Data(config.utf8).write(to: URL(fileURLWithPath: configPath))
            daemon = try ChildProcess(
                "/usr/bin/env",
                [
                    "KRB5_CONFIG=\(realm.configPath)", "KRB5_KTNAME=FILE:\(keytab)", "/usr/sbin/sshd", "-D", "-e", "-f",
                    configPath, "-E", logPath,
                ],
                output: logPath)
            let clock = ContinuousClock()
            let end = clock.now.advanced(by: .seconds(10))
            while !SSHServerFixture.canConnect(port: port) {
                guard clock.now < end, daemon.isRunning else {
                    daemon.stop()
                    throw SSHServerFixtureError(
                        "sshd did not start: \((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "")")
                }
                Thread.sleep(forTimeInterval: 0.02)
            }
            // Let sshd log the readiness probe's connection now, so that tests counting connections start from it.
            while !((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").contains("Connection from"),
                clock.now < end
            {
                Thread.sleep(forTimeInterval: 0.02)
            }
            let publicKey = try String(contentsOfFile: hostKey + ".pub", encoding: .utf8).split(separator: " ")
                .prefix(2).joined(separator: " ")
            knownHostsPath = directory + "/known_hosts"
            try Data("[\(host)]:\(port) \(publicKey)\n".utf8).write(to: URL(fileURLWithPath: knownHostsPath))
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    deinit {
        stop()
    }

    /// Stops sshd and removes its directory. Idempotent.
    package func stop() {
        daemon.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// sshd's log so far.
    package func log() -> String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    /// The reports of every session so far, in no particular order.
    package func sessionReports() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: reportDirectory)) ?? []
        return names.sorted().compactMap { try? String(contentsOfFile: reportDirectory + "/" + $0, encoding: .utf8) }
    }
}
