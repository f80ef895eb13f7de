package import EDCACore
package import EDCAJSON
import Foundation

/// Where a run's events come from: the run id every event carries and the product that wrote them.
package struct SpoolRun: Sendable {
    /// The OCSF schema version the events follow (`docs/spool.md` says why this one).
    package static let ocsfVersion = "1.8.0"
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

/// What a finding is about, beyond the host whose facts decided it (`resources` of OCSF).
package enum SpoolSubject: Sendable, Hashable {
    /// The host itself (the event's `device`).
    case server
    /// An Exchange organization, decided on the facts of the event's `device`.
    case organization(String)
    /// A mailbox database of the event's `device` (a row of the `MailboxDatabase` stage key), by name.
    case database(String)

    /// The key that stands for the subject in drift state and finding uids: the host name for a server; for an
    /// organization, `organization`, a unit separator (U+001F, which no inventory name may contain) and its name,
    /// so that it never equals a host's name.
    package func key(host: String) -> String {
        switch self {
        case .server: host
        case .organization(let name): "organization\u{1F}" + name.lowercased()
        case .database(let name): host + "\u{1F}database\u{1F}" + name.lowercased()
        }
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
    /// Since when an unchanged status holds, in milliseconds since the epoch, when the state knows it.
    package var since: Int64?
    /// When a finding last reported this host and control, in milliseconds since the epoch, when the state knows it.
    package var reported: Int64?

    /// Creates a drift.
    package init(kind: DriftKind, previous: Status?, since: Int64? = nil, reported: Int64? = nil) {
        self.kind = kind
        self.previous = previous
        self.since = since
        self.reported = reported
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
    /// In a changes-only scan, how many unchanged findings were left out; nil in a full scan.
    package var unchangedOmitted: Int?
    /// Why the probe's Exchange stage ran no cmdlet on a host that was scanned (its class and its message with
    /// the remedy); nil when it ran or was not asked for.
    package var exchangeStageError: (errorClass: String, message: String)?

    /// Creates a host outcome.
    package init(
        host: SpoolHost, result: Result, startMilliseconds: Int64, endMilliseconds: Int64,
        statusCounts: [Status: Int] = [:], unchangedOmitted: Int? = nil,
        exchangeStageError: (errorClass: String, message: String)? = nil
    ) {
        self.exchangeStageError = exchangeStageError
        self.host = host
        self.result = result
        self.startMilliseconds = startMilliseconds
        self.endMilliseconds = endMilliseconds
        self.statusCounts = statusCounts
        self.unchangedOmitted = unchangedOmitted
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
    /// OCSF `compliance.status_id` and its caption: 1 Pass, 3 Fail, 2 Warning for Unknown (OCSF: "did not yield a
    /// result due to missing information"), 99 Other with our word for Skipped and Error. `compliance.status_code`
    /// always has our word.
    package static func complianceStatus(_ status: Status) -> (id: Int64, caption: String) {
        switch status {
        case .pass: (1, "Pass")
        case .fail: (3, "Fail")
        case .unknown: (2, "Warning")
        case .skipped, .error: (99, status.rawValue)
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
    ///
    /// Lean by design (`docs/spool.md`, "What an event carries"): what a SIEM search needs to stand alone (host,
    /// control id and title, verdict, severity, drift, first and last seen, the facts seen), not what the control id
    /// or the device uid looks up (the control's texts, remediation, references and expectations, the host's
    /// operating system) nor what the event's own ids say already (OCSF's captions of its enums, a message made of
    /// host, control and status).
    ///
    /// A finding about an organization (`subject`) names it in `resources` (type `Organization`), with the host whose
    /// facts decided it as `device`; a database's names the database (type `Database`) with its server as `device`;
    /// a server's finding names the host in both. `differingFacts` (`HOST: STAGE KEY`, an organization finding's)
    /// are organization facts another host of the organization answered otherwise than `device`.
    package static func complianceFinding(
        control: ControlMetadata, status: Status, evidence: [Evidence], host: SpoolHost,
        subject: SpoolSubject = .server, differingFacts: [String] = [], drift: Drift, run: SpoolRun,
        timeMilliseconds: Int64, eventID: String = SpoolIdentifier.random()
    ) -> JSONOutput {
        // Finding lifecycle: a control that passes leaves nothing open (4 Resolved); any other status is open (1 New).
        let passed = status == .pass
        let findingStatusID: Int64 = passed ? 4 : 1
        let firstSeen = drift.kind == .unchanged ? drift.since ?? timeMilliseconds : timeMilliseconds
        let (complianceID, complianceWord) = complianceStatus(status)
        var compliance: [(String, JSONOutput)] = [
            ("control", .string(control.id)),
            ("standards", .array(control.frameworks.map(JSONOutput.string))),
        ]
        if !control.requirements.isEmpty {
            compliance.append(("requirements", .array(control.requirements.map(JSONOutput.string))))
        }
        compliance.append(("status_id", .integer(complianceID)))
        // OCSF's caption only for 99 (Other), where the id alone does not say which status it is.
        if complianceID == 99 { compliance.append(("status", .string(complianceWord))) }
        compliance.append(("status_code", .string(status.rawValue)))
        var members: [(String, JSONOutput)] = [
            ("time", .integer(timeMilliseconds)),
            (
                "metadata",
                metadata(eventID: eventID, run: run, logName: nil, eventCode: control.id, hostProfile: true)
            ),
            ("class_uid", .integer(2003)),
            ("category_uid", .integer(2)),
            ("activity_id", .integer(1)),
            ("type_uid", .integer(200_301)),
            ("severity_id", .integer(severityID(control.severity))),
            ("status_id", .integer(findingStatusID)),
            (
                "finding_info",
                .object([
                    (
                        "uid",
                        .string(SpoolIdentifier.findingUID(host: subject.key(host: host.hostname), control: control.id))
                    ),
                    ("title", .string(control.title)),
                    ("first_seen_time", .integer(firstSeen)),
                    ("last_seen_time", .integer(timeMilliseconds)),
                ])
            ),
            ("compliance", .object(compliance)),
            ("device", device(host, full: false)),
            ("resources", resources(host, subject: subject)),
            ("evidences", .array(evidence.map(Self.evidence))),
        ]
        var unmapped: [(String, JSONOutput)] = [("drift", .string(drift.kind.rawValue))]
        if drift.kind == .changed, let previous = drift.previous {
            unmapped.append(("previous_status", .string(previous.rawValue)))
        }
        if !differingFacts.isEmpty {
            unmapped.append(("organization_facts_differ", .array(differingFacts.map(JSONOutput.string))))
        }
        members.append(("unmapped", .object(unmapped)))
        return .object(members)
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
            message =
                "\(outcome.host.hostname): scanned"
                + (outcome.exchangeStageError.map { "; Exchange stage: \($0.errorClass): \($0.message)" } ?? "")
            unmapped.append(("reached", .bool(true)))
            if let stage = outcome.exchangeStageError {
                unmapped += [
                    ("exchange_error_class", .string(stage.errorClass)),
                    ("exchange_error_message", .string(stage.message)),
                ]
            }
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
        if let omitted = outcome.unchangedOmitted { unmapped.append(("unchanged_omitted", .integer(Int64(omitted)))) }
        let succeeded = outcome.result == .completed
        let total = outcome.statusCounts.values.reduce(0, +)
        let header = ScanActivityHeader(
            timeMilliseconds: timeMilliseconds, eventID: eventID, run: run, activity: activity, succeeded: succeeded,
            message: message, startMilliseconds: outcome.startMilliseconds, endMilliseconds: outcome.endMilliseconds,
            total: total, statusCounts: outcome.statusCounts, hostProfile: true)
        return .object(
            scanActivityMembers(header) + [
                ("device", device(outcome.host, full: true)), ("unmapped", .object(unmapped)),
            ])
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
        /// Whether the event has a `device` (the `host` profile).
        var hostProfile: Bool
    }

    /// The members every Scan Activity starts with, in order: time and uid first, as every spool line does.
    private static func scanActivityMembers(_ header: ScanActivityHeader) -> [(String, JSONOutput)] {
        let succeeded = header.succeeded
        return [
            ("time", .integer(header.timeMilliseconds)),
            (
                "metadata",
                metadata(
                    eventID: header.eventID, run: header.run, logName: "edca.scans", eventCode: nil,
                    hostProfile: header.hostProfile)
            ),
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
            total: total, statusCounts: summary.statusCounts, hostProfile: false)
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
    /// for is named in `data` by its own fields (`data.fact` and its address).
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
        case let subject?:
            // Every other kind of fact names itself (FactLocation.fields): a new kind needs nothing here.
            data += subject.fields.map { ($0.name, .string($0.value)) }
            if case .text(let text) = item.value { data.append(("value", .string(text))) }
        case nil:
            break
        }
        if case .count(let count) = item.value {
            data.append((item.subject?.countName ?? "subkey_count", .unsigned(count)))
        }
        // The observation is left out when the data says it: a value read as stored, or Windows' default
        // (`reg_value.is_default`).
        if let observation = item.observation, !dataSaysObservation(item) {
            data.append(("observation", .string(observation)))
        }
        if let result = item.result { data.append(("result", .string(result.rawValue))) }
        // The evidence line (`edca-agent evaluate`'s) only where no field names the fact: a summary of a group.
        // Elsewhere it would repeat the fact's fields and add the control's expectation, looked up by its id.
        if item.subject == nil { data.append(("description", .string(item.description))) }
        members.append(("data", .object(data)))
        return .object(members)
    }

    /// Whether the typed data says what the observation would: a value read as stored, or a registry value's
    /// Windows default (`reg_value.is_default`).
    private static func dataSaysObservation(_ item: Evidence) -> Bool {
        switch (item.origin, item.value) {
        case (.stored, _?), (.windowsDefault, .registry?): true
        default: false
        }
    }

    private static func registryValue(path: String, name: String, _ item: Evidence) -> JSONOutput {
        var members: [(String, JSONOutput)] = [("path", .string(path)), ("name", .string(name))]
        if case .registry(let data) = item.value {
            members += registryData(data)
            if item.origin == .windowsDefault { members.append(("is_default", .bool(true))) }
            // No OCSF attribute says "composed from its parts": the evidence's `data.observation` says it.
        }
        return .object(members)
    }

    /// `type_id` (OCSF's enum; its caption `type`, REG_*, is the schema's) and OCSF's typed data field; `data`
    /// (the data as text) only for REG_NONE, which has no typed field, and for a REG_QWORD above `long_t`'s range.
    private static func registryData(_ data: RegistryData) -> [(String, JSONOutput)] {
        var members: [(String, JSONOutput)] = [("type_id", .integer(ocsfTypeID(data)))]
        switch data {
        case .dword(let number):
            members.append(("reg_integer_data", .integer(Int64(number))))
        case .qword(let number):
            if let signed = Int64(exactly: number) {
                members.append(("reg_integer_data", .integer(signed)))
            } else {
                members.append(("data", .string(String(number))))
            }
        case .string(let text), .expandString(let text):
            members.append(("reg_string_data", .string(text)))
        case .multiString(let items):
            members.append(("reg_string_list_data", .array(items.map(JSONOutput.string))))
        case .binary(let bytes):
            members.append(("reg_binary_data", .string(Data(bytes).base64EncodedString())))
        case .none:
            members.append(("data", .string("")))
        }
        return members
    }

    /// OCSF's registry value `type_id` (its own enum, not Win32's), as OCSF 1.8.0 defines it.
    private static func ocsfTypeID(_ data: RegistryData) -> Int64 {
        switch data {
        case .binary: 1
        case .dword: 2
        case .expandString: 4
        case .multiString: 6
        case .none: 7
        case .qword: 8
        case .string: 10
        }
    }

    private static func metadata(
        eventID: String, run: SpoolRun, logName: String?, eventCode: String?, hostProfile: Bool
    ) -> JSONOutput {
        var members: [(String, JSONOutput)] = [
            ("uid", .string(eventID)),
            ("correlation_uid", .string(run.runID)),
            ("version", .string(SpoolRun.ocsfVersion)),
        ]
        // The agent's version is the same for a whole run: a finding leaves it to its run's Scan Activities.
        var product: [(String, JSONOutput)] = [("name", .string(SpoolRun.productName))]
        if eventCode == nil { product.append(("version", .string(run.productVersion))) }
        members.append(("product", .object(product)))
        if let logName { members.append(("log_name", .string(logName))) }
        if let eventCode { members.append(("event_code", .string(eventCode))) }
        // `device` belongs to OCSF's `host` profile, which an event using it declares.
        if hostProfile { members.append(("profiles", .array([.string("host")]))) }
        return .object(members)
    }

    /// The host as OCSF's `device`; its type's caption and operating system only where asked (the host's Scan
    /// Activity), since a finding's reader finds them by `device.uid`.
    private static func device(_ host: SpoolHost, full: Bool) -> JSONOutput {
        var members: [(String, JSONOutput)] = [("hostname", .string(host.hostname))]
        if let ip = host.ip { members.append(("ip", .string(ip))) }
        members.append(("uid", .string(SpoolIdentifier.deviceUID(host: host.hostname))))
        guard full else { return .object(members + [("type_id", .integer(1))]) }
        members += [("type", .string("Server")), ("type_id", .integer(1))]
        var os: [(String, JSONOutput)] = [
            ("name", .string(host.osName ?? "Windows")), ("type", .string("Windows")), ("type_id", .integer(100)),
        ]
        if let build = host.osBuild { os.append(("build", .string(build))) }
        members.append(("os", .object(os)))
        return .object(members)
    }

    private static func resources(_ host: SpoolHost, subject: SpoolSubject) -> JSONOutput {
        switch subject {
        case .organization(let name):
            return .array([.object([("name", .string(name)), ("type", .string("Organization"))])])
        case .database(let name):
            return .array([.object([("name", .string(name)), ("type", .string("Database"))])])
        case .server:
            break
        }
        // A resource without `type` is an Exchange server: the role says which kind.
        var members: [(String, JSONOutput)] = [("name", .string(host.hostname))]
        if let role = host.role { members.append(("role", .string(role.rawValue))) }
        return .array([.object(members)])
    }

    private static func scan(_ run: SpoolRun) -> JSONOutput {
        // `type_id` 99 (Other): OCSF's scan types are about what started a scan (manual, scheduled, ...), which the
        // agent does not know; `type` says what kind of scan it is.
        .object([
            ("uid", .string(run.runID)), ("name", .string("edca-agent scan")), ("type_id", .integer(99)),
            ("type", .string("Compliance")),
        ])
    }

    private static func statusCounts(_ counts: [Status: Int]) -> JSONOutput {
        .object(Status.allCases.map { ($0.rawValue, .integer(Int64(counts[$0] ?? 0))) })
    }
}
