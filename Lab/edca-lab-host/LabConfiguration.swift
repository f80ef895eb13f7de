import EDCACore
import EDCAJSON

/// A lab file: which simulated Windows host answers on which server address, from which registry snapshot, under
/// which DefaultShell, with which faults.
///
/// ```json
/// {"hosts": {"127.0.0.5": {"snapshot": "mbx01.json"}, "127.0.0.1:2222": {...}, "*": {...}}}
/// ```
///
/// Every field is checked and unknown fields are errors, so a typo cannot silently switch a fault off.
struct LabConfiguration {
    /// One simulated host.
    struct Host {
        /// The `hosts` member that selected it: `IP:PORT`, `IP` or `*`.
        let selector: String
        /// The registry snapshot file, resolved against the lab file's directory.
        let snapshotPath: String
        /// The server's OpenSSH DefaultShell.
        let shell: DefaultShell
        /// The host's name, for the reader of the lab file.
        let computerName: String?
        /// The faults switched on.
        let faults: Faults

        /// The host's registry: its snapshot, with the `deniedKeys` fault's keys made unreadable.
        ///
        /// - Throws: A lab ``Refusal`` for an unreadable or malformed snapshot.
        func loadSnapshot() throws(Refusal) -> HostSnapshot {
            let bytes = try HostIO.readFile(snapshotPath)
            var snapshot: HostSnapshot
            do {
                snapshot = try HostSnapshot(json: bytes)
            } catch {
                throw Refusal.lab("\(snapshotPath): \(error.problems.map(\.description).joined(separator: "; "))")
            }
            for key in faults.deniedKeys { snapshot.registry.setDenied(key) }
            for cimClass in faults.deniedCimClasses { snapshot.cim.set(cimClass, .denied) }
            for name in faults.deniedServices { snapshot.services.set(name, .denied) }
            faults.exchange.apply(to: &snapshot.exchange)
            for store in faults.deniedCertificateStores { snapshot.certificates.set(store, .denied) }
            for file in faults.deniedFiles { snapshot.xml.set(file, .denied) }
            for file in faults.absentFiles { snapshot.xml.set(file, .absent) }
            if faults.deniedCipherSuites { snapshot.cipherSuites = CipherSuiteSnapshot(.denied) }
            if faults.maskedDefenderExclusions, let preferences = CimClass.named("MSFT_MpPreference"),
                case .instances(let instances)? = snapshot.cim.state(of: preferences)
            {
                let masked = instances.map { instance in
                    var copy = instance
                    for property in preferences.properties {
                        copy[property] = .multiString([Faults.defenderPlaceholder])
                    }
                    return copy
                }
                snapshot.cim.set(preferences, .instances(masked))
            }
            return snapshot
        }
    }

    /// The lab file's path, for messages.
    let path: String
    /// The hosts by selector.
    let hosts: [String: Host]

    /// Reads and checks a lab file.
    ///
    /// - Throws: A lab ``Refusal`` (exit status 2) naming the file, the host and the field at fault.
    init(path: String) throws(Refusal) {
        self.path = path
        let bytes = try HostIO.readFile(path)
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes, maxDepth: 16)
        } catch {
            throw Refusal.lab("\(path): \(error)")
        }
        let root = try LabJSON.members(of: document, "\(path)")
        try LabJSON.allowOnly(["hosts"], in: root, "\(path)")
        guard let hostsValue = root.first(where: { $0.name == "hosts" })?.value else {
            throw Refusal.lab("\(path): missing \"hosts\"")
        }
        let directory = Self.directory(of: path)
        var hosts: [String: Host] = [:]
        for member in try LabJSON.members(of: hostsValue, "\(path): hosts") {
            let context = "\(path): host '\(member.name)'"
            guard Self.isSelector(member.name) else {
                throw Refusal.lab("\(context): a host is named by an IP address, IP:PORT ([IPv6]:PORT) or \"*\"")
            }
            hosts[member.name] = try Self.host(member.value, selector: member.name, directory: directory, context)
        }
        self.hosts = hosts
    }

    /// The host serving an SSH connection, from sshd's `SSH_CONNECTION` ("client_ip client_port server_ip
    /// server_port"): the host named `server_ip:server_port`, else `server_ip`, else `*`.
    ///
    /// - Throws: A lab ``Refusal`` when the value is malformed or no host matches.
    func host(forConnection connection: String) throws(Refusal) -> Host {
        let fields = connection.split(separator: " ")
        guard fields.count == 4 else {
            throw Refusal.lab("SSH_CONNECTION '\(connection)' is not 'client_ip client_port server_ip server_port'")
        }
        var address = String(fields[2])
        if address.lowercased().hasPrefix("::ffff:") && address.contains(".") { address.removeFirst(7) }
        let port = fields[3]
        let withPort = address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)"
        for selector in [withPort, address, "*"] {
            if let host = hosts[selector] { return host }
        }
        throw Refusal.lab("\(path): no host for \(withPort) (nor \(address), nor \"*\")")
    }

    /// Reads one host's object.
    private static func host(
        _ value: JSONValue, selector: String, directory: String, _ context: String
    ) throws(Refusal) -> Host {
        let members = try LabJSON.members(of: value, context)
        try LabJSON.allowOnly(["snapshot", "shell", "computerName", "faults"], in: members, context)
        func field(_ name: String) -> JSONValue? { members.first { $0.name == name }?.value }
        guard let snapshotValue = field("snapshot") else { throw Refusal.lab("\(context): missing \"snapshot\"") }
        let snapshot = try LabJSON.string(snapshotValue, "\(context): snapshot")
        guard !snapshot.isEmpty else { throw Refusal.lab("\(context): snapshot: must not be empty") }
        var shell = DefaultShell.cmd
        if let shellValue = field("shell") {
            let name = try LabJSON.string(shellValue, "\(context): shell")
            guard let known = DefaultShell(rawValue: name) else {
                throw Refusal.lab("\(context): shell: must be \"cmd\" or \"powershell\", found \"\(name)\"")
            }
            shell = known
        }
        let computerName = try field("computerName").map { (value) throws(Refusal) in
            try LabJSON.string(value, "\(context): computerName")
        }
        var faults = Faults()
        if let faultsValue = field("faults") {
            faults = try Faults(try LabJSON.members(of: faultsValue, "\(context): faults"), shell: shell, context)
        }
        let resolved = snapshot.hasPrefix("/") ? snapshot : directory + "/" + snapshot
        return Host(
            selector: selector, snapshotPath: resolved, shell: shell, computerName: computerName, faults: faults)
    }

    /// The directory of a file path: what comes before its last `/`, `/` for a file in the root, `.` for none.
    private static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Whether a `hosts` member name can select a host: `*`, or made of the characters of IP addresses and ports.
    private static func isSelector(_ name: String) -> Bool {
        name == "*" || !name.isEmpty && name.allSatisfy { $0.isHexDigit || ".:[]".contains($0) }
    }
}

/// Typed reading of lab-file JSON; every mismatch is a lab ``Refusal`` naming its context.
enum LabJSON {
    /// The members of an object, refusing any other value and duplicate names.
    static func members(of value: JSONValue, _ context: String) throws(Refusal) -> [JSONMember] {
        guard case .object(let members) = value.kind else {
            throw Refusal.lab("\(context): expected an object, found \(value.typeName)")
        }
        var seen: Set<String> = []
        for member in members where !seen.insert(member.name).inserted {
            throw Refusal.lab("\(context): \"\(member.name)\" is given twice")
        }
        return members
    }

    /// Refuses members whose names are not in `known`.
    static func allowOnly(_ known: [String], in members: [JSONMember], _ context: String) throws(Refusal) {
        for member in members where !known.contains(member.name) {
            throw Refusal.lab(
                "\(context): unknown field \"\(member.name)\" (known: \(known.joined(separator: ", ")))")
        }
    }

    /// A string.
    static func string(_ value: JSONValue, _ context: String) throws(Refusal) -> String {
        guard case .string(let text) = value.kind else {
            throw Refusal.lab("\(context): expected a string, found \(value.typeName)")
        }
        return text
    }

    /// `true` or `false`.
    static func bool(_ value: JSONValue, _ context: String) throws(Refusal) -> Bool {
        guard case .bool(let flag) = value.kind else {
            throw Refusal.lab("\(context): expected true or false, found \(value.typeName)")
        }
        return flag
    }

    /// An integer within a range.
    static func integer(_ value: JSONValue, in range: ClosedRange<Int>, _ context: String) throws(Refusal) -> Int {
        guard case .number(let number) = value.kind, let integer = number.integerValue.flatMap(Int.init(exactly:)),
            range.contains(integer)
        else {
            throw Refusal.lab("\(context): expected an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return integer
    }
}
