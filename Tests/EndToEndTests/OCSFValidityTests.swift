import EDCATestSupport
import Foundation
import Testing

/// Every event a scan writes is valid OCSF 1.8.0 by the official compiled schema (`Schemas/OCSF`), checked by
/// `scripts/ocsf-validate` with no exception list: real scans over SSH of the lab's snapshots with the whole
/// catalog, a host that cannot be reached, one that answers badly, a second scan (drift, first seen), and a scan
/// stopped by SIGTERM.
@Suite("Spool events are valid OCSF", .serialized)
struct OCSFValidityTests {
    private func spoolFiles(_ spool: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: spool).filter { $0.hasSuffix(".ndjson") }.sorted().map {
            spool + "/" + $0
        }
    }

    @Test("Findings of every lab host with the whole catalog, failed hosts, a rescan and an interrupted scan")
    func everyEventTypeIsValid() throws {
        let snapshots = ["mbx01.json", "mbx02.json", "edge01.json", "mbx03.json", "mbx04.json"]
        var hosts = snapshots.map { SimulatedFleet.Host(snapshot: $0) }
        hosts.append(SimulatedFleet.Host(snapshot: "mbx01.json", faults: ["garbage": true]))
        hosts.append(SimulatedFleet.Host(snapshot: "mbx02.json", faults: ["latencyMs": 3000]))
        let lab = try SimulatedFleet(hosts, firstAddress: 161)
        let unreachable =
            "  - name: unreachable\n    address: 127.0.0.99\n    port: \(try SSHServerFixture.freePort())\n"
        let inventory = try lab.writeInventory("inventory.yaml", extraHosts: unreachable)
        let spool = lab.directory.path + "/spool"
        let arguments = [
            "scan", "--inventory", inventory, "--controls", repositoryRoot + "/Controls", "--known-hosts",
            lab.knownHostsPath, "--spool", spool, "--state", lab.directory.path + "/state", "--retries", "0",
        ]

        // Whole catalog on every lab host; host5 answers garbage, host6 is too slow for the timeout.
        let first = try runAgent(arguments + ["--timeout", "2"])
        #expect(first.status == 4, "\(first.standardError)")
        // The same again: unchanged findings with their first seen time from the drift state.
        let second = try runAgent(arguments + ["--timeout", "2"])
        #expect(second.status == 4, "\(second.standardError)")
        // Stopped while the first host is in flight: the hosts not started are interrupted.
        let interrupted = try startScanningAgent(arguments + ["--timeout", "10", "--concurrency", "1"])
        Thread.sleep(forTimeInterval: 0.2)
        interrupted.terminate()
        interrupted.waitUntilExit()
        #expect(interrupted.terminationStatus == 5)

        let events = try spoolEvents(in: spool)
        let kinds = Set(
            events.map { event -> String in
                let activity = event["activity_id"] as? Int ?? 0
                let scope = (event["unmapped"] as? [String: Any])?["scope"] as? String ?? "host"
                return "\(event["class_uid"] as? Int ?? 0) \(activity) \(scope)"
            })
        #expect(
            kinds == [
                "2003 1 host",  // Compliance Finding: Create
                "6007 2 host", "6007 6 host", "6007 3 host",  // a host's Scan Activity: Completed, Error, Cancelled
                "6007 2 run", "6007 3 run",  // a run's Scan Activity: Completed, Cancelled
            ], "every event type a scan writes is in the spool: \(kinds)")
        let statuses = Set(events.compactMap { ($0["compliance"] as? [String: Any])?["status_code"] as? String })
        #expect(statuses.isSuperset(of: ["Pass", "Fail", "Unknown"]), "\(statuses)")

        let result = try validateOCSF(try spoolFiles(spool))
        #expect(result.status == 0, "violations of OCSF 1.8.0:\n\(result.output)")
        #expect(result.output.contains("\(events.count) events, 0 violations of OCSF 1.8.0"), "\(result.output)")
    }

    /// The validator is not a rubber stamp: each of these mistakes in an otherwise valid event is reported.
    @Test(
        "A deliberately wrong event is rejected",
        arguments: [
            (#""class_uid":2003"#, #""class_uid":2999"#, "class_uid: 2999 is not a class"),
            (#""category_uid":2"#, #""category_uid":6"#, "category_uid: 6: class 2003 is in category 2"),
            (#""severity_id":4"#, #""severity_id":17"#, "severity_id: 17 is not one of"),
            (#""severity":"High""#, #""severity":"Huge""#, "severity: 'Huge' is not 'High'"),
            (#","profiles":["host"]"#, "", "device: belongs to the 'host' profile"),
            (#""title":"#, #""colour":"red","title":"#, "finding_info has no attribute 'colour'"),
            (#""time":1764072312000"#, #""time":"yesterday""#, "time: must be (timestamp_t) an integer"),
            (#""version":"1.8.0""#, #""version":"1.3.0""#, "metadata.version: '1.3.0'"),
            (#""status_id":3,"status":"Fail""#, #""status_id":3,"status":"Failed""#, "compliance.status: 'Failed'"),
            (#""reg_integer_data":0"#, #""reg_integer_data":"0""#, "reg_integer_data: must be an integer"),
            (#""standards":["ANSSI","BSI","CIS"]"#, #""standards":"CIS""#, "compliance.standards: must be an array"),
            (#""uid":"f1","#, #""#, "finding_info.uid: required by finding_info, missing"),
            (#""type_id":99,"#, #""#, "scan.type_id: required by scan, missing"),
            (#""references":["#, #""kb_articles":["#, "remediation.kb_articles: deprecated since 1.1.0"),
        ])
    func wrongEventIsRejected(valid: String, wrong: String, expected: String) throws {
        let directory = try TemporaryDirectory()
        let file = directory.path + "/events.ndjson"
        let good = Self.validFinding + "\n" + Self.validScanActivity + "\n"
        try good.write(toFile: file, atomically: true, encoding: .utf8)
        let accepted = try validateOCSF([file])
        #expect(accepted.status == 0, "the unmodified events are valid: \(accepted.output)")

        #expect(good.contains(valid), "the mutation applies")
        var mutated = good
        if let range = mutated.range(of: valid) { mutated.replaceSubrange(range, with: wrong) }
        try mutated.write(toFile: file, atomically: true, encoding: .utf8)
        let rejected = try validateOCSF([file])
        #expect(rejected.status == 1)
        #expect(rejected.output.contains(expected), "\(rejected.output)")
    }

    /// A failing finding as the agent writes it (shape of `SpoolEvents.complianceFinding`).
    static let validFinding =
        #"{"time":1764072312000,"metadata":{"uid":"e1","correlation_uid":"r1","version":"1.8.0","product":{"name":"#
        + #""edca-agent","vendor_name":"edca-agent","version":"0.1.0"},"log_name":"edca.findings","event_code":"#
        + #""EDCA-SEC-043","profiles":["host"]},"class_uid":2003,"class_name":"Compliance Finding","category_uid":2,"#
        + #""category_name":"Findings","activity_id":1,"activity_name":"Create","type_uid":200301,"type_name":"#
        + #""Compliance Finding: Create","severity_id":4,"severity":"High","status_id":1,"status":"New","message":"#
        + #""EX01: EDCA-SEC-043 Fail","finding_info":{"uid":"f1","title":"SMB signing","first_seen_time":1764072312000,"#
        + #""last_seen_time":1764072312000},"compliance":{"control":"EDCA-SEC-043","standards":["ANSSI","BSI","CIS"],"#
        + #""status_id":3,"status":"Fail","status_code":"Fail"},"device":{"hostname":"EX01","uid":"d1","type":"Server","#
        + #""type_id":1,"os":{"name":"Windows","type":"Windows","type_id":100}},"resources":[{"name":"EX01","type":"#
        + #""Microsoft Exchange Server","role":"Mailbox"}],"evidences":[{"reg_value":{"path":"HKLM\\SYSTEM","name":"#
        + #""RequireSecuritySignature","type":"REG_DWORD","type_id":2,"reg_integer_data":0},"data":{"result":"Fail"}}],"#
        + #""remediation":{"desc":"Set it to 1.","references":["https://learn.microsoft.com/"]},"unmapped":{"drift":"#
        + #""new","previous_status":null}}"#

    /// A host's Scan Activity as the agent writes it.
    static let validScanActivity =
        #"{"time":1764072312000,"metadata":{"uid":"e2","correlation_uid":"r1","version":"1.8.0","product":{"name":"#
        + #""edca-agent","vendor_name":"edca-agent","version":"0.1.0"},"log_name":"edca.scans","profiles":["host"]},"#
        + #""class_uid":6007,"class_name":"Scan Activity","category_uid":6,"category_name":"Application Activity","#
        + #""activity_id":2,"activity_name":"Completed","type_uid":600702,"type_name":"Scan Activity: Completed","#
        + #""severity_id":1,"severity":"Informational","status_id":1,"status":"Success","message":"EX01: scanned","#
        + #""scan":{"uid":"r1","name":"edca-agent scan","type_id":99,"type":"Compliance"},"start_time":1,"end_time":2,"#
        + #""duration":1,"total":1,"num_detections":1,"num_skipped_items":0,"device":{"hostname":"EX01","uid":"d1","#
        + #""type":"Server","type_id":1,"os":{"name":"Windows","type":"Windows","type_id":100}},"unmapped":{"#
        + #""reached":true}}"#
}

/// Runs `scripts/ocsf-validate` (OCSF 1.8.0) on NDJSON files; its exit status and what it printed.
func validateOCSF(_ files: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", repositoryRoot + "/scripts/ocsf-validate"] + files
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
