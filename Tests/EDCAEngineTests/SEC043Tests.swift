import Foundation
import Testing

@testable import EDCACore
@testable import EDCAEngine
@testable import EDCAJSON

/// EDCA-SEC-043 (SMB signing required on server and client), loaded from the shipped control file.
@Suite struct SEC043Tests {
    static let server = #"HKLM\\SYSTEM\\CurrentControlSet\\Services\\LanmanServer\\Parameters"#
    static let workstation = #"HKLM\\SYSTEM\\CurrentControlSet\\Services\\LanmanWorkstation\\Parameters"#
    static let shownServer = #"HKLM\SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters"#
    static let shownWorkstation = #"HKLM\SYSTEM\CurrentControlSet\Services\LanmanWorkstation\Parameters"#

    /// The shipped control file, found relative to this test file.
    static func shippedControl() throws -> Control {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let file = root.appendingPathComponent("Controls").appendingPathComponent("EDCA-SEC-043.json")
        let bytes = try Data(contentsOf: file)
        return try decodeControl(String(decoding: bytes, as: UTF8.self))
    }

    /// A snapshot with each side's `RequireSecuritySignature`: a number, `nil` for absent, or a raw JSON key body.
    static func snapshot(server: String?, workstation: String?) -> String {
        var keys: [String] = []
        if let server { keys.append(#""\#(Self.server)": \#(server)"#) }
        if let workstation { keys.append(#""\#(Self.workstation)": \#(workstation)"#) }
        return "{" + keys.joined(separator: ", ") + "}"
    }

    static func signature(_ value: UInt32) -> String {
        #"{"RequireSecuritySignature": {"type": "REG_DWORD", "data": \#(value)}, "EnableSecuritySignature": {"type": "REG_DWORD", "data": 1}}"#
    }

    static let noValue = #"{"EnableSecuritySignature": {"type": "REG_DWORD", "data": 1}}"#

    static func verdict(server: String?, workstation: String?, role: ExchangeRole = .mailbox) throws -> Verdict {
        let snapshot = try makeSnapshot(Self.snapshot(server: server, workstation: workstation))
        return try shippedControl().evaluate(on: snapshot, role: role)
    }

    @Test func shippedFileDecodes() throws {
        let control = try Self.shippedControl()
        #expect(control.id == "EDCA-SEC-043")
        #expect(control.roles == [.mailbox, .edge])
        #expect(control.severity == .high)
        #expect(control.severityWeight == 8)
        #expect(control.verify)
        #expect(control.frameworks == ["ANSSI", "BSI", "CIS"])
    }

    @Test(arguments: ExchangeRole.allCases)
    func passesWhenBothSidesRequireSigning(role: ExchangeRole) throws {
        let verdict = try Self.verdict(server: Self.signature(1), workstation: Self.signature(1), role: role)
        #expect(verdict.status == .pass)
        #expect(
            verdict.evidenceLines == [
                Self.shownServer + " RequireSecuritySignature = 1; required: 1",
                Self.shownWorkstation + " RequireSecuritySignature = 1; required: 1",
            ])
    }

    @Test func absentServerValueCountsAsTheWindowsDefaultAndFails() throws {
        let verdict = try Self.verdict(server: Self.noValue, workstation: Self.signature(1))
        #expect(verdict.status == .fail)
        #expect(
            verdict.evidenceLines == [
                #"HKLM\SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters RequireSecuritySignature = 0 (not set; Windows default); required: 1"#,
                #"HKLM\SYSTEM\CurrentControlSet\Services\LanmanWorkstation\Parameters RequireSecuritySignature = 1; required: 1"#,
            ])
    }

    @Test(arguments: [
        (signature(0), signature(1)), (signature(1), signature(0)), (signature(0), signature(0)),
        (signature(1), noValue), (noValue, noValue), (signature(2), signature(1)), (nil, signature(1)),
        (signature(1), nil), (nil, nil),
    ])
    func failsWhenEitherSideIsZeroOrAbsentAndNamesBothKeys(server: String?, workstation: String?) throws {
        for role in ExchangeRole.allCases {
            let verdict = try Self.verdict(server: server, workstation: workstation, role: role)
            #expect(verdict.status == .fail)
            #expect(verdict.evidenceLines.count == 2)
            #expect(verdict.evidenceLines.first?.hasPrefix(Self.shownServer + " RequireSecuritySignature") == true)
            #expect(verdict.evidenceLines.last?.hasPrefix(Self.shownWorkstation + " RequireSecuritySignature") == true)
        }
    }

    @Test func emptySnapshotFailsOnBothRolesNeverSkipped() throws {
        let control = try Self.shippedControl()
        let empty = try makeSnapshot("{}")
        for role in ExchangeRole.allCases {
            let verdict = control.evaluate(on: empty, role: role)
            #expect(verdict.status == .fail)
            #expect(verdict.status != .skipped)
        }
    }

    @Test func policyStoredAsStringPasses() throws {
        let asString = #"{"RequireSecuritySignature": {"type": "REG_SZ", "data": "1"}}"#
        let verdict = try Self.verdict(server: asString, workstation: Self.signature(1))
        #expect(verdict.status == .pass)
    }

    @Test func unreadableServerKeyIsUnknownWhenTheWorkstationSideRequiresSigning() throws {
        let verdict = try Self.verdict(server: "null", workstation: Self.signature(1))
        #expect(verdict.status == .unknown)
        #expect(
            verdict.evidenceLines == [
                Self.shownServer
                    + " RequireSecuritySignature: cannot be read (access denied); required: 1; cannot be decided without it, so Unknown",
                Self.shownWorkstation + " RequireSecuritySignature = 1; required: 1",
            ])
    }

    @Test func unreadableServiceKeyIsUnknownToo() throws {
        let snapshot =
            #"{"HKLM\\SYSTEM\\CurrentControlSet\\Services\\LanmanServer": null, "\#(Self.workstation)": \#(Self.signature(1))}"#
        let verdict = try Self.shippedControl().evaluate(on: try makeSnapshot(snapshot), role: .edge)
        #expect(verdict.status == .unknown)
    }

    @Test func unreadableServerKeyStillFailsWhenTheWorkstationSideDoesNotRequireSigning() throws {
        let verdict = try Self.verdict(server: "null", workstation: Self.signature(0))
        #expect(verdict.status == .fail)
    }

    @Test func readsExactlyTheTwoValues() throws {
        let request = FactRequest(checks: [try Self.shippedControl().check])
        let expected: [FactRead] = [
            .value(try #require(RegistryPath(Self.shownServer)), RegistryName("RequireSecuritySignature")),
            .value(try #require(RegistryPath(Self.shownWorkstation)), RegistryName("RequireSecuritySignature")),
        ]
        #expect(request.reads == expected)
    }
}
