import Testing

@testable import EDCACore
@testable import EDCAEngine
@testable import EDCAJSON

/// One comparison operator applied to one stored datum, and the status it must give.
struct OperatorRow: Sendable, CustomTestStringConvertible {
    /// The rule members of the check, e.g. `"atLeast": 528040`.
    var rule: String
    /// The stored datum, e.g. `{"type": "REG_DWORD", "data": 528040}`.
    var datum: String
    /// The status the control must end in.
    var status: Status

    var testDescription: String { "\(rule) on \(datum) → \(status)" }
}

/// Each comparison operator of the check language, with data that hold, data that fail and data of a type the
/// operator cannot test.
@Suite struct CheckOperatorTests {
    static let holdingAndFailing: [OperatorRow] = [
        // equals, number and string
        OperatorRow(rule: #""equals": 1"#, datum: dword(1), status: .pass),
        OperatorRow(rule: #""equals": 1"#, datum: dword(0), status: .fail),
        OperatorRow(rule: #""equals": 1"#, datum: dword(2), status: .fail),
        OperatorRow(rule: #""equals": "Negotiate""#, datum: regSZ("Negotiate"), status: .pass),
        OperatorRow(rule: #""equals": "Negotiate""#, datum: regSZ("negotiate"), status: .fail),
        OperatorRow(
            rule: #""equals": "%SystemRoot%""#, datum: datum("REG_EXPAND_SZ", #""%SystemRoot%""#), status: .pass),
        // oneOf, numbers and strings
        OperatorRow(rule: #""oneOf": [1, 2]"#, datum: dword(2), status: .pass),
        OperatorRow(rule: #""oneOf": [1, 2]"#, datum: dword(3), status: .fail),
        OperatorRow(rule: #""oneOf": ["A", "B"]"#, datum: regSZ("B"), status: .pass),
        OperatorRow(rule: #""oneOf": ["A", "B"]"#, datum: regSZ("C"), status: .fail),
        OperatorRow(rule: #""oneOf": ["A", "B"]"#, datum: regSZ("b"), status: .fail),
        // ordering
        OperatorRow(rule: #""atLeast": 528040"#, datum: dword(528_040), status: .pass),
        OperatorRow(rule: #""atLeast": 528040"#, datum: dword(533_320), status: .pass),
        OperatorRow(rule: #""atLeast": 528040"#, datum: dword(528_039), status: .fail),
        OperatorRow(rule: #""atMost": 5"#, datum: dword(5), status: .pass),
        OperatorRow(rule: #""atMost": 5"#, datum: dword(6), status: .fail),
        OperatorRow(rule: #""greaterThan": 0"#, datum: dword(1), status: .pass),
        OperatorRow(rule: #""greaterThan": 0"#, datum: dword(0), status: .fail),
        OperatorRow(rule: #""lessThan": 10"#, datum: dword(9), status: .pass),
        OperatorRow(rule: #""lessThan": 10"#, datum: dword(10), status: .fail),
        // between is a closed range
        OperatorRow(rule: #""between": [900000, 1800000]"#, datum: dword(900_000), status: .pass),
        OperatorRow(rule: #""between": [900000, 1800000]"#, datum: dword(1_800_000), status: .pass),
        OperatorRow(rule: #""between": [900000, 1800000]"#, datum: dword(899_999), status: .fail),
        OperatorRow(rule: #""between": [900000, 1800000]"#, datum: dword(1_800_001), status: .fail),
        // several comparisons must all hold
        OperatorRow(rule: #""atLeast": 900000, "atMost": 1800000"#, datum: dword(1_000_000), status: .pass),
        OperatorRow(rule: #""atLeast": 900000, "atMost": 1800000"#, datum: dword(2_000_000), status: .fail),
        // strings ignoring case
        OperatorRow(rule: #""equalsIgnoringCase": "Negotiate""#, datum: regSZ("NEGOTIATE"), status: .pass),
        OperatorRow(rule: #""equalsIgnoringCase": "Negotiate""#, datum: regSZ("Kerberos"), status: .fail),
        // regular expressions: searched anywhere, case-sensitive unless (?i)
        OperatorRow(rule: #""matches": "^TLS 1\\.[23]$""#, datum: regSZ("TLS 1.2"), status: .pass),
        OperatorRow(rule: #""matches": "^TLS 1\\.[23]$""#, datum: regSZ("TLS 1.0"), status: .fail),
        OperatorRow(rule: #""matches": "^TLS 1\\.[23]$""#, datum: regSZ("tls 1.2"), status: .fail),
        OperatorRow(rule: #""matches": "(?i)^tls 1\\.[23]$""#, datum: regSZ("TLS 1.3"), status: .pass),
        OperatorRow(rule: #""matches": "1\\.2""#, datum: regSZ("TLS 1.2 only"), status: .pass),
        // contains: an item of a REG_MULTI_SZ list, ignoring case
        OperatorRow(
            rule: #""contains": "SSL 3.0""#, datum: datum("REG_MULTI_SZ", #"["TLS 1.2", "SSL 3.0"]"#), status: .pass),
        OperatorRow(
            rule: #""contains": "ssl 3.0""#, datum: datum("REG_MULTI_SZ", #"["TLS 1.2", "SSL 3.0"]"#), status: .pass),
        OperatorRow(rule: #""contains": "SSL 3.0""#, datum: datum("REG_MULTI_SZ", #"["TLS 1.2"]"#), status: .fail),
        OperatorRow(rule: #""contains": "SSL""#, datum: datum("REG_MULTI_SZ", #"["SSL 3.0"]"#), status: .fail),
        OperatorRow(rule: #""contains": "SSL 3.0""#, datum: datum("REG_MULTI_SZ", "[]"), status: .fail),
        // bit masks, as numbers or as "0x..." strings
        OperatorRow(rule: #""bitsSet": "0x20000000""#, datum: dword(0x2008_0000), status: .pass),
        OperatorRow(rule: #""bitsSet": "0x20000000""#, datum: dword(0x0008_0000), status: .fail),
        OperatorRow(rule: #""bitsSet": 536870912"#, datum: dword(0x2000_0000), status: .pass),
        OperatorRow(rule: #""bitsSet": "0x18""#, datum: dword(0x7FFF_FFF8), status: .pass),
        OperatorRow(rule: #""bitsSet": "0x18""#, datum: dword(0x10), status: .fail),
        OperatorRow(rule: #""bitsClear": 7"#, datum: dword(0x18), status: .pass),
        OperatorRow(rule: #""bitsClear": 7"#, datum: dword(0x1C), status: .fail),
        OperatorRow(rule: #""bitsClear": "0x20000000""#, datum: dword(0), status: .pass),
        OperatorRow(rule: #""bitsClear": "0X20000000""#, datum: dword(0x2000_0000), status: .fail),
        OperatorRow(rule: #""bitsSet": "0x18", "bitsClear": "0x7""#, datum: dword(0x8000_0018), status: .pass),
        OperatorRow(rule: #""bitsSet": "0x18", "bitsClear": "0x7""#, datum: dword(0x1C), status: .fail),
    ]

    @Test(arguments: holdingAndFailing)
    func operatorGivesPassWhenItHoldsAndFailWhenNot(row: OperatorRow) throws {
        let verdict = try evaluate(check: settingCheck(row.rule), on: snapshotWithSetting(row.datum))
        #expect(verdict.status == row.status)
        #expect(verdict.evidenceLines.count == 1)
    }

    /// A datum of a type the operator cannot test, and what the evidence says was expected instead.
    static let wrongTypes: [(String, String, String)] = [
        (#""equals": 1"#, datum("REG_BINARY", #""0102""#), "not a number, so Unknown"),
        (#""atLeast": 1"#, datum("REG_MULTI_SZ", #"["1"]"#), "not a number, so Unknown"),
        (#""bitsSet": "0x1""#, datum("REG_NONE", "null"), "not a number, so Unknown"),
        (#""between": [1, 2]"#, regSZ("abc"), "not a number, so Unknown"),
        (#""oneOf": [1, 2]"#, datum("REG_BINARY", #""01""#), "not a number, so Unknown"),
        (#""equals": "1""#, dword(1), "not a string (REG_SZ or REG_EXPAND_SZ), so Unknown"),
        (#""oneOf": ["A"]"#, dword(1), "not a string (REG_SZ or REG_EXPAND_SZ), so Unknown"),
        (#""equalsIgnoringCase": "a""#, dword(1), "not a string (REG_SZ or REG_EXPAND_SZ), so Unknown"),
        (#""matches": "a""#, datum("REG_MULTI_SZ", #"["a"]"#), "not a string (REG_SZ or REG_EXPAND_SZ), so Unknown"),
        (#""contains": "a""#, regSZ("a"), "not a REG_MULTI_SZ list, so Unknown"),
    ]

    @Test(arguments: wrongTypes)
    func datumOfTheWrongTypeIsUnknownAndTheEvidenceSaysWhy(rule: String, datum: String, explanation: String) throws {
        let verdict = try evaluate(check: settingCheck(rule), on: snapshotWithSetting(datum))
        #expect(verdict.status == .unknown)
        let line = try #require(verdict.evidenceLines.first)
        #expect(line.hasPrefix(TestKey.shown + " Setting = "))
        #expect(line.hasSuffix(explanation))
    }

    /// Exact evidence lines for representative operators.
    static let exactEvidence: [(String, String, Status, String)] = [
        (#""equals": 1"#, dword(1), .pass, #"HKLM\SOFTWARE\EDCA\Test Setting = 1; required: 1"#),
        (#""equals": 1"#, dword(0), .fail, #"HKLM\SOFTWARE\EDCA\Test Setting = 0; required: 1"#),
        (
            #""oneOf": ["A", "B"]"#, regSZ("C"), .fail,
            #"HKLM\SOFTWARE\EDCA\Test Setting = "C" (REG_SZ); required: one of "A", "B""#
        ),
        (#""oneOf": [1, 2]"#, dword(2), .pass, #"HKLM\SOFTWARE\EDCA\Test Setting = 2; required: one of 1, 2"#),
        (
            #""atLeast": 900000, "atMost": 1800000"#, dword(2_000_000), .fail,
            #"HKLM\SOFTWARE\EDCA\Test Setting = 2000000; required: >= 900000 and <= 1800000"#
        ),
        (#""greaterThan": 0"#, dword(0), .fail, #"HKLM\SOFTWARE\EDCA\Test Setting = 0; required: > 0"#),
        (#""lessThan": 10"#, dword(10), .fail, #"HKLM\SOFTWARE\EDCA\Test Setting = 10; required: < 10"#),
        (
            #""between": [900000, 1800000]"#, dword(899_999), .fail,
            #"HKLM\SOFTWARE\EDCA\Test Setting = 899999; required: 900000..1800000"#
        ),
        (
            #""equalsIgnoringCase": "Negotiate""#, regSZ("NEGOTIATE"), .pass,
            #"HKLM\SOFTWARE\EDCA\Test Setting = "NEGOTIATE" (REG_SZ); required: "Negotiate" (ignoring case)"#
        ),
        (
            #""matches": "^TLS 1\\.[23]$""#, regSZ("TLS 1.0"), .fail,
            #"HKLM\SOFTWARE\EDCA\Test Setting = "TLS 1.0" (REG_SZ); required: matches /^TLS 1\.[23]$/"#
        ),
        (
            #""contains": "SSL 3.0""#, datum("REG_MULTI_SZ", #"["TLS 1.2", "SSL 3.0"]"#), .pass,
            #"HKLM\SOFTWARE\EDCA\Test Setting = ["TLS 1.2", "SSL 3.0"] (REG_MULTI_SZ); required: a list containing "SSL 3.0" (ignoring case)"#
        ),
        (
            #""bitsSet": "0x20000000""#, dword(0x2008_0000), .pass,
            #"HKLM\SOFTWARE\EDCA\Test Setting = 537395200 (0x20080000); required: bits 0x20000000 set"#
        ),
        (
            #""bitsClear": 7"#, dword(0x1C), .fail,
            #"HKLM\SOFTWARE\EDCA\Test Setting = 28 (0x1c); required: bits 0x7 clear"#
        ),
        (
            #""equals": 1"#, datum("REG_BINARY", #""0102""#), .unknown,
            #"HKLM\SOFTWARE\EDCA\Test Setting = 0102 (REG_BINARY); required: 1; not a number, so Unknown"#
        ),
        (
            #""equals": "Negotiate""#, dword(1), .unknown,
            #"HKLM\SOFTWARE\EDCA\Test Setting = 1; required: "Negotiate"; "#
                + "not a string (REG_SZ or REG_EXPAND_SZ), so Unknown"
        ),
    ]

    @Test(arguments: exactEvidence)
    func evidenceShowsTheDatumAndTheRequirement(rule: String, datum: String, status: Status, evidence: String) throws {
        let verdict = try evaluate(check: settingCheck(rule), on: snapshotWithSetting(datum))
        #expect(verdict.status == status)
        #expect(verdict.evidenceLines == [evidence])
    }

    // MARK: Numbers stored as strings, and wide numbers

    static let numericCoercion: [(String, String, Status)] = [
        (#""equals": 1"#, regSZ("1"), .pass),
        (#""equals": 1"#, regSZ(" 1 "), .pass),
        (#""equals": 1"#, regSZ(#"\t1\n"#), .pass),
        (#""equals": 1"#, regSZ("0x1"), .pass),
        (#""equals": 31"#, regSZ("0X1F"), .pass),
        (#""equals": 1"#, regSZ("0"), .fail),
        (#""equals": 1"#, datum("REG_EXPAND_SZ", #""1""#), .pass),
        (#""equals": 1"#, regSZ("yes"), .unknown),
        (#""equals": 1"#, regSZ(""), .unknown),
        (#""equals": 1"#, regSZ("1.0"), .unknown),
        (#""equals": 1"#, regSZ("-1"), .unknown),
        (#""atLeast": 4294967296"#, datum("REG_QWORD", "5000000000"), .pass),
        (#""atLeast": 4294967296"#, datum("REG_QWORD", "1"), .fail),
        (#""equals": 7"#, datum("REG_QWORD", "7"), .pass),
        (#""bitsSet": "0x100000000""#, datum("REG_QWORD", "4294967296"), .pass),
        (#""equals": 18446744073709551615"#, datum("REG_QWORD", #""18446744073709551615""#), .pass),
        // A DWORD is unsigned: 0xFFFFFFFF is 4294967295, never -1.
        (#""atLeast": 4294967295"#, dword(4_294_967_295), .pass),
        (#""atLeast": "0xFFFFFFFF""#, dword(4_294_967_295), .pass),
        (#""greaterThan": 2147483647"#, dword(4_294_967_295), .pass),
        (#""lessThan": 1"#, dword(4_294_967_295), .fail),
    ]

    @Test(arguments: numericCoercion)
    func numericTestsReadStringsAndWideNumbersAsNumbers(rule: String, datum: String, status: Status) throws {
        let verdict = try evaluate(check: settingCheck(rule), on: snapshotWithSetting(datum))
        #expect(verdict.status == status)
    }

    /// `RegistryData.numericValue` trims "blanks" including line breaks; a Windows line break is CR LF.
    @Test func numberStringEndingInWindowsLineBreakReadsAsNumber() throws {
        let verdict = try evaluate(check: settingCheck(#""equals": 1"#), on: snapshotWithSetting(regSZ(#"1\r\n"#)))
        #expect(verdict.status == .pass)
        #expect(RegistryData.string("1\r\n").numericValue == 1)
        #expect(RegistryData.string("\r\n0x10\r\n").numericValue == 16)
    }

    @Test func numberStoredAsStringShowsItsTypeInEvidence() throws {
        let verdict = try evaluate(check: settingCheck(#""equals": 1"#), on: snapshotWithSetting(regSZ("1")))
        #expect(verdict.status == .pass)
        #expect(verdict.evidenceLines == [#"HKLM\SOFTWARE\EDCA\Test Setting = "1" (REG_SZ); required: 1"#])
    }

    @Test func qwordShowsItsTypeInEvidence() throws {
        let verdict = try evaluate(
            check: settingCheck(#""atLeast": 4294967296"#), on: snapshotWithSetting(datum("REG_QWORD", "5000000000")))
        #expect(
            verdict.evidenceLines == [
                #"HKLM\SOFTWARE\EDCA\Test Setting = 5000000000 (REG_QWORD); required: >= 4294967296"#
            ])
    }

    @Test func nonNumericStringForNumericTestIsUnknownNotFail() throws {
        let verdict = try evaluate(check: settingCheck(#""equals": 1"#), on: snapshotWithSetting(regSZ("yes")))
        #expect(verdict.status == .unknown)
        #expect(
            verdict.evidenceLines == [
                #"HKLM\SOFTWARE\EDCA\Test Setting = "yes" (REG_SZ); required: 1; not a number, so Unknown"#
            ])
    }
}
