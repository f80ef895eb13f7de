import Testing

@testable import EDCACore
@testable import EDCAEngine
@testable import EDCAJSON

/// The `subfoldersOf` leaf: every subfolder name held to the rule, an empty, absent, unreadable or unread folder,
/// load errors for a bad root or relative path, and the `folders` member of a version 2 snapshot.
@Suite struct FolderCheckTests {
    static let folder = #"ExchangeInstall\\FIP-FS\\Data"#
    static let check =
        #"{"subfoldersOf": "ExchangeInstall", "folder": "FIP-FS\\Data", "cases": [{"atLeast": 2201010000, "status": "Fail"}], "otherwise": "Pass", "whenAbsent": "Fail"}"#

    private func verdict(_ check: String = Self.check, folders: String) throws -> Verdict {
        let snapshot = try HostSnapshot(json: Array(#"{"edcaSnapshot": 2, "folders": \#(folders)}"#.utf8))
        return try makeControl(check: check).evaluate(on: snapshot, role: .mailbox)
    }

    @Test func everyNameIsHeldToTheRule() throws {
        #expect(try verdict(folders: #"{"\#(Self.folder)": ["2112330001"]}"#).status == .pass)
        let fail = try verdict(folders: #"{"\#(Self.folder)": ["2112330001", "2201010001"]}"#)
        #expect(fail.status == .fail)
        #expect(fail.evidenceLines.contains { $0.contains(#"ExchangeInstall\FIP-FS\Data: subfolder "2201010001""#) })
        let any = Self.check.replacing(#""cases""#, with: #""require": "any", "cases""#)
        #expect(try verdict(any, folders: #"{"\#(Self.folder)": ["2112330001", "2201010001"]}"#).status == .pass)
    }

    @Test func theFolderStatesDecide() throws {
        #expect(try verdict(folders: #"{"\#(Self.folder)": []}"#).status == .unknown)
        let absent = try verdict(folders: #"{"\#(Self.folder)": "absent"}"#)
        #expect(absent.status == .fail)
        #expect(absent.evidenceLines.contains { $0.contains("folder absent") })
        let denied = try verdict(folders: #"{"\#(Self.folder)": null}"#)
        #expect(denied.status == .unknown)
        #expect(denied.evidenceLines.contains { $0.contains("cannot be listed (access denied)") })
        #expect(try verdict(folders: "{}").status == .unknown)
    }

    @Test(arguments: [
        (
            #"{"subfoldersOf": "Windows", "folder": "x", "equals": "1"}"#, "check.subfoldersOf",
            "not an allow-listed root"
        ),
        (#"{"subfoldersOf": "ExchangeInstall", "folder": "a\\..\\..", "equals": "1"}"#, "check.folder", "\"..\""),
        (#"{"subfoldersOf": "ExchangeInstall", "folder": "a*", "equals": "1"}"#, "check.folder", "found \"*\""),
        (#"{"subfoldersOf": "ExchangeInstall", "equals": "1"}"#, "check.folder", "missing"),
        (#"{"subfoldersOf": "ExchangeInstall", "folder": "a", "present": true}"#, "check", "no test"),
    ])
    func badFolderLeavesAreLoadErrorsNamingTheField(check: String, field: String, message: String) {
        let (problems, _) = ControlDecodingTests.problems(check: check)
        #expect(
            problems.contains { $0.field == field && $0.message.contains(message) }, "\(problems.map(\.description))")
    }

    @Test func foldersRoundTripThroughAVersion2Snapshot() throws {
        let text =
            #"{"edcaSnapshot": 2, "folders": {"\#(Self.folder)": ["a", "b"], "ExchangeInstall\\Logging": null, "InetsrvConfig\\x": "absent"}}"#
        let again = try HostSnapshot(
            json: Array(try HostSnapshot(json: Array(text.utf8)).jsonDocument().rendered().utf8))
        #expect(
            again.folders.state(of: try #require(LocalPath(address: #"ExchangeInstall\fip-fs\data"#)))
                == .subfolders(["a", "b"]))
        #expect(again.folders.state(of: try #require(LocalPath(address: #"ExchangeInstall\Logging"#))) == .denied)
        #expect(again.folders.state(of: try #require(LocalPath(address: #"InetsrvConfig\x"#))) == .absent)
    }

    @Test(arguments: [
        (#"{"D:\\x": []}"#, #"folders.D:\x"#),
        (#"{"\#(folder)": ["a\\b"]}"#, #"folders.ExchangeInstall\FIP-FS\Data[0]"#),
        (#"{"\#(folder)": 1}"#, #"folders.ExchangeInstall\FIP-FS\Data"#),
    ])
    func malformedFoldersNameTheFolder(folders: String, field: String) {
        do {
            _ = try HostSnapshot(json: Array(#"{"edcaSnapshot": 2, "folders": \#(folders)}"#.utf8))
            Issue.record("accepted")
        } catch {
            #expect(error.problems.contains { $0.field == field }, "\(error.description)")
        }
    }
}
