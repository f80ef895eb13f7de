import Foundation
import Testing

@testable import EDCACore
@testable import EDCAEngine
@testable import EDCAJSON

/// The `exchange` and `exchangeCountOf` leaves: `where`, `require` all/any/none, `contains`, `"Unlimited"` against
/// numbers, `whenNoneFound`, stage and call errors as Unknown with their class, load errors for a key or property
/// outside the allow-list, and the `exchange` member of a version 2 snapshot.
@Suite struct ExchangeCheckTests {
    static let sizeLimit =
        #"{"exchange": "ReceiveConnector", "property": "MaxMessageSize", "where": [{"property": "Enabled", "equals": true}], "require": "all", "atMost": 26214400}"#

    static func connector(_ name: String, enabled: Bool, size: String, auth: String = #"["Tls"]"#) -> String {
        #"{"Identity": "MBX01\\\#(name)", "Enabled": \#(enabled), "MaxMessageSize": \#(size), "AuthMechanism": \#(auth)}"#
    }

    static func facts(_ rows: [String]) -> String {
        #"{"facts": {"ReceiveConnector": {"rows": [\#(rows.joined(separator: ","))]}}}"#
    }

    private func verdict(_ check: String, exchange: String, role: ExchangeRole = .mailbox) throws -> Verdict {
        let snapshot = try HostSnapshot(json: Array(#"{"edcaSnapshot": 2, "exchange": \#(exchange)}"#.utf8))
        return try makeControl(check: check).evaluate(on: snapshot, role: role)
    }

    @Test func whereSelectsTheRowsAndAllHoldsEachToTheRule() throws {
        let pass = try verdict(
            Self.sizeLimit,
            exchange: Self.facts([
                Self.connector("Default MBX01", enabled: true, size: "26214400"),
                Self.connector("Old", enabled: false, size: #""Unlimited""#),
            ]))
        #expect(pass.status == .pass, "\(pass.evidenceLines)")
        let fail = try verdict(
            Self.sizeLimit,
            exchange: Self.facts([
                Self.connector("Default MBX01", enabled: true, size: "26214400"),
                Self.connector("Client Frontend MBX01", enabled: true, size: "37748736"),
            ]))
        #expect(fail.status == .fail)
        #expect(
            fail.evidenceLines.contains {
                $0.contains(#"Exchange ReceiveConnector[MBX01\Client Frontend MBX01].MaxMessageSize = 37748736"#)
                    && $0.contains("<= 26214400")
            }, "\(fail.evidenceLines)")
    }

    @Test func aTruncatedAnswerDecidesOnlyWhatItsRowsProve() throws {
        func mailboxes(_ recovery: [Bool], truncated: Bool) -> String {
            let rows = recovery.enumerated().map { index, enabled in
                #"{"UserPrincipalName": "u\#(index)@contoso.com", "RecipientTypeDetails": "UserMailbox", "SingleItemRecoveryEnabled": \#(enabled)}"#
            }
            return #"{"facts": {"Mailbox": {"rows": [\#(rows.joined(separator: ","))]"#
                + (truncated ? #", "truncated": true"# : "") + "}}}"
        }
        let all =
            #"{"exchange": "Mailbox", "property": "SingleItemRecoveryEnabled", "where": [{"property": "RecipientTypeDetails", "equals": "UserMailbox"}], "require": "all", "equals": true, "whenNoneFound": "Pass"}"#
        #expect(try verdict(all, exchange: mailboxes([true, true], truncated: false)).status == .pass)
        // Every row seen passes, but a row past the limit could fail: Unknown, and the evidence says why.
        let unseen = try verdict(all, exchange: mailboxes([true, true], truncated: true))
        #expect(unseen.status == .unknown)
        #expect(
            unseen.evidenceLines.contains { $0.contains("the answer stops at the key's limit of 20000 rows") },
            "\(unseen.evidenceLines)")
        // A failing row stands whatever the unseen rows say.
        #expect(try verdict(all, exchange: mailboxes([true, false], truncated: true)).status == .fail)
        // No row selected among the first rows: whenNoneFound would be a guess.
        let noUsers =
            #"{"facts": {"Mailbox": {"rows": [{"RecipientTypeDetails": "SharedMailbox"}], "truncated": true}}}"#
        #expect(try verdict(all, exchange: noUsers).status == .unknown)
        // `any` is decided by a passing row, `none` failed by one; otherwise Unknown.
        let any = all.replacingOccurrences(of: #""require": "all""#, with: #""require": "any""#)
        #expect(try verdict(any, exchange: mailboxes([false, true], truncated: true)).status == .pass)
        #expect(try verdict(any, exchange: mailboxes([false, false], truncated: true)).status == .unknown)
        let none = all.replacingOccurrences(of: #""require": "all""#, with: #""require": "none""#)
        #expect(try verdict(none, exchange: mailboxes([false, true], truncated: true)).status == .fail)
        #expect(try verdict(none, exchange: mailboxes([false, false], truncated: true)).status == .unknown)
        // A count from truncated rows is only a lower bound.
        let count = #"{"exchangeCountOf": "Mailbox", "atMost": 100}"#
        let counted = try verdict(count, exchange: mailboxes([true, true], truncated: true))
        #expect(counted.status == .unknown)
        #expect(counted.evidenceLines.contains { $0.contains("at least 2 rows") }, "\(counted.evidenceLines)")
        // The snapshot keeps the mark.
        let snapshot = try HostSnapshot(
            json: Array(#"{"edcaSnapshot": 2, "exchange": \#(mailboxes([true], truncated: true))}"#.utf8))
        let again = try HostSnapshot(json: Array(snapshot.jsonDocument().rendered().utf8))
        guard case .truncated(let rows)? = again.exchange.state(of: try #require(ExchangeFact.named("Mailbox"))) else {
            Issue.record("the truncated mark was lost")
            return
        }
        #expect(rows.count == 1)
    }

    @Test func aRowHoldsNoMoreThanItsKeysLimit() throws {
        let rows = Array(repeating: #"{"Identity": "x"}"#, count: 1_001).joined(separator: ",")
        #expect(throws: SnapshotError.self) {
            try HostSnapshot(
                json: Array(
                    #"{"edcaSnapshot": 2, "exchange": {"facts": {"SendConnector": {"rows": [\#(rows)]}}}}"#.utf8))
        }
    }

    @Test func notHostOfPropertyComparesWithTheHostOfAURLOnTheSameRow() throws {
        let check =
            #"{"exchange": "OwaVirtualDirectory", "property": "ExternalDownloadHostName", "require": "all", "notHostOfProperty": ["InternalUrl", "ExternalUrl"], "whenAbsent": "Pass"}"#
        func owa(_ download: String, internalURL: String?, externalURL: String?) -> String {
            var members = [
                #""Identity": "MBX01\\owa (Default Web Site)""#, #""ExternalDownloadHostName": "\#(download)""#,
            ]
            if let internalURL { members.append(#""InternalUrl": "\#(internalURL)""#) }
            if let externalURL { members.append(#""ExternalUrl": "\#(externalURL)""#) }
            return #"{"facts": {"OwaVirtualDirectory": {"rows": [{\#(members.joined(separator: ", "))}]}}}"#
        }
        let url = "https://mail.contoso.com/owa"
        #expect(
            try verdict(check, exchange: owa("download.contoso.com", internalURL: url, externalURL: url)).status
                == .pass)
        let same = try verdict(check, exchange: owa("MAIL.contoso.com", internalURL: nil, externalURL: url))
        #expect(same.status == .fail)
        #expect(
            same.evidenceLines.contains {
                $0.contains(#"= "MAIL.contoso.com"; required: not the host of InternalUrl or ExternalUrl"#)
            }, "\(same.evidenceLines)")
        let port = owa("mbx01.contoso.com", internalURL: "https://user@MBX01.contoso.com:444/owa?x=1", externalURL: nil)
        #expect(try verdict(check, exchange: port).status == .fail)
        // Neither URL set, or not a URL: no host to collide with.
        #expect(
            try verdict(check, exchange: owa("mail.contoso.com", internalURL: nil, externalURL: nil)).status == .pass)
        #expect(
            try verdict(check, exchange: owa("mail.contoso.com", internalURL: "mail.contoso.com", externalURL: nil))
                .status == .pass)
        #expect(Comparison.host(ofURL: "https://[2001:db8::1]:443/owa") == "2001:db8::1")
        #expect(Comparison.host(ofURL: "https:///owa") == nil)
        // The properties named must be the key's, in a row leaf.
        let wrongProperty = controlProblems(
            ControlDocument(check: check.replacingOccurrences(of: "ExternalUrl", with: "ExternalUri")).text)
        #expect(wrongProperty.contains { $0.message.contains(#""ExternalUri""#) }, "\(wrongProperty)")
        let notARow = controlProblems(
            ControlDocument(check: #"{"key": "HKLM\\SOFTWARE\\X", "value": "Y", "notHostOfProperty": "Z"}"#).text)
        #expect(notARow.contains { $0.message.contains("only in an 'exchange' leaf") }, "\(notARow)")
    }

    @Test func itemsAtLeastCountsAListsItems() throws {
        let check =
            #"{"exchange": "MailboxDatabase", "property": "DatabaseCopies", "require": "all", "itemsAtLeast": 2}"#
        func database(_ copies: String) -> String {
            #"{"facts": {"MailboxDatabase": {"rows": [{"Name": "DB01", "DatabaseCopies": \#(copies)}]}}}"#
        }
        #expect(try verdict(check, exchange: database(#"["MBX01", "MBX02"]"#)).status == .pass)
        let one = try verdict(check, exchange: database(#"["MBX01"]"#))
        #expect(one.status == .fail)
        #expect(one.evidenceLines.contains { $0.contains("a list with at least 2 items") }, "\(one.evidenceLines)")
        #expect(try verdict(check, exchange: database(#"[]"#)).status == .fail)
        #expect(try verdict(check, exchange: database(#""MBX01""#)).status == .unknown)
    }

    @Test func aRuleMayCompareWithAnotherPropertyOfTheSameRow() throws {
        func mailboxes(_ rows: [(String, String?)]) -> String {
            let list = rows.map { upn, smtp in
                #"{"UserPrincipalName": "\#(upn)""# + (smtp.map { #", "PrimarySmtpAddress": "\#($0)""# } ?? "") + "}"
            }
            return #"{"facts": {"Mailbox": {"rows": [\#(list.joined(separator: ","))]}}}"#
        }
        let same =
            #"{"exchange": "Mailbox", "property": "UserPrincipalName", "require": "all", "sameAsProperty": "PrimarySmtpAddress"}"#
        #expect(try verdict(same, exchange: mailboxes([("Ann@contoso.com", "ann@contoso.com")])).status == .pass)
        let differs = try verdict(same, exchange: mailboxes([("ann@contoso.local", "ann@contoso.com")]))
        #expect(differs.status == .fail)
        #expect(
            differs.evidenceLines.contains { $0.contains("ann@contoso.local") && $0.contains("PrimarySmtpAddress") },
            "\(differs.evidenceLines)")
        // A row without the other property cannot be compared.
        #expect(try verdict(same, exchange: mailboxes([("ann@contoso.com", nil)])).status == .unknown)

        func quotas(_ send: String, _ receive: String) -> String {
            #"{"facts": {"MailboxDatabase": {"rows": [{"Name": "DB01", "ProhibitSendQuota": \#(send), "ProhibitSendReceiveQuota": \#(receive)}]}}}"#
        }
        let below =
            #"{"exchange": "MailboxDatabase", "property": "ProhibitSendQuota", "require": "all", "lessThanProperty": "ProhibitSendReceiveQuota"}"#
        #expect(try verdict(below, exchange: quotas("2147483648", "2469606195")).status == .pass)
        #expect(try verdict(below, exchange: quotas("2147483648", "2147483648")).status == .fail)
        #expect(try verdict(below, exchange: quotas("2147483648", #""Unlimited""#)).status == .pass)
        #expect(try verdict(below, exchange: quotas(#""Unlimited""#, #""Unlimited""#)).status == .fail)
        // In `where`, the same comparison selects rows.
        let count =
            #"{"exchangeCountOf": "MailboxDatabase", "where": [{"property": "ProhibitSendQuota", "lessThanProperty": "ProhibitSendReceiveQuota"}], "equals": 1}"#
        #expect(try verdict(count, exchange: quotas("1", "2")).status == .pass)
        #expect(try verdict(count, exchange: quotas("2", "1")).status == .fail)
    }

    @Test(arguments: [
        // Another property that the key's rows do not have.
        #"{"exchange": "Mailbox", "property": "UserPrincipalName", "require": "all", "sameAsProperty": "PrimarySmtp"}"#,
        #"{"exchange": "Mailbox", "property": "UserPrincipalName", "where": [{"property": "PrimarySmtpAddress", "sameAsProperty": "Nope"}], "require": "all", "matches": "@"}"#,
        // A leaf without rows.
        #"{"key": "HKLM\\SOFTWARE\\X", "value": "A", "lessThanProperty": "B"}"#,
        #"{"exchangeCountOf": "Mailbox", "sameAsProperty": "PrimarySmtpAddress"}"#,
    ])
    func rowComparisonsNameAPropertyOfTheRows(check: String) {
        let problems = controlProblems(ControlDocument(check: check).text)
        #expect(
            problems.contains {
                $0.field.hasPrefix("check")
                    && ($0.message.contains("not an allow-listed property") || $0.message.contains("same row"))
            }, "\(problems.map(\.description))")
    }

    @Test func unlimitedIsLargerThanAnyNumber() throws {
        let unlimited = Self.facts([Self.connector("Default MBX01", enabled: true, size: #""Unlimited""#)])
        let atMost = try verdict(Self.sizeLimit, exchange: unlimited)
        #expect(atMost.status == .fail)
        #expect(atMost.evidenceLines.contains { $0.contains(#"MaxMessageSize = "Unlimited""#) })
        let atLeast =
            #"{"exchange": "ReceiveConnector", "property": "MaxMessageSize", "require": "all", "atLeast": 1048576}"#
        #expect(try verdict(atLeast, exchange: unlimited).status == .pass)
    }

    @Test func containsFindsAStringInAnArrayIgnoringCase() throws {
        let check =
            #"{"exchange": "ReceiveConnector", "property": "AuthMechanism", "require": "all", "contains": "TLS"}"#
        let rows = [
            Self.connector("A", enabled: true, size: "1", auth: #"["Tls", "Integrated"]"#),
            Self.connector("B", enabled: true, size: "1", auth: #"["Integrated"]"#),
        ]
        let result = try verdict(check, exchange: Self.facts(rows))
        #expect(result.status == .fail)
        #expect(result.evidenceLines.contains { $0.contains(#"[MBX01\B].AuthMechanism = ["Integrated"]"#) })
        #expect(try verdict(check, exchange: Self.facts([rows[0]])).status == .pass)
    }

    @Test func anyPassesOnOneRowAndNoneFailsOnOne() throws {
        let rows = Self.facts([
            Self.connector("A", enabled: true, size: "1"), Self.connector("B", enabled: false, size: "1"),
        ])
        let any = #"{"exchange": "ReceiveConnector", "property": "Enabled", "require": "any", "equals": false}"#
        let anyVerdict = try verdict(any, exchange: rows)
        #expect(anyVerdict.status == .pass)
        #expect(anyVerdict.evidenceLines.contains { $0.contains(#"[MBX01\B].Enabled = 0"#) })
        let none = #"{"exchange": "ReceiveConnector", "property": "Enabled", "require": "none", "equals": false}"#
        #expect(try verdict(none, exchange: rows).status == .fail)
        let onlyEnabled = Self.facts([Self.connector("A", enabled: true, size: "1")])
        #expect(try verdict(none, exchange: onlyEnabled).status == .pass)
    }

    @Test func noRowLeftGivesWhenNoneFoundAndARowWithoutThePropertyIsUnknown() throws {
        let disabledOnly = Self.facts([Self.connector("Old", enabled: false, size: "1")])
        let defaulted = try verdict(Self.sizeLimit, exchange: disabledOnly)
        #expect(defaulted.status == .unknown)
        #expect(defaulted.evidenceLines.contains { $0.contains("1 row, none where Enabled true") })
        let skipped =
            #"{"exchange": "ReceiveConnector", "property": "MaxMessageSize", "where": [{"property": "Enabled", "equals": true}], "require": "all", "atMost": 26214400, "whenNoneFound": "Skipped"}"#
        #expect(try verdict(skipped, exchange: disabledOnly).status == .skipped)
        #expect(try verdict(skipped, exchange: Self.facts([])).status == .skipped)
        let noSize = Self.facts([#"{"Identity": "MBX01\\A", "Enabled": true}"#])
        let unset = try verdict(Self.sizeLimit, exchange: noSize)
        #expect(unset.status == .unknown)
        #expect(unset.evidenceLines.contains { $0.contains(#"[MBX01\A].MaxMessageSize: not set"#) })
    }

    @Test func whenAbsentGivesTheStatusOfARowWithoutTheProperty() throws {
        let check =
            #"{"exchange": "TransportService", "property": "PickupDirectoryPath", "require": "all", "equals": "", "whenAbsent": "Pass"}"#
        let unset = try verdict(check, exchange: #"{"facts": {"TransportService": {"rows": [{}]}}}"#)
        #expect(unset.status == .pass)
        #expect(
            unset.evidenceLines.contains {
                $0.contains("PickupDirectoryPath: not set") && $0.contains("when not set: Pass")
            })
        let set = #"{"facts": {"TransportService": {"rows": [{"PickupDirectoryPath": "C:\\Pickup"}]}}}"#
        #expect(try verdict(check, exchange: set).status == .fail)
    }

    @Test func aCallErrorIsUnknownNamingTheKeyAndClass() throws {
        let denied = try verdict(
            Self.sizeLimit,
            exchange:
                #"{"facts": {"ReceiveConnector": {"error": {"class": "denied", "message": "Access is denied."}}}}"#
        )
        #expect(denied.status == .unknown)
        #expect(denied.evidenceLines.contains { $0.contains("Exchange ReceiveConnector: the call failed (denied") })
        let notRead = try verdict(Self.sizeLimit, exchange: #"{"facts": {}}"#)
        #expect(notRead.status == .unknown)
        #expect(notRead.evidenceLines.contains { $0.contains("not collected") })
    }

    @Test func aStageErrorIsUnknownWithTheRemedyForNoNetworkCredential() throws {
        let stage =
            #"{"stage": {"error": {"class": "exchange.no-network-credentials", "message": "0x80072020"}}}"#
        let result = try verdict(Self.sizeLimit, exchange: stage)
        #expect(result.status == .unknown)
        let line = try #require(result.evidenceLines.first)
        #expect(line.contains("exchange.no-network-credentials"))
        #expect(line.contains("Kerberos with delegation"))
        let count = #"{"exchangeCountOf": "ReceiveConnector", "atLeast": 1}"#
        #expect(try verdict(count, exchange: stage).status == .unknown)
    }

    @Test func countsRowsThatMatchWhere() throws {
        let check =
            #"{"exchangeCountOf": "ReceiveConnector", "where": [{"property": "Enabled", "equals": true}], "atLeast": 2}"#
        let two = Self.facts([
            Self.connector("A", enabled: true, size: "1"), Self.connector("B", enabled: true, size: "1"),
            Self.connector("C", enabled: false, size: "1"),
        ])
        #expect(try verdict(check, exchange: two).status == .pass)
        let one = try verdict(check, exchange: Self.facts([Self.connector("A", enabled: true, size: "1")]))
        #expect(one.status == .fail)
        #expect(one.evidenceLines.contains { $0.contains("Exchange ReceiveConnector: 1 row where Enabled true") })
        #expect(try verdict(check, exchange: Self.facts([])).status == .fail)
    }

    @Test func startsWithAndContainsTextIgnoreCase() throws {
        let check =
            #"{"exchange": "SettingOverride", "property": "Parameters", "require": "any", "containsText": "enabled=false"}"#
        let rows =
            #"{"facts": {"SettingOverride": {"rows": [{"Name": "x", "Parameters": ["Enabled=False"]}]}}}"#
        #expect(try verdict(check, exchange: rows).status == .pass)
        let prefix = #"{"exchange": "SettingOverride", "property": "Name", "require": "all", "startsWith": "X"}"#
        #expect(try verdict(prefix, exchange: rows).status == .pass)
    }

    @Test func theKeyIsReadOnceWhateverTheLeaves() throws {
        let check =
            #"{"all": [\#(Self.sizeLimit), {"exchangeCountOf": "receiveconnector", "atLeast": 1}]}"#
        let reads = FactRequest(checks: [try makeControl(check: check).check]).reads
        #expect(reads.count == 1)
        #expect(reads.first?.description.contains("Get-ReceiveConnector -Server $env:COMPUTERNAME") == true)
    }

    @Test(arguments: [
        (
            #"{"exchange": "Get-ReceiveConnector", "property": "Enabled", "require": "all", "equals": true}"#,
            "check.exchange", "not an allow-listed Exchange stage key"
        ),
        (
            #"{"exchange": "ReceiveConector", "property": "Enabled", "require": "all", "equals": true}"#,
            "check.exchange", "did you mean 'ReceiveConnector'?"
        ),
        (
            #"{"exchange": "ReceiveConnector", "property": "Comment", "require": "all", "equals": "x"}"#,
            "check.property", "not an allow-listed property of Exchange ReceiveConnector"
        ),
        (
            #"{"exchange": "ReceiveConnector", "property": "Enabled", "where": [{"property": "Fqdn", "equals": "x"}], "require": "all", "equals": true}"#,
            "check.where[0].property", "not an allow-listed property"
        ),
        (
            #"{"exchange": "ReceiveConnector", "property": "Enabled", "where": [{"property": "Enabled", "equals": true, "atLeast": 1}], "require": "all", "equals": true}"#,
            "check.where[0]", "one property and one comparison"
        ),
        (
            #"{"exchange": "ReceiveConnector", "property": "Enabled", "require": "each", "equals": true}"#,
            "check.require", "\"all\", \"any\" or \"none\""
        ),
        (
            #"{"exchangeCountOf": "Test-ReplicationHealth", "atLeast": 1}"#, "check.exchangeCountOf",
            "not an allow-listed Exchange stage key"
        ),
    ])
    func badExchangeLeavesAreLoadErrorsNamingTheField(check: String, field: String, message: String) {
        let (problems, _) = ControlDecodingTests.problems(check: check)
        #expect(
            problems.contains { $0.field == field && $0.message.contains(message) }, "\(problems.map(\.description))")
    }

    @Test func exchangeRoundTripsThroughAVersion2Snapshot() throws {
        let text = #"""
            {"edcaSnapshot": 2, "exchange": {"facts": {
              "ReceiveConnector": {"rows": [{"Identity": "MBX01\\A", "Enabled": true, "MaxMessageSize": "Unlimited",
                                             "AuthMechanism": ["Tls"], "Banner": null}]},
              "TransportConfig": {"error": {"class": "denied", "message": "no"}}}}}
            """#
        let snapshot = try HostSnapshot(json: Array(text.utf8))
        let again = try HostSnapshot(json: Array(snapshot.jsonDocument().rendered().utf8))
        let connectors = try #require(ExchangeFact.named("ReceiveConnector"))
        #expect(
            again.exchange.state(of: connectors)
                == .rows([
                    [
                        "Identity": .string(#"MBX01\A"#), "Enabled": .dword(1), "MaxMessageSize": .string("Unlimited"),
                        "AuthMechanism": .multiString(["Tls"]),
                    ]
                ]))
        #expect(
            again.exchange.state(of: try #require(ExchangeFact.named("TransportConfig")))
                == .error(ExchangeError(errorClass: "denied", message: "no")))
        let stage = try HostSnapshot(
            json: Array(
                #"{"edcaSnapshot": 2, "exchange": {"stage": {"error": {"class": "exchange.not-installed", "message": "m"}}}}"#
                    .utf8))
        let stageAgain = try HostSnapshot(json: Array(stage.jsonDocument().rendered().utf8))
        #expect(stageAgain.exchange.stageError?.errorClass == "exchange.not-installed")
    }

    @Test(arguments: [
        (#"{"facts": {"Get-Mailbox": {"rows": []}}}"#, "exchange.facts.Get-Mailbox"),
        (
            #"{"facts": {"ReceiveConnector": {"rows": [{"Comment": "x"}]}}}"#,
            "exchange.facts.ReceiveConnector.rows[0].Comment"
        ),
        (
            #"{"facts": {"ReceiveConnector": {"rows": [{"Banner": {"a": 1}}]}}}"#,
            "exchange.facts.ReceiveConnector.rows[0].Banner"
        ),
        (
            #"{"facts": {"ReceiveConnector": {"error": {"class": "oops"}}}}"#,
            "exchange.facts.ReceiveConnector.error.class"
        ),
        (#"{"stage": {"error": {"class": "denied"}}}"#, "exchange.stage.error.class"),
        (#"{"facts": {"ReceiveConnector": 3}}"#, "exchange.facts.ReceiveConnector"),
        (#"{"rows": []}"#, "exchange.rows"),
    ])
    func malformedExchangeNamesTheKeyAndProperty(exchange: String, field: String) {
        do {
            _ = try HostSnapshot(json: Array(#"{"edcaSnapshot": 2, "exchange": \#(exchange)}"#.utf8))
            Issue.record("accepted")
        } catch {
            #expect(error.problems.contains { $0.field == field }, "\(error.description)")
        }
    }

    @Test func theAllowListHasOnlyGetCmdletsAndUniqueKeys() {
        #expect(ExchangeFact.allowed.allSatisfy { $0.cmdlet.hasPrefix("Get-") })
        #expect(Set(ExchangeFact.allowed.map { $0.key.lowercased() }).count == ExchangeFact.allowed.count)
        #expect(ExchangeFact.allowed.allSatisfy { !$0.properties.isEmpty })
    }
}
