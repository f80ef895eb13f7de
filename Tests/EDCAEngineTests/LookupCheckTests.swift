import Testing

@testable import EDCACore
@testable import EDCAEngine
@testable import EDCAJSON

/// The `lookup` leaf: keys from Exchange rows or a registry value, found by equal text or by the longest folder
/// prefix, followed through `then`, judged by a property, by `distinct`, by `notSameRowAs` or by being found; what
/// is not found or cannot be read; load errors naming the field; one verdict per database with that database's
/// paths.
@Suite struct LookupCheckTests {
    static let volumes = "root\\\\cimv2:Win32_Volume"
    static let bitLocker = "root\\\\cimv2\\\\Security\\\\MicrosoftVolumeEncryption:Win32_EncryptableVolume"

    /// A `Win32_Volume` instance.
    static func volume(_ name: String, _ device: Int, fileSystem: String = "NTFS", blockSize: Int = 4096) -> String {
        #"{"Name": "\#(name)", "DeviceID": "vol\#(device)", "FileSystem": "\#(fileSystem)", "BlockSize": \#(blockSize)}"#
    }

    /// A `MailboxDatabase` row.
    static func database(_ name: String, edb: String, log: String) -> String {
        #"{"Name": "\#(name)", "Recovery": false, "EdbFilePath": "\#(edb)", "LogFolderPath": "\#(log)"}"#
    }

    static func snapshot(databases: [String], volumes: [String]?, extraCim: String = "", registry: String = "")
        -> String
    {
        let volumeMember = volumes.map { #""\#(Self.volumes)": [\#($0.joined(separator: ","))]"# } ?? ""
        let cim = [volumeMember, extraCim].filter { !$0.isEmpty }.joined(separator: ",")
        return #"""
            {"edcaSnapshot": 2, "cim": {\#(cim)},
             "exchange": {"facts": {"MailboxDatabase": {"rows": [\#(databases.joined(separator: ","))]}}}
             \#(registry.isEmpty ? "" : ", \"registry\": " + registry)}
            """#
    }

    static let blockSize = #"""
        {"lookup": {"exchange": "MailboxDatabase", "properties": ["EdbFilePath", "LogFolderPath"]},
         "in": {"cim": "Win32_Volume", "match": "Name", "by": "pathPrefix"},
         "property": "BlockSize", "require": "all", "equals": 65536}
        """#

    private func verdict(_ check: String, _ snapshot: String, subject: String = "Server") throws -> Verdict {
        let host = try HostSnapshot(json: Array(snapshot.utf8))
        var document = ControlDocument(check: check)
        document.set("subject", #""\#(subject)""#)
        return try decodeControl(document.text).evaluate(on: host, role: .mailbox)
    }

    @Test func aPathIsOnTheVolumeWhoseMountPointIsItsLongestFolderPrefix() throws {
        let volumes = [
            Self.volume(#"C:\\"#, 1), Self.volume(#"C:\\ExchangeVolumes\\DB01\\"#, 2, blockSize: 65536),
            Self.volume(#"C:\\ExchangeVolumes\\DB0\\"#, 3),
        ]
        let mounted = try verdict(
            Self.blockSize,
            Self.snapshot(
                databases: [
                    Self.database(
                        "DB01", edb: #"C:\\ExchangeVolumes\\DB01\\DB01.edb"#, log: #"c:\\exchangevolumes\\db01"#)
                ], volumes: volumes))
        #expect(mounted.status == .pass, "\(mounted.evidenceLines)")
        #expect(
            mounted.evidenceLines.contains {
                $0.contains(#"Exchange MailboxDatabase[DB01].EdbFilePath = "C:\ExchangeVolumes\DB01\DB01.edb""#)
                    && $0.contains(#"→ Win32_Volume[C:\ExchangeVolumes\DB01\] BlockSize = 65536"#)
            }, "\(mounted.evidenceLines)")
        // `C:\ExchangeVolumes\DB0\` is a text prefix of the path but not a folder of it: the file is on C:.
        let onC = try verdict(
            Self.blockSize,
            Self.snapshot(
                databases: [
                    Self.database(
                        "DB02", edb: #"C:\\ExchangeVolumes\\DB02\\DB02.edb"#, log: #"C:\\ExchangeVolumes\\DB01"#)
                ], volumes: volumes))
        #expect(onC.status == .fail)
        #expect(
            onC.evidenceLines.contains { $0.contains(#"→ Win32_Volume[C:\] BlockSize = 4096"#) && $0.contains("Fail") },
            "\(onC.evidenceLines)")
    }

    @Test func aKeyNotFoundGivesWhenNotFoundAndNoKeyGivesWhenNoneFound() throws {
        let onF = Self.snapshot(
            databases: [Self.database("DB01", edb: #"F:\\DB01.edb"#, log: #"F:\\Logs"#)],
            volumes: [Self.volume(#"C:\\"#, 1)])
        let unknown = try verdict(Self.blockSize, onF)
        #expect(unknown.status == .unknown)
        #expect(unknown.evidenceLines.contains { $0.contains("not found in Win32_Volume") }, "\(unknown.evidenceLines)")
        let failing = Self.blockSize.replacing(#""require""#, with: #""whenNotFound": "Fail", "require""#)
        #expect(try verdict(failing, onF).status == .fail)
        let none = Self.blockSize.replacing(#""require""#, with: #""whenNoneFound": "Skipped", "require""#)
        let noDatabase = try verdict(none, Self.snapshot(databases: [], volumes: [Self.volume(#"C:\\"#, 1)]))
        #expect(noDatabase.status == .skipped)
        #expect(noDatabase.evidenceLines.contains { $0.contains("no value to look up") }, "\(noDatabase.evidenceLines)")
    }

    @Test func anUnreadableFactIsUnknownNamingIt() throws {
        let denied = try verdict(
            Self.blockSize,
            Self.snapshot(
                databases: [Self.database("DB01", edb: #"D:\\DB01.edb"#, log: #"D:\\Logs"#)], volumes: nil,
                extraCim: #""\#(Self.volumes)": null"#))
        #expect(denied.status == .unknown)
        #expect(
            denied.evidenceLines.contains { $0.contains("Win32_Volume: cannot be read (access denied)") },
            "\(denied.evidenceLines)")
        let notCollected = try verdict(
            Self.blockSize,
            Self.snapshot(databases: [Self.database("DB01", edb: #"D:\\DB01.edb"#, log: #"D:\\Logs"#)], volumes: nil))
        #expect(notCollected.status == .unknown)
        let failedCall = try verdict(
            Self.blockSize,
            #"""
            {"edcaSnapshot": 2, "cim": {"\#(Self.volumes)": []}, "exchange": {"facts": {"MailboxDatabase":
              {"error": {"class": "denied", "message": "Access is denied."}}}}}
            """#)
        #expect(failedCall.status == .unknown)
        #expect(failedCall.evidenceLines.contains { $0.contains("Exchange MailboxDatabase: the call failed") })
    }

    @Test func thenFollowsTheRowFoundIntoAnotherTable() throws {
        let check = #"""
            {"lookup": {"exchange": "MailboxDatabase", "property": "EdbFilePath"},
             "in": {"cim": "Win32_Volume", "match": "Name", "by": "pathPrefix"},
             "then": {"from": "DeviceID", "cim": "Win32_EncryptableVolume", "match": "DeviceID", "whenNotFound": "Fail"},
             "property": "ProtectionStatus", "require": "all", "equals": 1}
            """#
        func host(_ bitLocker: String) -> String {
            Self.snapshot(
                databases: [Self.database("DB01", edb: #"D:\\DB01.edb"#, log: #"D:\\Logs"#)],
                volumes: [Self.volume(#"C:\\"#, 1), Self.volume(#"D:\\"#, 2)],
                extraCim: #""\#(Self.bitLocker)": \#(bitLocker)"#)
        }
        let on = try verdict(check, host(#"[{"DeviceID": "VOL2", "ProtectionStatus": 1}]"#))
        #expect(on.status == .pass, "\(on.evidenceLines)")
        #expect(
            on.evidenceLines.contains {
                $0.contains(#"→ Win32_Volume[D:\] → Win32_EncryptableVolume[VOL2] ProtectionStatus = 1"#)
            }, "\(on.evidenceLines)")
        #expect(try verdict(check, host(#"[{"DeviceID": "vol2", "ProtectionStatus": 0}]"#)).status == .fail)
        let absent = try verdict(check, host(#""absent""#))
        #expect(absent.status == .fail)
        #expect(absent.evidenceLines.contains { $0.contains(#"DeviceID "vol2" not found in Win32_EncryptableVolume"#) })
        let denied = try verdict(check, host("null"))
        #expect(denied.status == .unknown)
        #expect(
            denied.evidenceLines.contains { $0.contains("Win32_EncryptableVolume: cannot be read (access denied)") })
    }

    @Test func tablesAreSearchedInOrderAndBeingFoundPasses() throws {
        let check = #"""
            {"lookup": {"exchange": "User.RemotePowerShell", "property": "SamAccountName"},
             "in": [{"exchange": "RoleGroupMember.OrganizationManagement", "match": "SamAccountName"},
                    {"exchange": "RoleGroupMember.ServerManagement", "match": "SamAccountName"}],
             "require": "all", "whenNotFound": "Fail"}
            """#
        func host(_ users: String) -> String {
            #"""
            {"edcaSnapshot": 2, "exchange": {"facts": {
              "User.RemotePowerShell": {"rows": [\#(users)]},
              "RoleGroupMember.OrganizationManagement": {"rows": [{"SamAccountName": "adm-alice"}]},
              "RoleGroupMember.ServerManagement": {"rows": [{"SamAccountName": "ADM-BOB"}]}}}}
            """#
        }
        let admins = try verdict(check, host(#"{"SamAccountName": "adm-alice"}, {"SamAccountName": "adm-bob"}"#))
        #expect(admins.status == .pass, "\(admins.evidenceLines)")
        #expect(admins.evidenceLines.contains { $0.contains("→ Exchange RoleGroupMember.ServerManagement") })
        let carol = try verdict(check, host(#"{"SamAccountName": "adm-alice"}, {"SamAccountName": "carol"}"#))
        #expect(carol.status == .fail)
        #expect(
            carol.evidenceLines.contains {
                $0.contains(#""carol" (not found in Exchange RoleGroupMember.OrganizationManagement or "#)
            }, "\(carol.evidenceLines)")
        // `none`: Fail as soon as one key passes (is found).
        let none = check.replacing(#""require": "all""#, with: #""require": "none""#)
        #expect(try verdict(none, host(#"{"SamAccountName": "carol"}"#)).status == .pass)
        #expect(try verdict(none, host(#"{"SamAccountName": "carol"}, {"SamAccountName": "adm-bob"}"#)).status == .fail)
    }

    @Test func aTruncatedAnswerIsUnknownWhetherSourceOrTable() throws {
        let check = #"""
            {"lookup": {"exchange": "User.RemotePowerShell", "property": "SamAccountName"},
             "in": {"exchange": "RoleGroupMember.OrganizationManagement", "match": "SamAccountName"},
             "require": "all", "whenNotFound": "Fail"}
            """#
        func host(usersTruncated: Bool, membersTruncated: Bool) -> String {
            #"""
            {"edcaSnapshot": 2, "exchange": {"facts": {
              "User.RemotePowerShell": {"rows": [{"SamAccountName": "carol"}], "truncated": \#(usersTruncated)},
              "RoleGroupMember.OrganizationManagement": {"rows": [{"SamAccountName": "adm-alice"}],
                                                         "truncated": \#(membersTruncated)}}}}
            """#
        }
        #expect(try verdict(check, host(usersTruncated: false, membersTruncated: false)).status == .fail)
        // Unseen users could fail; carol could be a member past the table's limit.
        for (users, members) in [(true, false), (false, true)] {
            let truncated = try verdict(check, host(usersTruncated: users, membersTruncated: members))
            #expect(truncated.status == .unknown, "\(truncated.evidenceLines)")
            #expect(
                truncated.evidenceLines.contains { $0.contains("the answer stops at the key's limit of") },
                "\(truncated.evidenceLines)")
        }
    }

    @Test func manyKeysAreListedUpToALimitAndCounted() throws {
        let check = #"""
            {"lookup": {"exchange": "User.RemotePowerShell", "property": "SamAccountName"},
             "in": {"exchange": "RoleGroupMember.OrganizationManagement", "match": "SamAccountName"},
             "require": "all", "whenNotFound": "Fail"}
            """#
        let users = (1...25).map { #"{"SamAccountName": "user\#($0)"}"# }.joined(separator: ",")
        let host = #"""
            {"edcaSnapshot": 2, "exchange": {"facts": {"User.RemotePowerShell": {"rows": [\#(users)]},
              "RoleGroupMember.OrganizationManagement": {"rows": []}}}}
            """#
        let many = try verdict(check, host)
        #expect(many.status == .fail)
        #expect(many.evidenceLines.filter { $0.contains("not found in") }.count == LookupCheck.listedOtherKeys)
        #expect(
            many.evidenceLines.contains { $0.contains("5 more values of Exchange User.RemotePowerShell") },
            "\(many.evidenceLines)")
    }

    @Test func distinctCountsTheValuesFoundForEachSourceRow() throws {
        let check = #"""
            {"lookup": {"exchange": "DatabaseAvailabilityGroup", "property": "Servers"},
             "in": {"exchange": "ExchangeServer.All", "match": "Name"},
             "distinct": "Site", "require": "all", "atLeast": 2}
            """#
        func host(_ dags: String) -> String {
            #"""
            {"edcaSnapshot": 2, "exchange": {"facts": {
              "DatabaseAvailabilityGroup": {"rows": [\#(dags)]},
              "ExchangeServer.All": {"rows": [{"Name": "MBX01", "Site": "HQ"}, {"Name": "MBX02", "Site": "hq"},
                                              {"Name": "MBX03", "Site": "DR"}]}}}}
            """#
        }
        let twoSites = try verdict(check, host(#"{"Name": "DAG1", "Servers": ["MBX01", "MBX03"]}"#))
        #expect(twoSites.status == .pass, "\(twoSites.evidenceLines)")
        // Site names compare ignoring case; the second DAG decides.
        let oneSite = try verdict(
            check,
            host(#"{"Name": "DAG1", "Servers": ["MBX01", "MBX03"]}, {"Name": "DAG2", "Servers": ["MBX01", "MBX02"]}"#))
        #expect(oneSite.status == .fail)
        #expect(
            oneSite.evidenceLines.contains {
                $0.contains("Exchange DatabaseAvailabilityGroup[DAG2].Servers") && $0.contains("1 distinct Site")
            }, "\(oneSite.evidenceLines)")
        let stranger = try verdict(check, host(#"{"Name": "DAG1", "Servers": ["MBX01", "MBX09"]}"#))
        #expect(stranger.status == .unknown)
        #expect(stranger.evidenceLines.contains { $0.contains(#""MBX09" not found in Exchange ExchangeServer.All"#) })
    }

    @Test func notSameRowAsComparesWithTheRowAnotherValueFinds() throws {
        let check = #"""
            {"lookup": {"key": "HKLM\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Setup", "value": "MsiInstallPath",
                        "append": "Logging"},
             "in": {"cim": "Win32_Volume", "match": "Name", "by": "pathPrefix"},
             "notSameRowAs": {"key": "HKLM\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Setup", "value": "MsiInstallPath"},
             "require": "all"}
            """#
        func host(_ volumes: [String], install: String? = #"D:\\Exchange\\"#) -> String {
            let registry =
                install.map {
                    #"{"HKLM\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Setup": {"MsiInstallPath": {"type": "REG_SZ", "data": "\#($0)"}}}"#
                } ?? ""
            return Self.snapshot(databases: [], volumes: volumes, registry: registry)
        }
        let same = try verdict(check, host([Self.volume(#"C:\\"#, 1), Self.volume(#"D:\\"#, 2)]))
        #expect(same.status == .fail)
        #expect(
            same.evidenceLines.contains {
                $0.contains(#"MsiInstallPath + \Logging = "D:\Exchange\Logging" → Win32_Volume[D:\] (the same row as"#)
            }, "\(same.evidenceLines)")
        let mounted = try verdict(
            check,
            host([Self.volume(#"C:\\"#, 1), Self.volume(#"D:\\"#, 2), Self.volume(#"D:\\Exchange\\Logging\\"#, 3)]))
        #expect(mounted.status == .pass, "\(mounted.evidenceLines)")
        #expect(try verdict(check, host([Self.volume(#"C:\\"#, 1)], install: nil)).status == .unknown)
    }

    @Test func aDatabaseControlLooksUpTheValuesOfTheDatabaseItJudges() throws {
        let host = try HostSnapshot(
            json: Array(
                Self.snapshot(
                    databases: [
                        Self.database("DB01", edb: #"D:\\DB01.edb"#, log: #"D:\\Logs"#),
                        Self.database("DB02", edb: #"C:\\DB02.edb"#, log: #"D:\\Logs"#),
                    ],
                    volumes: [Self.volume(#"C:\\"#, 1), Self.volume(#"D:\\"#, 2, blockSize: 65536)]
                ).utf8))
        var document = ControlDocument(check: Self.blockSize)
        document.set("subject", #""Database""#)
        let plan = EvaluationPlan(controls: [try decodeControl(document.text)])
        let verdicts = plan.evaluateServerControls(on: plan.facts(from: host), role: .mailbox)
        #expect(verdicts.map(\.database) == ["DB01", "DB02"])
        #expect(verdicts.map(\.status) == [.pass, .fail])
        #expect(!verdicts[0].evidenceLines.contains { $0.contains("DB02") }, "\(verdicts[0].evidenceLines)")
    }

    static let source = #"{"exchange": "MailboxDatabase", "property": "EdbFilePath"}"#
    static let table = #"{"cim": "Win32_Volume", "match": "Name", "by": "pathPrefix"}"#

    @Test(
        "A lookup naming something outside the allow-lists, or two tests, is a load error naming the field",
        arguments: [
            (
                #"{"exchange": "MailboxDatabases", "property": "EdbFilePath"}"#, table, #""property": "BlockSize""#,
                "check.lookup.exchange"
            ),
            (
                #"{"exchange": "MailboxDatabase", "property": "EdbPath"}"#, table, #""property": "BlockSize""#,
                "check.lookup.property"
            ),
            (source, #"{"cim": "Win32_Volumes", "match": "Name"}"#, #""property": "BlockSize""#, "check.in.cim"),
            (
                source, #"{"cim": "Win32_Volume", "match": "MountPoint"}"#, #""property": "BlockSize""#,
                "check.in.match"
            ),
            (
                source, #"{"cim": "Win32_Volume", "match": "Name", "by": "prefix"}"#, #""property": "BlockSize""#,
                "check.in.by"
            ),
            (
                source, #"{"cim": "Win32_Volume", "match": "Name", "using": "x"}"#, #""property": "BlockSize""#,
                "check.in.using"
            ),
            (source, table, #""property": "Size""#, "check.property"),
            (source, table, #""property": "BlockSize", "distinct": "FileSystem""#, "check"),
            (
                source, table,
                #""then": {"from": "Serial", "cim": "Win32_EncryptableVolume", "match": "DeviceID"}, "property": "BlockSize""#,
                "check.then.from"
            ),
        ])
    func loadErrors(source: String, table: String, test: String, field: String) {
        let check = #"{"lookup": \#(source), "in": \#(table), \#(test), "require": "all", "equals": 65536}"#
        let problems = controlProblems(ControlDocument(check: check).text)
        #expect(problems.contains { $0.field == field }, "\(check)\n\(problems.map(\.description))")
    }
}
