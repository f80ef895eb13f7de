import EDCATestSupport
import Foundation

/// A simulated Windows host behind a real OpenSSH sshd on loopback: the sshd runs `edca-lab-host` as its
/// ForceCommand, which answers the probe from one of the lab's registry snapshots.
final class SimulatedHost {
    let server: SSHServerFixture
    let directory: TemporaryDirectory

    /// Starts a host answering from `snapshot` (a file under Inventory/lab), with the given shell and faults.
    init(snapshot: String, shell: String = "cmd", faults: [String: Any] = [:]) throws {
        try SSHServerFixture.requireSSHD()
        directory = try TemporaryDirectory()
        let host: [String: Any] = [
            "snapshot": repositoryRoot + "/Inventory/lab/" + snapshot, "shell": shell, "faults": faults,
        ]
        let lab = try JSONSerialization.data(withJSONObject: ["hosts": ["*": host]])
        let labFile = try directory.write("lab.json", String(decoding: lab, as: UTF8.self))
        let labHost = builtProductsDirectory.appendingPathComponent("edca-lab-host").path
        server = try SSHServerFixture(.init(forceCommand: "\(labHost) --lab \(labFile)"))
    }

    deinit {
        server.stop()
    }

    /// `edca-agent probe` arguments that reach this host with its known host key and the client key.
    func probeArguments(_ extra: [String] = []) -> [String] {
        [
            "probe", server.host, "--port", String(server.port), "--user", server.user, "--identity",
            server.clientKeyPath, "--known-hosts", server.knownHostsPath,
        ] + extra
    }
}
