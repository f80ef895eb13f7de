package import EDCACore
import Foundation

/// How the agent logs on to a host (`auth` in the inventory).
package enum HostAuthentication: String, Sendable, Hashable {
    /// The private key (or ssh-agent): the default, enough for registry-only scans.
    case key
    /// Kerberos (GSSAPI) with the agent's keytab or credential cache, delegating the ticket so that the session has
    /// network credentials (Exchange cmdlets that read Active Directory need them).
    case kerberos
}

/// One Exchange server of the inventory, with every setting merged from the defaults, its group and itself.
package struct InventoryHost: Sendable, Hashable {
    /// The host's name, unique in the inventory (compared case-insensitively).
    package var name: String
    /// The DNS name or IP literal to connect to (the name when not given).
    package var address: String
    /// The SSH port, 1 to 65535 (22 when not given).
    package var port: Int
    /// The SSH user name.
    package var user: String
    /// The private key file as written in the inventory (relative paths resolve against the current directory),
    /// or `nil` to authenticate with ssh-agent (`identity: agent`) or with Kerberos.
    package var identityFile: String?
    /// Key (default) or Kerberos.
    package var authentication: HostAuthentication = .key
    /// The name in the server's Kerberos service principal `host/<name>`, when it is not `address`.
    package var kerberosName: String?
    /// The Exchange role to assume, or `nil` to let the probe detect it (`auto`).
    package var role: ExchangeRole?
    /// The pinned host-key fingerprint (`SHA256:` and base64), or `nil` to rely on known_hosts.
    package var fingerprint: String?
    /// The tags from the defaults, the group and the host, without duplicates (compared case-insensitively).
    package var tags: [String]
    /// Whether scans include this host.
    package var enabled: Bool
    /// The group the host is declared in, or `nil` for the top-level `hosts` list.
    package var group: String?
    /// The Exchange organization the host belongs to (``defaultOrganization`` when the inventory names none):
    /// organization controls are evaluated once per organization per scan.
    package var organization: String = defaultOrganization

    /// The organization of hosts whose inventory names none: an inventory that describes one organization
    /// needs no `organization` key.
    package static let defaultOrganization = "default"

    /// Creates a host.
    package init(
        name: String, address: String, port: Int, user: String, identityFile: String?, role: ExchangeRole?,
        fingerprint: String?, tags: [String], enabled: Bool, group: String?
    ) {
        self.name = name
        self.address = address
        self.port = port
        self.user = user
        self.identityFile = identityFile
        self.role = role
        self.fingerprint = fingerprint
        self.tags = tags
        self.enabled = enabled
        self.group = group
    }
}

/// The validated hosts of an inventory file, in the order the file declares them.
package struct Inventory: Sendable {
    /// Every host, enabled or not.
    package var hosts: [InventoryHost]

    /// Creates an inventory from hosts that are already valid.
    package init(hosts: [InventoryHost]) {
        self.hosts = hosts
    }

    /// The largest inventory file accepted: a 10,000-host inventory is about 2 MiB.
    package static let fileSizeLimit = 16 * 1_048_576

    /// Reads and validates an inventory file; every problem is reported in one error.
    package static func load(path: String) throws(InventoryError) -> Inventory {
        let data: Data
        do {
            // At most one byte past the limit is read, so a runaway file is refused without loading it.
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            data = try handle.read(upToCount: fileSizeLimit + 1) ?? Data()
        } catch {
            throw InventoryError(
                problems: [
                    InventoryProblem(
                        file: path, line: 0, column: 0, field: "file",
                        message: "cannot read the inventory: \(error.localizedDescription)")
                ],
                isUnreadable: true)
        }
        guard data.count <= fileSizeLimit else {
            throw InventoryError(problems: [
                InventoryProblem(
                    file: path, line: 0, column: 0, field: "file",
                    message: "larger than \(fileSizeLimit / 1_048_576) MiB, which no inventory file should be")
            ])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw InventoryError(
                problems: [
                    InventoryProblem(
                        file: path, line: 0, column: 0, field: "file", message: "the inventory is not UTF-8 text")
                ],
                isUnreadable: true)
        }
        return try parse(yaml: text, file: path)
    }

    /// Parses and validates inventory YAML; `file` names the source in problems.
    package static func parse(yaml: String, file: String) throws(InventoryError) -> Inventory {
        var parser = InventoryParser(file: file)
        let hosts = parser.parse(yaml: yaml)
        guard parser.problems.isEmpty else {
            throw InventoryError(problems: parser.problems)
        }
        return Inventory(hosts: hosts)
    }

    /// The enabled hosts named in `names` (case-insensitively) and carrying any of `tags` (case-insensitively);
    /// an empty list does not filter. Both filters apply when both are given.
    package func selecting(hosts names: [String], tags: [String]) -> [InventoryHost] {
        let wantedNames = Set(names.map { $0.lowercased() })
        let wantedTags = Set(tags.map { $0.lowercased() })
        return hosts.filter { host in
            guard host.enabled else { return false }
            if !wantedNames.isEmpty, !wantedNames.contains(host.name.lowercased()) { return false }
            if !wantedTags.isEmpty, !host.tags.contains(where: { wantedTags.contains($0.lowercased()) }) {
                return false
            }
            return true
        }
    }

    /// The names in `names` that match no host of the inventory (case-insensitively), in the order given.
    package func unknownHostNames(_ names: [String]) -> [String] {
        let known = Set(hosts.map { $0.name.lowercased() })
        return names.filter { !known.contains($0.lowercased()) }
    }

    /// The enabled hosts of shard `index` (from 0) out of `count`; empty when `index` is not in `0..<count`.
    package func shard(_ index: Int, of count: Int) -> [InventoryHost] {
        Inventory.shard(hosts.filter(\.enabled), index: index, of: count)
    }

    /// The hosts of `hosts` whose stable shard (see `shardIndex(ofHostNamed:count:)`) is `index` out of `count`.
    package static func shard(_ hosts: [InventoryHost], index: Int, of count: Int) -> [InventoryHost] {
        guard count > 0, (0..<count).contains(index) else { return [] }
        return hosts.filter { shardIndex(ofHostNamed: $0.name, count: count) == index }
    }

    /// The shard, in `0..<count`, of a host: FNV-1a 64 of the lowercased name's UTF-8 bytes, modulo `count`.
    /// It is the same on every machine and every run, so agents split a fleet without coordinating.
    package static func shardIndex(ofHostNamed name: String, count: Int) -> Int {
        precondition(count > 0, "the shard count must be positive")
        return Int(fnv1a64(name.lowercased()) % UInt64(count))
    }

    /// The 64-bit FNV-1a hash of a string's UTF-8 bytes.
    package static func fnv1a64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
