import Foundation

/// Simulated Windows hosts behind real OpenSSH sshds on loopback addresses: the sshds' forced command is
/// `edca-lab-host`, answering each address from its own copy of a registry snapshot (which a test may replace).
///
/// sshd listens on at most 16 sockets, so every 12 hosts get an sshd of their own; all accept the first one's
/// client keys (plain and passphrase-protected), and one known_hosts file lists every host.
package final class SimulatedFleet {
    /// One simulated host.
    package struct Host {
        /// A snapshot file under `Inventory/lab/`.
        package var snapshot: String
        /// The server's OpenSSH DefaultShell: `cmd` or `powershell`.
        package var shell = "cmd"
        /// edca-lab-host faults (`docs/lab-host.md`).
        package var faults: [String: Any] = [:]

        /// Creates a host.
        package init(snapshot: String, shell: String = "cmd", faults: [String: Any] = [:]) {
            self.snapshot = snapshot
            self.shell = shell
            self.faults = faults
        }
    }

    private static let hostsPerServer = 12

    /// The fleet's private directory: lab file, snapshot copies, inventories, spool and state.
    package let directory: TemporaryDirectory
    /// The hosts' addresses, in order.
    package let addresses: [String]
    /// The sshds.
    package let servers: [SSHServerFixture]
    /// A known_hosts file listing every host.
    package let knownHostsPath: String

    /// Starts the fleet on 127.0.0.`firstAddress`, 127.0.0.`firstAddress + 1`, ...
    /// - Parameter extraConfig: sshd_config lines appended to every server's configuration (such as a `Match
    ///   LocalAddress` block that treats one host differently).
    package init(_ hosts: [Host], firstAddress: Int, extraConfig: [String] = []) throws {
        try SSHServerFixture.requireSSHD()
        let directory = try TemporaryDirectory()
        let addresses = hosts.indices.map { "127.0.0.\(firstAddress + $0)" }
        var lab: [String: Any] = [:]
        for (index, host) in hosts.enumerated() {
            let copy = directory.path + "/host\(index).json"
            try FileManager.default.copyItem(atPath: repositoryRoot + "/Inventory/lab/" + host.snapshot, toPath: copy)
            lab[addresses[index]] = ["snapshot": copy, "shell": host.shell, "faults": host.faults]
        }
        let labFile = directory.path + "/lab.json"
        try JSONSerialization.data(withJSONObject: ["hosts": lab, "stageKeyLog": "stage-keys.ndjson"]).write(
            to: URL(fileURLWithPath: labFile))
        let command = builtProductsDirectory.appendingPathComponent("edca-lab-host").path + " --lab " + labFile
        var servers: [SSHServerFixture] = []
        for first in stride(from: 0, to: addresses.count, by: Self.hostsPerServer) {
            let group = Array(addresses[first..<min(first + Self.hostsPerServer, addresses.count)])
            servers.append(
                try SSHServerFixture(.init(forceCommand: command, extraConfig: extraConfig, extraAddresses: group)))
        }
        guard let first = servers.first else { throw SSHServerFixtureError("a fleet needs at least one host") }
        let clientKey =
            try String(contentsOfFile: first.clientKeyPath + ".pub", encoding: .utf8)
            + String(contentsOfFile: first.encryptedClientKeyPath + ".pub", encoding: .utf8)
        for server in servers.dropFirst() {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: server.directory + "/authorized_keys"))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(clientKey.utf8))
            try handle.close()
        }
        knownHostsPath = try directory.write("known_hosts", servers.map { $0.knownHostsLine + "\n" }.joined())
        self.directory = directory
        self.addresses = addresses
        self.servers = servers
    }

    deinit {
        for server in servers { server.stop() }
    }

    /// The private key every host accepts.
    package var clientKeyPath: String { servers[0].clientKeyPath }
    /// The passphrase-protected private key every host accepts (passphrase: `SSHServerFixture.passphrase`).
    package var encryptedClientKeyPath: String { servers[0].encryptedClientKeyPath }
    /// The user to log in as.
    package var user: String { servers[0].user }
    /// The port host `index` listens on.
    package func port(ofHost index: Int) -> Int { servers[index / Self.hostsPerServer].port }
    /// The snapshot file host `index` answers from; replace it to change what the host reports.
    /// A directory in the fleet's folder holding copies of these shipped controls only, for tests whose
    /// expectations are about one control rather than the whole catalog.
    package func controlsDirectory(with ids: [String]) throws -> String {
        let path = directory.path + "/controls"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for id in ids {
            try FileManager.default.copyItem(
                atPath: repositoryRoot + "/Controls/\(id).json", toPath: path + "/\(id).json")
        }
        return path
    }

    package func snapshotPath(ofHost index: Int) -> String { directory.path + "/host\(index).json" }

    /// Sets `property` of every row of the Exchange stage key `key` in host `index`'s snapshot copy.
    package func setExchangeProperty(host index: Int, _ key: String, _ property: String, _ value: Any) throws {
        let path = snapshotPath(ofHost: index)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard var snapshot = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            var exchange = snapshot["exchange"] as? [String: Any],
            var facts = exchange["facts"] as? [String: Any],
            var fact = facts[key] as? [String: Any],
            let rows = fact["rows"] as? [[String: Any]]
        else { throw SSHServerFixtureError("host \(index)'s snapshot has no rows of the Exchange key \(key)") }
        fact["rows"] = rows.map { row in
            var changed = row
            changed[property] = value
            return changed
        }
        facts[key] = fact
        exchange["facts"] = facts
        snapshot["exchange"] = exchange
        try JSONSerialization.data(withJSONObject: snapshot).write(to: URL(fileURLWithPath: path))
    }

    /// One probe run as the hosts' `edca-lab-host` logged it on the server side (`stageKeyLog`,
    /// `docs/lab-host.md`).
    package struct ProbeRun: Sendable, Hashable {
        /// The address the run was served on (the host's, in this fleet).
        package var address: String
        /// The Exchange stage keys it was asked for.
        package var exchangeKeys: [String]
        /// Those of them whose scope is `Organization`.
        package var organizationKeys: [String]
    }

    /// Every probe run the hosts answered so far (runs stopped before their reads are not logged).
    package func probeRuns() throws -> [ProbeRun] {
        let path = directory.path + "/stage-keys.ndjson"
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        return try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            let server = object["server"] as? String ?? ""
            return ProbeRun(
                address: String(server.split(separator: ":").first ?? ""),
                exchangeKeys: object["exchangeKeys"] as? [String] ?? [],
                organizationKeys: object["organizationKeys"] as? [String] ?? [])
        }
    }

    /// Writes an inventory naming hosts `indices` `host<index>`, followed by `extraHosts` (YAML list entries), and
    /// returns its path.
    @discardableResult
    package func writeInventory(
        _ name: String, hosts indices: [Int]? = nil, extraHosts: String = ""
    ) throws -> String {
        var inventory = "defaults:\n  user: \(user)\n  identity: \(clientKeyPath)\nhosts:\n"
        for index in indices ?? Array(addresses.indices) {
            inventory += "  - name: host\(index)\n    address: \(addresses[index])\n    port: \(port(ofHost: index))\n"
        }
        return try directory.write(name, inventory + extraHosts)
    }
}
