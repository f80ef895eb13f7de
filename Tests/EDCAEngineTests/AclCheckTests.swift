import Testing

@testable import EDCACore
@testable import EDCAEngine
@testable import EDCAJSON

/// The `aclOf` leaf: write bits on allow entries, trust by SID or exact account name, entries without SID, the
/// ACL's states, load errors, and the `acls` member of a version 2 snapshot.
@Suite struct AclCheckTests {
    static let check =
        #"{"aclOf": "ExchangeInstall", "folder": "", "allowsNone": "0x40000002", "exceptSids": ["S-1-5-18"], "exceptAccountNames": ["Exchange Trusted Subsystem"]}"#

    private func verdict(_ check: String = Self.check, acl: String) throws -> Verdict {
        let snapshot = try HostSnapshot(json: Array(#"{"edcaSnapshot": 2, "acls": {"ExchangeInstall": \#(acl)}}"#.utf8))
        return try makeControl(check: check).evaluate(on: snapshot, role: .mailbox)
    }

    private func entry(_ identity: String, _ sid: String?, _ rights: Int, type: String = "Allow") -> String {
        let sidText = sid.map { #""\#($0)""# } ?? "null"
        return
            #"{"identity": "\#(identity)", "sid": \#(sidText), "rights": \#(rights), "type": "\#(type)", "inherited": true}"#
    }

    @Test func aWriteBitForAnUntrustedAccountFails() throws {
        let system = entry(#"NT AUTHORITY\\SYSTEM"#, "S-1-5-18", 2_032_127)
        #expect(
            try verdict(acl: "[\(system), \(entry(#"BUILTIN\\Users"#, "S-1-5-32-545", 1_179_817))]").status == .pass)
        let fail = try verdict(acl: "[\(system), \(entry(#"BUILTIN\\Users"#, "S-1-5-32-545", 0x4000_0000))]")
        #expect(fail.status == .fail)
        #expect(
            fail.evidenceLines.contains {
                $0.contains(#"Allow BUILTIN\Users (S-1-5-32-545) 0x40000000, inherited grants 0x40000000"#)
            })
        #expect(try verdict(acl: "[\(entry("Everyone", "S-1-1-0", 2, type: "Deny"))]").status == .pass)
    }

    @Test func trustIsBySidOrExactAccountName() throws {
        #expect(
            try verdict(acl: "[\(entry(#"CONTOSO\\Exchange Trusted Subsystem"#, "S-1-5-21-1-2-3-1118", 2))]").status
                == .pass)
        #expect(try verdict(acl: "[\(entry(#"CONTOSO\\NotSYSTEM"#, "S-1-5-21-1-2-3-1500", 2))]").status == .fail)
        #expect(
            try verdict(acl: "[\(entry(#"CONTOSO\\Exchange Trusted Subsystem2"#, "S-1-5-21-1-2-3-1119", 2))]").status
                == .fail)
        let unidentified = try verdict(acl: "[\(entry(#"NT AUTHORITY\\SYSTEM"#, nil, 2))]")
        #expect(unidentified.status == .unknown)
        #expect(unidentified.evidenceLines.contains { $0.contains("SID not read") })
    }

    @Test func theAclStatesDecide() throws {
        #expect(try verdict(acl: "[]").status == .unknown)
        #expect(try verdict(acl: "null").status == .unknown)
        #expect(try verdict(acl: #""absent""#).status == .unknown)
    }

    @Test(arguments: [
        (#"{"aclOf": "ExchangeInstall", "folder": "", "allowsNone": 2}"#, "check.allowsNone", "access mask"),
        (#"{"aclOf": "ExchangeInstall", "folder": "", "allowsNone": "0x0"}"#, "check.allowsNone", "non-zero"),
        (#"{"aclOf": "ExchangeInstall", "folder": "..", "allowsNone": "0x2"}"#, "check.folder", "\"..\""),
        (
            #"{"aclOf": "ExchangeInstall", "folder": "", "allowsNone": "0x2", "exceptSids": ["SYSTEM"]}"#,
            "check.exceptSids", "starts with S-1-"
        ),
        (#"{"aclOf": "C:\\", "folder": "", "allowsNone": "0x2"}"#, "check.aclOf", "not an allow-listed root"),
    ])
    func badAclLeavesAreLoadErrorsNamingTheField(check: String, field: String, message: String) {
        let (problems, _) = ControlDecodingTests.problems(check: check)
        #expect(
            problems.contains { $0.field == field && $0.message.contains(message) }, "\(problems.map(\.description))")
    }

    @Test func aclsRoundTripThroughAVersion2Snapshot() throws {
        let text =
            #"{"edcaSnapshot": 2, "acls": {"ExchangeInstall": [\#(entry("Everyone", nil, 2))], "ExchangeInstall\\Logging": null}}"#
        let again = try HostSnapshot(
            json: Array(try HostSnapshot(json: Array(text.utf8)).jsonDocument().rendered().utf8))
        #expect(
            again.acls.state(of: LocalPath(rootItself: .exchangeInstall))
                == .entries([AccessEntry(identity: "Everyone", sid: nil, rights: 2, allows: true, inherited: true)]))
        #expect(again.acls.state(of: try #require(LocalPath(address: #"ExchangeInstall\Logging"#))) == .denied)
    }

    @Test(arguments: [
        #"[{"identity": "x", "rights": -1, "type": "Allow", "inherited": true}]"#,
        #"[{"identity": "x", "rights": 1, "type": "Audit", "inherited": true}]"#,
        #"[{"identity": "x", "sid": "SYSTEM", "rights": 1, "type": "Allow", "inherited": true}]"#,
        #"[{"rights": 1, "type": "Allow", "inherited": true}]"#,
    ])
    func malformedEntriesNameTheFolder(acl: String) {
        do {
            _ = try HostSnapshot(json: Array(#"{"edcaSnapshot": 2, "acls": {"ExchangeInstall": \#(acl)}}"#.utf8))
            Issue.record("accepted")
        } catch {
            #expect(error.problems.contains { $0.field.hasPrefix("acls.ExchangeInstall[0]") }, "\(error.description)")
        }
    }
}
