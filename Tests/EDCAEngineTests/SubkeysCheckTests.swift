import Testing

@testable import EDCACore
@testable import EDCAEngine
@testable import EDCAJSON

/// `subkeysOf`: one value read in every subkey of a key (here NetBIOS over TCP/IP off on every NetBT interface key,
/// as EDCA-SEC-042 read it before it judged the live adapters through CIM).
@Suite struct SubkeysCheckTests {
    static let interfaces = #"HKLM\\SYSTEM\\CurrentControlSet\\Services\\NetBT\\Parameters\\Interfaces"#
    static let shownInterfaces = #"HKLM\SYSTEM\CurrentControlSet\Services\NetBT\Parameters\Interfaces"#

    static func check(require: String = "all", extra: String = "") -> String {
        #"{"subkeysOf": "\#(interfaces)", "value": "NetbiosOptions", "require": "\#(require)", "equals": 2\#(extra)}"#
    }

    /// A snapshot with one key per interface; `nil` lists the interface without the value.
    static func snapshot(_ interfaceValues: [(String, UInt32?)]) -> String {
        let keys = interfaceValues.map { name, value in
            let values = value.map { #""NetbiosOptions": {"type": "REG_DWORD", "data": \#($0)}"# } ?? ""
            return #""\#(interfaces)\\\#(name)": {\#(values)}"#
        }
        return "{" + keys.joined(separator: ", ") + "}"
    }

    @Test func everyInterfaceOffPasses() throws {
        let verdict = try evaluate(
            check: Self.check(), on: Self.snapshot([("Tcpip_{A1}", 2), ("Tcpip_{B2}", 2)]))
        #expect(verdict.status == .pass)
        #expect(
            verdict.evidenceLines == [
                Self.shownInterfaces + #"\Tcpip_{A1} NetbiosOptions = 2; required: 2"#,
                Self.shownInterfaces + #"\Tcpip_{B2} NetbiosOptions = 2; required: 2"#,
            ])
    }

    @Test(arguments: [UInt32(0), 1])
    func oneInterfaceNotOffFails(value: UInt32) throws {
        let verdict = try evaluate(
            check: Self.check(), on: Self.snapshot([("Tcpip_{A1}", 2), ("Tcpip_{B2}", value), ("Tcpip_{C3}", 2)]))
        #expect(verdict.status == .fail)
        #expect(
            verdict.evidenceLines.contains(
                Self.shownInterfaces + #"\Tcpip_{B2} NetbiosOptions = \#(value); required: 2"#))
    }

    @Test func subkeysWithoutTheValueAreIgnored() throws {
        let verdict = try evaluate(
            check: Self.check(), on: Self.snapshot([("Tcpip_{A1}", 2), ("Tcpip_{Stale}", nil), ("Tcpip_{B2}", 2)]))
        #expect(verdict.status == .pass)
        #expect(verdict.evidenceLines.count == 2)
        #expect(!verdict.evidenceLines.contains { $0.contains("Stale") })
    }

    @Test func noSubkeyWithTheValueGivesWhenNoneFoundUnknownByDefault() throws {
        let verdict = try evaluate(check: Self.check(), on: Self.snapshot([("Tcpip_{A1}", nil), ("Tcpip_{B2}", nil)]))
        #expect(verdict.status == .unknown)
        #expect(
            verdict.evidenceLines == [
                Self.shownInterfaces + ": none of its 2 subkeys has NetbiosOptions; required: 2; counts as Unknown"
            ])
    }

    @Test(arguments: [("Pass", Status.pass), ("Fail", .fail), ("Skipped", .skipped)])
    func whenNoneFoundGivesTheDeclaredStatus(word: String, status: Status) throws {
        let check = Self.check(extra: #", "whenNoneFound": "\#(word)""#)
        #expect(try evaluate(check: check, on: Self.snapshot([("Tcpip_{A1}", nil)])).status == status)
        #expect(try evaluate(check: check, on: "{}").status == status)
    }

    @Test func keyWithoutSubkeysGivesWhenNoneFound() throws {
        let verdict = try evaluate(check: Self.check(), on: #"{"\#(Self.interfaces)": {}}"#)
        #expect(verdict.status == .unknown)
        #expect(verdict.evidenceLines.count == 1)
        #expect(verdict.evidenceLines.first?.hasPrefix(Self.shownInterfaces + ": ") == true)
    }

    @Test func absentKeyGivesWhenNoneFound() throws {
        let verdict = try evaluate(
            check: Self.check(), on: #"{"HKLM\\SYSTEM\\CurrentControlSet\\Services\\NetBT": {}}"#)
        #expect(verdict.status == .unknown)
        #expect(
            verdict.evidenceLines == [
                Self.shownInterfaces + ": key absent, so no subkey has NetbiosOptions; required: 2; counts as Unknown"
            ])
    }

    @Test func windowsDefaultAppliesToSubkeysWithoutTheValue() throws {
        let check = Self.check(extra: #", "default": 0"#)
        let verdict = try evaluate(check: check, on: Self.snapshot([("Tcpip_{A1}", 2), ("Tcpip_{New}", nil)]))
        #expect(verdict.status == .fail)
        #expect(
            verdict.evidenceLines == [
                Self.shownInterfaces + #"\Tcpip_{A1} NetbiosOptions = 2; required: 2"#,
                Self.shownInterfaces + #"\Tcpip_{New} NetbiosOptions = 0 (not set; Windows default); required: 2"#,
            ])
        let passingDefault = Self.check(extra: #", "default": 2"#)
        #expect(try evaluate(check: passingDefault, on: Self.snapshot([("Tcpip_{New}", nil)])).status == .pass)
    }

    @Test func subkeyNamesAndThePathIgnoreCase() throws {
        let check =
            #"{"subkeysOf": "hklm\\system\\currentcontrolset\\services\\netbt\\parameters\\INTERFACES", "value": "netbiosoptions", "require": "all", "equals": 2}"#
        let snapshot = #"""
            {"HKLM\\SYSTEM\\CurrentControlSet\\Services\\NetBT\\Parameters\\Interfaces\\Tcpip_{aB}": {"NetbiosOptions": {"type": "REG_DWORD", "data": 2}},
             "hklm\\SYSTEM\\currentcontrolset\\Services\\NETBT\\Parameters\\interfaces\\TCPIP_{Cd}": {"NETBIOSOPTIONS": {"type": "REG_DWORD", "data": 0}}}
            """#
        let verdict = try evaluate(check: check, on: snapshot)
        #expect(verdict.status == .fail)
        #expect(verdict.evidenceLines.count == 2)
        #expect(verdict.evidenceLines.first?.contains(#"\Tcpip_{aB} "#) == true)
        #expect(verdict.evidenceLines.last?.contains(#"\TCPIP_{Cd} "#) == true)
    }

    @Test func onlyDirectSubkeysAreRead() throws {
        let snapshot = #"""
            {"\#(Self.interfaces)\\Tcpip_{A1}": {"NetbiosOptions": {"type": "REG_DWORD", "data": 2}},
             "\#(Self.interfaces)\\Tcpip_{A1}\\Deeper": {"NetbiosOptions": {"type": "REG_DWORD", "data": 0}}}
            """#
        let verdict = try evaluate(check: Self.check(), on: snapshot)
        #expect(verdict.status == .pass)
        #expect(verdict.evidenceLines.count == 1)
    }

    @Test func unreadableKeyIsUnknownWhateverWhenNoneFoundSays() throws {
        let check = Self.check(extra: #", "whenNoneFound": "Pass", "default": 2"#)
        let verdict = try evaluate(check: check, on: #"{"\#(Self.interfaces)": null}"#)
        #expect(verdict.status == .unknown)
        #expect(
            verdict.evidenceLines == [
                Self.shownInterfaces + ": cannot be read (access denied); required: 2; counts as Unknown"
            ])
        let parentDenied = #"{"HKLM\\SYSTEM\\CurrentControlSet\\Services\\NetBT": null}"#
        #expect(try evaluate(check: check, on: parentDenied).status == .unknown)
    }

    @Test func unreadableSubkeyIsUnknownUnlessAnotherFails() throws {
        let unknown =
            #"{"\#(Self.interfaces)\\Tcpip_{A1}": {"NetbiosOptions": {"type": "REG_DWORD", "data": 2}}, "\#(Self.interfaces)\\Tcpip_{B2}": null}"#
        let verdict = try evaluate(check: Self.check(extra: #", "default": 2"#), on: unknown)
        #expect(verdict.status == .unknown)
        #expect(
            verdict.evidenceLines.contains(
                Self.shownInterfaces
                    + #"\Tcpip_{B2} NetbiosOptions: cannot be read (access denied); required: 2; cannot be decided without it, so Unknown"#
            ))
        let failing =
            #"{"\#(Self.interfaces)\\Tcpip_{A1}": {"NetbiosOptions": {"type": "REG_DWORD", "data": 0}}, "\#(Self.interfaces)\\Tcpip_{B2}": null}"#
        #expect(try evaluate(check: Self.check(), on: failing).status == .fail)
    }

    @Test func subkeyValueOfTheWrongTypeIsUnknown() throws {
        let snapshot = #"{"\#(Self.interfaces)\\Tcpip_{A1}": {"NetbiosOptions": {"type": "REG_BINARY", "data": "02"}}}"#
        let verdict = try evaluate(check: Self.check(), on: snapshot)
        #expect(verdict.status == .unknown)
        #expect(verdict.evidenceLines.first?.hasSuffix("not a number, so Unknown") == true)
    }

    // MARK: require any

    @Test func anyPassesWhenOneSubkeyPassesAndShowsOnlyThoseThatDoNotFail() throws {
        let verdict = try evaluate(
            check: Self.check(require: "any"), on: Self.snapshot([("Tcpip_{A1}", 0), ("Tcpip_{B2}", 2)]))
        #expect(verdict.status == .pass)
        #expect(verdict.evidenceLines == [Self.shownInterfaces + #"\Tcpip_{B2} NetbiosOptions = 2; required: 2"#])
    }

    @Test func anyFailsWhenNoSubkeyPasses() throws {
        let verdict = try evaluate(
            check: Self.check(require: "any"),
            on: Self.snapshot([("Tcpip_{A1}", 0), ("Tcpip_{B2}", 1), ("Tcpip_{C3}", nil)]))
        #expect(verdict.status == .fail)
        #expect(
            verdict.evidenceLines == [
                Self.shownInterfaces + ": none of the 2 subkeys with NetbiosOptions passes; required: 2; counts as Fail"
            ])
    }

    @Test func anyIsUnknownWhenNonePassesAndOneCannotBeRead() throws {
        let snapshot =
            #"{"\#(Self.interfaces)\\Tcpip_{A1}": {"NetbiosOptions": {"type": "REG_DWORD", "data": 0}}, "\#(Self.interfaces)\\Tcpip_{B2}": null}"#
        #expect(try evaluate(check: Self.check(require: "any"), on: snapshot).status == .unknown)
    }

    @Test func anyWithNoSubkeyGivesWhenNoneFound() throws {
        #expect(try evaluate(check: Self.check(require: "any"), on: "{}").status == .unknown)
    }

    @Test func anyStopsAtTheFirstPassingSubkeyAndShowsIt() throws {
        let verdict = try evaluate(
            check: Self.check(require: "any"),
            on: Self.snapshot([("Tcpip_{A1}", 0), ("Tcpip_{B2}", 2), ("Tcpip_{C3}", 2)]))
        #expect(verdict.status == .pass)
        #expect(verdict.evidenceLines == [Self.shownInterfaces + #"\Tcpip_{B2} NetbiosOptions = 2; required: 2"#])
    }
}
