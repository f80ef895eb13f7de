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
