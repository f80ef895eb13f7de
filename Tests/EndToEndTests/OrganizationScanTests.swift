import EDCATestSupport
import Foundation
import Testing

/// Organization controls in real scans over SSH (`edca-agent scan` against simulated hosts behind real sshds):
/// evaluated once per organization on one host's facts, with fallback to the next host, and named as the
/// organization in the spool (valid OCSF 1.8.0) and on the terminal.
@Suite("Organization controls in a fleet scan", .serialized)
struct OrganizationScanTests {
    /// The registry key only the organization control reads; each host's snapshot gets its own `Marker`.
    static let organizationKey = #"HKLM\SOFTWARE\EDCA-Test\Organization"#
    static let organizationControl = "EDCA-ORG-901"

    /// A controls directory with a server control (EDCA-SEC-043) and a test control of subject Organization that
    /// passes when the organization key's `Marker` is 1.
    private func controls(_ fleet: SimulatedFleet) throws -> String {
        let directory = try fleet.controlsDirectory(with: ["EDCA-SEC-043"])
        let source = try Data(contentsOf: URL(fileURLWithPath: directory + "/EDCA-SEC-043.json"))
        var control = try #require(try JSONSerialization.jsonObject(with: source) as? [String: Any])
        control["id"] = Self.organizationControl
        control["title"] = "The organization's marker is set"
        control["subject"] = "Organization"
        control["roles"] = ["Mailbox"]
        control["check"] = ["key": Self.organizationKey, "value": "Marker", "equals": 1]
        try JSONSerialization.data(withJSONObject: control).write(
            to: URL(fileURLWithPath: directory + "/\(Self.organizationControl).json"))
        return directory
    }

    /// Gives host `index` the organization key with `marker` (nil: no key).
    private func setMarker(_ fleet: SimulatedFleet, host index: Int, _ marker: Int?) throws {
        let path = fleet.snapshotPath(ofHost: index)
        var snapshot = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        var registry = try #require(snapshot["registry"] as? [String: Any])
        if let marker { registry[Self.organizationKey] = ["Marker": ["type": "REG_DWORD", "data": marker]] }
        snapshot["registry"] = registry
        try JSONSerialization.data(withJSONObject: snapshot).write(to: URL(fileURLWithPath: path))
    }

    /// An inventory of `hosts` (name, fleet index or nil for an unreachable address, organization or nil).
    private func inventory(_ fleet: SimulatedFleet, _ hosts: [(String, Int?, String?)]) throws -> String {
        var text = "defaults:\n  user: \(fleet.user)\n  identity: \(fleet.clientKeyPath)\nhosts:\n"
        for (name, index, organization) in hosts {
            if let index {
                text += "  - {name: \(name), address: \(fleet.addresses[index]), port: \(fleet.port(ofHost: index))"
            } else {
                text += "  - {name: \(name), address: 127.0.0.250, port: \(try SSHServerFixture.freePort())"
            }
            text += organization.map { ", organization: \($0)}\n" } ?? "}\n"
        }
        return try fleet.directory.write("inventory-\(UUID().uuidString).yaml", text)
    }

    /// Runs a scan into a fresh spool; returns the run, the spool's events and the spool directory.
    private func scan(
        _ fleet: SimulatedFleet, inventory: String, controls: String
    ) throws -> (run: AgentRun, events: [[String: Any]], spool: String) {
        let spool = fleet.directory.path + "/spool-\(UUID().uuidString)"
        let run = try runAgent([
            "scan", "--inventory", inventory, "--controls", controls, "--known-hosts", fleet.knownHostsPath,
            "--spool", spool, "--state", spool + "-state", "--retries", "0", "--timeout", "10", "--concurrency", "3",
        ])
        return (run, try spoolEvents(in: spool), spool)
    }

    /// The spool's findings of the organization control.
    private func organizationFindings(_ events: [[String: Any]]) -> [[String: Any]] {
        events.filter { ($0["compliance"] as? [String: Any])?["control"] as? String == Self.organizationControl }
    }

    private func resource(_ event: [String: Any]) -> [String: Any] {
        (event["resources"] as? [[String: Any]])?.first ?? [:]
    }

    private func device(_ event: [String: Any]) -> String? {
        (event["device"] as? [String: Any])?["hostname"] as? String
    }

    @Test("Three hosts of one organization give one organization finding, from the first host by name, valid OCSF")
    func oneOrganization() throws {
        let fleet = try SimulatedFleet(
            [.init(snapshot: "mbx01.json"), .init(snapshot: "mbx02.json"), .init(snapshot: "mbx03.json")],
            firstAddress: 201)
        try setMarker(fleet, host: 0, 0)
        try setMarker(fleet, host: 1, 1)
        try setMarker(fleet, host: 2, 1)
        let controls = try controls(fleet)
        // Declared out of name order: the choice follows the names, not the file.
        let inventory = try inventory(
            fleet, [("mbx-c", 2, "Contoso"), ("mbx-a", 1, "Contoso"), ("mbx-b", 0, "Contoso")])

        let (run, events, spool) = try scan(fleet, inventory: inventory, controls: controls)

        #expect(run.status == 0, "\(run.standardError)")
        let findings = organizationFindings(events)
        #expect(findings.count == 1, "one finding for the organization, not one per server: \(findings)")
        let finding = try #require(findings.first)
        #expect(resource(finding)["name"] as? String == "Contoso")
        #expect(resource(finding)["type"] as? String == "Organization")
        #expect(device(finding) == "mbx-a", "mbx-a comes first by name")
        #expect((finding["compliance"] as? [String: Any])?["status_code"] as? String == "Pass", "mbx-a's marker is 1")
        let serverFindings = events.filter {
            ($0["compliance"] as? [String: Any])?["control"] as? String == "EDCA-SEC-043"
        }
        #expect(Set(serverFindings.compactMap(device)) == ["mbx-a", "mbx-b", "mbx-c"])
        #expect(
            serverFindings.allSatisfy { resource($0)["type"] == nil && resource($0)["name"] as? String == device($0) })
        #expect(run.standardOutput.contains("ORGANIZATION"), "\(run.standardOutput)")
        #expect(
            run.standardOutput.split(separator: "\n").contains { $0.hasPrefix("Contoso") && $0.contains("mbx-a") },
            "\(run.standardOutput)")

        let files = try FileManager.default.contentsOfDirectory(atPath: spool).filter { $0.hasSuffix(".ndjson") }
        let result = try validateOCSF(files.map { spool + "/" + $0 })
        #expect(result.status == 0, "violations of OCSF 1.8.0:\n\(result.output)")
    }

    @Test("When the chosen host is unreachable, or cannot read the organization's facts, the next one collects")
    func fallback() throws {
        let fleet = try SimulatedFleet(
            [
                .init(snapshot: "mbx01.json", faults: ["deniedKeys": [Self.organizationKey]]),
                .init(snapshot: "mbx02.json"), .init(snapshot: "mbx03.json"),
            ], firstAddress: 205)
        try setMarker(fleet, host: 0, 1)
        try setMarker(fleet, host: 1, 0)
        try setMarker(fleet, host: 2, 1)
        let controls = try controls(fleet)

        // mbx-a cannot be reached; mbx-b (host 0) is reached but its organization key is denied; mbx-c collects.
        let inventory = try inventory(
            fleet,
            [("mbx-a", nil, "Contoso"), ("mbx-b", 0, "Contoso"), ("mbx-c", 1, "Contoso"), ("mbx-d", 2, "Contoso")])
        let (run, events, _) = try scan(fleet, inventory: inventory, controls: controls)

        #expect(run.status == 4, "one host could not be reached: \(run.standardError)")
        let findings = organizationFindings(events)
        #expect(findings.count == 1, "\(findings)")
        #expect(findings.first.flatMap(device) == "mbx-c", "the first host, by name, that could collect")
        #expect(
            (findings.first?["compliance"] as? [String: Any])?["status_code"] as? String == "Fail",
            "mbx-c's marker is 0: its facts decided, not mbx-b's unreadable ones")
        #expect(
            run.standardOutput.split(separator: "\n").contains {
                $0.hasPrefix("Contoso") && $0.contains("mbx-c") && $0.contains("mbx-a, mbx-b")
            }, "\(run.standardOutput)")
    }

    @Test("Two organizations give two organization findings; hosts without one are the default organization")
    func twoOrganizations() throws {
        let fleet = try SimulatedFleet(
            [
                .init(snapshot: "mbx01.json"), .init(snapshot: "mbx02.json"), .init(snapshot: "mbx03.json"),
                .init(snapshot: "mbx04.json"),
            ], firstAddress: 210)
        for index in 0..<4 { try setMarker(fleet, host: index, index % 2) }
        let controls = try controls(fleet)
        let inventory = try inventory(
            fleet, [("n1", 0, "North"), ("n2", 1, "North"), ("s1", 2, "South"), ("d1", 3, nil)])

        let (run, events, _) = try scan(fleet, inventory: inventory, controls: controls)

        #expect(run.status != 4, "\(run.standardError)")
        let findings = organizationFindings(events)
        let collected = Dictionary(
            findings.map { (resource($0)["name"] as? String ?? "?", device($0) ?? "?") },
            uniquingKeysWith: { a, _ in a })
        #expect(findings.count == 3, "\(findings)")
        #expect(collected == ["North": "n1", "South": "s1", "default": "d1"])
    }

    /// Gives host `index` an Exchange stage answer (the snapshot's `exchange` member).
    private func setExchange(_ fleet: SimulatedFleet, host index: Int, _ exchange: [String: Any]) throws {
        let path = fleet.snapshotPath(ofHost: index)
        var snapshot = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        snapshot["exchange"] = exchange
        try JSONSerialization.data(withJSONObject: snapshot).write(to: URL(fileURLWithPath: path))
    }

    /// Adds a control made from EDCA-SEC-043's texts with this id, subject and check to `directory`.
    private func addControl(_ directory: String, id: String, subject: String, check: [String: Any]) throws {
        let source = try Data(contentsOf: URL(fileURLWithPath: directory + "/EDCA-SEC-043.json"))
        var control = try #require(try JSONSerialization.jsonObject(with: source) as? [String: Any])
        control["id"] = id
        control["subject"] = subject
        control["roles"] = ["Mailbox"]
        control["check"] = check
        try JSONSerialization.data(withJSONObject: control).write(to: URL(fileURLWithPath: directory + "/\(id).json"))
    }

    @Test(
        "Exchange facts: collected on one host, others judged with its rows; a verdict per database; differences told")
    func exchangeOrganizationAndDatabases() throws {
        let fleet = try SimulatedFleet(
            [
                .init(snapshot: "mbx01.json", faults: ["exchangeDeniedKeys": ["AcceptedDomain"]]),
                .init(snapshot: "mbx02.json"), .init(snapshot: "mbx03.json"), .init(snapshot: "edge01.json"),
            ],
            firstAddress: 215)
        // mbx-a answers the organization's configuration, but RBAC denies it the accepted domains: passed over.
        try setExchange(
            fleet, host: 0,
            [
                "facts": [
                    "OrganizationConfig": ["rows": [["MapiHttpEnabled": false]]],
                    "AcceptedDomain": ["rows": [["DomainName": "contoso.example"]]],
                ]
            ])
        try setExchange(
            fleet, host: 1,
            [
                "facts": [
                    "OrganizationConfig": ["rows": [["MapiHttpEnabled": true]]],
                    "AcceptedDomain": ["rows": [["DomainName": "contoso.example"]]],
                    "MailboxDatabase": [
                        "rows": [
                            ["Name": "DB01", "CircularLoggingEnabled": false],
                            ["Name": "DB02", "CircularLoggingEnabled": true],
                        ]
                    ],
                ]
            ])
        // What mbx-c would read for itself (MapiHttpEnabled false) is never asked: it is judged with mbx-b's rows.
        try setExchange(
            fleet, host: 2,
            [
                "facts": [
                    "OrganizationConfig": ["rows": [["MapiHttpEnabled": false]]],
                    "AcceptedDomain": ["rows": [["DomainName": "contoso.example"]]],
                    "MailboxDatabase": ["rows": [["Name": "DB03", "CircularLoggingEnabled": false]]],
                ]
            ])
        // An Edge server answers from its own AD LDS copy: never a difference from the organization's facts.
        try setExchange(fleet, host: 3, ["facts": ["OrganizationConfig": ["rows": [["MapiHttpEnabled": false]]]]])
        let controls = try fleet.controlsDirectory(with: ["EDCA-SEC-043"])
        try addControl(
            controls, id: "EDCA-ORG-902", subject: "Organization",
            check: ["exchange": "OrganizationConfig", "property": "MapiHttpEnabled", "require": "all", "equals": true])
        try addControl(
            controls, id: "EDCA-ORG-904", subject: "Organization",
            check: [
                "exchangeCountOf": "AcceptedDomain", "cases": [["atLeast": 1, "status": "Pass"]], "otherwise": "Fail",
            ])
        try addControl(
            controls, id: "EDCA-DB-901", subject: "Database",
            check: [
                "exchange": "MailboxDatabase", "property": "CircularLoggingEnabled", "require": "all", "equals": false,
            ])
        // A server control that reads the same organization fact: judged on every server with the collector's rows.
        try addControl(
            controls, id: "EDCA-SRV-903", subject: "Server",
            check: ["exchange": "OrganizationConfig", "property": "MapiHttpEnabled", "require": "all", "equals": true])
        let inventory = try inventory(
            fleet,
            [("mbx-a", 0, "Contoso"), ("mbx-b", 1, "Contoso"), ("mbx-c", 2, "Contoso"), ("edge-d", 3, "Contoso")])

        let (run, events, spool) = try scan(fleet, inventory: inventory, controls: controls)

        #expect(run.status == 0, "\(run.standardError)")
        func control(_ event: [String: Any]) -> String? {
            (event["compliance"] as? [String: Any])?["control"] as? String
        }
        func status(_ event: [String: Any]) -> String? {
            (event["compliance"] as? [String: Any])?["status_code"] as? String
        }
        let organization = events.filter { control($0) == "EDCA-ORG-902" }
        #expect(organization.count == 1)
        #expect(organization.first.flatMap(device) == "mbx-b", "mbx-a cannot read the accepted domains: mbx-b collects")
        #expect(
            run.standardError.contains("mbx-a (organization reads failed: Exchange AcceptedDomain: denied"),
            "the log says why mbx-a was passed over: \(run.standardError)")
        #expect(organization.first.flatMap(status) == "Pass", "mbx-b's organization facts, not mbx-a's")
        let unmapped = organization.first?["unmapped"] as? [String: Any]
        #expect(
            unmapped?["organization_facts_differ"] as? [String] == ["mbx-a: OrganizationConfig"],
            "mbx-a read the organization's configuration too, and differs: reported, not merged")
        #expect(
            run.standardOutput.contains(
                "warning: Contoso: organization facts differ from mbx-b's on mbx-a (OrganizationConfig)"),
            "\(run.standardOutput)")
        let perServer = events.filter { control($0) == "EDCA-SRV-903" }.map {
            "\(device($0) ?? "?") \(status($0) ?? "?")"
        }
        #expect(
            Set(perServer) == ["mbx-a Pass", "mbx-b Pass", "mbx-c Pass"],
            "every server judged with the collector's organization configuration")
        let databases = events.filter { control($0) == "EDCA-DB-901" }
        let verdicts = Set(
            databases.map { event in
                "\(device(event) ?? "?") \(resource(event)["type"] as? String ?? "Server") "
                    + "\(resource(event)["name"] as? String ?? "?") \(status(event) ?? "?")"
            })
        #expect(
            verdicts == [
                "mbx-a Server mbx-a Unknown", "mbx-b Database DB01 Pass", "mbx-b Database DB02 Fail",
                "mbx-c Database DB03 Pass",
            ])
        let uids = Set(databases.compactMap { ($0["finding_info"] as? [String: Any])?["uid"] as? String })
        #expect(uids.count == 4, "each database is its own finding")
        // On the server side: the candidates passed over (edge-d, first by name and found Edge only by its probe,
        // then mbx-a) and the collector ran organization cmdlets; mbx-c none.
        let organizationRuns = try fleet.probeRuns().filter { !$0.organizationKeys.isEmpty }.map(\.address)
        #expect(
            organizationRuns.sorted() == [fleet.addresses[0], fleet.addresses[1], fleet.addresses[3]],
            "\(organizationRuns)")

        let files = try FileManager.default.contentsOfDirectory(atPath: spool).filter { $0.hasSuffix(".ndjson") }
        let result = try validateOCSF(files.map { spool + "/" + $0 })
        #expect(result.status == 0, "violations of OCSF 1.8.0:\n\(result.output)")
    }

    @Test("Two organizations: organization cmdlets on one host of each; SEC-001 and SEC-034 judged with its rows")
    func organizationCmdletsOncePerOrganization() throws {
        let fleet = try SimulatedFleet(
            [
                .init(snapshot: "mbx01.json"), .init(snapshot: "mbx03.json"), .init(snapshot: "mbx04.json"),
                .init(snapshot: "mbx01.json"), .init(snapshot: "edge01.json"),
            ], firstAddress: 232)
        // North's collector (n1) says MAPI over HTTP is on and content filtering enabled; n2's own copy says not.
        // South's collector (s1) says MAPI over HTTP is off; s2's own copy says on.
        try fleet.setExchangeProperty(host: 1, "OrganizationConfig", "MapiHttpEnabled", false)
        try fleet.setExchangeProperty(host: 1, "ContentFilterConfig", "Enabled", false)
        try fleet.setExchangeProperty(host: 2, "OrganizationConfig", "MapiHttpEnabled", false)
        // The Edge server's own (AD LDS) content filter is off: its verdict is its own.
        try fleet.setExchangeProperty(host: 4, "ContentFilterConfig", "Enabled", false)
        let controls = try fleet.controlsDirectory(with: ["EDCA-SEC-001", "EDCA-SEC-034", "EDCA-SEC-043"])
        var text = "defaults:\n  user: \(fleet.user)\n  identity: \(fleet.clientKeyPath)\nhosts:\n"
        for (name, index, organization, role) in [
            ("n1", 0, "North", "auto"), ("n2", 1, "North", "auto"), ("s1", 2, "South", "auto"),
            ("s2", 3, "South", "auto"), ("edge-n", 4, "North", "Edge"),
        ] {
            text +=
                "  - {name: \(name), address: \(fleet.addresses[index]), port: \(fleet.port(ofHost: index)), "
                + "organization: \(organization), role: \(role)}\n"
        }
        let inventory = try fleet.directory.write("inventory-two.yaml", text)

        let (run, events, _) = try scan(fleet, inventory: inventory, controls: controls)

        #expect(run.status == 0, "\(run.standardError)")
        func verdicts(_ id: String) -> Set<String> {
            Set(
                events.filter { ($0["compliance"] as? [String: Any])?["control"] as? String == id }.map {
                    "\(device($0) ?? "?") \((($0["compliance"] as? [String: Any])?["status_code"] as? String) ?? "?")"
                })
        }
        #expect(verdicts("EDCA-SEC-001") == ["n1 Pass", "n2 Pass", "s1 Fail", "s2 Fail"])
        #expect(verdicts("EDCA-SEC-034") == ["n1 Pass", "n2 Pass", "s1 Pass", "s2 Pass", "edge-n Fail"])
        // On the server side: one Mailbox server of each organization ran organization cmdlets; the Edge server
        // read its own copies; the other servers none.
        let runs = try fleet.probeRuns()
        #expect(runs.count == 5, "one probe per host: \(runs)")
        let ran = Set(runs.filter { !$0.organizationKeys.isEmpty }.map(\.address))
        #expect(ran == [fleet.addresses[0], fleet.addresses[2], fleet.addresses[4]], "\(runs)")
    }
}
