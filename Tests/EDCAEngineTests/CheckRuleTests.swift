import Testing

@testable import EDCACore
@testable import EDCAEngine
@testable import EDCAJSON

/// `cases`/`otherwise`, `present`, what an absent or unreadable value means, name case, and roles.
@Suite struct CheckRuleTests {
    // MARK: cases and otherwise

    /// DATA-008's shape: 0 passes, 1 is Unknown (roots maintained by hand), anything else fails; absent passes.
    static let rootAutoUpdate = #"""
        {"key": "\#(TestKey.json)", "value": "Setting",
         "cases": [
            {"equals": 0, "status": "Pass"},
            {"equals": 1, "status": "Unknown", "note": "root certificates are maintained by hand"}
         ],
         "otherwise": "Fail", "whenAbsent": "Pass"}
        """#

    @Test(arguments: [
        (UInt32(0), Status.pass, #"HKLM\SOFTWARE\EDCA\Test Setting = 0; case 0 → Pass"#),
        (
            1, .unknown,
            #"HKLM\SOFTWARE\EDCA\Test Setting = 1; case 1 → Unknown (root certificates are maintained by hand)"#
        ),
        (
            2, .fail,
            #"HKLM\SOFTWARE\EDCA\Test Setting = 2; no case of 0 → Pass, "#
                + "1 → Unknown (root certificates are maintained by hand) applies, so Fail"
        ),
    ])
    func casesGiveTheStatusOfTheMatchingCaseAndShowItsNote(data: UInt32, status: Status, evidence: String) throws {
        let verdict = try evaluate(check: Self.rootAutoUpdate, on: snapshotWithSetting(dword(data)))
        #expect(verdict.status == status)
        #expect(verdict.evidenceLines == [evidence])
    }

    @Test func casesUseWhenAbsentForAnAbsentValue() throws {
        let verdict = try evaluate(check: Self.rootAutoUpdate, on: #"{"\#(TestKey.json)": {}}"#)
        #expect(verdict.status == .pass)
        #expect(
            verdict.evidenceLines == [
                #"HKLM\SOFTWARE\EDCA\Test Setting: not set; cases 0 → Pass, "#
                    + "1 → Unknown (root certificates are maintained by hand), else Fail; when not set: Pass"
            ])
    }

    @Test func firstMatchingCaseWins() throws {
        let check = settingCheck(
            #""cases": [{"atLeast": 1, "status": "Fail"}, {"equals": 5, "status": "Pass"}], "otherwise": "Unknown""#)
        #expect(try evaluate(check: check, on: snapshotWithSetting(dword(5))).status == .fail)
        let reversed = settingCheck(
            #""cases": [{"equals": 5, "status": "Pass"}, {"atLeast": 1, "status": "Fail"}], "otherwise": "Unknown""#)
        #expect(try evaluate(check: reversed, on: snapshotWithSetting(dword(5))).status == .pass)
        #expect(try evaluate(check: reversed, on: snapshotWithSetting(dword(0))).status == .unknown)
    }

    /// PERF-010's shape: 0 fails, 15 to 30 minutes passes, anything else is Unknown; absent fails.
    @Test(arguments: [
        (UInt32(0), Status.fail), (900_000, .pass), (1_800_000, .pass), (60000, .unknown), (7_200_000, .unknown),
    ])
    func casesMayCombineSeveralOperators(data: UInt32, status: Status) throws {
        let check = settingCheck(
            #""cases": [{"equals": 0, "status": "Fail"}, {"between": [900000, 1800000], "status": "Pass"}], "#
                + #""otherwise": "Unknown", "whenAbsent": "Fail""#)
        #expect(try evaluate(check: check, on: snapshotWithSetting(dword(data))).status == status)
    }

    @Test func caseWithSeveralComparisonsNeedsAllOfThem() throws {
        let check = settingCheck(
            #""cases": [{"bitsSet": "0x18", "bitsClear": "0x7", "status": "Pass"}], "otherwise": "Fail""#)
        let verdict = try evaluate(check: check, on: snapshotWithSetting(dword(0x1C)))
        #expect(verdict.status == .fail)
        #expect(
            verdict.evidenceLines == [
                #"HKLM\SOFTWARE\EDCA\Test Setting = 28 (0x1c); no case of bits 0x18 set and bits 0x7 clear → Pass applies, so Fail"#
            ])
        #expect(try evaluate(check: check, on: snapshotWithSetting(dword(0x18))).status == .pass)
    }

    @Test func casesOnDataOfTheWrongTypeAreUnknown() throws {
        let verdict = try evaluate(check: Self.rootAutoUpdate, on: snapshotWithSetting(regSZ("off")))
        #expect(verdict.status == .unknown)
        #expect(verdict.evidenceLines.first?.hasSuffix("not a number, so Unknown") == true)
    }

    // MARK: present, on a value

    @Test(arguments: [
        (
            "true", snapshotWithSetting(dword(1)), Status.pass,
            #"HKLM\SOFTWARE\EDCA\Test Setting = 1; required: value present"#
        ),
        (
            "true", #"{"\#(TestKey.json)": {}}"#, .fail,
            #"HKLM\SOFTWARE\EDCA\Test Setting: not set; required: value present"#
        ),
        ("true", "{}", .fail, #"HKLM\SOFTWARE\EDCA\Test Setting: not set (key absent); required: value present"#),
        (
            "false", snapshotWithSetting(dword(0)), .fail,
            #"HKLM\SOFTWARE\EDCA\Test Setting = 0; required: value absent"#
        ),
        (
            "false", #"{"\#(TestKey.json)": {}}"#, .pass,
            #"HKLM\SOFTWARE\EDCA\Test Setting: not set; required: value absent"#
        ),
        (
            "true", snapshotWithSetting(datum("REG_NONE", "null")), .pass,
            #"HKLM\SOFTWARE\EDCA\Test Setting = (no data) (REG_NONE); required: value present"#
        ),
        (
            "false", snapshotWithSetting(datum("REG_MULTI_SZ", "[]")), .fail,
            #"HKLM\SOFTWARE\EDCA\Test Setting = [] (REG_MULTI_SZ); required: value absent"#
        ),
    ])
    func presentTestsWhetherTheValueExists(present: String, snapshot: String, status: Status, evidence: String) throws {
        let verdict = try evaluate(check: settingCheck(#""present": \#(present)"#), on: snapshot)
        #expect(verdict.status == status)
        #expect(verdict.evidenceLines == [evidence])
    }

    @Test(arguments: ["true", "false"])
    func presentOnAnUnreadableKeyIsUnknown(present: String) throws {
        let verdict = try evaluate(check: settingCheck(#""present": \#(present)"#), on: #"{"\#(TestKey.json)": null}"#)
        #expect(verdict.status == .unknown)
        #expect(verdict.evidenceLines.first?.contains("cannot be read (access denied)") == true)
    }

    // MARK: present, on a key

    static let rebootPending =
        #"HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending"#

    @Test(arguments: [
        ("true", #"{"\#(rebootPending)": {}}"#, Status.pass, "key exists; required: key present"),
        ("true", #"{"\#(rebootPending)\\Child": {}}"#, .pass, "key exists; required: key present"),
        ("true", #"{"HKLM\\SOFTWARE\\Other": {}}"#, .fail, "key absent; required: key present"),
        ("false", #"{"\#(rebootPending)": {}}"#, .fail, "key exists; required: key absent"),
        ("false", "{}", .pass, "key absent; required: key absent"),
    ])
    func presentOnAKeyTestsWhetherTheKeyExists(present: String, snapshot: String, status: Status, seen: String) throws {
        let check = #"{"key": "\#(Self.rebootPending)", "present": \#(present)}"#
        let verdict = try evaluate(check: check, on: snapshot)
        #expect(verdict.status == status)
        #expect(
            verdict.evidenceLines == [
                #"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending: "# + seen
            ])
    }

    /// The snapshot format: "A key mapped to null exists but cannot be read". Its existence is known.
    @Test(arguments: [("true", Status.pass), ("false", .fail)])
    func keyListedAsUnreadableStillExists(present: String, status: Status) throws {
        let check = #"{"key": "\#(Self.rebootPending)", "present": \#(present)}"#
        let verdict = try evaluate(check: check, on: #"{"\#(Self.rebootPending)": null}"#)
        #expect(verdict.status == status)
    }

    @Test(arguments: ["true", "false"])
    func keyBelowAnUnreadableKeyMayOrMayNotExist(present: String) throws {
        let check = #"{"key": "\#(Self.rebootPending)", "present": \#(present)}"#
        let snapshot = #"{"HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion": null}"#
        let verdict = try evaluate(check: check, on: snapshot)
        #expect(verdict.status == .unknown)
        #expect(
            verdict.evidenceLines == [
                #"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending: "#
                    + "key existence unknown (a key above it cannot be read); required: key "
                    + (present == "true" ? "present" : "absent")
            ])
    }

    // MARK: Absent values

    /// Rules that an absent value must never pass without a declared policy, whatever the operator.
    @Test(arguments: [
        #""equals": 0"#, #""atMost": 5"#, #""lessThan": 1"#, #""bitsClear": "0x7""#, #""oneOf": [0, 1]"#,
        #""equals": """#, #""matches": ".*""#, #""cases": [{"atMost": 0, "status": "Pass"}], "otherwise": "Pass""#,
    ])
    func absentValueWithoutPolicyIsUnknownNeverPass(rule: String) throws {
        let valueAbsent = try evaluate(check: settingCheck(rule), on: #"{"\#(TestKey.json)": {}}"#)
        #expect(valueAbsent.status == .unknown)
        #expect(valueAbsent.evidenceLines.first?.hasSuffix("cannot be decided without it, so Unknown") == true)
        let keyAbsent = try evaluate(check: settingCheck(rule), on: "{}")
        #expect(keyAbsent.status == .unknown)
    }

    @Test func absentValueAndAbsentKeyAreWordedDifferently() throws {
        let check = settingCheck(#""equals": 1"#)
        let valueAbsent = try evaluate(
            check: check, on: #"{"\#(TestKey.json)": {"Other": {"type": "REG_DWORD", "data": 1}}}"#)
        #expect(
            valueAbsent.evidenceLines == [
                #"HKLM\SOFTWARE\EDCA\Test Setting: not set; required: 1; cannot be decided without it, so Unknown"#
            ])
        let keyAbsent = try evaluate(check: check, on: #"{"HKLM\\SOFTWARE\\EDCA": {}}"#)
        #expect(
            keyAbsent.evidenceLines == [
                #"HKLM\SOFTWARE\EDCA\Test Setting: not set (key absent); required: 1; cannot be decided without it, so Unknown"#
            ])
    }

    @Test(arguments: [("Pass", Status.pass), ("Fail", .fail), ("Unknown", .unknown), ("Skipped", .skipped)])
    func whenAbsentGivesTheDeclaredStatus(word: String, status: Status) throws {
        let check = settingCheck(#""equals": 0, "whenAbsent": "\#(word)""#)
        let verdict = try evaluate(check: check, on: #"{"\#(TestKey.json)": {}}"#)
        #expect(verdict.status == status)
        #expect(
            verdict.evidenceLines == [#"HKLM\SOFTWARE\EDCA\Test Setting: not set; required: 0; when not set: \#(word)"#]
        )
        #expect(try evaluate(check: check, on: "{}").status == status)
    }

    @Test func whenAbsentDoesNotApplyToAValueThatIsSet() throws {
        let check = settingCheck(#""equals": 0, "whenAbsent": "Pass""#)
        #expect(try evaluate(check: check, on: snapshotWithSetting(dword(1))).status == .fail)
    }

    @Test(arguments: [(UInt32(0), Status.fail), (1, .pass)])
    func windowsDefaultIsTestedAndShownAsNotSet(defaultValue: UInt32, status: Status) throws {
        let check = settingCheck(#""equals": 1, "default": \#(defaultValue)"#)
        for snapshot in [#"{"\#(TestKey.json)": {}}"#, "{}"] {
            let verdict = try evaluate(check: check, on: snapshot)
            #expect(verdict.status == status)
            #expect(
                verdict.evidenceLines == [
                    #"HKLM\SOFTWARE\EDCA\Test Setting = \#(defaultValue) (not set; Windows default); required: 1"#
                ])
        }
    }

    @Test func windowsDefaultDoesNotReplaceAValueThatIsSet() throws {
        let check = settingCheck(#""equals": 1, "default": 1"#)
        let verdict = try evaluate(check: check, on: snapshotWithSetting(dword(0)))
        #expect(verdict.status == .fail)
        #expect(verdict.evidenceLines == [#"HKLM\SOFTWARE\EDCA\Test Setting = 0; required: 1"#])
    }

    @Test func windowsDefaultMayBeAString() throws {
        let check = settingCheck(#""equalsIgnoringCase": "Negotiate", "default": "Negotiate""#)
        let verdict = try evaluate(check: check, on: "{}")
        #expect(verdict.status == .pass)
        #expect(
            verdict.evidenceLines == [
                #"HKLM\SOFTWARE\EDCA\Test Setting = "Negotiate" (REG_SZ; not set; Windows default); "#
                    + #"required: "Negotiate" (ignoring case)"#
            ])
    }

    @Test func windowsDefaultOfABitMaskIsShownInHexadecimal() throws {
        let check = settingCheck(#""bitsClear": "0x7", "default": 28"#)
        let verdict = try evaluate(check: check, on: "{}")
        #expect(verdict.status == .fail)
        #expect(
            verdict.evidenceLines == [
                #"HKLM\SOFTWARE\EDCA\Test Setting = 28 (0x1c) (not set; Windows default); required: bits 0x7 clear"#
            ])
    }

    // MARK: Access denied

    @Test(arguments: [
        #""equals": 1, "whenAbsent": "Pass""#, #""equals": 1, "default": 1"#, #""equals": 1"#,
        #""cases": [{"equals": 1, "status": "Pass"}], "otherwise": "Pass", "whenAbsent": "Pass""#,
    ])
    func unreadableKeyIsUnknownWhateverTheAbsencePolicy(rule: String) throws {
        let verdict = try evaluate(check: settingCheck(rule), on: #"{"\#(TestKey.json)": null}"#)
        #expect(verdict.status == .unknown)
        #expect(
            verdict.evidenceLines.first?.hasPrefix(
                #"HKLM\SOFTWARE\EDCA\Test Setting: cannot be read (access denied); "#)
                == true)
        #expect(verdict.evidenceLines.first?.hasSuffix("cannot be decided without it, so Unknown") == true)
    }

    @Test func unreadableKeyEvidenceIsExact() throws {
        let verdict = try evaluate(
            check: settingCheck(#""equals": 1, "whenAbsent": "Pass""#), on: #"{"\#(TestKey.json)": null}"#)
        #expect(
            verdict.evidenceLines == [
                #"HKLM\SOFTWARE\EDCA\Test Setting: cannot be read (access denied); required: 1; cannot be decided without it, so Unknown"#
            ])
    }

    @Test(arguments: [#"HKLM\\SOFTWARE\\EDCA"#, #"HKLM\\SOFTWARE"#, #"hklm\\software\\edca"#])
    func keyBelowAnUnreadableKeyIsUnknownNotAbsent(deniedKey: String) throws {
        let check = settingCheck(#""equals": 1, "whenAbsent": "Pass""#)
        let verdict = try evaluate(check: check, on: #"{"\#(deniedKey)": null}"#)
        #expect(verdict.status == .unknown)
        #expect(verdict.evidenceLines.first?.contains("cannot be read (access denied)") == true)
    }

    @Test func keyListedBelowAnUnreadableKeyIsRead() throws {
        let check = settingCheck(#""equals": 1, "whenAbsent": "Unknown""#)
        let snapshot =
            #"{"HKLM\\SOFTWARE\\EDCA": null, "\#(TestKey.json)": {"Setting": {"type": "REG_DWORD", "data": 1}}}"#
        #expect(try evaluate(check: check, on: snapshot).status == .pass)
        let listedEmpty = #"{"HKLM\\SOFTWARE\\EDCA": null, "\#(TestKey.json)": {}}"#
        #expect(try evaluate(check: check, on: listedEmpty).status == .unknown)
        let withPass = settingCheck(#""equals": 1, "whenAbsent": "Pass""#)
        #expect(try evaluate(check: withPass, on: listedEmpty).status == .pass)
    }

    /// RegistrySnapshot: "A key listed as unreadable (access denied) makes every key below it that is not listed
    /// unknown rather than absent." A key that exists only as the parent of a listed key was never read.
    @Test func unlistedKeyBetweenAnUnreadableKeyAndAListedOneIsNotReadAsEmpty() throws {
        let check = settingCheck(#""equals": 1, "whenAbsent": "Pass""#)
        let snapshot = #"{"HKLM\\SOFTWARE\\EDCA": null, "\#(TestKey.json)\\Deeper": {}}"#
        let verdict = try evaluate(check: check, on: snapshot)
        #expect(verdict.status == .unknown)
    }

    // MARK: Names ignore case

    @Test func keyAndValueNamesIgnoreCase() throws {
        let check =
            #"{"key": "hklm\\system\\currentcontrolset\\services\\lanmanserver\\parameters", "value": "requiresecuritysignature", "equals": 1}"#
        let snapshot =
            #"{"HKLM\\SYSTEM\\CurrentControlSet\\Services\\LanmanServer\\Parameters": {"RequireSecuritySignature": {"type": "REG_DWORD", "data": 1}}}"#
        let verdict = try evaluate(check: check, on: snapshot)
        #expect(verdict.status == .pass)
        #expect(verdict.evidenceLines.count == 1)
    }

    @Test func keyNamesIgnoreCaseBeyondASCII() throws {
        let snapshot = #"{"HKLM\\SOFTWARE\\Café\\Ünïcode": {"Größe": {"type": "REG_DWORD", "data": 1}}}"#
        let check = #"{"key": "HKLM\\SOFTWARE\\CAFÉ\\üNÏCODE", "value": "GRÖßE", "equals": 1}"#
        #expect(try evaluate(check: check, on: snapshot).status == .pass)
    }

    /// Windows upper-cases one character at a time, so `ß` is not `SS`.
    @Test func caseFoldingIsOneCharacterToOne() throws {
        let snapshot = #"{"HKLM\\SOFTWARE\\Straße": {"V": {"type": "REG_DWORD", "data": 1}}}"#
        let check = #"{"key": "HKLM\\SOFTWARE\\STRASSE", "value": "V", "equals": 1}"#
        let verdict = try evaluate(check: check, on: snapshot)
        #expect(verdict.status == .unknown)
        #expect(verdict.evidenceLines.first?.contains("not set (key absent)") == true)
    }

    @Test func defaultValueIsNamedByTheEmptyString() throws {
        let snapshot = #"{"\#(TestKey.json)": {"": {"type": "REG_SZ", "data": "Enabled"}}}"#
        let check = #"{"key": "\#(TestKey.json)", "value": "", "equals": "Enabled"}"#
        #expect(try evaluate(check: check, on: snapshot).status == .pass)
    }

    // MARK: Roles

    @Test func controlForOneRoleIsSkippedOnTheOtherRoleWithoutReadingAnything() throws {
        let control = try makeControl(check: settingCheck(#""equals": 1"#), roles: ["Mailbox"])
        let snapshot = try makeSnapshot(snapshotWithSetting(dword(0)))
        let onEdge = control.evaluate(on: snapshot, role: .edge)
        #expect(onEdge.status == .skipped)
        #expect(onEdge.evidenceLines == ["applies to Mailbox servers; this host is Edge"])
        #expect(onEdge.controlID == "EDCA-TST-001")
        #expect(control.evaluate(on: snapshot, role: .mailbox).status == .fail)
    }

    @Test func edgeOnlyControlIsSkippedOnMailbox() throws {
        let control = try makeControl(check: settingCheck(#""equals": 1"#), roles: ["Edge"])
        let verdict = control.evaluate(on: try makeSnapshot("{}"), role: .mailbox)
        #expect(verdict.status == .skipped)
        #expect(verdict.evidenceLines == ["applies to Edge servers; this host is Mailbox"])
    }

    @Test(arguments: ExchangeRole.allCases)
    func controlForBothRolesIsEvaluatedOnEither(role: ExchangeRole) throws {
        let control = try makeControl(check: settingCheck(#""equals": 1"#))
        let verdict = control.evaluate(on: try makeSnapshot(snapshotWithSetting(dword(1))), role: role)
        #expect(verdict.status == .pass)
    }
}
