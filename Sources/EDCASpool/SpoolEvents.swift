package import EDCACore
package import EDCAJSON

/// Where a run's events come from: the run id every event carries and the product that wrote them.
package struct SpoolRun: Sendable {
    /// The OCSF schema version the events follow.
    package static let ocsfVersion = "1.3.0"
    /// The product name and vendor name written in `metadata.product`.
    package static let productName = "edca-agent"

    /// The run's id (`metadata.correlation_uid` and `scan.uid` of every event of the run).
    package var runID: String
    /// The agent's version (`metadata.product.version`).
    package var productVersion: String

    /// Creates a run context.
    package init(runID: String = SpoolIdentifier.random(), productVersion: String) {
        self.runID = runID
        self.productVersion = productVersion
    }
}

/// The Exchange server an event is about (`device` and `resources` of OCSF).
package struct SpoolHost: Sendable, Hashable {
    /// The host name as the inventory names it; the finding uid is derived from it.
    package var hostname: String
    /// The address that was scanned, if known.
    package var ip: String?
    /// The Exchange role, if known.
    package var role: ExchangeRole?
    /// The operating system's name, such as `Windows Server 2019 Datacenter`, if known.
    package var osName: String?
    /// The operating system's build, such as `17763`, if known.
    package var osBuild: String?

    /// Creates a host description.
    package init(
        hostname: String, ip: String? = nil, role: ExchangeRole? = nil, osName: String? = nil, osBuild: String? = nil
    ) {
        self.hostname = hostname
        self.ip = ip
        self.role = role
        self.osName = osName
        self.osBuild = osBuild
    }
}

/// Whether a control's status on a host is new, changed or unchanged since the previous scan.
package enum DriftKind: String, Sendable, Hashable {
    /// No previous status is recorded for this host and control.
    case new
    /// The previous status differs.
    case changed
    /// The previous status is the same.
    case unchanged
}

/// A control's drift on a host: its kind and the previous status, if any.
package struct Drift: Sendable, Hashable {
    /// New, changed or unchanged.
    package var kind: DriftKind
    /// The status recorded by the previous scan.
    package var previous: Status?

    /// Creates a drift.
    package init(kind: DriftKind, previous: Status?) {
        self.kind = kind
        self.previous = previous
    }
}

/// How one host's scan ended, for its Scan Activity event.
package struct HostScanOutcome: Sendable {
    /// Whether the host was reached, and if not why.
    package enum Result: Sendable, Hashable {
        /// The host was probed and its controls evaluated.
        case completed
        /// The host could not be probed: an error class (such as `connection`, `hostKey`, `timeout`) and a message.
        case failed(errorClass: String, message: String)
        /// The scan stopped (SIGTERM/SIGINT) before the host was reached.
        case interrupted
    }

    /// The host.
    package var host: SpoolHost
    /// How its scan ended.
    package var result: Result
    /// When its scan started, in milliseconds since the epoch.
    package var startMilliseconds: Int64
    /// When its scan ended, in milliseconds since the epoch.
    package var endMilliseconds: Int64
    /// The number of verdicts per status.
    package var statusCounts: [Status: Int]

    /// Creates a host outcome.
    package init(
        host: SpoolHost, result: Result, startMilliseconds: Int64, endMilliseconds: Int64,
        statusCounts: [Status: Int] = [:]
    ) {
        self.host = host
        self.result = result
        self.startMilliseconds = startMilliseconds
        self.endMilliseconds = endMilliseconds
        self.statusCounts = statusCounts
    }
}

/// A whole run's totals, for the run's Scan Activity event.
package struct RunScanSummary: Sendable {
    /// Hosts the run set out to scan.
    package var hosts: Int
    /// Hosts probed and evaluated.
    package var reached: Int
    /// Hosts that could not be probed.
    package var failed: Int
    /// Hosts not reached because the run was stopped.
    package var interrupted: Int
    /// Verdicts per status over all hosts.
    package var statusCounts: [Status: Int]
    /// When the run started, in milliseconds since the epoch.
    package var startMilliseconds: Int64
    /// When the run ended, in milliseconds since the epoch.
    package var endMilliseconds: Int64

    /// Creates a run summary.
    package init(
        hosts: Int, reached: Int, failed: Int, interrupted: Int, statusCounts: [Status: Int],
        startMilliseconds: Int64, endMilliseconds: Int64
    ) {
        self.hosts = hosts
        self.reached = reached
        self.failed = failed
        self.interrupted = interrupted
        self.statusCounts = statusCounts
        self.startMilliseconds = startMilliseconds
        self.endMilliseconds = endMilliseconds
    }
}

/// Builds the OCSF events of the spool. Pure: the caller gives times and event ids.
///
/// Every event begins with `time` then `metadata.uid` (a random event id), so the first bytes of every line differ.
package enum SpoolEvents {
    /// OCSF `compliance.status_id` and the word for it: 1 Pass, 3 Fail, 99 Other for the rest.
    package static func complianceStatusID(_ status: Status) -> Int64 {
        switch status {
        case .pass: 1
        case .fail: 3
        case .unknown, .skipped, .error: 99
        }
    }

    /// OCSF `severity_id`: 1 Informational, 2 Low, 3 Medium, 4 High, 5 Critical.
    package static func severityID(_ severity: Severity) -> Int64 {
        switch severity {
        case .informational: 1
        case .low: 2
        case .medium: 3
        case .high: 4
        case .critical: 5
        }
    }

    /// A Compliance Finding (class 2003, activity 1 Create) for one control's verdict on one host.
    package static func complianceFinding(
        control: ControlMetadata, status: Status, evidence: [Evidence], host: SpoolHost, drift: Drift, run: SpoolRun,
        timeMilliseconds: Int64, eventID: String = SpoolIdentifier.random()
    ) -> JSONOutput {
        // Finding lifecycle: a control that passes leaves nothing open (4 Resolved); any other status is open (1 New).
        let (findingStatusID, findingStatus): (Int64, String) = status == .pass ? (4, "Resolved") : (1, "New")
        var unmapped: [(String, JSONOutput)] = [
            ("drift", .string(drift.kind.rawValue)),
            ("previous_status", drift.previous.map { .string($0.rawValue) } ?? .null),
            ("severity_weight", .integer(Int64(control.severityWeight))),
            ("verify", .bool(control.verify)),
            ("category", .string(control.category)),
            ("automatable", .bool(control.remediation.automatable)),
        ]
        if let role = host.role { unmapped.append(("host_role", .string(role.rawValue))) }
        return .object([
            ("time", .integer(timeMilliseconds)),
            ("metadata", metadata(eventID: eventID, run: run, logName: "edca.findings")),
            ("class_uid", .integer(2003)),
            ("class_name", .string("Compliance Finding")),
            ("category_uid", .integer(2)),
            ("category_name", .string("Findings")),
            ("activity_id", .integer(1)),
            ("activity_name", .string("Create")),
            ("type_uid", .integer(200_301)),
            ("type_name", .string("Compliance Finding: Create")),
            ("severity_id", .integer(severityID(control.severity))),
            ("severity", .string(control.severity.rawValue)),
            ("status_id", .integer(findingStatusID)),
            ("status", .string(findingStatus)),
            ("message", .string("\(host.hostname): \(control.id) \(status.rawValue): \(control.title)")),
            (
                "finding_info",
                .object([
                    ("uid", .string(SpoolIdentifier.findingUID(host: host.hostname, control: control.id))),
                    ("title", .string(control.title)),
                    ("desc", .string(control.description)),
                    ("types", .array([.string("Compliance")])),
                ])
            ),
            (
                "compliance",
                .object([
                    ("control", .string(control.id)),
                    ("standards", .array(control.frameworks.map(JSONOutput.string))),
                    ("requirements", .array(control.references.map { .string($0.name) })),
                    ("status_id", .integer(complianceStatusID(status))),
                    ("status", .string(status.rawValue)),
                ])
            ),
            ("device", device(host)),
            ("resources", resources(host)),
            ("evidences", .array(evidence.map(Self.evidence))),
            (
                "remediation",
                .object([
                    ("desc", .string(control.remediation.description)),
                    ("references", .array(control.references.map { .string($0.url) })),
                ])
            ),
            ("unmapped", .object(unmapped)),
        ])
    }

    /// A Scan Activity (class 6007) for one host: 2 Completed when reached, 6 Error when not, 3 Cancelled when the
    /// run stopped first.
    package static func hostScanActivity(
        _ outcome: HostScanOutcome, run: SpoolRun, timeMilliseconds: Int64, eventID: String = SpoolIdentifier.random()
    ) -> JSONOutput {
        let activity: (id: Int64, name: String)
        let message: String
        var unmapped: [(String, JSONOutput)] = []
        switch outcome.result {
        case .completed:
            activity = (2, "Completed")
            message = "\(outcome.host.hostname): scanned"
            unmapped.append(("reached", .bool(true)))
        case .failed(let errorClass, let errorMessage):
            activity = (6, "Error")
            message = "\(outcome.host.hostname): not scanned: \(errorClass): \(errorMessage)"
            unmapped += [
                ("reached", .bool(false)), ("error_class", .string(errorClass)),
                ("error_message", .string(errorMessage)),
            ]
        case .interrupted:
            activity = (3, "Cancelled")
            message = "\(outcome.host.hostname): not scanned: the run was interrupted"
            unmapped += [("reached", .bool(false)), ("error_class", .string("interrupted"))]
        }
        unmapped.append(("status_counts", statusCounts(outcome.statusCounts)))
        let succeeded = outcome.result == .completed
        let total = outcome.statusCounts.values.reduce(0, +)
        let header = ScanActivityHeader(
            timeMilliseconds: timeMilliseconds, eventID: eventID, run: run, activity: activity, succeeded: succeeded,
            message: message, startMilliseconds: outcome.startMilliseconds, endMilliseconds: outcome.endMilliseconds,
            total: total, statusCounts: outcome.statusCounts)
        return .object(
            scanActivityMembers(header) + [("device", device(outcome.host)), ("unmapped", .object(unmapped))])
    }

    /// What the two Scan Activity events share.
    private struct ScanActivityHeader {
        var timeMilliseconds: Int64
        var eventID: String
        var run: SpoolRun
        var activity: (id: Int64, name: String)
        var succeeded: Bool
        var message: String
        var startMilliseconds: Int64
        var endMilliseconds: Int64
        var total: Int
        var statusCounts: [Status: Int]
    }

    /// The members every Scan Activity starts with, in order: time and uid first, as every spool line does.
    private static func scanActivityMembers(_ header: ScanActivityHeader) -> [(String, JSONOutput)] {
        let succeeded = header.succeeded
        return [
            ("time", .integer(header.timeMilliseconds)),
            ("metadata", metadata(eventID: header.eventID, run: header.run, logName: "edca.scans")),
            ("class_uid", .integer(6007)),
            ("class_name", .string("Scan Activity")),
            ("category_uid", .integer(6)),
            ("category_name", .string("Application Activity")),
            ("activity_id", .integer(header.activity.id)),
            ("activity_name", .string(header.activity.name)),
            ("type_uid", .integer(600_700 + header.activity.id)),
            ("type_name", .string("Scan Activity: \(header.activity.name)")),
            ("severity_id", .integer(succeeded ? 1 : 3)),
            ("severity", .string(succeeded ? "Informational" : "Medium")),
            ("status_id", .integer(succeeded ? 1 : 2)),
            ("status", .string(succeeded ? "Success" : "Failure")),
            ("message", .string(header.message)),
            ("scan", scan(header.run)),
            ("start_time", .integer(header.startMilliseconds)),
            ("end_time", .integer(header.endMilliseconds)),
            ("duration", .integer(header.endMilliseconds - header.startMilliseconds)),
            ("total", .integer(Int64(header.total))),
            ("num_detections", .integer(Int64(header.statusCounts[.fail] ?? 0))),
            ("num_skipped_items", .integer(Int64(header.statusCounts[.skipped] ?? 0))),
        ]
    }

    /// A Scan Activity (class 6007, 2 Completed, or 3 Cancelled when hosts were left unreached) for a whole run.
    package static func runScanActivity(
        _ summary: RunScanSummary, run: SpoolRun, timeMilliseconds: Int64, eventID: String = SpoolIdentifier.random()
    ) -> JSONOutput {
        let activity: (id: Int64, name: String) = summary.interrupted > 0 ? (3, "Cancelled") : (2, "Completed")
        let succeeded = summary.failed == 0 && summary.interrupted == 0
        let total = summary.statusCounts.values.reduce(0, +)
        let message =
            "run \(run.runID): \(summary.reached) of \(summary.hosts) hosts scanned, \(summary.failed) failed, "
            + "\(summary.interrupted) interrupted"
        let header = ScanActivityHeader(
            timeMilliseconds: timeMilliseconds, eventID: eventID, run: run, activity: activity, succeeded: succeeded,
            message: message, startMilliseconds: summary.startMilliseconds, endMilliseconds: summary.endMilliseconds,
            total: total, statusCounts: summary.statusCounts)
        return .object(
            scanActivityMembers(header) + [
                (
                    "unmapped",
                    .object([
                        ("scope", .string("run")),
                        ("hosts", .integer(Int64(summary.hosts))),
                        ("reached", .integer(Int64(summary.reached))),
                        ("failed", .integer(Int64(summary.failed))),
                        ("interrupted", .integer(Int64(summary.interrupted))),
                        ("status_counts", statusCounts(summary.statusCounts)),
                    ])
                )
            ])
    }

    /// One OCSF evidence object: `reg_value` (or `reg_key`) in the Windows extension's naming for a registry fact,
    /// and `data` with the observation, the status it gave and the human line. A kind of fact OCSF has no object
    /// for is named in `data.fact`.
    package static func evidence(_ item: Evidence) -> JSONOutput {
        var members: [(String, JSONOutput)] = []
        var data: [(String, JSONOutput)] = []
        switch item.subject {
        case .registryValue(let key, let name):
            members.append(("reg_value", registryValue(path: key.text, name: name.text, item)))
        case .registryKey(let key):
            members.append(("reg_key", .object([("path", .string(key.text))])))
        case .hostRole:
            if case .role(let required) = item.expected { data.append(("required_role", .string(required.rawValue))) }
            if case .role(let host) = item.value { data.append(("host_role", .string(host.rawValue))) }
        case .service(let name, let field):
            data.append(("fact", .string("service")))
            data.append(("service_name", .string(name)))
            data.append(("field", .string(field)))
            if case .text(let text) = item.value { data.append(("value", .string(text))) }
        case .cimProperty(let className, let instance, let property):
            data.append(("fact", .string("cim")))
            data.append(("cim_class", .string(className)))
            if let instance { data.append(("cim_instance", .string(instance))) }
            data.append(("cim_property", .string(property)))
        case .cimClass(let className):
            data.append(("fact", .string("cim")))
            data.append(("cim_class", .string(className)))
        case nil:
            break
        }
        if case .count(let count) = item.value { data.append(("subkey_count", .unsigned(count))) }
        if let observation = item.observation { data.append(("observation", .string(observation))) }
        if let result = item.result { data.append(("result", .string(result.rawValue))) }
        data.append(("description", .string(item.description)))
        members.append(("data", .object(data)))
        return .object(members)
    }

    private static func registryValue(path: String, name: String, _ item: Evidence) -> JSONOutput {
        var members: [(String, JSONOutput)] = [("path", .string(path)), ("name", .string(name))]
        if case .registry(let data) = item.value {
            members += registryData(data)
            switch item.origin {
            case .stored: break
            case .windowsDefault: members.append(("is_default", .bool(true)))
            case .composed: members.append(("is_composed", .bool(true)))
            }
        }
        return .object(members)
    }

    /// `type` (REG_*), `type_id` where OCSF's enum is known, `data` as text, and OCSF's typed data field.
    private static func registryData(_ data: RegistryData) -> [(String, JSONOutput)] {
        var members: [(String, JSONOutput)] = [("type", .string(data.typeName))]
        if let typeID = ocsfTypeID(data) { members.append(("type_id", .integer(typeID))) }
        switch data {
        case .dword(let number):
            members += [("data", .string(String(number))), ("reg_integer_data", .integer(Int64(number)))]
        case .qword(let number):
            members += [("data", .string(String(number))), ("reg_integer_data", .unsigned(number))]
        case .string(let text), .expandString(let text):
            members += [("data", .string(text)), ("reg_string_data", .string(text))]
        case .multiString(let items):
            members += [
                ("data", .string(items.joined(separator: "\\0"))),
                ("reg_string_list_data", .array(items.map(JSONOutput.string))),
            ]
        case .binary(let bytes):
            let hex = bytes.map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
            members += [("data", .string(hex)), ("reg_binary_data", .string(hex))]
        case .none:
            members.append(("data", .string("")))
        }
        return members
    }

    /// OCSF's registry value `type_id` (its own enum, not Win32's): only the values the research verified.
    private static func ocsfTypeID(_ data: RegistryData) -> Int64? {
        switch data {
        case .binary: 1
        case .dword: 2
        case .expandString: 4
        case .multiString: 6
        case .none: 7
        case .string: 10
        case .qword: nil
        }
    }

    private static func metadata(eventID: String, run: SpoolRun, logName: String) -> JSONOutput {
        .object([
            ("uid", .string(eventID)),
            ("correlation_uid", .string(run.runID)),
            ("version", .string(SpoolRun.ocsfVersion)),
            (
                "product",
                .object([
                    ("name", .string(SpoolRun.productName)),
                    ("vendor_name", .string(SpoolRun.productName)),
                    ("version", .string(run.productVersion)),
                ])
            ),
            ("log_name", .string(logName)),
        ])
    }

    private static func device(_ host: SpoolHost) -> JSONOutput {
        var members: [(String, JSONOutput)] = [("hostname", .string(host.hostname))]
        if let ip = host.ip { members.append(("ip", .string(ip))) }
        members += [("type", .string("Server")), ("type_id", .integer(1))]
        var os: [(String, JSONOutput)] = [
            ("name", .string(host.osName ?? "Windows")), ("type", .string("Windows")), ("type_id", .integer(100)),
        ]
        if let build = host.osBuild { os.append(("build", .string(build))) }
        members.append(("os", .object(os)))
        return .object(members)
    }

    private static func resources(_ host: SpoolHost) -> JSONOutput {
        var members: [(String, JSONOutput)] = [
            ("uid", .string(host.hostname)), ("name", .string(host.hostname)),
            ("type", .string("Microsoft Exchange Server")),
        ]
        if let role = host.role { members.append(("role", .string(role.rawValue))) }
        return .array([.object(members)])
    }

    private static func scan(_ run: SpoolRun) -> JSONOutput {
        .object([("uid", .string(run.runID)), ("name", .string("edca-agent scan")), ("type", .string("Compliance"))])
    }

    private static func statusCounts(_ counts: [Status: Int]) -> JSONOutput {
        .object(Status.allCases.map { ($0.rawValue, .integer(Int64(counts[$0] ?? 0))) })
    }
}
