import Testing

@testable import EDCACore
@testable import EDCAEngine
@testable import EDCAJSON

/// A CIM leaf's `where` conditions: only the instances that meet them are judged.
@Suite struct CimConditionTests {
    static let statistics = #"root\\StandardCimv2:MSFT_NetAdapterStatisticsSettingData"#
    static let check =
        #"{"cim": "MSFT_NetAdapterStatisticsSettingData", "where": [{"field": "InterfaceDescription", "matches": "(?i)vmxnet3"}], "property": "ReceivedDiscardedPackets", "require": "all", "atMost": 999, "whenNoneFound": "Skipped"}"#

    private func verdict(_ instances: String) throws -> Verdict {
        let snapshot = try HostSnapshot(
            json: Array(#"{"edcaSnapshot": 2, "cim": {"\#(Self.statistics)": \#(instances)}}"#.utf8))
        return try makeControl(check: Self.check).evaluate(on: snapshot, role: .mailbox)
    }

    @Test func onlyInstancesMeetingTheConditionsAreJudged() throws {
        let mixed =
            #"[{"Name": "Ethernet0", "InterfaceDescription": "vmxnet3 Ethernet Adapter", "ReceivedDiscardedPackets": 0}, {"Name": "Backup", "InterfaceDescription": "Intel(R) X710", "ReceivedDiscardedPackets": 90000}]"#
        let pass = try verdict(mixed)
        #expect(pass.status == .pass)
        #expect(!pass.evidenceLines.contains { $0.contains("Backup") })
        let none = try verdict(
            #"[{"Name": "Backup", "InterfaceDescription": "Intel(R) X710", "ReceivedDiscardedPackets": 9}]"#)
        #expect(none.status == .skipped)
        let dropping = try verdict(
            #"[{"Name": "Ethernet0", "InterfaceDescription": "VMXNET3 Ethernet Adapter", "ReceivedDiscardedPackets": 5412}]"#
        )
        #expect(dropping.status == .fail)
        #expect(dropping.evidenceLines.contains { $0.contains("[Ethernet0].ReceivedDiscardedPackets = 5412") })
    }

    @Test func aConditionOnAPropertyOutsideTheAllowListIsALoadError() {
        let check = Self.check.replacing(#""field": "InterfaceDescription""#, with: #""field": "DriverVersion""#)
        let problems = controlProblems(ControlDocument(check: check).text)
        #expect(problems.contains { $0.field == "check.where[0].field" && $0.message.contains("unknown field") })
    }
}
