package import EDCACore
import EDCAJSON

/// The previous status of every control on every host, kept in the state directory so that each finding says
/// whether it is new, changed or unchanged since the last scan.
///
/// One JSON file, `drift-state.json`:
/// `{"version":2,"hosts":{"<host>":{"<control>":{"status":"<Status>","since":<epoch ms>,"reported":<epoch ms>},...}}}`,
/// where `since` is when the status was first recorded (the finding's `first_seen_time` while it holds) and
/// `reported` when a finding last carried it (changes-only scans leave unchanged findings out); replaced atomically by
/// ``save()``. A version 1 file (`"<control>":"<Status>"`, no time) is still read, its statuses without a time.
/// Drift is judged against the file as loaded; ``record(host:control:status:time:)`` changes only what the next
/// ``save()`` writes, and hosts not recorded this run keep their previous statuses.
package struct DriftState: Sendable {
    /// The state file's name in the state directory.
    package static let fileName = "drift-state.json"

    /// The state file's path.
    package let path: String
    private let previous: [String: [String: Entry]]
    private var current: [String: [String: Entry]]

    /// A control's recorded status on a host, since when it holds, and when a finding last reported it (milliseconds
    /// since the epoch; nil when not known, as in a version 1 file).
    private struct Entry: Sendable {
        var status: Status
        var since: Int64?
        var reported: Int64?

        init(status: Status, since: Int64? = nil, reported: Int64? = nil) {
            self.status = status
            self.since = since
            self.reported = reported
        }
    }

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

    private init(path: String, statuses: [String: [String: Entry]]) {
        self.path = path
        self.previous = statuses
        self.current = statuses
    }

    /// The control's drift on the host: `new` without a previous status, else `changed` or `unchanged` (with
    /// since when the unchanged status holds, when known).
    package func drift(for host: String, control: String, status: Status) -> Drift {
        guard let before = previous[host]?[control] else { return Drift(kind: .new, previous: nil) }
        if before.status == status {
            return Drift(kind: .unchanged, previous: before.status, since: before.since, reported: before.reported)
        }
        return Drift(kind: .changed, previous: before.status, reported: before.reported)
    }

    /// Records the control's status on the host for the next scan, at `time` (milliseconds since the epoch): a
    /// status the state already holds keeps its first time. `reported`: whether a finding was written for it now
    /// (a changes-only scan leaves unchanged ones out).
    package mutating func record(host: String, control: String, status: Status, time: Int64, reported: Bool = true) {
        let before = current[host]?[control]
        let since = before?.status == status ? before?.since ?? time : time
        current[host, default: [:]][control] = Entry(
            status: status, since: since, reported: reported ? time : before?.reported)
    }

    /// Writes the recorded statuses atomically (temporary file, fsync, rename, fsync of the directory), mode 0640.
    package func save() throws(SpoolError) {
        let hosts: [(String, JSONOutput)] = current.keys.sorted().map { host in
            let controls = (current[host] ?? [:]).sorted { $0.key < $1.key }
            return (
                host,
                JSONOutput.object(
                    controls.map { control, entry in
                        var members: [(String, JSONOutput)] = [("status", .string(entry.status.rawValue))]
                        if let since = entry.since { members.append(("since", .integer(since))) }
                        if let reported = entry.reported { members.append(("reported", .integer(reported))) }
                        return (control, .object(members))
                    })
            )
        }
        let document = JSONOutput.object([("version", .integer(2)), ("hosts", .object(hosts))])
        try FileSystem.replaceAtomically(path, with: Array((document.compactRendered() + "\n").utf8), mode: 0o640)
    }

    private static func decode(_ bytes: [UInt8], path: String) throws(SpoolError) -> [String: [String: Entry]] {
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
        var statuses: [String: [String: Entry]] = [:]
        for host in hostMembers {
            guard case .object(let controls) = host.value.kind else {
                throw SpoolError(.state, path: path, reason: "host '\(host.name)' is not an object")
            }
            for control in controls {
                guard let entry = entry(control.value) else {
                    throw SpoolError(.state, path: path, reason: "'\(host.name)' '\(control.name)': not a status")
                }
                statuses[host.name, default: [:]][control.name] = entry
            }
        }
        return statuses
    }

    /// A version 2 entry (`{"status":…,"since":…}`) or a version 1 status string; nil when neither.
    private static func entry(_ value: JSONValue) -> Entry? {
        switch value.kind {
        case .string(let text):
            return Status(rawValue: text).map { Entry(status: $0) }
        case .object(let members):
            guard case .string(let text)? = members.first(where: { $0.name == "status" })?.value.kind,
                let status = Status(rawValue: text)
            else { return nil }
            var entry = Entry(status: status)
            for member in members where member.name == "since" || member.name == "reported" {
                guard case .number(let number) = member.value.kind, let time = number.integerValue else { return nil }
                if member.name == "since" { entry.since = time } else { entry.reported = time }
            }
            return entry
        default:
            return nil
        }
    }
}
