package import EDCACore
import EDCAJSON

/// The previous status of every control on every host, kept in the state directory so that each finding says
/// whether it is new, changed or unchanged since the last scan.
///
/// One JSON file, `drift-state.json`: `{"version":1,"hosts":{"<host>":{"<control>":"<Status>",...},...}}`, replaced
/// atomically by ``save()``. Drift is judged against the file as loaded; ``record(host:control:status:)`` changes
/// only what the next ``save()`` writes, and hosts not recorded this run keep their previous statuses.
package struct DriftState: Sendable {
    /// The state file's name in the state directory.
    package static let fileName = "drift-state.json"

    /// The state file's path.
    package let path: String
    private let previous: [String: [String: Status]]
    private var current: [String: [String: Status]]

    /// Creates the state directory and its missing parents (0750, the agent's own); an existing one is kept as is.
    ///
    /// - Throws: ``SpoolError`` with the directory and the system's reason.
    package static func makeDirectory(_ directory: String) throws(SpoolError) {
        try FileSystem.makeDirectories(directory, mode: 0o750)
    }

    /// Reads the state file in `directory`, creating the directory (0750) if needed; a missing file is an empty
    /// state, so every finding of a first scan is `new`.
    ///
    /// - Throws: ``SpoolError`` with code `state` when the file is not a state document, or an I/O error.
    package static func load(directory: String) throws(SpoolError) -> DriftState {
        try FileSystem.makeDirectories(directory, mode: 0o750)
        let path = directory + "/" + fileName
        guard let bytes = try FileSystem.readAll(path) else {
            return DriftState(path: path, statuses: [:])
        }
        return DriftState(path: path, statuses: try decode(bytes, path: path))
    }

    private init(path: String, statuses: [String: [String: Status]]) {
        self.path = path
        self.previous = statuses
        self.current = statuses
    }

    /// The control's drift on the host: `new` without a previous status, else `changed` or `unchanged`.
    package func drift(for host: String, control: String, status: Status) -> Drift {
        guard let before = previous[host]?[control] else { return Drift(kind: .new, previous: nil) }
        return Drift(kind: before == status ? .unchanged : .changed, previous: before)
    }

    /// Records the control's status on the host for the next scan.
    package mutating func record(host: String, control: String, status: Status) {
        current[host, default: [:]][control] = status
    }

    /// Writes the recorded statuses atomically (temporary file, fsync, rename, fsync of the directory), mode 0640.
    package func save() throws(SpoolError) {
        let hosts: [(String, JSONOutput)] = current.keys.sorted().map { host in
            let controls = (current[host] ?? [:]).sorted { $0.key < $1.key }
            return (host, .object(controls.map { ($0.key, .string($0.value.rawValue)) }))
        }
        let document = JSONOutput.object([("version", .integer(1)), ("hosts", .object(hosts))])
        try FileSystem.replaceAtomically(path, with: Array((document.compactRendered() + "\n").utf8), mode: 0o640)
    }

    private static func decode(_ bytes: [UInt8], path: String) throws(SpoolError) -> [String: [String: Status]] {
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            throw SpoolError(.state, path: path, reason: "not JSON: \(error.message)")
        }
        guard case .object(let members) = document.kind,
            let hostsValue = members.first(where: { $0.name == "hosts" })?.value,
            case .object(let hostMembers) = hostsValue.kind
        else {
            throw SpoolError(.state, path: path, reason: "expected an object with a \"hosts\" object")
        }
        var statuses: [String: [String: Status]] = [:]
        for host in hostMembers {
            guard case .object(let controls) = host.value.kind else {
                throw SpoolError(.state, path: path, reason: "host '\(host.name)' is not an object")
            }
            for control in controls {
                guard case .string(let text) = control.value.kind, let status = Status(rawValue: text) else {
                    throw SpoolError(.state, path: path, reason: "'\(host.name)' '\(control.name)': not a status")
                }
                statuses[host.name, default: [:]][control.name] = status
            }
        }
        return statuses
    }
}
