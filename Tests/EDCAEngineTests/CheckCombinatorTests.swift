import Testing

@testable import EDCACore
@testable import EDCAEngine
@testable import EDCAJSON

/// `all`, `any` and `none` in three-valued (Kleene) logic, a group's `whenAbsent`, and the `applicableIf` gate.
@Suite struct CheckCombinatorTests {
    /// A snapshot in which `P` passes `equals 1`, `F` fails it, and `Missing` is not set.
    static let members =
        #"{"\#(TestKey.json)": {"P": {"type": "REG_DWORD", "data": 1}, "F": {"type": "REG_DWORD", "data": 0}}}"#

    /// A group member whose status is `P`ass, `F`ail, `U`nknown or `S`kipped.
    static func member(_ code: Character) -> String {
        switch code {
        case "P": #"{"key": "\#(TestKey.json)", "value": "P", "equals": 1}"#
        case "F": #"{"key": "\#(TestKey.json)", "value": "F", "equals": 1}"#
        case "U": #"{"key": "\#(TestKey.json)", "value": "Missing", "equals": 1}"#
        // A gate that fails makes its body not applicable.
        default:
            #"{"applicableIf": {"key": "\#(TestKey.json)", "value": "F", "equals": 1}, "key": "\#(TestKey.json)", "value": "P", "equals": 1}"#
        }
    }

    static func group(_ combinator: String, _ codes: String) -> String {
        #"{"\#(combinator)": [\#(codes.map(member).joined(separator: ", "))]}"#
    }

    static let allTable: [(String, Status)] = [
        ("P", .pass), ("F", .fail), ("U", .unknown), ("S", .skipped),
        ("PP", .pass), ("PF", .fail), ("FP", .fail), ("PU", .unknown), ("UP", .unknown), ("FU", .fail), ("UF", .fail),
        ("UU", .unknown), ("FF", .fail), ("SP", .pass), ("SF", .fail), ("SU", .unknown), ("SS", .skipped),
        ("PSU", .unknown), ("PUF", .fail), ("SSP", .pass),
    ]

    static let anyTable: [(String, Status)] = [
        ("P", .pass), ("F", .fail), ("U", .unknown), ("S", .skipped),
        ("PF", .pass), ("FP", .pass), ("FF", .fail), ("PU", .pass), ("UP", .pass), ("FU", .unknown), ("UF", .unknown),
        ("UU", .unknown), ("SF", .fail), ("SP", .pass), ("SU", .unknown), ("SS", .skipped), ("FUP", .pass),
    ]

    static let noneTable: [(String, Status)] = [
        ("P", .fail), ("F", .pass), ("U", .unknown), ("S", .skipped),
        ("FF", .pass), ("FP", .fail), ("PF", .fail), ("PU", .fail), ("UP", .fail), ("FU", .unknown), ("UU", .unknown),
        ("SF", .pass), ("SP", .fail), ("SU", .unknown), ("SS", .skipped), ("FSU", .unknown),
    ]

    @Test func memberKindsHaveTheStatusesTheTablesAssume() throws {
        for (code, status) in [("P", Status.pass), ("F", .fail), ("U", .unknown), ("S", .skipped)] {
            let check = Self.member(try #require(code.first))
            #expect(try evaluate(check: check, on: Self.members).status == status, "member \(code)")
        }
    }

    @Test(arguments: allTable)
    func allFailsOnAnyFailureElseUnknownOnAnyUnknownElsePasses(codes: String, expected: Status) throws {
        #expect(try evaluate(check: Self.group("all", codes), on: Self.members).status == expected)
    }

    @Test(arguments: anyTable)
    func anyPassesOnAnyPassElseUnknownOnAnyUnknownElseFails(codes: String, expected: Status) throws {
        #expect(try evaluate(check: Self.group("any", codes), on: Self.members).status == expected)
    }

    @Test(arguments: noneTable)
    func noneFailsOnAnyPassElseUnknownOnAnyUnknownElsePasses(codes: String, expected: Status) throws {
        #expect(try evaluate(check: Self.group("none", codes), on: Self.members).status == expected)
    }

    @Test func groupsNest() throws {
        let inner = Self.group("any", "FU")
        let check = #"{"all": [\#(inner), \#(Self.member("P"))]}"#
        #expect(try evaluate(check: check, on: Self.members).status == .unknown)
        let negated = #"{"none": [\#(Self.group("all", "PP"))]}"#
        #expect(try evaluate(check: negated, on: Self.members).status == .fail)
    }

    @Test func groupEvidenceListsEveryMemberInOrder() throws {
        let verdict = try evaluate(check: Self.group("all", "PFU"), on: Self.members)
        #expect(verdict.status == .fail)
        #expect(
            verdict.evidenceLines == [
                #"HKLM\SOFTWARE\EDCA\Test P = 1; required: 1"#,
                #"HKLM\SOFTWARE\EDCA\Test F = 0; required: 1"#,
                #"HKLM\SOFTWARE\EDCA\Test Missing: not set; required: 1; cannot be decided without it, so Unknown"#,
            ])
    }

    // MARK: A group's whenAbsent

    /// Two values that must both be 1 (DATA-019's shape): each side absent fails, both absent is Unknown.
    static let bothViews = #"""
        {"all": [
            {"key": "\#(TestKey.json)", "value": "A", "equals": 1, "whenAbsent": "Fail"},
            {"key": "\#(TestKey.json)", "value": "B", "equals": 1, "whenAbsent": "Fail"}
        ], "whenAbsent": "Unknown"}
        """#

    @Test func groupWhenAbsentAppliesWhenNoValueBeneathIsSet() throws {
        let verdict = try evaluate(check: Self.bothViews, on: #"{"\#(TestKey.json)": {}}"#)
        #expect(verdict.status == .unknown)
        #expect(verdict.evidenceLines.last == "none of the values above is set, which counts as Unknown")
        #expect(verdict.evidenceLines.count == 3)
    }

    @Test func groupWhenAbsentAppliesWhenTheKeyIsAbsent() throws {
        let verdict = try evaluate(check: Self.bothViews, on: "{}")
        #expect(verdict.status == .unknown)
        #expect(
            verdict.evidenceLines.first
                == #"HKLM\SOFTWARE\EDCA\Test A: not set (key absent); required: 1; when not set: Fail"#)
    }

    @Test(arguments: [
        (#""A": {"type": "REG_DWORD", "data": 1}"#, Status.fail),
        (#""A": {"type": "REG_DWORD", "data": 1}, "B": {"type": "REG_DWORD", "data": 1}"#, .pass),
        (#""A": {"type": "REG_DWORD", "data": 1}, "B": {"type": "REG_DWORD", "data": 2}"#, .fail),
        (#""B": {"type": "REG_DWORD", "data": 0}"#, .fail),
    ])
    func groupWhenAbsentIsNotUsedOnceAnyValueIsSet(values: String, expected: Status) throws {
        let verdict = try evaluate(check: Self.bothViews, on: #"{"\#(TestKey.json)": {\#(values)}}"#)
        #expect(verdict.status == expected)
        #expect(!verdict.evidenceLines.contains { $0.hasPrefix("none of the values above is set") })
    }

    @Test func groupWhenAbsentCountsWindowsDefaultsAsNotSet() throws {
        let check = #"""
            {"any": [
                {"key": "\#(TestKey.json)", "value": "A", "equals": 1, "default": 0},
                {"key": "\#(TestKey.json)", "value": "B", "atLeast": 1}
            ], "whenAbsent": "Unknown"}
            """#
        #expect(try evaluate(check: check, on: #"{"\#(TestKey.json)": {}}"#).status == .unknown)
        let set = #"{"\#(TestKey.json)": {"A": {"type": "REG_DWORD", "data": 0}}}"#
        #expect(try evaluate(check: check, on: set).status == .unknown)
        let passing = #"{"\#(TestKey.json)": {"B": {"type": "REG_DWORD", "data": 2}}}"#
        #expect(try evaluate(check: check, on: passing).status == .pass)
    }

    @Test func unreadableValuesAreNotAbsentForAGroupWhenAbsent() throws {
        let check = #"""
            {"all": [
                {"key": "\#(TestKey.json)", "value": "A", "equals": 1},
                {"key": "\#(TestKey.json)", "value": "B", "equals": 1}
            ], "whenAbsent": "Pass"}
            """#
        let verdict = try evaluate(check: check, on: #"{"\#(TestKey.json)": null}"#)
        #expect(verdict.status == .unknown)
        #expect(!verdict.evidenceLines.contains { $0.hasPrefix("none of the values above is set") })
    }

    // MARK: applicableIf

    /// Setting must be 1, but only where Role is 1.
    static let gated = #"""
        {"applicableIf": {"key": "\#(TestKey.json)", "value": "Role", "equals": 1},
         "key": "\#(TestKey.json)", "value": "Setting", "equals": 1}
        """#

    @Test func gateThatHoldsLetsTheBodyDecide() throws {
        let failing =
            #"{"\#(TestKey.json)": {"Role": {"type": "REG_DWORD", "data": 1}, "Setting": {"type": "REG_DWORD", "data": 0}}}"#
        let verdict = try evaluate(check: Self.gated, on: failing)
        #expect(verdict.status == .fail)
        #expect(
            verdict.evidenceLines == [
                #"HKLM\SOFTWARE\EDCA\Test Role = 1; required: 1"#,
                #"HKLM\SOFTWARE\EDCA\Test Setting = 0; required: 1"#,
            ])
        let passing =
            #"{"\#(TestKey.json)": {"Role": {"type": "REG_DWORD", "data": 1}, "Setting": {"type": "REG_DWORD", "data": 1}}}"#
        #expect(try evaluate(check: Self.gated, on: passing).status == .pass)
    }

    @Test func gateThatFailsMakesTheControlNotApplicable() throws {
        let snapshot =
            #"{"\#(TestKey.json)": {"Role": {"type": "REG_DWORD", "data": 0}, "Setting": {"type": "REG_DWORD", "data": 0}}}"#
        let verdict = try evaluate(check: Self.gated, on: snapshot)
        #expect(verdict.status == .skipped)
        #expect(
            verdict.evidenceLines == [
                #"HKLM\SOFTWARE\EDCA\Test Role = 0; required: 1"#,
                "not applicable: the condition above does not hold",
            ])
    }

    @Test func gateThatCannotBeDecidedIsUnknown() throws {
        let snapshot = #"{"\#(TestKey.json)": {"Setting": {"type": "REG_DWORD", "data": 1}}}"#
        let verdict = try evaluate(check: Self.gated, on: snapshot)
        #expect(verdict.status == .unknown)
        #expect(
            verdict.evidenceLines.first
                == #"HKLM\SOFTWARE\EDCA\Test Role: not set; required: 1; cannot be decided without it, so Unknown"#)
        #expect(!verdict.evidenceLines.contains("not applicable: the condition above does not hold"))
    }

    @Test func gateOnAnUnreadableKeyIsUnknownNotSkipped() throws {
        let verdict = try evaluate(check: Self.gated, on: #"{"\#(TestKey.json)": null}"#)
        #expect(verdict.status == .unknown)
    }

    @Test func gateMayTestWhetherAKeyExists() throws {
        let check = #"""
            {"applicableIf": {"key": "HKLM\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Search", "present": true},
             "key": "\#(TestKey.json)", "value": "Setting", "equals": 1}
            """#
        let withSearch =
            #"{"HKLM\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Search\\SystemParameters": {}, "\#(TestKey.json)": {}}"#
        #expect(try evaluate(check: check, on: withSearch).status == .unknown)
        let withoutSearch = #"{"\#(TestKey.json)": {}}"#
        let verdict = try evaluate(check: check, on: withoutSearch)
        #expect(verdict.status == .skipped)
        #expect(
            verdict.evidenceLines.first
                == #"HKLM\SOFTWARE\Microsoft\ExchangeServer\v15\Search: key absent; required: key present"#)
    }

    @Test func notApplicableMemberIsLeftOutOfItsGroup() throws {
        let check = #"""
            {"all": [
                {"applicableIf": {"key": "\#(TestKey.json)", "value": "F", "equals": 1},
                 "key": "\#(TestKey.json)", "value": "F", "equals": 1},
                {"key": "\#(TestKey.json)", "value": "P", "equals": 1}
            ]}
            """#
        let verdict = try evaluate(check: check, on: Self.members)
        #expect(verdict.status == .pass)
        // The member that did not apply decided nothing: neither its condition nor the note is evidence.
        #expect(verdict.evidenceLines == [#"HKLM\SOFTWARE\EDCA\Test P = 1; required: 1"#])
    }

    @Test func gateMayGuardAWholeGroup() throws {
        let check = #"""
            {"applicableIf": {"key": "\#(TestKey.json)", "value": "F", "equals": 0},
             "any": [\#(Self.member("F")), \#(Self.member("U"))]}
            """#
        #expect(try evaluate(check: check, on: Self.members).status == .unknown)
    }
}
