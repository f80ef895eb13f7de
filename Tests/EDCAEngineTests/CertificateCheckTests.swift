import Testing

@testable import EDCACore
@testable import EDCAEngine
@testable import EDCAJSON

/// The `certificates` leaf and the date comparisons: expiry against the scan time given with the facts, the HTTP.sys
/// join, denied stores and bindings, snapshots without a scan time, and load errors.
@Suite struct CertificateCheckTests {
    static let bound =
        #"{"certificates": "My", "where": [{"field": "httpsBindings", "emptyList": false}], "field": "notAfter", "require": "all", "dateAfter": "scanTime", "whenNoneFound": "Pass"}"#
    static let soon =
        #"{"certificates": "My", "field": "notAfter", "require": "all", "cases": [{"dateBefore": {"daysFromScan": 30}, "status": "Fail"}], "otherwise": "Pass"}"#
    static let bindingKey = #"HKLM\\SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters\\SslBindingInfo"#

    private func certificate(_ thumbprint: String, notAfter: String, privateKey: Bool = true) -> String {
        #"{"thumbprint": "\#(thumbprint)", "subject": "CN=mail.contoso.com", "issuer": "CN=CA", "dnsNames": ["mail.contoso.com"], "notBefore": "2025-01-01T00:00:00Z", "notAfter": "\#(notAfter)", "keyAlgorithm": "RSA", "keySize": 2048, "signatureAlgorithm": "sha256RSA", "hasPrivateKey": \#(privateKey)}"#
    }

    private func verdict(
        _ check: String, certificates: String, registry: String = "{}", scanTime: String? = "2026-12-03T09:00:00Z"
    ) throws -> Verdict {
        let time = scanTime.map { #""scanTime": "\#($0)", "# } ?? ""
        let snapshot = try HostSnapshot(
            json: Array(
                #"{"edcaSnapshot": 2, \#(time)"registry": \#(registry), "certificates": {"LocalMachine\\My": \#(certificates)}}"#
                    .utf8))
        return try makeControl(check: check).evaluate(on: snapshot, role: .mailbox)
    }

    private func binding(_ port: Int, _ hash: String) -> String {
        #""\#(Self.bindingKey)\\0.0.0.0:\#(port)": {"SslCertHash": {"type": "REG_BINARY", "data": "\#(hash.lowercased())"}}"#
    }

    @Test func expiryIsComparedWithTheScanTimeOfTheFacts() throws {
        let store = "[" + certificate(String(repeating: "A", count: 40), notAfter: "2026-12-20T00:00:00Z") + "]"
        #expect(try verdict(Self.soon, certificates: store).status == .fail)
        #expect(try verdict(Self.soon, certificates: store, scanTime: "2026-10-01T00:00:00Z").status == .pass)
        let none = try verdict(Self.soon, certificates: store, scanTime: nil)
        #expect(none.status == .unknown)
        #expect(none.evidenceLines.contains { $0.contains("no scan time") })
    }

    @Test func onlyCertificatesBoundInHttpSysAreJudgedByTheJoin() throws {
        let expired = String(repeating: "E", count: 40)
        let valid = String(repeating: "B", count: 40)
        let store =
            "[" + certificate(expired, notAfter: "2026-01-01T00:00:00Z") + ","
            + certificate(valid, notAfter: "2028-01-01T00:00:00Z") + "]"
        let boundToValid = "{\(binding(443, valid))}"
        #expect(try verdict(Self.bound, certificates: store, registry: boundToValid).status == .pass)
        let boundToExpired = try verdict(
            Self.bound, certificates: store, registry: "{\(binding(443, valid)), \(binding(444, expired))}")
        #expect(boundToExpired.status == .fail)
        #expect(boundToExpired.evidenceLines.contains { $0.contains("bound to 0.0.0.0:444") && $0.contains(expired) })
        let deniedBindings = try verdict(Self.bound, certificates: store, registry: #"{"\#(Self.bindingKey)": null}"#)
        #expect(deniedBindings.status == .unknown)
        #expect(deniedBindings.evidenceLines.contains { $0.contains("cannot be read (access denied)") })
    }

    @Test func deniedOrMissingStoreIsUnknown() throws {
        let denied = try verdict(Self.soon, certificates: "null")
        #expect(denied.status == .unknown)
        #expect(denied.evidenceLines.contains { $0.contains(#"certificate store LocalMachine\My: cannot be opened"#) })
        #expect(try verdict(Self.soon, certificates: #""absent""#).status == .unknown)
        #expect(try verdict(Self.bound, certificates: "[]").status == .pass)
    }

    @Test func datesCompareOnAnyTextFactWithFixedOperandsToo() throws {
        let check = settingCheck(#""dateBefore": "2027-01-01""#)
        #expect(try evaluate(check: check, on: snapshotWithSetting(regSZ("2026-12-31T23:59:59Z"))).status == .pass)
        #expect(try evaluate(check: check, on: snapshotWithSetting(regSZ("2027-01-01T00:00:01+00:00"))).status == .fail)
        let odd = try evaluate(check: check, on: snapshotWithSetting(regSZ("31/12/2026")))
        #expect(odd.status == .unknown)
        #expect(odd.evidenceLines.contains { $0.contains("ISO 8601") })
    }

    @Test(arguments: [
        (#"{"certificates": "Root", "field": "notAfter", "require": "all", "dateAfter": "scanTime"}"#, "certificates"),
        (#"{"certificates": "My", "field": "notafterr", "require": "all", "dateAfter": "scanTime"}"#, "field"),
        (#"{"certificates": "My", "field": "notAfter", "require": "all", "dateAfter": "tomorrow"}"#, "dateAfter"),
        (#"{"certificates": "My", "field": "notAfter", "require": "all", "dateAfter": {"days": 3}}"#, "dateAfter"),
        (
            #"{"certificates": "My", "where": [{"field": "subject"}], "field": "notAfter", "require": "all", "dateAfter": "scanTime"}"#,
            "where[0]"
        ),
    ])
    func loadErrorsNameTheField(check: String, field: String) {
        let problems = controlProblems(ControlDocument(check: check).text)
        #expect(problems.contains { $0.field.hasPrefix("check.\(field)") }, "\(problems.map(\.description))")
    }
}
