import EDCATestSupport
import Foundation
import Testing

/// Scans and probes with a passphrase-protected key, at debug log level, including runs that fail (wrong passphrase,
/// changed host key, refused user): neither the private key (its file, its base64 body, or the decrypted key's), nor
/// the passphrase, nor the known_hosts file's contents appear in anything the agent prints or writes; and the spool
/// and state files have their documented modes.
@Suite("Secrets never leak; spool and state modes", .serialized)
struct SecretsTests {
    @Test("No key material, passphrase or known_hosts content in output, logs, errors, spool or state")
    func noSecretLeaks() throws {
        let fleet = try SimulatedFleet(
            [
                .init(snapshot: "mbx01.json"),
                .init(snapshot: "mbx02.json", shell: "powershell", faults: ["clixml": true]),
            ],
            firstAddress: 111)
        let directory = fleet.directory
        let passphraseFile = try directory.write("passphrase", SSHServerFixture.passphrase + "\n")
        let wrongPassphraseFile = try directory.write("wrong-passphrase", "not the passphrase\n")
        let refusedUser =
            "  - name: refused\n    address: \(fleet.addresses[0])\n    port: \(fleet.port(ofHost: 0))\n"
            + "    user: no-such-user\n"
        let inventory = try fleet.writeInventory("inventory.yaml", extraHosts: refusedUser)
        let changedKnownHosts = try directory.write(
            "known_hosts-changed",
            try String(contentsOfFile: fleet.servers[0].otherHostKeyKnownHostsPath(), encoding: .utf8)
                .replacingOccurrences(of: "[127.0.0.1]", with: "[\(fleet.addresses[1])]"))
        let spool = directory.path + "/spool"
        let state = directory.path + "/state"
        func scan(knownHosts: String, passphrase: String) -> [String] {
            [
                "scan", "--inventory", inventory, "--identity", fleet.encryptedClientKeyPath, "--passphrase-file",
                passphrase, "--known-hosts", knownHosts, "--spool", spool, "--state", state, "--timeout", "5",
                "--retries", "0", "--log-level", "debug",
            ]
        }
        func probe(_ host: Int, passphrase: String) -> [String] {
            [
                "probe", fleet.addresses[host], "--port", String(fleet.port(ofHost: host)), "--user", fleet.user,
                "--identity", fleet.encryptedClientKeyPath, "--passphrase-file", passphrase, "--known-hosts",
                fleet.knownHostsPath, "--format", "json",
            ]
        }

        let runs = [
            ("scan", try runAgent(scan(knownHosts: fleet.knownHostsPath, passphrase: passphraseFile))),
            ("scan, changed host key", try runAgent(scan(knownHosts: changedKnownHosts, passphrase: passphraseFile))),
            (
                "scan, wrong passphrase",
                try runAgent(scan(knownHosts: fleet.knownHostsPath, passphrase: wrongPassphraseFile))
            ),
            ("probe", try runAgent(probe(1, passphrase: passphraseFile))),
            ("probe, wrong passphrase", try runAgent(probe(1, passphrase: wrongPassphraseFile))),
        ]
        #expect(runs.map(\.1.status) == [4, 4, 66, 1, 66], "\(runs.map { "\($0.0): \($0.1.standardError)" })")
        #expect(runs[0].1.standardError.contains("debug"), "no debug-level entry was captured")
        #expect(runs[1].1.standardError.contains("hostkey-changed"))

        var outputs: [(String, String)] = runs.flatMap { name, run in
            [("\(name) stdout", run.standardOutput), ("\(name) stderr", run.standardError)]
        }
        for root in [spool, state] {
            for file in try filesBelow(root) {
                outputs.append(
                    (file, String(decoding: try Data(contentsOf: URL(fileURLWithPath: file)), as: UTF8.self)))
            }
        }
        #expect(outputs.count > 12, "the spool and state hold files")

        let secrets = try secretTexts(fleet: fleet, knownHostsFiles: [fleet.knownHostsPath, changedKnownHosts])
        for (name, text) in outputs {
            for (what, secret) in secrets where text.contains(secret) {
                Issue.record("\(what) leaked into \(name)")
            }
        }

        #expect(try mode(spool) == 0o750)
        #expect(try mode(state) == 0o750)
        for file in try filesBelow(spool) { #expect(try mode(file) == 0o640, "\(file)") }
        let stateFiles = try filesBelow(state)
        #expect(Set(stateFiles.map { ($0 as NSString).lastPathComponent }) == ["drift-state.json", "scan.lock"])
        for file in stateFiles { #expect(try mode(file) == 0o640, "\(file)") }
    }

    /// Everything that must never be printed or written, each with a name for the failure message: the passphrase,
    /// the encrypted key file and each line of its base64 body, the decrypted key's body lines, and every known_hosts
    /// line and key.
    private func secretTexts(fleet: SimulatedFleet, knownHostsFiles: [String]) throws -> [(String, String)] {
        var secrets = [("the passphrase", SSHServerFixture.passphrase)]
        let keyFile = try String(contentsOfFile: fleet.encryptedClientKeyPath, encoding: .utf8)
        secrets.append(("the private key file", keyFile))
        secrets += bodyLines(keyFile).map { ("a line of the private key file", $0) }
        // The key as the agent holds it in memory once decrypted: decrypt a copy with ssh-keygen.
        let decrypted = fleet.directory.path + "/decrypted-copy"
        try FileManager.default.copyItem(atPath: fleet.encryptedClientKeyPath, toPath: decrypted)
        let keygen = Process()
        keygen.executableURL = URL(fileURLWithPath: "/usr/bin/ssh-keygen")
        keygen.arguments = ["-q", "-p", "-P", SSHServerFixture.passphrase, "-N", "", "-f", decrypted]
        keygen.standardOutput = FileHandle.nullDevice
        keygen.standardError = FileHandle.nullDevice
        try keygen.run()
        keygen.waitUntilExit()
        try #require(keygen.terminationStatus == 0, "ssh-keygen could not decrypt a copy of the key")
        let plain = bodyLines(try String(contentsOfFile: decrypted, encoding: .utf8))
        try #require(!plain.isEmpty)
        secrets += plain.map { ("a line of the decrypted private key", $0) }
        for file in knownHostsFiles {
            for line in try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n") {
                secrets.append(("a known_hosts line", String(line)))
                if let key = line.split(separator: " ").last { secrets.append(("a known_hosts key", String(key))) }
            }
        }
        return secrets
    }

    /// The base64 lines between a PEM-style key's BEGIN and END lines.
    private func bodyLines(_ key: String) -> [String] {
        key.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("-----") && $0.count >= 16 }
    }

    /// Every regular file below `root`.
    private func filesBelow(_ root: String) throws -> [String] {
        try FileManager.default.subpathsOfDirectory(atPath: root).map { root + "/" + $0 }.filter {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: $0, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
    }

    /// The permission bits of a file or directory.
    private func mode(_ path: String) throws -> Int {
        var status = stat()
        try #require(stat(path, &status) == 0, "cannot stat \(path)")
        return Int(status.st_mode & 0o7777)
    }
}
