package import EDCACore
import EDCAJSON

/// One Compliance Finding of the spool, as the report needs it: one control's verdict on one host.
package struct FindingRecord: Sendable {
    /// The run id (`metadata.correlation_uid`).
    package var runID: String
    /// When the verdict was made, epoch milliseconds.
    package var time: Int64
    /// The host the verdict is about (`device.hostname`).
    package var host: SpoolHostRecord
    /// What the finding is about: `Server`, `Organization` (then ``host`` names the organization, not the server
    /// whose facts decided it) or `Database` (then ``host`` names the server and the database).
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
    /// For a row about an organization or a database, the server whose facts decided (`device.hostname`): where
    /// its fixes run.
    package var server: String? = nil
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
    /// With changes-only output, how many unchanged findings the run left out for this host.
    package var unchangedOmitted: Int = 0
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

/// How much of a finding to decode: everything, or only what scores, drift and the trend need (no texts, no
/// evidence), which is what earlier runs need.
package enum DecodingDetail: Sendable {
    /// Every field the report shows.
    case full
    /// Ids, statuses, weights and hosts only.
    case summary
}

/// The one place that knows the shape of spool events (docs/spool.md): everything else in the report reads the
/// records above. When the event format changes, only this type changes.
///
/// A line is read with ``JSONCursor`` into the members the report reads (others are checked and skipped, not built),
/// every member optional so that the version is checked before anything else; then the members a record needs are
/// required by name.
package enum SpoolEventDecoder {
    /// The OCSF versions whose event shape this decoder reads.
    package static let readableVersions = ["1.3.0", "1.8.0"]

    /// Decodes one NDJSON line; nil for an event class the report does not use.
    package static func decode(line: [UInt8], detail: DecodingDetail = .full) throws(EventProblem) -> SpoolEvent? {
        let result = line.withUnsafeBufferPointer { buffer in
            Result { () throws(EventProblem) in try decode(buffer, detail: detail) }
        }
        return try result.get()
    }

    /// Decodes one line in place (no copy), as ``decode(line:detail:)``.
    static func decode(_ line: UnsafeBufferPointer<UInt8>, detail: DecodingDetail) throws(EventProblem) -> SpoolEvent? {
        let event: RawEvent
        do {
            event = try RawEvent(line, detail: detail)
        } catch {
            throw EventProblem(error.message)
        }
        let version = try required(event.metadata?.version, "metadata.version")
        try checkVersion(version)
        let runID = try required(event.metadata?.correlationUID, "metadata.correlation_uid")
        let time = try required(event.time, "time")
        switch try required(event.classUID, "class_uid") {
        case 2003: return .finding(try finding(event, runID: runID, time: time, detail: detail))
        case 6007:
            let unmapped = try required(event.unmapped, "unmapped")
            if unmapped.scope == "run" {
                return .runScan(
                    RunScanRecord(
                        runID: runID, startTime: try required(event.startTime, "start_time"),
                        endTime: try required(event.endTime, "end_time"),
                        hosts: try required(unmapped.hosts, "unmapped.hosts"),
                        reached: try required(unmapped.reachedCount, "unmapped.reached"),
                        failed: try required(unmapped.failed, "unmapped.failed"),
                        interrupted: try required(unmapped.interrupted, "unmapped.interrupted")))
            }
            return .hostScan(
                HostScanRecord(
                    runID: runID, time: time, host: try host(event),
                    reached: try required(unmapped.reachedFlag, "unmapped.reached"), errorClass: unmapped.errorClass,
                    errorMessage: unmapped.errorMessage, unchangedOmitted: unmapped.unchangedOmitted ?? 0))
        default: return nil
        }
    }

    /// Refuses events of a newer OCSF version than the decoder reads: their fields may mean something else.
    static func checkVersion(_ version: String) throws(EventProblem) {
        if readableVersions.contains(version) { return }
        let newest = readableVersions.map(versionParts).max { $0.lexicographicallyPrecedes($1) } ?? []
        if newest.lexicographicallyPrecedes(versionParts(version)) {
            throw EventProblem(
                "metadata.version \(version) is newer than this edca-agent reads "
                    + "(\(readableVersions.joined(separator: ", "))): update edca-agent to report on this spool",
                isNewerFormat: true)
        }
        throw EventProblem("metadata.version \(version) is not one this edca-agent reads")
    }

    private static func versionParts(_ version: String) -> [Int] {
        version.split(separator: ".").map { Int($0) ?? 0 }
    }

    private static func required<Value>(_ value: Value?, _ field: String) throws(EventProblem) -> Value {
        guard let value else { throw EventProblem("\(field): missing") }
        return value
    }

    private static func finding(
        _ event: RawEvent, runID: String, time: Int64, detail: DecodingDetail
    ) throws(EventProblem) -> FindingRecord {
        let compliance = try required(event.compliance, "compliance")
        let unmapped = event.unmapped
        let statusWord = try required(compliance.statusCode ?? compliance.status, "compliance.status")
        guard let status = Status(rawValue: statusWord) else {
            throw EventProblem("compliance.status: unknown status \"\(statusWord)\"")
        }
        var record = FindingRecord(
            runID: runID, time: time, host: try subjectHost(event), subject: event.resources?.first?.type ?? "Server",
            controlID: try required(compliance.control, "compliance.control"), title: "", description: "",
            category: unmapped?.category ?? "", severity: event.severity ?? severityWord(event.severityID),
            severityWeight: unmapped?.severityWeight, verify: unmapped?.verify, automatable: unmapped?.automatable,
            frameworks: compliance.standards ?? [], status: status, drift: unmapped?.drift,
            // 1.8.0 events name the previous status only when it changed.
            previousStatus: unmapped?.previousStatus.flatMap(Status.init(rawValue:))
                ?? (unmapped?.drift == "unchanged" ? status : nil), evidence: [], remediation: "",
            references: [])
        guard detail == .full else { return record }
        record.title = try required(event.findingInfo?.title, "finding_info.title")
        record.description = event.findingInfo?.desc ?? ""
        record.evidence = (event.evidences ?? []).compactMap { $0 }
        record.remediation = event.remediation?.desc ?? ""
        // 1.3.0 events pair document titles (requirements) with URLs; 1.8.0 requirements are ids, so the URLs
        // stand alone (the controls directory gives the titles).
        let urls = event.remediation?.references ?? []
        let names = compliance.requirements ?? []
        record.references = urls.enumerated().map { index, url in
            ReferenceRecord(name: names.count == urls.count ? names[index] : url, url: url)
        }
        return record
    }

    /// OCSF's caption of `severity_id` (events since the lean findings leave the caption out), as `Severity` names it.
    private static func severityWord(_ id: Int64?) -> String {
        let words: [Int64: Severity] = [1: .informational, 2: .low, 3: .medium, 4: .high, 5: .critical]
        return id.flatMap { words[$0]?.rawValue } ?? ""
    }

    private static func host(_ event: RawEvent) throws(EventProblem) -> SpoolHostRecord {
        let device = try required(event.device, "device")
        return SpoolHostRecord(
            name: try required(device.hostname, "device.hostname"), ip: device.ip,
            role: event.unmapped?.hostRole ?? event.resources?.first?.role, osName: device.osName)
    }

    /// What a finding is about, as the report's rows show it: the server; for a finding whose resource is an
    /// organization, `organization NAME` (one row per organization, whichever server's facts decided it); for a
    /// database, `SERVER database NAME` (one row per database).
    private static func subjectHost(_ event: RawEvent) throws(EventProblem) -> SpoolHostRecord {
        guard let resource = event.resources?.first, let type = resource.type else { return try host(event) }
        let name = try required(resource.name, "resources[0].name")
        switch type {
        case "Organization":
            return SpoolHostRecord(
                name: "organization \(name)", ip: nil, role: "Organization", osName: nil, server: try host(event).name)
        case "Database":
            let server = try host(event)
            return SpoolHostRecord(
                name: "\(server.name) database \(name)", ip: server.ip, role: "Database", osName: server.osName,
                server: server.name)
        default:
            return try host(event)
        }
    }
}

/// The members of a spool event the report reads; every one optional, so that a missing one is reported by name
/// after the version check.
private struct RawEvent {
    struct Metadata {
        var correlationUID: String?
        var version: String?
    }
    struct FindingInfo {
        var title: String?
        var desc: String?
    }
    struct Compliance {
        var control: String?
        var standards: [String]?
        var requirements: [String]?
        var status: String?
        /// Our status word (OCSF 1.8.0 events; `status` is then OCSF's caption, such as `Warning` for Unknown).
        var statusCode: String?
    }
    /// One evidence: its line as written (1.3.0), or the facts to write it from (1.8.0 leaves the line out where
    /// `reg_value` or `reg_key` carries them).
    struct Evidence {
        var description: String?
        var path: String?
        var valueName: String?
        var data: String?
        var isDefault: Bool?
        var observation: String?
        var result: String?
        /// A fact's named fields in `data` (`fact`, `service_name`, `cim_class`, ..., `value`, the roles).
        var fields: [String: String] = [:]
        /// A count of subkeys or instances.
        var count: Int64?

        /// `KEY NAME = DATA, observation: result` (a service or CIM fact: `LOCATION = VALUE`; the role: `this host
        /// is ROLE; required: ROLE`), or the line the event wrote.
        var line: String? {
            if let description { return description }
            var text = [path, valueName].compactMap { $0 }.joined(separator: " ")
            if let location = FactLocation(fields: fields) { text = location.description }
            if let role = fields["host_role"] {
                text = "this host is \(role)" + (fields["required_role"].map { "; required: \($0)" } ?? "")
            }
            if let value = fields["value"] { text += " = \(value)" }
            if let count { text += " = \(count)" }
            if let data { text += " = \(data)" }
            if let observation {
                text += text.isEmpty ? observation : ", \(observation)"
            } else if isDefault == true {
                text += ", not set (Windows default)"
            }
            if let result { text += text.isEmpty ? result : ": \(result)" }
            return text.isEmpty ? nil : text
        }
    }
    struct Device {
        var hostname: String?
        var ip: String?
        var osName: String?
    }
    struct Remediation {
        var desc: String?
        var references: [String]?
    }
    struct Unmapped {
        var drift: String?
        var previousStatus: String?
        var severityWeight: Int?
        var verify: Bool?
        var category: String?
        var automatable: Bool?
        var hostRole: String?
        var scope: String?
        var hosts: Int?
        /// `reached` is true/false for a host and a count for a run.
        var reachedFlag: Bool?
        var reachedCount: Int?
        var failed: Int?
        var interrupted: Int?
        var errorClass: String?
        var errorMessage: String?
        var unchangedOmitted: Int?
    }

    var time: Int64?
    var metadata: Metadata?
    var classUID: Int?
    var severity: String?
    var severityID: Int64?
    var findingInfo: FindingInfo?
    var compliance: Compliance?
    var device: Device?
    struct Resource {
        var name: String?
        var type: String?
        var role: String?
    }

    var resources: [Resource]?
    var evidences: [String?]?
    var remediation: Remediation?
    var unmapped: Unmapped?
    var startTime: Int64?
    var endTime: Int64?

    /// Reads the members of one line; with `.summary` detail, texts and evidence are skipped.
    init(_ line: UnsafeBufferPointer<UInt8>, detail: DecodingDetail) throws(JSONCursor.Problem) {
        var cursor = JSONCursor(line)
        let full = detail == .full
        var event = RawEvent()
        try cursor.object("") { (c: inout JSONCursor, name: String) throws(JSONCursor.Problem) in
            switch name {
            case "time": event.time = try c.integer("time")
            case "class_uid": event.classUID = try c.integer("class_uid").map(Int.init)
            case "severity": event.severity = try c.string("severity")
            case "severity_id": event.severityID = try c.integer("severity_id")
            case "start_time": event.startTime = try c.integer("start_time")
            case "end_time": event.endTime = try c.integer("end_time")
            case "metadata":
                var metadata = Metadata()
                try c.object("metadata") { (c: inout JSONCursor, name: String) throws(JSONCursor.Problem) in
                    switch name {
                    case "correlation_uid": metadata.correlationUID = try c.string("metadata.correlation_uid")
                    case "version": metadata.version = try c.string("metadata.version")
                    default: try c.skip("metadata")
                    }
                }
                event.metadata = metadata
            case "finding_info" where full:
                var info = FindingInfo()
                try c.object("finding_info") { (c: inout JSONCursor, name: String) throws(JSONCursor.Problem) in
                    switch name {
                    case "title": info.title = try c.string("finding_info.title")
                    case "desc": info.desc = try c.string("finding_info.desc")
                    default: try c.skip("finding_info")
                    }
                }
                event.findingInfo = info
            case "compliance":
                var compliance = Compliance()
                try c.object("compliance") { (c: inout JSONCursor, name: String) throws(JSONCursor.Problem) in
                    switch name {
                    case "control": compliance.control = try c.string("compliance.control")
                    case "standards": compliance.standards = try c.strings("compliance.standards")
                    case "requirements" where full: compliance.requirements = try c.strings("compliance.requirements")
                    case "status": compliance.status = try c.string("compliance.status")
                    case "status_code": compliance.statusCode = try c.string("compliance.status_code")
                    default: try c.skip("compliance")
                    }
                }
                event.compliance = compliance
            case "device":
                var device = Device()
                try c.object("device") { (c: inout JSONCursor, name: String) throws(JSONCursor.Problem) in
                    switch name {
                    case "hostname": device.hostname = try c.string("device.hostname")
                    case "ip": device.ip = try c.string("device.ip")
                    case "os":
                        try c.object("device.os") { (c: inout JSONCursor, name: String) throws(JSONCursor.Problem) in
                            if name == "name" {
                                device.osName = try c.string("device.os.name")
                            } else {
                                try c.skip("device.os")
                            }
                        }
                    default: try c.skip("device")
                    }
                }
                event.device = device
            case "resources":
                var resources: [Resource] = []
                try c.array("resources") { (c: inout JSONCursor) throws(JSONCursor.Problem) in
                    var resource = Resource()
                    try c.object("resources[]") { (c: inout JSONCursor, name: String) throws(JSONCursor.Problem) in
                        switch name {
                        case "name": resource.name = try c.string("resources[].name")
                        case "type": resource.type = try c.string("resources[].type")
                        case "role": resource.role = try c.string("resources[].role")
                        default: try c.skip("resources[]")
                        }
                    }
                    resources.append(resource)
                }
                event.resources = resources
            case "evidences" where full:
                var lines: [String?] = []
                try c.array("evidences") { (c: inout JSONCursor) throws(JSONCursor.Problem) in
                    var evidence = Evidence()
                    try c.object("evidences[]") { (c: inout JSONCursor, name: String) throws(JSONCursor.Problem) in
                        switch name {
                        case "data":
                            try c.object("evidences[].data") {
                                (c: inout JSONCursor, name: String) throws(JSONCursor.Problem) in
                                switch name {
                                case "description": evidence.description = try c.string("evidences[].data.description")
                                case "observation": evidence.observation = try c.string("evidences[].data.observation")
                                case "result": evidence.result = try c.string("evidences[].data.result")
                                case "subkey_count", "instance_count":
                                    evidence.count = try c.integer("evidences[].data.\(name)")
                                case "fact", "service_name", "field", "cim_class", "cim_instance", "cim_property",
                                    "value", "required_role", "host_role":
                                    evidence.fields[name] = try c.string("evidences[].data.\(name)")
                                default: try c.skip("evidences[].data")
                                }
                            }
                        case "reg_value", "reg_key":
                            try c.object("evidences[].\(name)") {
                                (c: inout JSONCursor, name: String) throws(JSONCursor.Problem) in
                                switch name {
                                case "path": evidence.path = try c.string("evidences[].reg_value.path")
                                case "name": evidence.valueName = try c.string("evidences[].reg_value.name")
                                case "data", "reg_string_data", "reg_binary_data":
                                    evidence.data = try c.string("evidences[].reg_value.\(name)")
                                case "reg_integer_data":
                                    evidence.data = try c.integer("evidences[].reg_value.reg_integer_data").map(
                                        String.init)
                                case "reg_string_list_data":
                                    evidence.data = try c.strings("evidences[].reg_value.reg_string_list_data")
                                        .joined(separator: "\\0")
                                case "is_default": evidence.isDefault = try c.bool("evidences[].reg_value.is_default")
                                default: try c.skip("evidences[].reg_value")
                                }
                            }
                        default: try c.skip("evidences[]")
                        }
                    }
                    lines.append(evidence.line)
                }
                event.evidences = lines
            case "remediation" where full:
                var remediation = Remediation()
                try c.object("remediation") { (c: inout JSONCursor, name: String) throws(JSONCursor.Problem) in
                    switch name {
                    case "desc": remediation.desc = try c.string("remediation.desc")
                    case "references": remediation.references = try c.strings("remediation.references")
                    default: try c.skip("remediation")
                    }
                }
                event.remediation = remediation
            case "unmapped":
                var unmapped = Unmapped()
                try c.object("unmapped") { (c: inout JSONCursor, name: String) throws(JSONCursor.Problem) in
                    let path = "unmapped"
                    switch name {
                    case "drift": unmapped.drift = try c.string(path)
                    case "previous_status": unmapped.previousStatus = try c.string(path)
                    case "severity_weight": unmapped.severityWeight = try c.integer(path).map(Int.init)
                    case "verify": unmapped.verify = try c.bool(path)
                    case "category": unmapped.category = try c.string(path)
                    case "automatable": unmapped.automatable = try c.bool(path)
                    case "host_role": unmapped.hostRole = try c.string(path)
                    case "scope": unmapped.scope = try c.string(path)
                    case "hosts": unmapped.hosts = try c.integer(path).map(Int.init)
                    case "failed": unmapped.failed = try c.integer(path).map(Int.init)
                    case "interrupted": unmapped.interrupted = try c.integer(path).map(Int.init)
                    case "error_class": unmapped.errorClass = try c.string(path)
                    case "error_message": unmapped.errorMessage = try c.string(path)
                    case "unchanged_omitted": unmapped.unchangedOmitted = try c.integer(path).map(Int.init)
                    case "reached":
                        var probe = c
                        if let flag = try? probe.bool(path) {
                            unmapped.reachedFlag = flag
                            c = probe
                        } else {
                            unmapped.reachedCount = try c.integer(path).map(Int.init)
                        }
                    default: try c.skip(path)
                    }
                }
                event.unmapped = unmapped
            default: try c.skip("")
            }
        }
        try cursor.end()
        self = event
    }

    private init() {}
}
