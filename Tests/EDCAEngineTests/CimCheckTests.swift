import Testing

@testable import EDCACore
@testable import EDCAEngine
@testable import EDCAJSON

/// The `cim` and `cimCountOf` leaves: quantifying over instances, counting them, denied and absent classes, load
/// errors for a class or property outside the allow-list, and the `cim` member of a version 2 snapshot.
@Suite struct CimCheckTests {
    static let processors =
        #"{"cim": "Win32_ComputerSystem", "property": "NumberOfLogicalProcessors", "require": "all", "atMost": 48}"#
    static let system = #"root\\cimv2:Win32_ComputerSystem"#
    static let features = #"root\\cimv2:Win32_OptionalFeature"#

    private func verdict(_ check: String, cim: String) throws -> Verdict {
        let snapshot = try HostSnapshot(json: Array(#"{"edcaSnapshot": 2, "cim": \#(cim)}"#.utf8))
        return try makeControl(check: check).evaluate(on: snapshot, role: .mailbox)
    }

    @Test func everyInstanceIsHeldToTheRule() throws {
        #expect(
            try verdict(Self.processors, cim: #"{"\#(Self.system)": [{"NumberOfLogicalProcessors": 32}]}"#).status
                == .pass)
        let fail = try verdict(Self.processors, cim: #"{"\#(Self.system)": [{"NumberOfLogicalProcessors": 64}]}"#)
        #expect(fail.status == .fail)
        #expect(fail.evidenceLines.contains { $0.contains("Win32_ComputerSystem.NumberOfLogicalProcessors = 64") })
    }

    @Test func instancesAreNamedByTheirKeyAndAnyPassesOnOne() throws {
        let check = #"{"cim": "Win32_OptionalFeature", "property": "InstallState", "require": "any", "equals": 1}"#
        let cim =
            #"{"\#(Self.features)": [{"Name": "MSMQ-Server", "InstallState": 2}, {"Name": "MSMQ-Services", "InstallState": 1}]}"#
        let verdict = try verdict(check, cim: cim)
        #expect(verdict.status == .pass)
        #expect(verdict.evidenceLines.contains { $0.contains("Win32_OptionalFeature[MSMQ-Services].InstallState = 1") })
    }

    @Test func deniedIsUnknownAndAbsentGivesWhenNoneFound() throws {
        let denied = try verdict(Self.processors, cim: #"{"\#(Self.system)": null}"#)
        #expect(denied.status == .unknown)
        #expect(denied.evidenceLines.contains { $0.contains("access denied") })
        #expect(try verdict(Self.processors, cim: #"{"\#(Self.system)": "absent"}"#).status == .unknown)
        #expect(try verdict(Self.processors, cim: #"{"\#(Self.system)": [{"Model": "x"}]}"#).status == .unknown)
        let none =
            #"{"cim": "Win32_OptionalFeature", "property": "InstallState", "require": "all", "equals": 2, "whenNoneFound": "Pass"}"#
        #expect(try verdict(none, cim: #"{"\#(Self.features)": []}"#).status == .pass)
    }

    @Test func countOfInstances() throws {
        let check = #"{"cimCountOf": "Win32_PageFileSetting", "equals": 1}"#
        let address = #"root\\cimv2:Win32_PageFileSetting"#
        #expect(try verdict(check, cim: #"{"\#(address)": [{"Name": "C:\\pagefile.sys"}]}"#).status == .pass)
        let two = try verdict(
            check, cim: #"{"\#(address)": [{"Name": "C:\\pagefile.sys"}, {"Name": "D:\\pagefile.sys"}]}"#)
        #expect(two.status == .fail)
        #expect(two.evidenceLines.contains { $0.contains("Win32_PageFileSetting: 2 instances") })
        #expect(try verdict(check, cim: #"{"\#(address)": null}"#).status == .unknown)
        #expect(try verdict(check, cim: #"{"\#(address)": "absent"}"#).status == .fail)
    }

    @Test func theClassIsReadOnceWhateverTheProperties() throws {
        let check =
            #"{"all": [\#(Self.processors), {"cim": "win32_computersystem", "property": "Model", "require": "any", "matches": "x"}]}"#
        let control = try makeControl(check: check)
        let reads = FactRequest(checks: [control.check]).reads
        #expect(reads.count == 1)
    }

    @Test(arguments: [
        (
            #"{"cim": "Win32_Process", "property": "Name", "require": "all", "equals": "x"}"#, "check.cim",
            "not an allow-listed CIM class"
        ),
        (
            #"{"cim": "Win32_ComputerSystem", "property": "UserName", "require": "all", "equals": "x"}"#,
            "check.property", "not an allow-listed property"
        ),
        (
            #"{"cim": "Win32_ComputerSystem", "property": "Modle", "require": "all", "equals": "x"}"#, "check.property",
            "did you mean 'Model'?"
        ),
        (
            #"{"cim": "Win32_ComputerSystem", "property": "Model", "require": "each", "equals": "x"}"#, "check.require",
            "\"all\" or \"any\""
        ),
        (
            #"{"cimCountOf": "SELECT * FROM Win32_Service", "equals": 1}"#, "check.cimCountOf",
            "not an allow-listed CIM class"
        ),
    ])
    func badCimLeavesAreLoadErrorsNamingTheField(check: String, field: String, message: String) {
        let (problems, _) = ControlDecodingTests.problems(check: check)
        #expect(
            problems.contains { $0.field == field && $0.message.contains(message) }, "\(problems.map(\.description))")
    }

    @Test func cimRoundTripsThroughAVersion2Snapshot() throws {
        let text =
            #"{"edcaSnapshot": 2, "cim": {"\#(Self.system)": [{"Manufacturer": "VMware, Inc.", "AutomaticManagedPagefile": true, "NumberOfLogicalProcessors": 16}], "\#(Self.features)": null}}"#
        let snapshot = try HostSnapshot(json: Array(text.utf8))
        let again = try HostSnapshot(json: Array(snapshot.jsonDocument().rendered().utf8))
        let system = try #require(CimClass.named("Win32_ComputerSystem"))
        #expect(
            again.cim.state(of: system)
                == .instances([
                    [
                        "Manufacturer": .string("VMware, Inc."), "AutomaticManagedPagefile": .dword(1),
                        "NumberOfLogicalProcessors": .dword(16),
                    ]
                ]))
        #expect(again.cim.state(of: try #require(CimClass.named("Win32_OptionalFeature"))) == .denied)
    }

    @Test(arguments: [
        (#"{"root\\cimv2:Win32_Process": []}"#, #"cim.root\cimv2:Win32_Process"#),
        (#"{"\#(system)": [{"UserName": "x"}]}"#, #"cim.root\cimv2:Win32_ComputerSystem[0].UserName"#),
        (#"{"\#(system)": [{"Model": {"a": 1}}]}"#, #"cim.root\cimv2:Win32_ComputerSystem[0].Model"#),
        (#"{"\#(system)": 3}"#, #"cim.root\cimv2:Win32_ComputerSystem"#),
    ])
    func malformedCimNamesTheClassAndProperty(cim: String, field: String) {
        do {
            _ = try HostSnapshot(json: Array(#"{"edcaSnapshot": 2, "cim": \#(cim)}"#.utf8))
            Issue.record("accepted")
        } catch {
            #expect(error.problems.contains { $0.field == field }, "\(error.description)")
        }
    }
}
