import Testing

@testable import EDCACore
@testable import EDCAEngine
@testable import EDCAJSON

/// The `folderListedIn` leaf: the folder from one file or its default below the install path, compared with a
/// separated list in another, ignoring case and a trailing `\`; the files' states and load errors.
@Suite struct PathListCheckTests {
    static let check = #"""
        {"folderListedIn": {"xml": "ExchangeInstall", "file": "a.xml", "path": "/d/@list"}, "separator": ";",
         "folder": {"xml": "ExchangeInstall", "file": "b.config", "path": "/c/@temp", "defaultBelowInstallPath": "Data\\Temp"},
         "subfolder": "UC"}
        """#
    static let setup =
        #"{"HKLM\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Setup": {"MsiInstallPath": {"type": "REG_SZ", "data": "C:\\Ex\\"}}}"#

    private func verdict(list: String, temp: String, registry: String = Self.setup) throws -> Verdict {
        let text = #"""
            {"edcaSnapshot": 2, "registry": \#(registry),
             "xml": {"ExchangeInstall\\a.xml": \#(list), "ExchangeInstall\\b.config": \#(temp)}}
            """#
        return try makeControl(check: Self.check).evaluate(on: try HostSnapshot(json: Array(text.utf8)), role: .edge)
    }

    @Test func theDefaultFolderBelowTheInstallPath() throws {
        let pass = try verdict(list: #"{"/d/@list": ["X;c:\\ex\\data\\temp\\uc\\"]}"#, temp: "{}")
        #expect(pass.status == .pass)
        #expect(pass.evidenceLines.contains { $0.contains(#"lists "C:\Ex\Data\Temp\UC" (temp not set"#) })
        #expect(try verdict(list: #"{"/d/@list": ["X;Y"]}"#, temp: "{}").status == .fail)
        #expect(try verdict(list: #"{"/d/@list": [""]}"#, temp: "{}").status == .fail)
        #expect(try verdict(list: #"{"/d/@list": ["X"]}"#, temp: "{}", registry: "{}").status == .unknown)
    }

    @Test func aFolderSetInTheFile() throws {
        let temp = #"{"/c/@temp": ["D:\\T"]}"#
        #expect(try verdict(list: #"{"/d/@list": ["D:\\T\\UC"]}"#, temp: temp).status == .pass)
        #expect(try verdict(list: #"{"/d/@list": ["C:\\Ex\\Data\\Temp\\UC"]}"#, temp: temp).status == .fail)
    }

    @Test func unreadableFilesAreUnknown() throws {
        #expect(try verdict(list: #""absent""#, temp: "{}").status == .unknown)
        #expect(try verdict(list: "{}", temp: "{}").status == .unknown)
        #expect(try verdict(list: #"{"/d/@list": ["X"]}"#, temp: "null").status == .unknown)
        #expect(try verdict(list: #"{"/d/@list": ["X"]}"#, temp: #""malformed""#).status == .unknown)
    }

    @Test func badLeavesAreLoadErrorsNamingTheField() {
        let noAttribute = Self.check.replacing(#""/d/@list""#, with: #""/d""#)
        #expect(
            ControlDecodingTests.problems(check: noAttribute).problems.contains {
                $0.field == "check.folderListedIn.path" && $0.message.contains("/@attribute")
            })
        let escape = Self.check.replacing(#""Data\\Temp""#, with: #""..\\Temp""#)
        #expect(
            ControlDecodingTests.problems(check: escape).problems.contains {
                $0.field == "check.folder.defaultBelowInstallPath"
            })
    }
}

/// The `pathsListedIn` leaf: fixed paths below the install path, each covered by an entry of a CIM list (Defender's
/// exclusions), a folder above it, or its file name; placeholders, wildcards and variables.
@Suite struct PathsListedInTests {
    static let folders = #"""
        {"pathsListedIn": {"cim": "MSFT_MpPreference", "property": "ExclusionPath"},
         "belowInstallPath": ["Mailbox", "TransportRoles\\Data\\Queue"], "match": "orParent"}
        """#
    static let processes = #"""
        {"pathsListedIn": {"cim": "MSFT_MpPreference", "property": "ExclusionProcess"},
         "belowInstallPath": ["Bin\\EdgeTransport.exe"], "match": "orFileName"}
        """#

    private func verdict(_ check: String, _ preferences: String, install: String? = #"C:\\Ex\\"#) throws -> Verdict {
        let registry =
            install.map {
                #"{"HKLM\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Setup": {"MsiInstallPath": {"type": "REG_SZ", "data": "\#($0)"}}}"#
            } ?? "{}"
        let text = #"""
            {"edcaSnapshot": 2, "registry": \#(registry),
             "cim": {"root\\Microsoft\\Windows\\Defender:MSFT_MpPreference": \#(preferences)}}
            """#
        return try makeControl(check: check).evaluate(on: try HostSnapshot(json: Array(text.utf8)), role: .mailbox)
    }

    @Test func foldersAreCoveredByThemselvesOrAFolderAbove() throws {
        #expect(
            try verdict(
                Self.folders, #"[{"ExclusionPath": ["c:\\ex\\mailbox\\", "C:\\Ex\\TransportRoles\\Data\\Queue"]}]"#
            ).status == .pass)
        #expect(try verdict(Self.folders, #"[{"ExclusionPath": ["C:\\Ex"]}]"#).status == .pass)
        #expect(try verdict(Self.folders, #"[{"ExclusionPath": ["C:\\Ex\\TransportRoles"]}]"#).status == .fail)
        // A sibling whose name starts the same is not a parent.
        #expect(
            try verdict(Self.folders, #"[{"ExclusionPath": ["C:\\Ex\\Mail", "C:\\Ex\\TransportRoles\\Data\\Queue"]}]"#)
                .status == .fail)
        let fail = try verdict(Self.folders, #"[{"ExclusionPath": ["C:\\Ex\\Mailbox"]}]"#)
        #expect(fail.status == .fail)
        #expect(fail.evidenceLines.contains { $0.contains(#"not listed: "C:\Ex\TransportRoles\Data\Queue", so Fail"#) })
        #expect(try verdict(Self.folders, "[{}]").status == .fail, "no exclusion at all")
    }

    @Test func theExchangeInstallPathVariableIsExpandedOthersAreUnknown() throws {
        #expect(try verdict(Self.folders, #"[{"ExclusionPath": ["%ExchangeInstallPath%"]}]"#).status == .pass)
        #expect(
            try verdict(
                Self.folders,
                #"[{"ExclusionPath": ["%EXCHANGEINSTALLPATH%Mailbox", "%ExchangeInstallPath%TransportRoles"]}]"#
            ).status == .pass)
        let unknown = try verdict(Self.folders, #"[{"ExclusionPath": ["C:\\Ex\\Mailbox", "%DataRoot%\\Queue"]}]"#)
        #expect(unknown.status == .unknown)
        #expect(unknown.evidenceLines.contains { $0.contains(#"the agent cannot expand "%DataRoot%\Queue""#) })
        #expect(try verdict(Self.folders, #"[{"ExclusionPath": ["C:\\Ex\\*"]}]"#).status == .unknown)
        // A wildcard does not hide a list that covers everything.
        #expect(try verdict(Self.folders, #"[{"ExclusionPath": ["C:\\Ex", "D:\\*.edb"]}]"#).status == .pass)
    }

    @Test func processesAreCoveredByTheirPathOrFileNameNotByAFolder() throws {
        #expect(
            try verdict(Self.processes, #"[{"ExclusionProcess": ["C:\\Ex\\Bin\\EdgeTransport.exe"]}]"#).status == .pass)
        #expect(try verdict(Self.processes, #"[{"ExclusionProcess": ["edgetransport.exe"]}]"#).status == .pass)
        #expect(try verdict(Self.processes, #"[{"ExclusionProcess": ["C:\\Ex\\Bin"]}]"#).status == .fail)
        #expect(
            try verdict(Self.processes, #"[{"ExclusionProcess": ["D:\\Other\\EdgeTransport.exe"]}]"#).status == .fail)
    }

    @Test func aMaskedUnreadableOrMissingListIsUnknown() throws {
        let masked = try verdict(
            Self.folders, #"[{"ExclusionPath": ["N/A: Must be an administrator to view exclusions"]}]"#)
        #expect(masked.status == .unknown)
        #expect(masked.evidenceLines.contains { $0.contains("instead of paths (hidden from this account)") })
        #expect(try verdict(Self.folders, "null").status == .unknown)
        #expect(try verdict(Self.folders, #""absent""#).status == .unknown)
        #expect(try verdict(Self.folders, "[]").status == .unknown)
        #expect(try verdict(Self.folders, #"[{"ExclusionPath": ["C:\\Ex"]}]"#, install: nil).status == .unknown)
    }

    @Test func badLeavesAreLoadErrorsNamingTheField() {
        #expect(
            ControlDecodingTests.problems(check: Self.folders.replacing(#""ExclusionPath""#, with: #""Exclusions""#))
                .problems.contains { $0.field == "check.pathsListedIn.property" })
        #expect(
            ControlDecodingTests.problems(check: Self.folders.replacing(#""Mailbox""#, with: #""..\\Mailbox""#))
                .problems.contains { $0.field == "check.belowInstallPath[0]" })
        #expect(
            ControlDecodingTests.problems(check: Self.folders.replacing(#""orParent""#, with: #""parent""#))
                .problems.contains { $0.field == "check.match" && $0.message.contains("orParent") })
        #expect(
            ControlDecodingTests.problems(
                check: Self.folders.replacing(#""MSFT_MpPreference""#, with: #""Win32_Product""#)
            )
            .problems.contains { $0.field == "check.pathsListedIn.cim" })
    }
}
