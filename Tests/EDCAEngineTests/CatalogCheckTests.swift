import Testing

@testable import EDCACore
@testable import EDCAEngine
@testable import EDCAJSON

/// The check-language parts that the nearly-registry-only controls need: versions compared with a shipped catalog
/// (GOV-002, SEC-038), a version spelled by numeric parts, subkey counts (SEC-012), the role test (GOV-012) and
/// `whenNoneApplies` (SEC-013's "no signal at all").
@Suite struct CatalogCheckTests {
    static let setup = #"HKLM\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Setup"#
    static let parts = #"["MsiProductMajor", "MsiProductMinor", "MsiBuildMajor", "MsiBuildMinor"]"#
    static let builds = VersionCatalog(
        name: "exchange-builds", description: "test",
        versions: ["Exchange2019": DottedVersion(components: [15, 2, 1748, 43])])

    static func versionCheck(_ operand: String, fallback: Bool = true) -> String {
        #"{"key": "\#(setup)", "value": "OwaVersion", \#(fallback ? #""orVersionFrom": \#(parts), "# : "")"#
            + #""versionAtLeast": \#(operand)}"#
    }

    static func control(check: String) throws -> Control {
        let text = ControlDocument(check: check).text
        do {
            return try Control(json: Array(text.utf8), catalogs: ["exchange-builds": builds])
        } catch {
            Issue.record("did not decode: \(error.problems.map(\.description))")
            throw error
        }
    }

    static func problems(check: String) -> [DecodingProblem] {
        do {
            _ = try Control(json: Array(ControlDocument(check: check).text.utf8), catalogs: ["exchange-builds": builds])
            return []
        } catch {
            return error.problems
        }
    }

    static let catalogOperand = #"{"catalog": "exchange-builds", "entry": "Exchange2019"}"#

    @Test(arguments: [
        ("15.2.1748.43", Status.pass), ("15.2.1748.100", .pass), ("15.2.2562.17", .pass), ("15.2.1748.42", .fail),
        ("15.2.1544.4", .fail), ("15.1.2507.66", .fail), (" 15.2.1748.43 ", .pass), ("15.2", .fail),
        ("Version 15.2", .unknown), ("15..2", .unknown), ("", .unknown),
    ])
    func versionIsComparedNumberByNumberWithTheCatalogEntry(version: String, expected: Status) throws {
        let snapshot = try makeSnapshot(#"{"\#(Self.setup)": {"OwaVersion": \#(datum("REG_SZ", "\"\(version)\""))}}"#)
        let verdict = try Self.control(check: Self.versionCheck(Self.catalogOperand)).evaluate(
            on: snapshot, role: .mailbox)
        #expect(verdict.status == expected, "\(verdict.evidenceLines)")
        #expect(
            verdict.evidenceLines.first?.contains("version >= 15.2.1748.43 (exchange-builds: Exchange2019)") == true)
    }

    @Test func absentVersionIsSpelledByItsNumericParts() throws {
        let snapshot = try makeSnapshot(
            #"{"\#(Self.setup)": {"MsiProductMajor": \#(dword(15)), "MsiProductMinor": \#(dword(2)), "#
                + #""MsiBuildMajor": \#(dword(1748)), "MsiBuildMinor": \#(dword(43))}}"#)
        let verdict = try Self.control(check: Self.versionCheck(#""15.2.1748.43""#)).evaluate(
            on: snapshot, role: .edge)
        #expect(verdict.status == .pass)
        #expect(
            verdict.evidenceLines == [
                #"HKLM\SOFTWARE\Microsoft\ExchangeServer\v15\Setup OwaVersion: not set; "#
                    + #"MsiProductMajor.MsiProductMinor.MsiBuildMajor.MsiBuildMinor = "15.2.1748.43" (REG_SZ); "#
                    + "required: version >= 15.2.1748.43"
            ])
    }

    @Test func aMissingPartLeavesTheVersionUnknown() throws {
        let snapshot = try makeSnapshot(
            #"{"\#(Self.setup)": {"MsiProductMajor": \#(dword(15)), "MsiProductMinor": \#(dword(2)), "#
                + #""MsiBuildMajor": \#(dword(1748))}}"#)
        let verdict = try Self.control(check: Self.versionCheck(#""15.2.1748.43""#)).evaluate(
            on: snapshot, role: .mailbox)
        #expect(verdict.status == .unknown)
    }

    @Test func theValueItselfWinsOverItsParts() throws {
        let snapshot = try makeSnapshot(
            #"{"\#(Self.setup)": {"OwaVersion": \#(datum("REG_SZ", #""15.2.1544.4""#)), "#
                + #""MsiProductMajor": \#(dword(15)), "MsiProductMinor": \#(dword(2)), "#
                + #""MsiBuildMajor": \#(dword(1748)), "MsiBuildMinor": \#(dword(43))}}"#)
        let verdict = try Self.control(check: Self.versionCheck(#""15.2.1748.43""#)).evaluate(
            on: snapshot, role: .mailbox)
        #expect(verdict.status == .fail)
    }

    @Test func partsAreReadAsPartOfTheRequest() throws {
        let control = try Self.control(check: Self.versionCheck(Self.catalogOperand))
        let names = FactRequest(checks: [control.check]).reads.compactMap { read -> String? in
            if case .value(_, let name) = read { name.text } else { nil }
        }
        #expect(Set(names) == ["OwaVersion", "MsiProductMajor", "MsiProductMinor", "MsiBuildMajor", "MsiBuildMinor"])
    }

    @Test func unknownCatalogOrEntryIsReportedWithItsField() {
        let missingCatalog = Self.problems(
            check: Self.versionCheck(#"{"catalog": "exchange-build", "entry": "Exchange2019"}"#))
        #expect(missingCatalog.map(\.field) == ["check.versionAtLeast.catalog"])
        #expect(missingCatalog.first?.message.contains("known: exchange-builds") == true)
        let missingEntry = Self.problems(
            check: Self.versionCheck(#"{"catalog": "exchange-builds", "entry": "Exchange2109"}"#))
        #expect(missingEntry.map(\.field) == ["check.versionAtLeast.entry"])
        #expect(missingEntry.first?.message.contains("did you mean 'Exchange2019'") == true)
        let badLiteral = Self.problems(check: Self.versionCheck(#""15.2.x""#))
        #expect(badLiteral.map(\.field) == ["check.versionAtLeast"])
        let oneTooMany = Self.problems(
            check: #"{"key": "\#(Self.setup)", "value": "OwaVersion", "orVersionFrom": ["A", "B", "C", "D", "E"], "#
                + #""versionAtLeast": "15.2"}"#)
        #expect(oneTooMany.map(\.field) == ["check.orVersionFrom"])
    }

    @Test func catalogFileIsDecodedAndItsProblemsNamed() throws {
        let catalog = try VersionCatalog(
            name: "builds",
            json: Array(#"{"description": "d", "source": "https://x", "versions": {"A": "1.2.3.4"}}"#.utf8))
        #expect(catalog.versions["A"] == DottedVersion("1.2.3.4"))
        let badVersion = #expect(throws: ControlDecodingError.self) {
            try VersionCatalog(
                name: "builds", json: Array(#"{"description": "d", "source": "s", "versions": {"A": "1.x"}}"#.utf8))
        }
        #expect(badVersion?.problems.map(\.field) == ["versions.A"])
        let duplicate = #expect(throws: ControlDecodingError.self) {
            try VersionCatalog(
                name: "builds",
                json: Array(#"{"description": "d", "source": "s", "versions": {"A": "1.2", "A": "1.3"}}"#.utf8))
        }
        #expect(duplicate?.problems.map(\.message) == ["duplicate entry \"A\""])
    }

    // MARK: subkey counts

    static let providers = #"HKLM\\SOFTWARE\\Microsoft\\AMSI\\Providers"#
    static let countCheck = #"{"subkeyCountOf": "\#(providers)", "atLeast": 1, "whenAbsent": "Unknown"}"#

    @Test func subkeysAreCounted() throws {
        let one = try evaluate(check: Self.countCheck, on: #"{"\#(Self.providers)\\{2781761E-28E0-4109-99FE}": {}}"#)
        #expect(one.status == .pass)
        #expect(one.evidenceLines == [#"HKLM\SOFTWARE\Microsoft\AMSI\Providers: 1 subkey; required: >= 1"#])
        let none = try evaluate(check: Self.countCheck, on: #"{"\#(Self.providers)": {}}"#)
        #expect(none.status == .fail)
        #expect(none.evidenceLines == [#"HKLM\SOFTWARE\Microsoft\AMSI\Providers: 0 subkeys; required: >= 1"#])
    }

    @Test func absentOrUnreadableKeyIsNotCountedAsZero() throws {
        let absent = try evaluate(check: Self.countCheck, on: #"{"HKLM\\SOFTWARE\\Microsoft\\AMSI": {}}"#)
        #expect(absent.status == .unknown)
        let denied = try evaluate(check: Self.countCheck, on: #"{"\#(Self.providers)": null}"#)
        #expect(denied.status == .unknown)
        #expect(denied.evidenceLines.first?.contains("access denied") == true)
    }

    // MARK: role test and whenNoneApplies

    @Test(arguments: [(ExchangeRole.mailbox, Status.fail), (.edge, .skipped)])
    func roleGateSkipsOtherRoles(role: ExchangeRole, expected: Status) throws {
        let check =
            #"{"applicableIf": {"role": "Mailbox"}, "key": "\#(TestKey.json)", "value": "Setting", "equals": 4}"#
        let verdict = try evaluate(check: check, on: snapshotWithSetting(dword(3)), role: role)
        #expect(verdict.status == expected)
        #expect(verdict.evidenceLines.first == "this host is \(role.rawValue); required: Mailbox")
    }

    @Test func aGroupOfOnlySkippedMembersTakesWhenNoneApplies() throws {
        let signal =
            #"{"key": "\#(TestKey.json)", "value": "Setting", "cases": [{"equals": 1, "status": "Pass"}], "#
            + #""otherwise": "Skipped", "whenAbsent": "Skipped"}"#
        let check = #"{"none": [\#(signal)], "whenNoneApplies": "Unknown"}"#
        #expect(try evaluate(check: check, on: snapshotWithSetting(dword(7))).status == .unknown)
        #expect(try evaluate(check: check, on: snapshotWithSetting(dword(1))).status == .fail)
        let plain = #"{"none": [\#(signal)]}"#
        #expect(try evaluate(check: plain, on: snapshotWithSetting(dword(7))).status == .skipped)
    }
}
