import Testing

@testable import EDCACore
@testable import EDCAEngine
@testable import EDCAJSON

/// Loading registry snapshots (docs/registry-snapshot.md): what loads, what the model says, and load errors that name
/// the key, the value, the problem and where it is.
@Suite struct SnapshotTests {
    static let field = #"key 'HKLM\SOFTWARE\EDCA\Test' value 'Setting'"#

    /// A document whose only value is `Setting` with this entry, the entry on line 3.
    static func document(_ entry: String) -> String {
        """
        {
          "\(TestKey.json)": {
            "Setting": \(entry)
          }
        }
        """
    }

    // MARK: What loads

    @Test func everyTypeLoadsWithItsData() throws {
        let snapshot = try makeSnapshot(
            #"""
            {"\#(TestKey.json)": {
              "D": {"type": "REG_DWORD", "data": 4294967295},
              "Q": {"type": "REG_QWORD", "data": 18446744073709551615},
              "QS": {"type": "REG_QWORD", "data": "18446744073709551615"},
              "S": {"type": "REG_SZ", "data": "text"},
              "E": {"type": "REG_EXPAND_SZ", "data": "%SystemRoot%\\system32"},
              "M": {"type": "REG_MULTI_SZ", "data": ["a", "b"]},
              "B": {"type": "REG_BINARY", "data": "00ff1a"},
              "EmptyB": {"type": "REG_BINARY", "data": ""},
              "N": {"type": "REG_NONE", "data": null}
            }}
            """#)
        let key = try #require(RegistryPath(TestKey.shown))
        let expected: [(String, RegistryData)] = [
            ("D", .dword(4_294_967_295)), ("Q", .qword(UInt64.max)), ("QS", .qword(UInt64.max)), ("S", .string("text")),
            ("E", .expandString(#"%SystemRoot%\system32"#)), ("M", .multiString(["a", "b"])),
            ("B", .binary([0x00, 0xFF, 0x1A])), ("EmptyB", .binary([])), ("N", RegistryData.none),
        ]
        for (name, data) in expected {
            guard case .present(let value) = snapshot.value(RegistryName(name), in: key) else {
                Issue.record("value \(name) not present")
                continue
            }
            #expect(value.data == data, "value \(name)")
            #expect(value.name == name)
        }
    }

    @Test func namesKeepTheirSpellingAndCompareIgnoringCase() throws {
        let snapshot = try makeSnapshot(
            #"{"HKLM\\SOFTWARE\\EDCA\\MixedCase": {"SomeValue": {"type": "REG_DWORD", "data": 1}}}"#)
        let path = try #require(RegistryPath(#"hklm\software\edca\MIXEDCASE"#))
        guard case .present(let value) = snapshot.value(RegistryName("SOMEVALUE"), in: path) else {
            Issue.record("value not found ignoring case")
            return
        }
        #expect(value.name == "SomeValue")
        #expect(snapshot.listedKeys == [#"HKLM\SOFTWARE\EDCA\MixedCase"#])
    }

    @Test func parentsOfListedKeysExistAndListTheirChildren() throws {
        let snapshot = try makeSnapshot(
            #"{"HKLM\\SOFTWARE\\A\\B\\C": {}, "HKLM\\SOFTWARE\\A\\D": {}, "hklm\\software\\a\\b\\E": {}}"#)
        for text in [#"HKLM\SOFTWARE"#, #"HKLM\SOFTWARE\A"#, #"HKLM\SOFTWARE\A\B"#, "HKLM"] {
            guard case .readable(let values) = snapshot.key(try #require(RegistryPath(text))) else {
                Issue.record("\(text) should exist")
                continue
            }
            #expect(values.isEmpty)
        }
        guard case .keys(let children) = snapshot.subkeys(of: try #require(RegistryPath(#"HKLM\SOFTWARE\A"#))) else {
            Issue.record("HKLM\\SOFTWARE\\A should list subkeys")
            return
        }
        #expect(children.map(\.leafName) == ["B", "D"])
        guard case .keys(let grandchildren) = snapshot.subkeys(of: try #require(RegistryPath(#"HKLM\SOFTWARE\A\B"#)))
        else {
            Issue.record("HKLM\\SOFTWARE\\A\\B should list subkeys")
            return
        }
        #expect(grandchildren.map(\.leafName) == ["C", "E"])
        guard case .absent = snapshot.key(try #require(RegistryPath(#"HKLM\SOFTWARE\Other"#))) else {
            Issue.record("an unlisted key outside the listed tree is absent")
            return
        }
    }

    @Test func impliedParentPassesAKeyExistenceCheck() throws {
        let check = #"{"key": "HKLM\\SOFTWARE\\A\\B", "present": true}"#
        #expect(try evaluate(check: check, on: #"{"HKLM\\SOFTWARE\\A\\B\\C": {}}"#).status == .pass)
        #expect(try evaluate(check: check, on: #"{"HKLM\\SOFTWARE\\A\\BC": {}}"#).status == .fail)
    }

    @Test func emptyDocumentHasEveryKeyAbsent() throws {
        let snapshot = try makeSnapshot("{}")
        guard case .absent = snapshot.key(try #require(RegistryPath(TestKey.shown))) else {
            Issue.record("expected absent")
            return
        }
    }

    @Test func unreadableKeyAndItsUnlistedDescendantsAreDenied() throws {
        let snapshot = try makeSnapshot(#"{"HKLM\\SOFTWARE\\Secret": null}"#)
        for text in [#"HKLM\SOFTWARE\Secret"#, #"HKLM\SOFTWARE\Secret\Below"#, #"hklm\software\SECRET\below\deeper"#] {
            guard case .denied = snapshot.key(try #require(RegistryPath(text))) else {
                Issue.record("\(text) should be unreadable")
                continue
            }
        }
        guard case .absent = snapshot.key(try #require(RegistryPath(#"HKLM\SOFTWARE\SecretOther"#))) else {
            Issue.record("a sibling with a longer name is not below the unreadable key")
            return
        }
    }

    // MARK: Load errors

    @Test func unknownTypeSuggestsTheClosestType() {
        let problems = snapshotProblems(Self.document(#"{"type": "REG_DWROD", "data": 1}"#))
        #expect(
            problems.map(\.description) == [
                "3:25: " + Self.field
                    + " type: unknown registry type 'REG_DWROD'; expected one of REG_DWORD, REG_QWORD, "
                    + "REG_SZ, REG_EXPAND_SZ, REG_MULTI_SZ, REG_BINARY, REG_NONE (did you mean 'REG_DWORD'?)"
            ])
    }

    @Test(arguments: [
        ("4294967296", "4294967296"), ("-1", "-1"), (#""1""#, #""1""#), ("1.5", "1.5"), ("1e3", "1e3"),
    ])
    func dwordDataOutOfRangeOrNotAnIntegerIsRejected(data: String, shown: String) throws {
        let text = Self.document(#"{"type": "REG_DWORD", "data": \#(data)}"#)
        let problems = snapshotProblems(text)
        #expect(problems.count == 1)
        let problem = try #require(problems.first)
        #expect(problem.field == Self.field + " data")
        #expect(problem.message == "REG_DWORD data must be an integer from 0 to 4294967295, found \(shown)")
        #expect(problem.position == SourcePosition(line: 3, column: 46))
    }

    @Test func dwordDataOfTheWrongJSONTypeNamesTheType() throws {
        let problem = try #require(snapshotProblems(Self.document(#"{"type": "REG_DWORD", "data": true}"#)).first)
        #expect(problem.message == "REG_DWORD data must be an integer from 0 to 4294967295, found boolean")
    }

    @Test(arguments: ["18446744073709551616", #""18446744073709551616""#, #""0x10""#, "-1", #""-1""#])
    func qwordDataOutOfRangeIsRejected(data: String) throws {
        let problem = try #require(snapshotProblems(Self.document(#"{"type": "REG_QWORD", "data": \#(data)}"#)).first)
        #expect(problem.field == Self.field + " data")
        #expect(problem.message.hasPrefix("REG_QWORD data must be an integer from 0 to 18446744073709551615"))
    }

    @Test func qwordDecimalStringAboveTwoToThe53IsAccepted() throws {
        let snapshot = try makeSnapshot(Self.document(#"{"type": "REG_QWORD", "data": "9007199254740993"}"#))
        guard
            case .present(let value) = snapshot.value(
                RegistryName("Setting"), in: try #require(RegistryPath(TestKey.shown)))
        else {
            Issue.record("value not present")
            return
        }
        #expect(value.data == .qword(9_007_199_254_740_993))
    }

    @Test(arguments: [#""0A""#, #""0""#, #""0g""#, "[1]", "12"])
    func binaryDataMustBeLowercaseHexTwoDigitsPerByte(data: String) throws {
        let problem = try #require(snapshotProblems(Self.document(#"{"type": "REG_BINARY", "data": \#(data)}"#)).first)
        #expect(problem.field == Self.field + " data")
        #expect(problem.message == "REG_BINARY data must be a lowercase hexadecimal string, two digits per byte")
    }

    @Test func multiStringWithANonStringItemIsRejected() throws {
        let problems = snapshotProblems(Self.document(#"{"type": "REG_MULTI_SZ", "data": ["a", 2]}"#))
        #expect(
            problems.map(\.description) == [
                "3:55: " + Self.field + " data[1]: REG_MULTI_SZ data must be an array of strings, found number"
            ])
    }

    @Test func multiStringThatIsNotAnArrayIsRejected() throws {
        let problem = try #require(snapshotProblems(Self.document(#"{"type": "REG_MULTI_SZ", "data": "a"}"#)).first)
        #expect(problem.message == "REG_MULTI_SZ data must be an array of strings, found string")
    }

    @Test(arguments: [("REG_SZ", "1", "number"), ("REG_EXPAND_SZ", "null", "null"), ("REG_SZ", #"["a"]"#, "array")])
    func stringDataMustBeAString(type: String, data: String, found: String) throws {
        let problem = try #require(snapshotProblems(Self.document(#"{"type": "\#(type)", "data": \#(data)}"#)).first)
        #expect(problem.field == Self.field + " data")
        #expect(problem.message == "\(type) data must be a string, found \(found)")
    }

    @Test(arguments: [("0", "number"), (#""""#, "string")])
    func noneWithDataIsRejected(data: String, found: String) throws {
        let problems = snapshotProblems(Self.document(#"{"type": "REG_NONE", "data": \#(data)}"#))
        #expect(problems.map(\.field) == [Self.field + " data"])
        #expect(problems.map(\.message) == ["REG_NONE data must be null, found \(found)"])
    }

    @Test func valueEntryNeedsTypeAndDataAndNothingElse() {
        let problems = snapshotProblems(Self.document(#"{"typ": "REG_DWORD"}"#))
        #expect(problems.contains { $0.field == Self.field + ".type" && $0.message == "missing field" })
        #expect(problems.contains { $0.field == Self.field + ".data" && $0.message == "missing field" })
        #expect(
            problems.contains {
                $0.field == Self.field + ".typ" && $0.message == "unknown field (did you mean 'type'?)"
            })
    }

    @Test func valueEntryMustBeAnObject() {
        let problems = snapshotProblems(Self.document("1"))
        #expect(problems.map(\.description) == ["3:16: " + Self.field + ": expected an object, found number"])
    }

    @Test(arguments: [
        (
            #"SOFTWARE\\EDCA"#,
            "a key path starts with a hive abbreviation (HKLM, HKCU, HKCR, HKU or HKCC) and uses \\ as separator"
        ),
        (
            #"HKEY_LOCAL_MACHINE\\SOFTWARE"#,
            "a key path starts with a hive abbreviation (HKLM, HKCU, HKCR, HKU or HKCC) and uses \\ as separator"
        ),
        (
            #"HKLM/SOFTWARE/EDCA"#,
            "a key path starts with a hive abbreviation (HKLM, HKCU, HKCR, HKU or HKCC) and uses \\ as separator"
        ),
        (#"HKLM\\SOFTWARE\\"#, "a key path has no trailing \\"),
        (#"HKLM\\\\SOFTWARE"#, "a key path has no empty component (\\\\)"),
    ])
    func badKeyPathIsRejected(path: String, message: String) throws {
        let problems = snapshotProblems("{\n  \"\(path)\": {}\n}")
        let problem = try #require(problems.first)
        #expect(problems.count == 1)
        #expect(problem.message == message)
        #expect(problem.position == SourcePosition(line: 2, column: 3))
        #expect(problem.field.hasPrefix("key '"))
    }

    @Test func keyListedTwiceDifferingOnlyInCaseIsRejected() {
        let problems = snapshotProblems(
            """
            {
              "HKLM\\\\SOFTWARE\\\\EDCA": {},
              "hklm\\\\software\\\\edca": {}
            }
            """)
        #expect(
            problems.map(\.description) == [
                #"3:3: key 'hklm\software\edca': listed twice (names ignore case; first listed as 'HKLM\SOFTWARE\EDCA')"#
            ])
    }

    @Test func valueListedTwiceDifferingOnlyInCaseIsRejected() {
        let problems = snapshotProblems(
            #"""
            {
              "HKLM\\SOFTWARE\\EDCA": {
                "Setting": {"type": "REG_DWORD", "data": 1},
                "SETTING": {"type": "REG_DWORD", "data": 2}
              }
            }
            """#)
        #expect(
            problems.map(\.description) == [
                #"4:5: key 'HKLM\SOFTWARE\EDCA' value 'SETTING': listed twice (names ignore case)"#
            ])
    }

    @Test(arguments: [("[]", "array"), ("null", "null"), (#""HKLM""#, "string")])
    func topLevelMustBeAnObject(text: String, found: String) {
        let problems = snapshotProblems(text)
        #expect(
            problems.map(\.description) == [
                "1:1: expected an object whose members are registry key paths, found \(found)"
            ])
    }

    @Test(arguments: [("1", "number"), (#""x""#, "string"), ("[]", "array"), ("true", "boolean")])
    func keyMustMapToAnObjectOrNull(body: String, found: String) {
        let problems = snapshotProblems(#"{"HKLM\\X": \#(body)}"#)
        #expect(
            problems.map(\.description) == [
                #"1:13: key 'HKLM\X': expected an object of values, or null for an unreadable key, found \#(found)"#
            ])
    }

    @Test func invalidJSONIsReportedWithItsPosition() {
        let problems = snapshotProblems("{\n  \"HKLM\\\\X\": {},\n}")
        #expect(problems.count == 1)
        #expect(problems.first?.position == SourcePosition(line: 2, column: 16))
        #expect(problems.first?.message == "trailing comma after the last object member")
    }

    @Test func everyProblemInTheDocumentIsReportedTogetherInOrder() {
        let problems = snapshotProblems(
            #"""
            {
              "HKLM\\A": {
                "One": {"type": "REG_DWROD", "data": 1},
                "Two": {"type": "REG_DWORD", "data": -5}
              },
              "SOFTWARE\\B": {},
              "HKLM\\C": {
                "Three": {"type": "REG_BINARY", "data": "ABCD"},
                "Fine": {"type": "REG_SZ", "data": "ok"}
              },
              "hklm\\a": null
            }
            """#)
        #expect(
            problems.map(\.field) == [
                #"key 'HKLM\A' value 'One' type"#, #"key 'HKLM\A' value 'Two' data"#, #"key 'SOFTWARE\B'"#,
                #"key 'HKLM\C' value 'Three' data"#, #"key 'hklm\a'"#,
            ])
        #expect(problems.map { $0.position?.line } == [3, 4, 6, 8, 11])
    }

    @Test func errorDescriptionListsEveryProblemOnItsOwnLine() throws {
        let text = #"{"HKLM\\A": {"V": {"type": "REG_SZ", "data": 1}}, "B": {}}"#
        let data = try #require(position(of: "1}", in: text))
        let key = try #require(position(of: #""B""#, in: text))
        do {
            _ = try RegistrySnapshot(json: Array(text.utf8))
            Issue.record("expected a load error")
        } catch {
            #expect(
                error.description
                    == "\(data): " + #"key 'HKLM\A' value 'V' data: REG_SZ data must be a string, found number"# + "\n"
                    + "\(key): key 'B': a key path starts with a hive abbreviation (HKLM, HKCU, HKCR, HKU or HKCC) "
                    + #"and uses \ as separator"#
            )
        }
    }
}
