import Testing

@testable import EDCACore
@testable import EDCAEngine
@testable import EDCAJSON

/// Decoding control files: every problem is reported with its field path, a message that says what was expected,
/// and its line:column, all in one pass.
@Suite struct ControlDecodingTests {
    static let valueCheck = #"{"key": "\#(TestKey.json)", "value": "Setting", "equals": 1}"#

    /// The problems of a document whose check is `check`, and the document text (to locate positions).
    static func problems(check: String) -> (problems: [DecodingProblem], text: String) {
        let text = ControlDocument(check: check).text
        return (controlProblems(text), text)
    }

    /// The problems of the minimal document with one member replaced.
    static func problems(setting name: String, to json: String) -> [DecodingProblem] {
        var document = ControlDocument(check: valueCheck)
        document.set(name, json)
        return controlProblems(document.text)
    }

    // MARK: A valid document

    @Test func minimalDocumentDecodesEveryField() throws {
        let control = try makeControl(check: Self.valueCheck, roles: ["Mailbox"])
        #expect(control.id == "EDCA-TST-001")
        #expect(control.title == "Test control")
        #expect(control.description == "A control used by the engine tests.")
        #expect(control.verify)
        #expect(control.subject == .server)
        #expect(control.category == "Platform Security")
        #expect(control.severity == .medium)
        #expect(control.severityWeight == 5)
        #expect(control.frameworks == ["CIS"])
        #expect(control.references == [Control.Reference(name: "Doc", url: "https://example.com/doc")])
        #expect(control.requirements == [], "requirements are optional: the seed's controls have none")
        #expect(
            control.remediation == Control.Remediation(automatable: false, description: "Fix it.", scriptTemplate: ""))
        #expect(control.considerations == "")
        #expect(control.roles == [.mailbox])
        guard case .value(let check) = control.check else {
            Issue.record("expected a value check, got \(control.check)")
            return
        }
        #expect(check.key.text == TestKey.shown)
        #expect(check.valueName.text == "Setting")
        #expect(control.checkSource.position == SourcePosition(line: 15, column: 12))
    }

    @Test func requirementIdentifiersAreRead() throws {
        var document = ControlDocument(check: Self.valueCheck)
        document.set("requirements", #"["CIS 2.3.8", "BSI SYS.1.2.3.A5"]"#)
        #expect(try decodeControl(document.text).requirements == ["CIS 2.3.8", "BSI SYS.1.2.3.A5"])
    }

    @Test("subject is one of Server, Organization, Mailbox, Database; Organization and Mailbox are organization-wide")
    func subjectIsRead() throws {
        for (word, subject) in [
            ("Organization", ControlSubject.organization), ("Mailbox", .mailbox), ("Database", .database),
        ] {
            var document = ControlDocument(check: Self.valueCheck)
            document.set("subject", "\"\(word)\"")
            #expect(try decodeControl(document.text).subject == subject)
        }
        #expect(ControlSubject.allCases.filter(\.isOrganizationWide) == [.organization, .mailbox])
        let problems = Self.problems(setting: "subject", to: #""Organisation""#)
        #expect(problems.map(\.field) == ["subject"])
        #expect(
            problems.first?.message
                == #"expected one of Server, Organization, Mailbox, Database, found "Organisation" (did you mean 'Organization'?)"#
        )
    }

    @Test(arguments: [1, 10])
    func severityWeightBoundsAreAccepted(weight: Int) throws {
        #expect(Self.problems(setting: "severityWeight", to: "\(weight)").isEmpty)
    }

    // MARK: Unknown and misspelled fields

    @Test func misspelledTopLevelFieldIsReportedWithASuggestion() {
        var document = ControlDocument(check: Self.valueCheck)
        document.rename("title", to: "titel")
        #expect(
            controlProblems(document.text).map(\.description) == [
                "1:1: title: missing field",
                "3:3: titel: unknown field (did you mean 'title'?)",
            ])
    }

    @Test func unrelatedTopLevelFieldIsUnknown() throws {
        var document = ControlDocument(check: Self.valueCheck)
        document.set("owner", #""security team""#)
        let problems = controlProblems(document.text)
        #expect(problems.map(\.field) == ["owner"])
        #expect(problems.first?.message.hasPrefix("unknown field") == true)
        #expect(problems.first?.position == SourcePosition(line: 16, column: 3))
    }

    @Test func misspelledOperatorInsideCheckSuggestsTheOperator() throws {
        let (problems, text) = Self.problems(check: #"{"key": "\#(TestKey.json)", "value": "Setting", "equal": 1}"#)
        let misspelled = try #require(problems.first { $0.field == "check.equal" })
        #expect(misspelled.message == "unknown field (did you mean 'equals'?)")
        #expect(misspelled.position == position(of: #""equal""#, in: text))
        #expect(misspelled.position?.line == 15)
    }

    @Test func unknownOperatorIsAnUnknownField() throws {
        let (problems, _) = Self.problems(
            check: #"{"key": "\#(TestKey.json)", "value": "Setting", "greaterOrEqual": 1}"#)
        let unknown = try #require(problems.first { $0.field == "check.greaterOrEqual" })
        #expect(unknown.message.hasPrefix("unknown field"))
        #expect(problems.contains { $0.field == "check" && $0.message.hasPrefix("no test: expected one of equals,") })
    }

    @Test func misspelledFieldInsideACaseSuggestsTheField() throws {
        let check = settingCheck(#""cases": [{"equals": 0, "staus": "Pass"}], "otherwise": "Fail""#)
        let (problems, _) = Self.problems(check: check)
        #expect(
            problems.contains {
                $0.field == "check.cases[0].staus" && $0.message == "unknown field (did you mean 'status'?)"
            })
        #expect(problems.contains { $0.field == "check.cases[0].status" && $0.message == "missing field" })
    }

    /// Fields the check language knows, written where they do not belong, must not be called unknown and
    /// "corrected" to themselves ("unknown field (did you mean 'value'?)").
    @Test(arguments: [
        #"{"value": "Setting", "equals": 1}"#,
        #"{"key": "\#(TestKey.json)", "value": "Setting", "equals": 1, "require": "all"}"#,
        #"{"key": "\#(TestKey.json)", "value": "Setting", "equals": 1, "whenNoneFound": "Pass"}"#,
        #"{"key": "\#(TestKey.json)", "value": "Setting", "cases": [{"equals": 1, "status": "Pass"}], "otherwise": "Fail", "atLeast": 1}"#,
    ])
    func knownFieldOutOfPlaceIsNotReportedAsAMisspellingOfItself(check: String) {
        let (problems, _) = Self.problems(check: check)
        #expect(!problems.isEmpty)
        for problem in problems {
            let name = problem.field.split(separator: ".").last.map(String.init) ?? ""
            #expect(
                problem.message != "unknown field (did you mean '\(name)'?)",
                "\(problem.description)")
        }
    }

    // MARK: Wrong types

    @Test(arguments: [
        ("verify", #""yes""#, "verify", "expected true or false, found string"),
        ("severityWeight", #""8""#, "severityWeight", "expected an integer, found string"),
        ("severityWeight", "8.5", "severityWeight", "expected an integer, found number"),
        ("frameworks", #""CIS""#, "frameworks", "expected an array, found string"),
        ("frameworks", "[1]", "frameworks[0]", "expected a string, found number"),
        ("requirements", #""CIS 2.3.8""#, "requirements", "expected an array, found string"),
        ("requirements", "[]", "requirements", "list at least one"),
        ("title", "5", "title", "expected a string, found number"),
        ("title", #""  ""#, "title", "must not be empty"),
        ("roles", #""Mailbox""#, "roles", "expected an array, found string"),
        ("check", #""all""#, "check", "expected an object, found string"),
        ("remediation", "[]", "remediation", "expected an object, found array"),
        ("references", #"[{"name": "Doc", "url": 1}]"#, "references[0].url", "expected a string, found number"),
        (
            "references", #"[{"name": "Doc", "url": "ftp://example.com"}]"#, "references[0].url",
            #"expected an http:// or https:// address, found "ftp://example.com""#
        ),
    ])
    func topLevelFieldOfTheWrongTypeIsReported(name: String, json: String, field: String, message: String) throws {
        let problems = Self.problems(setting: name, to: json)
        #expect(problems.map(\.field) == [field])
        #expect(problems.map(\.message) == [message])
        #expect(problems.first?.position != nil)
    }

    @Test(arguments: [
        (#""key": 1, "value": "Setting", "equals": 1"#, "check.key", "expected a string, found number"),
        (#""key": "\#(TestKey.json)", "value": 5, "equals": 1"#, "check.value", "expected a string, found number"),
        (
            #""key": "\#(TestKey.json)", "value": "Setting", "equals": [1]"#, "check.equals",
            #"expected a non-negative integer or a "0x..." string, found array"#
        ),
        (
            #""key": "\#(TestKey.json)", "value": "Setting", "between": [1]"#, "check.between",
            "expected two numbers [low, high], found an array of 1"
        ),
        (
            #""key": "\#(TestKey.json)", "value": "Setting", "contains": 1"#, "check.contains",
            "expected a string, found number"
        ),
        (#""key": "\#(TestKey.json)", "present": "yes""#, "check.present", "expected true or false, found string"),
        (
            #""key": "\#(TestKey.json)", "value": "Setting", "equals": 1, "default": true"#, "check.default",
            "expected a non-negative integer, a string or an array of strings, found boolean"
        ),
        (#""all": {}"#, "check.all", "expected an array, found object"),
    ])
    func checkFieldOfTheWrongTypeIsReported(members: String, field: String, message: String) throws {
        let (problems, _) = Self.problems(check: "{\(members)}")
        let problem = try #require(problems.first { $0.field == field })
        #expect(problem.message == message)
        #expect(problem.position?.line == 15)
    }

    // MARK: Missing fields

    @Test(arguments: [
        "id", "title", "description", "verify", "subject", "category", "severity", "severityWeight", "frameworks",
        "references", "remediation", "considerations", "roles", "check",
    ])
    func missingRequiredFieldIsReported(name: String) {
        var document = ControlDocument(check: Self.valueCheck)
        document.remove(name)
        #expect(controlProblems(document.text).map(\.description) == ["1:1: \(name): missing field"])
    }

    @Test func missingRemediationMemberIsReportedWithItsPath() {
        let problems = Self.problems(setting: "remediation", to: #"{"automatable": true, "description": "Fix it."}"#)
        #expect(problems.map(\.field) == ["remediation.scriptTemplate"])
        #expect(problems.map(\.message) == ["missing field"])
        #expect(problems.first?.position == SourcePosition(line: 12, column: 18))
    }

    // MARK: Values out of range

    @Test(arguments: [0, 11, -1])
    func severityWeightOutOfRangeIsReported(weight: Int) {
        let problems = Self.problems(setting: "severityWeight", to: "\(weight)")
        #expect(
            problems.map(\.description) == ["9:21: severityWeight: out of range: expected 1 to 10, found \(weight)"])
    }

    @Test(arguments: [("Hgh", " (did you mean 'High'?)"), ("high", " (did you mean 'High'?)"), ("Severe", "")])
    func unknownSeverityIsReportedWithASuggestion(word: String, suggestion: String) {
        let problems = Self.problems(setting: "severity", to: "\"\(word)\"")
        #expect(
            problems.map(\.description) == [
                "8:15: severity: expected one of Critical, High, Medium, Low, Informational, found \"\(word)\""
                    + suggestion
            ])
    }

    @Test(arguments: [#"["Mailbox", "Hub"]"#, #"["mailbox"]"#])
    func unknownRoleIsReported(roles: String) throws {
        let problems = Self.problems(setting: "roles", to: roles)
        let problem = try #require(problems.first)
        #expect(problems.count == 1)
        #expect(problem.field.hasPrefix("roles["))
        #expect(problem.message.hasPrefix("unknown role \""))
        #expect(problem.message.hasSuffix("\"; expected Mailbox or Edge"))
        #expect(problem.position?.line == 14)
    }

    @Test func emptyRolesAreReported() {
        #expect(Self.problems(setting: "roles", to: "[]").map(\.description) == ["14:12: roles: list at least one"])
    }

    @Test func duplicateRoleIsReported() {
        let problems = Self.problems(setting: "roles", to: #"["Edge", "edge"]"#)
        #expect(problems.map(\.field) == ["roles[1]"])
        #expect(problems.map(\.message) == ["duplicate 'edge'"])
    }

    @Test(arguments: ["EDCA-sec-043", "SEC-043", "EDCA-SEC-", "EDCA-SEC-04a"])
    func malformedIDIsReported(id: String) {
        let problems = Self.problems(setting: "id", to: "\"\(id)\"")
        #expect(problems.map(\.field) == ["id"])
        #expect(
            problems.map(\.message) == [
                "expected an id like EDCA-SEC-043 (EDCA-, letters, -, digits), found \"\(id)\""
            ])
    }

    @Test func duplicateFieldIsReported() {
        let text = ControlDocument(check: Self.valueCheck).text.replacingFirst(
            #""verify": true,"#, with: #""verify": true, "verify": false,"#)
        let problems = controlProblems(text)
        #expect(problems.map(\.description) == ["5:19: verify: duplicate field"])
    }

    // MARK: Check structure

    @Test(arguments: ["all", "any", "none"])
    func emptyGroupIsReported(combinator: String) {
        let (problems, text) = Self.problems(check: #"{"\#(combinator)": []}"#)
        #expect(problems.map(\.field) == ["check.\(combinator)"])
        #expect(problems.map(\.message) == ["an empty '\(combinator)' reads nothing: list at least one check"])
        #expect(problems.first?.position == position(of: "[]", in: text))
    }

    @Test(arguments: ["{}", #"{"applicableIf": {"key": "HKLM\\X", "present": true}}"#, #"{"note": "x"}"#])
    func checkThatReadsNothingIsReported(check: String) throws {
        let (problems, _) = Self.problems(check: check)
        let problem = try #require(problems.first { $0.field == "check" })
        #expect(
            problem.message
                == "a check must read something: expected one of all, any, none, key, subkeysOf, subkeyCountOf, role, "
                + "service, cim, cimCountOf, certificates, compare, exchange, exchangeCountOf, xml, subfoldersOf, aclOf, "
                + "folderListedIn, pathsListedIn, cipherSuites")
        #expect(problem.position == SourcePosition(line: 15, column: 12))
    }

    @Test func checkWithTwoNodeKindsIsReported() {
        let (problems, _) = Self.problems(check: #"{"key": "HKLM\\X", "all": [{"key": "HKLM\\Y", "present": true}]}"#)
        #expect(
            problems.contains {
                $0.field == "check"
                    && $0.message
                        == "a check node is one of all, any, none, key, subkeysOf, subkeyCountOf, role, service, cim, "
                        + "cimCountOf, certificates, compare, exchange, exchangeCountOf, xml, subfoldersOf, aclOf, "
                        + "folderListedIn, pathsListedIn, cipherSuites; found all and key"
            })
    }

    @Test func keyWithoutValueOrPresentIsReported() {
        let (problems, _) = Self.problems(check: #"{"key": "\#(TestKey.json)"}"#)
        #expect(
            problems.map(\.description) == [
                #"15:12: check: a check on a key without 'value' tests only its existence: add "present": true or false"#
            ])
    }

    @Test func keyExistenceCheckCannotCarryValueTests() throws {
        let (problems, _) = Self.problems(check: #"{"key": "\#(TestKey.json)", "present": true, "equals": 1}"#)
        let problem = try #require(problems.first { $0.field == "check.equals" })
        #expect(problem.message == "needs a 'value' to test; a key alone has only 'present'")
    }

    @Test func defaultAndWhenAbsentTogetherAreReported() throws {
        let (problems, text) = Self.problems(check: settingCheck(#""equals": 1, "default": 0, "whenAbsent": "Fail""#))
        #expect(
            problems.map(\.description) == [
                "\(try #require(position(of: "0,", in: text))): check.default: "
                    + "give either 'default' (the Windows default) or 'whenAbsent' (a status), not both"
            ])
    }

    @Test func presentCannotBeCombinedWithOtherTests() throws {
        let (problems, _) = Self.problems(check: settingCheck(#""present": true, "equals": 1"#))
        #expect(
            problems.contains {
                $0.field == "check.present"
                    && $0.message == "'present' stands alone; it cannot be combined with 'equals'"
            })
        let (absence, _) = Self.problems(check: settingCheck(#""present": true, "whenAbsent": "Pass""#))
        #expect(
            absence.contains {
                $0.field == "check.whenAbsent" && $0.message == "a 'present' test decides absence itself"
            })
    }

    @Test func valueCheckWithoutATestIsReported() {
        let (problems, _) = Self.problems(check: settingCheck(#""whenAbsent": "Pass""#))
        #expect(
            problems.map(\.message) == [
                "no test: expected one of equals, oneOf, atLeast, atMost, greaterThan, lessThan, between, "
                    + "equalsIgnoringCase, matches, contains, emptyList, itemsAtLeast, sameAsProperty, lessThanProperty, "
                    + "notHostOfProperty, bitsSet, bitsClear, versionAtLeast, startsWith, "
                    + "containsText, dateBefore, dateAfter, cases or present"
            ])
        #expect(problems.map(\.field) == ["check"])
    }

    @Test(arguments: [
        (
            #""atLeast": -1"#, "check.atLeast",
            "registry numbers are unsigned (a DWORD 0xFFFFFFFF is 4294967295); found -1"
        ),
        (
            #""equals": -5"#, "check.equals",
            "registry numbers are unsigned (a DWORD 0xFFFFFFFF is 4294967295); found -5"
        ),
        (
            #""oneOf": [1, -2]"#, "check.oneOf[1]",
            "registry numbers are unsigned (a DWORD 0xFFFFFFFF is 4294967295); found -2"
        ),
        (
            #""between": [-1, 5]"#, "check.between[0]",
            "registry numbers are unsigned (a DWORD 0xFFFFFFFF is 4294967295); found -1"
        ),
        (#""atMost": 1.5"#, "check.atMost", "expected an integer from 0 to 18446744073709551615, found 1.5"),
        (
            #""bitsSet": 18446744073709551616"#, "check.bitsSet",
            "expected an integer from 0 to 18446744073709551615, found 18446744073709551616"
        ),
        (#""bitsSet": "0xZZ""#, "check.bitsSet", #"invalid hexadecimal number "0xZZ""#),
        (
            #""bitsClear": "20""#, "check.bitsClear",
            #"expected a non-negative integer or a "0x..." string, found string"#
        ),
        (#""between": [5, 1]"#, "check.between", "low 5 is above high 1"),
        (#""oneOf": []"#, "check.oneOf", "list at least one item"),
        (
            #""equals": 1, "default": -1"#, "check.default",
            "expected a non-negative integer, a string or an array of strings, found number"
        ),
    ])
    func invalidNumericOperandIsReported(rule: String, field: String, message: String) throws {
        let (problems, _) = Self.problems(check: settingCheck(rule))
        #expect(problems.map(\.field) == [field])
        #expect(problems.map(\.message) == [message])
    }

    @Test(arguments: ["(", "[a-", "a{2,1}"])
    func invalidRegularExpressionIsReported(pattern: String) throws {
        let (problems, text) = Self.problems(check: settingCheck(#""matches": "\#(pattern)""#))
        let problem = try #require(problems.first)
        #expect(problems.count == 1)
        #expect(problem.field == "check.matches")
        #expect(problem.message.hasPrefix("invalid regular expression: "))
        #expect(problem.position == position(of: "\"\(pattern)\"", in: text))
    }

    @Test(arguments: [
        (#""whenAbsent": "pass""#, "check.whenAbsent", #"found "pass" (did you mean 'Pass'?)"#),
        (#""whenAbsent": "Error""#, "check.whenAbsent", #"found "Error""#),
        (#""whenAbsent": "Passed""#, "check.whenAbsent", #"found "Passed" (did you mean 'Pass'?)"#),
        (
            #""cases": [{"equals": 1, "status": "OK"}], "otherwise": "Fail""#, "check.cases[0].status",
            #"found "OK""#
        ),
        (
            #""cases": [{"equals": 1, "status": "Pass"}], "otherwise": "Fial""#, "check.otherwise",
            #"found "Fial" (did you mean 'Fail'?)"#
        ),
    ])
    func badStatusWordIsReported(rule: String, field: String, found: String) throws {
        let (problems, _) = Self.problems(check: settingCheck(rule))
        let problem = try #require(problems.first { $0.field == field })
        #expect(problem.message == "expected one of Pass, Fail, Unknown, Skipped, " + found)
    }

    @Test func casesWithoutOtherwiseIsReported() {
        let (problems, _) = Self.problems(check: settingCheck(#""cases": [{"equals": 1, "status": "Pass"}]"#))
        #expect(problems.map(\.field) == ["check.otherwise"])
        #expect(
            problems.map(\.message) == ["missing field: 'cases' needs 'otherwise', the status when no case matches"])
    }

    @Test func caseWithoutATestIsReported() {
        let (problems, _) = Self.problems(check: settingCheck(#""cases": [{"status": "Pass"}], "otherwise": "Fail""#))
        #expect(problems.map(\.field) == ["check.cases[0]"])
        #expect(problems.first?.message.hasPrefix("a case needs a test: one of equals,") == true)
    }

    @Test func badKeyPathInACheckIsReported() {
        let (problems, _) = Self.problems(check: #"{"key": "SOFTWARE\\EDCA", "value": "Setting", "equals": 1}"#)
        #expect(problems.map(\.field) == ["check.key"])
        #expect(problems.first?.message.hasPrefix("a key path starts with a hive abbreviation") == true)
        let (trailing, _) = Self.problems(
            check: #"{"subkeysOf": "HKLM\\EDCA\\", "value": "V", "require": "all", "equals": 1}"#)
        #expect(trailing.map(\.message) == [#"a key path has no trailing \"#])
    }

    @Test func subkeysCheckNeedsValueAndAValidQuantifier() {
        let (missing, _) = Self.problems(check: #"{"subkeysOf": "HKLM\\EDCA", "equals": 2}"#)
        #expect(missing.map(\.field) == ["check.value", "check.require"])
        #expect(missing.map(\.message) == ["missing field", "missing field"])
        let (bad, _) = Self.problems(
            check: #"{"subkeysOf": "HKLM\\EDCA", "value": "V", "require": "most", "equals": 2}"#)
        #expect(bad.map(\.description).count == 1)
        #expect(bad.first?.message == #"expected "all" or "any", found "most""#)
    }

    @Test func problemsInNestedChecksNameTheirFullPath() {
        let check = #"""
            {"applicableIf": {"key": "\#(TestKey.json)", "value": "Role", "equals": "x", "atLeast": -1},
             "all": [
                {"key": "\#(TestKey.json)", "value": "A", "equals": 1},
                {"any": [{"key": "\#(TestKey.json)", "value": "B", "bitsSet": "0xQ"}]}
             ]}
            """#
        let (problems, _) = Self.problems(check: check)
        #expect(problems.map(\.field) == ["check.applicableIf.atLeast", "check.all[1].any[0].bitsSet"])
        #expect(problems.map { $0.position?.line } == [15, 18])
    }

    // MARK: Invalid JSON, and many problems at once

    @Test func noBreakSpaceIndentationIsExplained() throws {
        let text = ControlDocument(check: Self.valueCheck).text.replacingFirst(
            "\n  \"title\"", with: "\n\u{A0}\u{A0}\"title\"")
        let problems = controlProblems(text)
        let problem = try #require(problems.first)
        #expect(problems.count == 1)
        #expect(problem.field == "")
        #expect(problem.position == SourcePosition(line: 3, column: 1))
        #expect(problem.message.hasPrefix("invalid JSON: U+00A0 no-break space is not allowed outside strings"))
        #expect(problem.message.contains("replace no-break spaces with ordinary spaces"))
        #expect(problem.description.hasPrefix("3:1: invalid JSON: U+00A0"))
    }

    @Test func invalidJSONIsReportedOnce() {
        let problems = controlProblems(#"{"id": "EDCA-TST-001",}"#)
        #expect(problems.map(\.description) == ["1:22: invalid JSON: trailing comma after the last object member"])
    }

    @Test func documentThatIsNotAnObjectIsReported() {
        #expect(controlProblems("[]").map(\.description) == ["1:1: expected an object, found array"])
    }

    @Test func everyProblemIsReportedInOnePassInDocumentOrder() {
        var document = ControlDocument(
            check: #"{"key": "\#(TestKey.json)", "value": "Setting", "equal": 1, "whenAbsent": "pass"}"#)
        document.set("severityWeight", "0")
        document.set("roles", #"["Hub"]"#)
        document.rename("title", to: "titel")
        document.set("verify", "1")
        let problems = controlProblems(document.text)
        #expect(
            problems.map(\.field) == [
                "title", "titel", "verify", "severityWeight", "roles[0]", "check", "check.equal", "check.whenAbsent",
            ])
        let lines = problems.map { $0.position?.line ?? 0 }
        #expect(lines == lines.sorted())
    }
}

extension String {
    /// The string with the first occurrence of `target` replaced.
    fileprivate func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = firstRange(of: target) else { return self }
        var result = self
        result.replaceSubrange(range, with: replacement)
        return result
    }
}
