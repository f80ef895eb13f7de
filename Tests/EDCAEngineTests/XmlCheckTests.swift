import Testing

@testable import EDCACore
@testable import EDCAEngine
@testable import EDCAJSON

/// The `xml` leaf: values an XML path reaches, defaults, a path to elements, the file's own states (absent,
/// malformed, denied, not read), load errors for a bad root, relative path or XML path, and the `xml` member of a
/// version 2 snapshot.
@Suite struct XmlCheckTests {
    static let file = #"ExchangeInstall\\Bin\\EdgeTransport.exe.config"#
    static let path = "/configuration/appSettings/add[@key='Timeout']/@value"
    static let check =
        #"{"xml": "ExchangeInstall", "file": "Bin\\EdgeTransport.exe.config", "path": "\#(path)", "matches": "^[0-9]+$", "default": "7", "whenFileAbsent": "Fail"}"#

    private func verdict(_ check: String = Self.check, xml: String) throws -> Verdict {
        let snapshot = try HostSnapshot(json: Array(#"{"edcaSnapshot": 2, "xml": \#(xml)}"#.utf8))
        return try makeControl(check: check).evaluate(on: snapshot, role: .mailbox)
    }

    @Test func theValueIsHeldToTheRuleAndShownWithFileAndPath() throws {
        let pass = try verdict(xml: #"{"\#(Self.file)": {"\#(Self.path)": ["30"]}}"#)
        #expect(pass.status == .pass)
        #expect(
            pass.evidenceLines.contains {
                $0.contains(#"ExchangeInstall\Bin\EdgeTransport.exe.config \#(Self.path) = "30""#)
            })
        #expect(try verdict(xml: #"{"\#(Self.file)": {"\#(Self.path)": ["thirty"]}}"#).status == .fail)
    }

    @Test func noElementOrNoAttributeTakesTheDefault() throws {
        let unset = try verdict(xml: #"{"\#(Self.file)": {}}"#)
        #expect(unset.status == .pass)
        #expect(unset.evidenceLines.contains { $0.contains(#"= "7" (not set; the product's default)"#) })
        #expect(try verdict(xml: #"{"\#(Self.file)": {"\#(Self.path)": [null]}}"#).status == .pass)
        let noDefault = Self.check.replacing(#""default": "7", "#, with: "")
        #expect(try verdict(noDefault, xml: #"{"\#(Self.file)": {}}"#).status == .unknown)
    }

    @Test func theFileStatesDecideAsTheCheckSays() throws {
        let absent = try verdict(xml: #"{"\#(Self.file)": "absent"}"#)
        #expect(absent.status == .fail)
        #expect(absent.evidenceLines.contains { $0.contains(#"EdgeTransport.exe.config: file absent"#) })
        let denied = try verdict(xml: #"{"\#(Self.file)": null}"#)
        #expect(denied.status == .unknown)
        #expect(denied.evidenceLines.contains { $0.contains("cannot be read (access denied)") })
        #expect(try verdict(xml: #"{"\#(Self.file)": "malformed"}"#).status == .unknown)
        let notRead = try verdict(xml: "{}")
        #expect(notRead.status == .unknown)
        #expect(notRead.evidenceLines.contains { $0.contains("not read") })
    }

    @Test func everyValueOrAnyValue() throws {
        let two = #"{"\#(Self.file)": {"\#(Self.path)": ["30", "x"]}}"#
        #expect(try verdict(xml: two).status == .fail)
        let any = Self.check.replacing(#""default""#, with: #""require": "any", "default""#)
        #expect(try verdict(any, xml: two).status == .pass)
    }

    @Test func aPathToElementsTestsPresence() throws {
        let check =
            #"{"xml": "ExchangeInstall", "file": "ClientAccess\\owa\\web.config", "path": "/configuration", "present": true, "whenMalformed": "Fail"}"#
        let file = #"ExchangeInstall\\ClientAccess\\owa\\web.config"#
        #expect(try verdict(check, xml: #"{"\#(file)": {"/configuration": [null]}}"#).status == .pass)
        #expect(try verdict(check, xml: #"{"\#(file)": {"/configuration": []}}"#).status == .fail)
        #expect(try verdict(check, xml: #"{"\#(file)": "malformed"}"#).status == .fail)
        #expect(try verdict(check, xml: #"{"\#(file)": "absent"}"#).status == .unknown)
    }

    @Test func oneReadPerFileAndPathWhateverTheRules() throws {
        let other = Self.check.replacing(#""matches": "^[0-9]+$""#, with: #""equals": "30""#)
        let control = try makeControl(check: #"{"all": [\#(Self.check), \#(other)]}"#)
        #expect(FactRequest(checks: [control.check]).reads.count == 1)
    }

    @Test(arguments: [
        (
            #"{"xml": "C:", "file": "x.config", "path": "/a/@b", "equals": "1"}"#, "check.xml",
            "not an allow-listed root"
        ),
        (
            #"{"xml": "ExchangeInstal", "file": "x.config", "path": "/a/@b", "equals": "1"}"#, "check.xml",
            "did you mean 'ExchangeInstall'?"
        ),
        (
            #"{"xml": "ExchangeInstall", "file": "..\\..\\Windows\\win.ini", "path": "/a/@b", "equals": "1"}"#,
            "check.file", "may not contain \"..\""
        ),
        (#"{"xml": "ExchangeInstall", "file": "C:\\x.config", "path": "/a/@b", "equals": "1"}"#, "check.file", ":"),
        (#"{"xml": "InetsrvConfig", "file": "\\x.config", "path": "/a/@b", "equals": "1"}"#, "check.file", "leading"),
        (
            #"{"xml": "ExchangeInstall", "file": "x.config", "path": "//add[@key='a']/@value", "equals": "1"}"#,
            "check.path", "is not an element name"
        ),
        (
            #"{"xml": "ExchangeInstall", "file": "x.config", "path": "/a[contains(@k,'x')]/@v", "equals": "1"}"#,
            "check.path", "is not NAME[@attribute='value']"
        ),
        (
            #"{"xml": "ExchangeInstall", "file": "x.config", "path": "a/@b", "equals": "1"}"#, "check.path",
            "starts with /"
        ),
        (
            #"{"xml": "ExchangeInstall", "file": "x.config", "path": "/a/@1b", "equals": "1"}"#, "check.path",
            "attribute"
        ),
        (
            #"{"xml": "ExchangeInstall", "file": "x.config", "path": "/configuration", "equals": "1"}"#, "check.path",
            "takes only \"present\""
        ),
        (#"{"xml": "ExchangeInstall", "path": "/a/@b", "equals": "1"}"#, "check.file", "missing"),
        (
            #"{"xml": "InetsrvConfig", "file": "x.config", "path": "/a/b/../../@n", "equals": "1"}"#, "check.path",
            "more .. steps than elements"
        ),
        (
            #"{"xml": "InetsrvConfig", "file": "x.config", "path": "/a/../b/@n", "equals": "1"}"#, "check.path",
            ".. may only come right before the final /@attribute"
        ),
        (
            #"{"xml": "InetsrvConfig", "file": "x.config", "path": "/a/b/..", "present": true}"#, "check.path",
            ".. may only come right before"
        ),
        (
            #"{"xml": "InetsrvConfig", "file": "x.config", "path": "/a/b/@v", "where": [{"field": "../../@n", "equals": "1"}], "equals": "1"}"#,
            "check.where", "leads above the document's root element"
        ),
        (
            #"{"xml": "InetsrvConfig", "file": "x.config", "path": "/a/b/@v", "where": [{"field": "name", "equals": "1"}], "equals": "1"}"#,
            "check.where[0].field", "unknown field \"name\""
        ),
        (
            #"{"xml": "InetsrvConfig", "file": "x.config", "path": "/a/b/@v", "nameBy": "../name", "equals": "1"}"#,
            "check.nameBy", "../@name for its parent"
        ),
        (
            #"{"xml": "InetsrvConfig", "file": "x.config", "path": "/a/b", "nameBy": "@n", "present": true}"#,
            "check.path", "with \"where\" or \"nameBy\" the path ends with /@attribute"
        ),
        (
            #"{"xml": "InetsrvConfig", "file": "x.config", "path": "/a/b", "present": true, "whenNoneFound": "Pass"}"#,
            "check.whenNoneFound", "decides absence itself"
        ),
        (
            #"{"xml": "ExchangeInstall", "file": "x.config", "path": "/a/@b", "equals": "1", "whenFileAbsent": "Passs"}"#,
            "check.whenFileAbsent", "did you mean 'Pass'?"
        ),
    ])
    func badXmlLeavesAreLoadErrorsNamingTheField(check: String, field: String, message: String) {
        let (problems, _) = ControlDecodingTests.problems(check: check)
        #expect(
            problems.contains { $0.field == field && $0.message.contains(message) }, "\(problems.map(\.description))")
    }

    @Test func aPathMayEndWithAnAncestorsAttribute() throws {
        let path = try #require(XmlPath("/configuration/location/system.webServer/x/../../@path"))
        #expect(path.parentSteps == 2)
        #expect(path.attribute == "path")
        #expect(path.steps.map(\.name) == ["configuration", "location", "system.webServer", "x"])
        #expect(path.elementsText == "/configuration/location/system.webServer/x")
        let site = try #require(XmlPath("/a/site[@name='Default Web Site']/hsts/@max-age"))
        #expect(site.relative("../@name")?.text == "/a/site[@name='Default Web Site']/hsts/../@name")
        #expect(site.relative("@enabled")?.text == "/a/site[@name='Default Web Site']/hsts/@enabled")
        #expect(site.relative("../../../../@x") == nil, "above the root element")
        #expect(XmlPath("/a/b/../../../../../../../../../@x") == nil, "at most 8 ..")
    }

    /// Two sites' `hsts` elements: the site's name is the parent's attribute, read as a path of its own whose entries
    /// pair up with the max-age entries by position.
    static let hstsCheck =
        #"{"xml": "InetsrvConfig", "file": "applicationHost.config", "path": "/c/sites/site/hsts/@max-age", "where": [{"field": "@enabled", "equalsIgnoringCase": "true"}], "nameBy": "../@name", "atLeast": 31536000, "default": "0", "whenNoneFound": "Pass"}"#
    static let hstsFile = #"InetsrvConfig\\applicationHost.config"#

    private func hsts(enabled: String, maxAge: String) throws -> Verdict {
        try verdict(
            Self.hstsCheck,
            xml: #"""
                {"\#(Self.hstsFile)": {"/c/sites/site/hsts/@max-age": \#(maxAge),
                 "/c/sites/site/hsts/@enabled": \#(enabled),
                 "/c/sites/site/hsts/../@name": ["Default Web Site", "Exchange Back End"]}}
                """#)
    }

    @Test func whereJudgesOnlyTheElementsThatMeetItAndNameByNamesThem() throws {
        let pass = try hsts(enabled: #"["True", "false"]"#, maxAge: #"["31536000", "60"]"#)
        #expect(pass.status == .pass, "the back end's short max-age is not judged: its HSTS is off")
        #expect(pass.evidenceLines.contains { $0.contains(#"@max-age [../@name = "Default Web Site"] = "31536000""#) })
        #expect(!pass.evidenceLines.contains { $0.contains("Exchange Back End") })
        let fail = try hsts(enabled: #"["true", "true"]"#, maxAge: #"["31536000", "60"]"#)
        #expect(fail.status == .fail)
        #expect(fail.evidenceLines.contains { $0.contains(#"[../@name = "Exchange Back End"] = "60""#) })
        let none = try hsts(enabled: #"[null, "false"]"#, maxAge: #"["60", "60"]"#)
        #expect(none.status == .pass, "whenNoneFound: no element meets the conditions")
        #expect(none.evidenceLines.contains { $0.contains("no such element") })
    }

    @Test func anElementWithoutTheAttributeReadsAsTheDefault() throws {
        let unset = try hsts(enabled: #"["true", "false"]"#, maxAge: #"[null, "31536000"]"#)
        #expect(unset.status == .fail, "IIS's default max-age is 0")
        #expect(
            unset.evidenceLines.contains {
                $0.contains(#"[../@name = "Default Web Site"] = "0" (not set; the product's default)"#)
            })
    }

    @Test func aConditionThatCannotBeTestedLeavesTheElementUnknown() throws {
        let check = Self.hstsCheck.replacing(#""equalsIgnoringCase": "true""#, with: #""atLeast": 1"#)
        let result = try verdict(
            check,
            xml:
                #"{"\#(Self.hstsFile)": {"/c/sites/site/hsts/@max-age": ["1"], "/c/sites/site/hsts/@enabled": ["yes"]}}"#
        )
        #expect(result.status == .unknown)
        #expect(result.evidenceLines.contains { $0.contains("the condition on @enabled cannot test its value") })
    }

    @Test func theRelativePathsAreReadOncePerFileBesideThePath() throws {
        let control = try makeControl(check: Self.hstsCheck)
        let reads = FactRequest(checks: [control.check]).reads.map(\.description)
        #expect(reads.count == 3, "\(reads)")
        #expect(reads.contains { $0.hasSuffix("/c/sites/site/hsts/../@name") })
    }

    @Test func xmlRoundTripsThroughAVersion2Snapshot() throws {
        let text =
            #"{"edcaSnapshot": 2, "xml": {"\#(Self.file)": {"\#(Self.path)": ["1", null]}, "InetsrvConfig\\applicationHost.config": null, "ExchangeInstall\\a.config": "absent", "ExchangeInstall\\b.config": "malformed"}}"#
        let snapshot = try HostSnapshot(json: Array(text.utf8))
        let again = try HostSnapshot(json: Array(snapshot.jsonDocument().rendered().utf8))
        let file = try #require(LocalPath(address: #"ExchangeInstall\bin\edgetransport.exe.config"#))
        let path = try #require(XmlPath(Self.path))
        #expect(again.xml.state(of: file) == .read([path: ["1", nil]]))
        #expect(
            again.xml.state(of: try #require(LocalPath(address: #"InetsrvConfig\applicationHost.config"#))) == .denied)
        #expect(again.xml.state(of: try #require(LocalPath(address: #"ExchangeInstall\a.config"#))) == .absent)
        #expect(again.xml.state(of: try #require(LocalPath(address: #"ExchangeInstall\b.config"#))) == .malformed)
    }

    @Test(arguments: [
        (#"{"C:\\x.config": {}}"#, #"xml.C:\x.config"#),
        (#"{"ExchangeInstall\\..\\x.config": {}}"#, #"xml.ExchangeInstall\..\x.config"#),
        (#"{"\#(file)": {"/a[": []}}"#, #"xml.ExchangeInstall\Bin\EdgeTransport.exe.config./a["#),
        (#"{"\#(file)": {"/a/@b": [1]}}"#, #"xml.ExchangeInstall\Bin\EdgeTransport.exe.config./a/@b[0]"#),
        (#"{"\#(file)": "gone"}"#, #"xml.ExchangeInstall\Bin\EdgeTransport.exe.config"#),
    ])
    func malformedXmlNamesTheFileAndPath(xml: String, field: String) {
        do {
            _ = try HostSnapshot(json: Array(#"{"edcaSnapshot": 2, "xml": \#(xml)}"#.utf8))
            Issue.record("accepted")
        } catch {
            #expect(error.problems.contains { $0.field == field }, "\(error.description)")
        }
    }
}
