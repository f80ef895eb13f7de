import Testing

@testable import EDCACore
@testable import EDCAEngine
@testable import EDCAJSON

/// The `cipherSuites` leaf: suites selected by protocol, `noneMatches`, `allMatch` and the order rule.
@Suite struct CipherSuiteCheckTests {
    private func verdict(_ check: String, _ suites: String) throws -> Verdict {
        let text = #"{"edcaSnapshot": 2, "registry": {}, "cipherSuites": \#(suites)}"#
        return try makeControl(check: check).evaluate(on: try HostSnapshot(json: Array(text.utf8)), role: .edge)
    }

    private static func list(_ names: String...) -> String {
        "["
            + names.map { name in
                let protocols =
                    name.hasPrefix("TLS_AES_") ? "[772]" : name.hasSuffix("_CBC_SHA") ? "[769, 770, 771]" : "[771]"
                return #"{"name": "\#(name)", "protocols": \#(protocols)}"#
            }.joined(separator: ", ") + "]"
    }

    static let forwardSecret = #"{"cipherSuites": "TLS 1.2", "allMatch": "^TLS_(EC)?DHE_"}"#
    static let order = #"{"cipherSuites": "TLS 1.2", "firstMatching": "^TLS_ECDHE_", "before": "^TLS_DHE_"}"#
    static let noRC4 = #"{"cipherSuites": "any", "noneMatches": "_RC4_", "whenNoneFound": "Pass"}"#

    @Test func protocolsSelectTheSuites() throws {
        let tls13First = Self.list("TLS_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")
        #expect(try verdict(Self.forwardSecret, tls13First).status == .pass, "TLS 1.3 suites are not TLS 1.2 suites")
        #expect(try verdict(Self.forwardSecret, Self.list("TLS_AES_256_GCM_SHA384")).status == .unknown)
        let fail = try verdict(
            Self.forwardSecret, Self.list("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_RSA_WITH_AES_128_CBC_SHA"))
        #expect(fail.status == .fail)
        #expect(fail.evidenceLines.contains { $0.contains("against the rule: TLS_RSA_WITH_AES_128_CBC_SHA") })
    }

    @Test func theOrderRule() throws {
        let ecdheFirst = Self.list("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384")
        #expect(try verdict(Self.order, ecdheFirst).status == .pass)
        let dheFirst = Self.list("TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")
        #expect(try verdict(Self.order, dheFirst).status == .fail)
        #expect(try verdict(Self.order, Self.list("TLS_DHE_RSA_WITH_AES_256_GCM_SHA384")).status == .fail)
        #expect(try verdict(Self.order, Self.list("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")).status == .pass)
        // A TLS 1.3 suite first does not count for TLS 1.2's order.
        let mixed = Self.list(
            "TLS_AES_256_GCM_SHA384", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")
        #expect(try verdict(Self.order, mixed).status == .fail)
    }

    @Test func noneMatchesAndAnEmptyList() throws {
        #expect(try verdict(Self.noRC4, Self.list("TLS_RSA_WITH_RC4_128_SHA")).status == .fail)
        #expect(try verdict(Self.noRC4, Self.list("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")).status == .pass)
        #expect(try verdict(Self.noRC4, "[]").status == .pass, "whenNoneFound")
    }

    @Test func whenRuleHoldsGivesTheVerdictOfAListThatCannotShowAbsence() throws {
        let sha1 = #"{"cipherSuites": "any", "noneMatches": "_SHA$", "whenRuleHolds": "Unknown"}"#
        #expect(try verdict(sha1, Self.list("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA")).status == .fail)
        #expect(try verdict(sha1, Self.list("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")).status == .unknown)
        let bad = ControlDecodingTests.problems(check: sha1.replacing(#""Unknown""#, with: #""Maybe""#))
        #expect(bad.problems.contains { $0.field == "check.whenRuleHolds" })
    }

    @Test func anUnreadableOrMissingListIsUnknown() throws {
        for state in ["null", #""absent""#] {
            #expect(try verdict(Self.noRC4, state).status == .unknown)
            #expect(try verdict(Self.order, state).status == .unknown)
        }
        let notRead = try makeControl(check: Self.noRC4).evaluate(
            on: try HostSnapshot(json: Array(#"{"edcaSnapshot": 2}"#.utf8)), role: .edge)
        #expect(notRead.status == .unknown)
        let absent = try verdict(Self.forwardSecret, #""absent""#)
        #expect(absent.evidenceLines.contains { $0.contains("not available (no Get-TlsCipherSuite on this Windows)") })
    }

    @Test func badLeavesAreLoadErrors() {
        let badProtocol = ControlDecodingTests.problems(check: #"{"cipherSuites": "TLS1.2", "allMatch": "x"}"#)
        #expect(badProtocol.problems.contains { $0.field == "check.cipherSuites" && $0.message.contains("TLS 1.2") })
        let twoRules = ControlDecodingTests.problems(
            check: #"{"cipherSuites": "any", "allMatch": "x", "noneMatches": "y"}"#)
        #expect(twoRules.problems.contains { $0.message.contains("takes one rule") })
        let noBefore = ControlDecodingTests.problems(check: #"{"cipherSuites": "any", "firstMatching": "x"}"#)
        #expect(noBefore.problems.contains { $0.message.contains("takes one rule") })
        let badPattern = ControlDecodingTests.problems(check: #"{"cipherSuites": "any", "noneMatches": "(a+)+"}"#)
        #expect(badPattern.problems.contains { $0.field == "check.noneMatches" })
    }
}
