import Testing

@testable import EDCACore
@testable import EDCAEngine
@testable import EDCAJSON

/// The `service` leaf: a service's state or start mode as text, absent and unreadable services, load errors, and
/// the `services` member of a version 2 snapshot.
@Suite struct ServiceCheckTests {
    static let running = #"{"service": "MSExchangeMitigation", "field": "state", "equals": "Running"}"#

    private func verdict(_ check: String, services: String) throws -> Verdict {
        let snapshot = try HostSnapshot(json: Array(#"{"edcaSnapshot": 2, "services": \#(services)}"#.utf8))
        return try makeControl(check: check).evaluate(on: snapshot, role: .mailbox)
    }

    @Test func stateIsComparedAsTextAndShownInEvidence() throws {
        let pass = try verdict(
            Self.running, services: #"{"msexchangemitigation": {"state": "Running", "startMode": "Auto"}}"#)
        #expect(pass.status == .pass)
        let fail = try verdict(
            Self.running, services: #"{"MSExchangeMitigation": {"state": "Stopped", "startMode": "Auto"}}"#)
        #expect(fail.status == .fail)
        #expect(fail.evidenceLines.contains { $0.contains(#"service MSExchangeMitigation state = "Stopped""#) })
    }

    @Test func anAbsentServiceGivesWhenAbsentAndAnUnreadableOneUnknown() throws {
        #expect(try verdict(Self.running, services: #"{"MSExchangeMitigation": "absent"}"#).status == .unknown)
        #expect(try verdict(Self.running, services: "{}").status == .unknown)
        let absentPasses =
            #"{"service": "MSExchangePOP3", "field": "state", "equals": "Stopped", "whenAbsent": "Pass"}"#
        #expect(try verdict(absentPasses, services: "{}").status == .pass)
        let denied = try verdict(absentPasses, services: #"{"MSExchangePOP3": null}"#)
        #expect(denied.status == .unknown)
        #expect(denied.evidenceLines.contains { $0.contains("access denied") })
    }

    @Test func theRequestReadsEachServiceOnceWhateverTheFields() throws {
        let check =
            #"{"all": [\#(Self.running), {"service": "msexchangemitigation", "field": "startMode", "equals": "Auto"}]}"#
        let control = try makeControl(check: check)
        #expect(FactRequest(checks: [control.check]).reads == [.service(ServiceName("MSExchangeMitigation"))])
    }

    @Test(arguments: [
        (
            #"{"service": "MSExchangeIS", "field": "status", "equals": "Running"}"#, "check.field",
            "did you mean 'state'?"
        ),
        (#"{"service": "MSExchangeIS", "equals": "Running"}"#, "check.field", "missing field"),
        (
            #"{"service": "a b; Stop-Service", "field": "state", "equals": "Running"}"#, "check.service",
            "a service name"
        ),
        (#"{"service": "MSExchangeIS", "field": "state"}"#, "check", "no test"),
    ])
    func badServiceLeavesAreLoadErrorsNamingTheField(check: String, field: String, message: String) {
        let (problems, _) = ControlDecodingTests.problems(check: check)
        #expect(
            problems.contains { $0.field == field && $0.message.contains(message) },
            "\(problems.map(\.description))")
    }

    @Test func servicesRoundTripThroughAVersion2Snapshot() throws {
        var services = ServiceSnapshot()
        services.set("MSExchangeIS", .present(ServiceFacts(state: "Running", startMode: "Auto")))
        services.set("vsepflt", .absent)
        services.set("Locked", .denied)
        let text = HostSnapshot(services: services).jsonDocument().rendered()
        let again = try HostSnapshot(json: Array(text.utf8))
        #expect(again.services.state(of: "msexchangeis") == .present(ServiceFacts(state: "Running", startMode: "Auto")))
        #expect(again.services.state(of: "VSEPFLT") == .absent)
        #expect(again.services.state(of: "locked") == .denied)
        #expect(!text.contains("registry\": {}") || text.contains("services"))
    }

    @Test(arguments: [
        (#"{"MSExchangeIS": {"state": "Running"}}"#, "services.MSExchangeIS.startMode"),
        (#"{"MSExchangeIS": 1}"#, "services.MSExchangeIS"),
        (#"{"a b": "absent"}"#, "services.a b"),
        (#"[]"#, "services"),
    ])
    func malformedServicesNameTheService(services: String, field: String) {
        do {
            _ = try HostSnapshot(json: Array(#"{"edcaSnapshot": 2, "services": \#(services)}"#.utf8))
            Issue.record("accepted")
        } catch {
            #expect(error.problems.contains { $0.field == field }, "\(error.description)")
        }
    }
}
