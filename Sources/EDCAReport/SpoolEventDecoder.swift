package import EDCAEngine

/// One Compliance Finding of the spool, as the report needs it: one control's verdict on one host.
package struct FindingRecord: Sendable {
    /// The run id (`metadata.correlation_uid`).
    package var runID: String
    /// When the verdict was made, epoch milliseconds.
    package var time: Int64
    /// The host the verdict is about (`device.hostname`).
    package var host: SpoolHostRecord
    /// What the finding is about: `Server` today; organization and database subjects later.
    package var subject: String
    /// The control's id (`compliance.control`).
    package var controlID: String
    /// The control's title.
    package var title: String
    /// Why the control matters.
    package var description: String
    /// The control's category, such as `Platform Security`.
    package var category: String
    /// The control's severity word, such as `High`.
    package var severity: String
    /// The control's weight in scores, when the event carries it.
    package var severityWeight: Int?
    /// Whether the control counts in scores, when the event carries it.
    package var verify: Bool?
    /// Whether the fix can be scripted, when the event carries it.
    package var automatable: Bool?
    /// The frameworks that require the control.
    package var frameworks: [String]
    /// The verdict.
    package var status: Status
    /// Whether the verdict is new, changed or unchanged since the previous scan, when the event says.
    package var drift: String?
    /// The previous scan's verdict, if any.
    package var previousStatus: Status?
    /// The evidence lines an auditor reads, one per fact.
    package var evidence: [String]
    /// The fix in words.
    package var remediation: String
    /// The documents the control cites: names and URLs.
    package var references: [ReferenceRecord]
}

/// A document a control cites.
package struct ReferenceRecord: Sendable, Hashable {
    /// The document's title.
    package var name: String
    /// Where to read it.
    package var url: String
}

/// The Exchange server an event is about.
package struct SpoolHostRecord: Sendable, Hashable {
    /// The host name as the inventory names it.
    package var name: String
    /// The address scanned, if the event gives it.
    package var ip: String?
    /// The Exchange role, if known.
    package var role: String?
    /// The operating system's name, if known.
    package var osName: String?
}

/// One host's Scan Activity: reached or not, and why not.
package struct HostScanRecord: Sendable {
    /// The run id.
    package var runID: String
    /// When the event was written, epoch milliseconds.
    package var time: Int64
    /// The host.
    package var host: SpoolHostRecord
    /// Whether the host was probed and evaluated.
    package var reached: Bool
    /// Why not: an error class such as `timeout`, `connection`, `interrupted`.
    package var errorClass: String?
    /// The error's message.
    package var errorMessage: String?
}

/// A run's closing Scan Activity: its totals.
package struct RunScanRecord: Sendable {
    /// The run id.
    package var runID: String
    /// When the run started and ended, epoch milliseconds.
    package var startTime: Int64
    /// When the run ended, epoch milliseconds.
    package var endTime: Int64
    /// Hosts the run set out to scan, reached, failed and interrupted.
    package var hosts: Int
    /// Hosts probed and evaluated.
    package var reached: Int
    /// Hosts that could not be probed.
    package var failed: Int
    /// Hosts not reached because the run was stopped.
    package var interrupted: Int
}

/// One spool event the report reads.
package enum SpoolEvent: Sendable {
    /// A Compliance Finding (class 2003).
    case finding(FindingRecord)
    /// A host's Scan Activity (class 6007).
    case hostScan(HostScanRecord)
    /// A run's Scan Activity (class 6007 with `unmapped.scope` `run`).
    case runScan(RunScanRecord)
}

/// Why a spool line cannot be read: the message names the field.
package struct EventProblem: Error, Sendable, Equatable {
    /// What is wrong.
    package var message: String
    /// Whether the line comes from a newer spool format than this build reads.
    package var isNewerFormat: Bool

    init(_ message: String, isNewerFormat: Bool = false) {
        self.message = message
        self.isNewerFormat = isNewerFormat
    }
}

/// The one place that knows the shape of spool events (docs/spool.md): everything else in the report reads the
/// records above. When the event format changes, only this type changes.
package enum SpoolEventDecoder {
    /// The OCSF versions whose event shape this decoder reads.
    package static let readableVersions = ["1.3.0"]

    /// Decodes one NDJSON line; nil for an event class the report does not use.
    package static func decode(line: [UInt8]) throws(EventProblem) -> SpoolEvent? {
        let value: JSONValue
        do {
            value = try JSONParser.parse(line)
        } catch {
            throw EventProblem("not JSON: \(error.message) at column \(error.position.column)")
        }
        let event = Fields(value, path: "")
        let metadata = try event.object("metadata")
        let version = try metadata.string("version")
        try checkVersion(version)
        let runID = try metadata.string("correlation_uid")
        let time = try event.integer("time")
        switch try event.integer("class_uid") {
        case 2003: return .finding(try finding(event, runID: runID, time: time))
        case 6007:
            let unmapped = try event.object("unmapped")
            if unmapped.optionalString("scope") == "run" {
                return .runScan(
                    RunScanRecord(
                        runID: runID, startTime: try event.integer("start_time"), endTime: try event.integer("end_time"),
                        hosts: Int(try unmapped.integer("hosts")), reached: Int(try unmapped.integer("reached")),
                        failed: Int(try unmapped.integer("failed")),
                        interrupted: Int(try unmapped.integer("interrupted"))))
            }
            return .hostScan(
                HostScanRecord(
                    runID: runID, time: time, host: try host(event), reached: try unmapped.bool("reached"),
                    errorClass: unmapped.optionalString("error_class"),
                    errorMessage: unmapped.optionalString("error_message")))
        default: return nil
        }
    }

    /// Refuses events of a newer OCSF version than the decoder reads: their fields may mean something else.
    static func checkVersion(_ version: String) throws(EventProblem) {
        if readableVersions.contains(version) { return }
        let newest = readableVersions.map(versionParts).max { $0.lexicographicallyPrecedes($1) } ?? []
        if newest.lexicographicallyPrecedes(versionParts(version)) {
            throw EventProblem(
                "metadata.version \(version) is newer than this edca-agent reads (\(readableVersions.joined(separator: ", "))): "
                    + "update edca-agent to report on this spool",
                isNewerFormat: true)
        }
        throw EventProblem("metadata.version \(version) is not one this edca-agent reads")
    }

    private static func versionParts(_ version: String) -> [Int] {
        version.split(separator: ".").map { Int($0) ?? 0 }
    }

    private static func finding(_ event: Fields, runID: String, time: Int64) throws(EventProblem) -> FindingRecord {
        let info = try event.object("finding_info")
        let compliance = try event.object("compliance")
        let unmapped = try event.object("unmapped")
        let remediation = try event.object("remediation")
        let statusWord = try compliance.string("status")
        guard let status = Status(rawValue: statusWord) else {
            throw EventProblem("compliance.status: unknown status \"\(statusWord)\"")
        }
        let previous = unmapped.optionalString("previous_status").flatMap(Status.init(rawValue:))
        var evidence: [String] = []
        for item in try event.array("evidences") {
            if let data = try item.optionalObject("data"), let line = data.optionalString("description") {
                evidence.append(line)
            }
        }
        let names = try compliance.stringList("requirements")
        let urls = try remediation.stringList("references")
        let references = zip(names, urls).map { ReferenceRecord(name: $0, url: $1) }
        return FindingRecord(
            runID: runID, time: time, host: try host(event), subject: "Server",
            controlID: try compliance.string("control"), title: try info.string("title"),
            description: info.optionalString("desc") ?? "", category: unmapped.optionalString("category") ?? "",
            severity: try event.string("severity"), severityWeight: unmapped.optionalInteger("severity_weight").map(Int.init),
            verify: unmapped.optionalBool("verify"), automatable: unmapped.optionalBool("automatable"),
            frameworks: try compliance.stringList("standards"), status: status, drift: unmapped.optionalString("drift"),
            previousStatus: previous, evidence: evidence, remediation: remediation.optionalString("desc") ?? "",
            references: references)
    }

    private static func host(_ event: Fields) throws(EventProblem) -> SpoolHostRecord {
        let device = try event.object("device")
        let os = try device.optionalObject("os")
        var role = event.optionalString("unmapped.host_role")
        if role == nil, let resources = try? event.array("resources"), let first = resources.first {
            role = first.optionalString("role")
        }
        return SpoolHostRecord(
            name: try device.string("hostname"), ip: device.optionalString("ip"), role: role,
            osName: os?.optionalString("name"))
    }
}

/// Typed access to an object's members, with the member's path in every problem.
struct Fields {
    let members: [String: JSONValue]
    let path: String

    init(_ value: JSONValue, path: String) {
        var members: [String: JSONValue] = [:]
        if case .object(let list) = value.kind {
            for member in list where members[member.name] == nil { members[member.name] = member.value }
        }
        self.members = members
        self.path = path
    }

    private func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private func required(_ key: String) throws(EventProblem) -> JSONValue {
        guard let value = members[key] else { throw EventProblem("\(name(key)): missing") }
        return value
    }

    func object(_ key: String) throws(EventProblem) -> Fields {
        let value = try required(key)
        guard case .object = value.kind else { throw EventProblem("\(name(key)): expected an object") }
        return Fields(value, path: name(key))
    }

    func optionalObject(_ key: String) throws(EventProblem) -> Fields? {
        guard let value = members[key] else { return nil }
        guard case .object = value.kind else { throw EventProblem("\(name(key)): expected an object") }
        return Fields(value, path: name(key))
    }

    func array(_ key: String) throws(EventProblem) -> [Fields] {
        guard let value = members[key] else { return [] }
        guard case .array(let items) = value.kind else { throw EventProblem("\(name(key)): expected an array") }
        return items.enumerated().map { Fields($1, path: "\(name(key))[\($0)]") }
    }

    func string(_ key: String) throws(EventProblem) -> String {
        guard case .string(let text) = try required(key).kind else {
            throw EventProblem("\(name(key)): expected a string")
        }
        return text
    }

    func stringList(_ key: String) throws(EventProblem) -> [String] {
        guard let value = members[key] else { return [] }
        guard case .array(let items) = value.kind else { throw EventProblem("\(name(key)): expected an array") }
        var texts: [String] = []
        for item in items {
            guard case .string(let text) = item.kind else { throw EventProblem("\(name(key)): expected strings") }
            texts.append(text)
        }
        return texts
    }

    func integer(_ key: String) throws(EventProblem) -> Int64 {
        guard case .number(let number) = try required(key).kind, let integer = number.integerValue else {
            throw EventProblem("\(name(key)): expected an integer")
        }
        return integer
    }

    func bool(_ key: String) throws(EventProblem) -> Bool {
        guard case .bool(let flag) = try required(key).kind else { throw EventProblem("\(name(key)): expected true or false") }
        return flag
    }

    /// A string member, or nil when it is missing or not a string; `a.b` reads a nested member.
    func optionalString(_ key: String) -> String? {
        if let dot = key.firstIndex(of: "."), let inner = members[String(key[..<dot])] {
            return Fields(inner, path: "").optionalString(String(key[key.index(after: dot)...]))
        }
        guard let value = members[key], case .string(let text) = value.kind else { return nil }
        return text
    }

    func optionalInteger(_ key: String) -> Int64? {
        guard let value = members[key], case .number(let number) = value.kind else { return nil }
        return number.integerValue
    }

    func optionalBool(_ key: String) -> Bool? {
        guard let value = members[key], case .bool(let flag) = value.kind else { return nil }
        return flag
    }
}
