import EDCACore
import EDCAEngine
import EDCAJSON
import Foundation
import Testing

@testable import EDCASpool

@Suite struct SpoolEventTests {
    let run = SpoolRun(runID: "run-1", productVersion: "0.1.0")
    let host = SpoolHost(
        hostname: "EX01", ip: "10.0.0.5", role: .mailbox, osName: "Windows Server 2019", osBuild: "17763")

    func findingLine(eventID: String = SpoolIdentifier.random(), drift: Drift = Drift(kind: .new, previous: nil))
        throws -> String
    {
        let (control, verdict) = try failingVerdict()
        let event = SpoolEvents.complianceFinding(
            control: control.metadata, status: verdict.status, evidence: verdict.evidence, host: host, drift: drift,
            run: run,
            timeMilliseconds: 1_764_072_312_000, eventID: eventID)
        return SpoolLine.render(event)
    }

    @Test func complianceFindingHasTheOCSFShape() throws {
        let line = try findingLine(eventID: "e1")
        #expect(!line.contains("\n"))
        #expect(line.hasPrefix(#"{"time":1764072312000,"metadata":{"uid":"e1","#))
        let event = try parse(line)
        #expect(event["class_uid"] as? Int == 2003)
        #expect(event["category_uid"] as? Int == 2)
        #expect(event["activity_id"] as? Int == 1)
        #expect(event["type_uid"] as? Int == 200_301)
        #expect(event["severity_id"] as? Int == 4)
        #expect(event["status_id"] as? Int == 1)
        // Lean: no caption an id determines, no message made of members the event has.
        for caption in ["severity", "status", "message", "class_name", "activity_name", "type_name"] {
            #expect(event[caption] == nil, "\(caption) is derived from the event's ids")
        }
        let metadata = try #require(event["metadata"] as? [String: Any])
        #expect(metadata["correlation_uid"] as? String == "run-1")
        #expect(metadata["version"] as? String == "1.8.0")
        #expect(metadata["event_code"] as? String == "EDCA-SEC-043")
        #expect(metadata["profiles"] as? [String] == ["host"])
        let product = try #require(metadata["product"] as? [String: Any])
        #expect(product["name"] as? String == "edca-agent")
        #expect(product["version"] == nil, "the agent's version is in the run's Scan Activities")
        let compliance = try #require(event["compliance"] as? [String: Any])
        #expect(compliance["control"] as? String == "EDCA-SEC-043")
        #expect(compliance["standards"] as? [String] == ["ANSSI", "BSI", "CIS"])
        #expect(compliance["requirements"] == nil, "the test control names no requirement identifiers")
        #expect(compliance["status"] == nil, "status_id 3 says Fail")
        #expect(compliance["status_id"] as? Int == 3)
        #expect(compliance["status_code"] as? String == "Fail")
        let info = try #require(event["finding_info"] as? [String: Any])
        #expect(info["first_seen_time"] as? Int == 1_764_072_312_000, "a new finding is first seen now")
        #expect(info["last_seen_time"] as? Int == 1_764_072_312_000)
        #expect(event["remediation"] == nil, "the remediation is the control's, looked up by metadata.event_code")
        let device = try #require(event["device"] as? [String: Any])
        #expect(device["hostname"] as? String == "EX01")
        #expect(device["ip"] as? String == "10.0.0.5")
        #expect(device["uid"] as? String == SpoolIdentifier.deviceUID(host: "ex01"))
        #expect(device["os"] == nil, "a finding's reader finds the operating system by device.uid")
        let unmapped = try #require(event["unmapped"] as? [String: Any])
        #expect(unmapped["drift"] as? String == "new")
        #expect(unmapped["previous_status"] == nil)
        #expect(unmapped["truncated"] == nil)
    }

    @Test func valueEvidenceNamesPathValueTypeAndObservation() throws {
        let event = try parse(try findingLine())
        let evidences = try #require(event["evidences"] as? [[String: Any]])
        #expect(evidences.count == 2)

        let server = try #require(evidences[0]["reg_value"] as? [String: Any])
        #expect(server["path"] as? String == #"HKLM\SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters"#)
        #expect(server["name"] as? String == "RequireSecuritySignature")
        #expect(server["type"] == nil, "type_id 2 is REG_DWORD")
        #expect(server["type_id"] as? Int == 2)
        #expect(server["reg_integer_data"] as? Int == 0)
        let serverData = try #require(evidences[0]["data"] as? [String: Any])
        #expect(serverData["observation"] == nil, "a value that was read has no observation: its data says it")
        #expect(serverData["result"] as? String == "Fail")
        #expect(serverData["description"] == nil, "the expectation is the control's, looked up by its id")

        let workstation = try #require(evidences[1]["reg_value"] as? [String: Any])
        #expect(workstation["is_default"] as? Bool == true)
        let workstationData = try #require(evidences[1]["data"] as? [String: Any])
        #expect(workstationData["observation"] == nil, "reg_value.is_default says it")
        #expect(workstationData["result"] as? String == "Fail")
    }

    @Test(arguments: [
        (Status.pass, 1, "Pass"), (.fail, 3, "Fail"), (.unknown, 2, "Warning"), (.skipped, 99, "Skipped"),
        (.error, 99, "Error"),
    ])
    func complianceStatusMapsToOCSF(status: Status, id: Int, word: String) throws {
        let (control, failing) = try failingVerdict()
        var verdict = failing
        verdict.status = status
        let event = SpoolEvents.complianceFinding(
            control: control.metadata, status: verdict.status, evidence: verdict.evidence, host: host,
            drift: Drift(kind: .new, previous: nil), run: run,
            timeMilliseconds: 1)
        let compliance = try #require(try parse(SpoolLine.render(event))["compliance"] as? [String: Any])
        #expect(compliance["status_id"] as? Int == id)
        #expect(compliance["status"] as? String == (id == 99 ? word : nil), "the caption only for 99 (Other)")
        #expect(compliance["status_code"] as? String == status.rawValue)
        #expect(SpoolEvents.complianceStatus(status) == (Int64(id), word))
    }

    @Test func findingUIDIsStablePerHostAndControl() throws {
        let first = try parse(try findingLine())
        let second = try parse(try findingLine())
        let firstInfo = try #require(first["finding_info"] as? [String: Any])
        let secondInfo = try #require(second["finding_info"] as? [String: Any])
        let uid = try #require(firstInfo["uid"] as? String)
        #expect(uid == secondInfo["uid"] as? String)
        #expect(uid.count == 32)
        #expect(uid == SpoolIdentifier.findingUID(host: "EX01", control: "EDCA-SEC-043"))
        #expect(uid == SpoolIdentifier.findingUID(host: "ex01", control: "EDCA-SEC-043"))
        #expect(uid != SpoolIdentifier.findingUID(host: "EX02", control: "EDCA-SEC-043"))
        #expect(uid != SpoolIdentifier.findingUID(host: "EX01", control: "EDCA-SEC-044"))
        #expect(SpoolIdentifier.stableHex("a") == "af63dc4c8601ec8c" + SpoolIdentifier.stableHex("a").suffix(16))
    }

    @Test func requirementIdentifiersGoToComplianceRequirements() throws {
        var (control, verdict) = try failingVerdict()
        control.requirements = ["CIS Microsoft Windows Server Benchmark 2.3.9"]
        verdict.status = .pass
        let event = try parse(
            SpoolLine.render(
                SpoolEvents.complianceFinding(
                    control: control.metadata, status: verdict.status, evidence: verdict.evidence, host: host,
                    drift: Drift(kind: .new, previous: nil), run: run, timeMilliseconds: 1)))
        let compliance = try #require(event["compliance"] as? [String: Any])
        #expect(compliance["requirements"] as? [String] == ["CIS Microsoft Windows Server Benchmark 2.3.9"])
    }

    @Test func noFindingCarriesTheRemediationWhateverItsDrift() throws {
        for drift in [Drift(kind: .new, previous: nil), Drift(kind: .changed, previous: .pass)] {
            #expect(try parse(try findingLine(drift: drift))["remediation"] == nil)
        }
    }

    @Test func anUnchangedFindingIsFirstSeenWhenItsStatusBegan() throws {
        let event = try parse(
            try findingLine(drift: Drift(kind: .unchanged, previous: .fail, since: 1_700_000_000_000)))
        let info = try #require(event["finding_info"] as? [String: Any])
        #expect(info["first_seen_time"] as? Int == 1_700_000_000_000)
        #expect(info["last_seen_time"] as? Int == 1_764_072_312_000)
        let changed = try parse(try findingLine(drift: Drift(kind: .changed, previous: .pass)))
        #expect((changed["finding_info"] as? [String: Any])?["first_seen_time"] as? Int == 1_764_072_312_000)
    }

    @Test func firstBytesDifferBetweenEventsOfTheSameInstant() throws {
        let first = try findingLine()
        let second = try findingLine()
        // Time and event id come first: the first 64 bytes already differ, well inside Splunk's 256-byte CRC.
        #expect(first.utf8.prefix(64).elementsEqual(second.utf8.prefix(64)) == false)
        #expect(first.hasPrefix(#"{"time":"#))
    }

    @Test func oversizedEventDropsEvidenceAndIsMarked() throws {
        let (control, failing) = try failingVerdict()
        let evidence = Array(repeating: failing.evidence, count: 100).flatMap { $0 }
        let event = SpoolEvents.complianceFinding(
            control: control.metadata, status: failing.status, evidence: evidence, host: host,
            drift: Drift(kind: .new, previous: nil), run: run,
            timeMilliseconds: 1)
        let untruncated = event.compactRendered().utf8.count
        #expect(untruncated > SpoolLine.maximumBytes)
        let line = SpoolLine.render(event)
        #expect(line.utf8.count + 1 <= SpoolLine.maximumBytes)
        let parsed = try parse(line)
        let evidences = try #require(parsed["evidences"] as? [[String: Any]])
        #expect(!evidences.isEmpty && evidences.count < 200)
        let unmapped = try #require(parsed["unmapped"] as? [String: Any])
        #expect(unmapped["truncated"] as? Bool == true)
        #expect(unmapped["evidences_dropped"] as? Int == 200 - evidences.count)
        #expect(unmapped["drift"] as? String == "new")
        let metadata = try #require(parsed["metadata"] as? [String: Any])
        #expect(metadata["is_truncated"] as? Bool == true)
        #expect(metadata["untruncated_size"] as? Int == untruncated)
    }

    /// A host with many subkeys under an enumerated key gives a verdict with as many evidence entries: the line
    /// keeps as many of the first ones as fit, one more would not fit, and rendering takes a few passes, not one per
    /// dropped entry (with 100,000 subkeys that took hours; the fault matrix found it).
    @Test func manyEvidenceEntriesKeepTheMostThatFit() throws {
        let (control, failing) = try failingVerdict()
        let evidence = Array(repeating: failing.evidence, count: 10_000).flatMap { $0 }
        let event = SpoolEvents.complianceFinding(
            control: control.metadata, status: failing.status, evidence: evidence, host: host,
            drift: Drift(kind: .new, previous: nil), run: run,
            timeMilliseconds: 1)
        let line = SpoolLine.render(event)
        #expect(line.utf8.count + 1 <= SpoolLine.maximumBytes)
        let parsed = try parse(line)
        let kept = try #require(parsed["evidences"] as? [[String: Any]]).count
        #expect(kept > 0)
        let unmapped = try #require(parsed["unmapped"] as? [String: Any])
        #expect(unmapped["evidences_dropped"] as? Int == 20_000 - kept)
        // One more entry does not fit: the search kept the most it could.
        let original = try #require(event.member("evidences")?.arrayItems)
        let longer = event.replacing("evidences", with: .array(Array(original.prefix(kept + 1))))
            .markedTruncated(untruncatedSize: event.compactRendered().utf8.count, droppedEvidences: 20_000 - kept - 1)
        #expect(longer.compactRendered().utf8.count + 1 > SpoolLine.maximumBytes)
    }

    @Test func hugeStringsAreShortenedWhenDroppingEvidenceIsNotEnough() throws {
        var control = try signingControl()
        control.title = String(repeating: "é\"\\\n", count: 20_000)
        let (_, verdict) = try failingVerdict()
        let event = SpoolEvents.complianceFinding(
            control: control.metadata, status: verdict.status, evidence: verdict.evidence, host: host,
            drift: Drift(kind: .new, previous: nil), run: run,
            timeMilliseconds: 1)
        let line = SpoolLine.render(event)
        #expect(line.utf8.count + 1 <= SpoolLine.maximumBytes)
        let parsed = try parse(line)
        #expect(parsed["class_uid"] as? Int == 2003)
        let unmapped = try #require(parsed["unmapped"] as? [String: Any])
        #expect(unmapped["truncated"] as? Bool == true)
        let metadata = try #require(parsed["metadata"] as? [String: Any])
        #expect(metadata["is_truncated"] as? Bool == true)
        #expect(metadata["untruncated_size"] as? Int == event.compactRendered().utf8.count)
        let title = try #require((parsed["finding_info"] as? [String: Any])?["title"] as? String)
        #expect(title.hasSuffix("…") && title.count < 20_000, "the shortened string ends with …")
    }

    /// A service or CIM fact is named by its fields and its value; the evidence line, which adds the control's
    /// expectation, is left out. A note about the check's own logic has no fields: it keeps its line.
    @Test func factEvidenceIsItsFieldsAndANoteKeepsItsLine() throws {
        let service = Evidence(
            subject: .service("MSExchangeIMAP4", field: "state"), value: .text("Running"), observed: #" = "Running""#,
            required: [#"case "Running" → Fail"#], result: .fail)
        let data = try #require(
            try parse(SpoolEvents.evidence(service).compactRendered())["data"] as? [String: Any])
        #expect(data["fact"] as? String == "service")
        #expect(data["service_name"] as? String == "MSExchangeIMAP4")
        #expect(data["field"] as? String == "state")
        #expect(data["value"] as? String == "Running")
        #expect(data["result"] as? String == "Fail")
        #expect(data["description"] == nil)
        let note = Evidence(subject: nil, observed: "none of the values above is set, which counts as Unknown")
        let noteData = try #require(try parse(SpoolEvents.evidence(note).compactRendered())["data"] as? [String: Any])
        #expect(noteData["description"] as? String == "none of the values above is set, which counts as Unknown")
    }

    @Test func compactRenderingEscapesPerRFC8259() throws {
        let document = JSONOutput.object([("text", .string("a\"b\\c\n\u{01}\u{2028}é"))])
        let line = document.compactRendered()
        #expect(line == #"{"text":"a\"b\\c\n\u0001\u2028é"}"#)
        #expect(try parse(line)["text"] as? String == "a\"b\\c\n\u{01}\u{2028}é")
    }

    @Test func hostScanActivityReportsReachedAndFailedHosts() throws {
        let reached = HostScanOutcome(
            host: host, result: .completed, startMilliseconds: 1000, endMilliseconds: 1250,
            statusCounts: [.pass: 3, .fail: 1])
        let reachedEvent = try parse(
            SpoolLine.render(SpoolEvents.hostScanActivity(reached, run: run, timeMilliseconds: 1250)))
        #expect(reachedEvent["class_uid"] as? Int == 6007)
        #expect(reachedEvent["category_uid"] as? Int == 6)
        #expect(reachedEvent["activity_id"] as? Int == 2)
        #expect(reachedEvent["type_uid"] as? Int == 600_702)
        #expect(reachedEvent["duration"] as? Int == 250)
        #expect(reachedEvent["total"] as? Int == 4)
        #expect(reachedEvent["num_detections"] as? Int == 1)
        let scan = try #require(reachedEvent["scan"] as? [String: Any])
        #expect(scan["type_id"] as? Int == 99, "OCSF 1.8.0 requires scan.type_id")
        #expect((reachedEvent["metadata"] as? [String: Any])?["profiles"] as? [String] == ["host"])
        let device = try #require(reachedEvent["device"] as? [String: Any])
        #expect((device["os"] as? [String: Any])?["build"] as? String == "17763")

        let failed = HostScanOutcome(
            host: SpoolHost(hostname: "EX09"), result: .failed(errorClass: "timeout", message: "no answer in 30 s"),
            startMilliseconds: 1000, endMilliseconds: 31_000)
        let failedEvent = try parse(
            SpoolLine.render(SpoolEvents.hostScanActivity(failed, run: run, timeMilliseconds: 31_000)))
        #expect(failedEvent["activity_id"] as? Int == 6)
        #expect(failedEvent["status_id"] as? Int == 2)
        let unmapped = try #require(failedEvent["unmapped"] as? [String: Any])
        #expect(unmapped["reached"] as? Bool == false)
        #expect(unmapped["error_class"] as? String == "timeout")
        #expect(unmapped["error_message"] as? String == "no answer in 30 s")
    }

    @Test func runScanActivityCarriesTotals() throws {
        let summary = RunScanSummary(
            hosts: 3, reached: 2, failed: 1, interrupted: 0, statusCounts: [.pass: 10, .fail: 4, .unknown: 1],
            startMilliseconds: 0, endMilliseconds: 5000)
        let event = try parse(SpoolLine.render(SpoolEvents.runScanActivity(summary, run: run, timeMilliseconds: 5000)))
        #expect(event["class_uid"] as? Int == 6007)
        #expect(event["activity_id"] as? Int == 2)
        #expect(event["status"] as? String == "Failure")
        #expect(event["total"] as? Int == 15)
        let unmapped = try #require(event["unmapped"] as? [String: Any])
        #expect(unmapped["hosts"] as? Int == 3)
        #expect(unmapped["reached"] as? Int == 2)
        let counts = try #require(unmapped["status_counts"] as? [String: Int])
        #expect(counts == ["Pass": 10, "Fail": 4, "Unknown": 1, "Skipped": 0, "Error": 0])
    }
}
