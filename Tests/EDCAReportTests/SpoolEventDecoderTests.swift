import EDCACore
import EDCAEngine
import EDCAJSON
import EDCAReport
import Testing

/// The decoding layer on both event shapes: OCSF 1.3.0 (docs/spool.md today) and 1.8.0 (the shape the ocsf branch
/// documents, which leaves control data out of events and writes evidence as facts).
@Suite("Spool event decoding")
struct SpoolEventDecoderTests {
    /// A Compliance Finding as the OCSF 1.8.0 spool wrote it before the lean findings, with captions and remediation
    /// (demo lab, mbx02, EDCA-SEC-043): spools keep such events for their retention.
    static let findingV18 =
        "{\"time\":1796288427248,\"metadata\":{\"uid\":\"8e4f792a8cc057ab0b951fa470cd52f8\",\"correlation_uid\":\"7011b9ceba9f290f6a5242bfdfe87e7f\",\"version\":\"1.8.0\",\"product\":{\"name\":\"edca-agent\",\"version\":\"0.1.0\"},\"event_code\":\"EDCA-SEC-043\",\"profiles\":[\"host\"]},\"class_uid\":2003,\"category_uid\":2,\"activity_id\":1,\"type_uid\":200301,\"severity_id\":4,\"severity\":\"High\",\"status_id\":1,\"status\":\"New\",\"message\":\"mbx02: EDCA-SEC-043 Fail\",\"finding_info\":{\"uid\":\"8a3ab24e460aa1dd0ab66cc825c59b4b\",\"title\":\"SMB packet signing is required on server and client\",\"first_seen_time\":1796288427248,\"last_seen_time\":1796288427248},\"compliance\":{\"control\":\"EDCA-SEC-043\",\"standards\":[\"ANSSI\",\"BSI\",\"CIS\"],\"requirements\":[\"CIS Microsoft Windows Server Benchmark 2.3.8\",\"CIS Microsoft Windows Server Benchmark 2.3.9\",\"BSI IT-Grundschutz SYS.1.2.3.A5\"],\"status_id\":3,\"status\":\"Fail\",\"status_code\":\"Fail\"},\"device\":{\"hostname\":\"mbx02\",\"ip\":\"127.0.0.12\",\"uid\":\"d27cf457160ea394\",\"type_id\":1},\"resources\":[{\"name\":\"mbx02\",\"role\":\"Mailbox\"}],\"evidences\":[{\"reg_value\":{\"path\":\"HKLM\\\\SYSTEM\\\\CurrentControlSet\\\\Services\\\\LanmanServer\\\\Parameters\",\"name\":\"RequireSecuritySignature\",\"type\":\"REG_SZ\",\"type_id\":10,\"reg_string_data\":\"1\"},\"data\":{\"result\":\"Pass\"}},{\"reg_value\":{\"path\":\"HKLM\\\\SYSTEM\\\\CurrentControlSet\\\\Services\\\\LanmanWorkstation\\\\Parameters\",\"name\":\"RequireSecuritySignature\",\"type\":\"REG_DWORD\",\"type_id\":2,\"reg_integer_data\":0,\"is_default\":true},\"data\":{\"observation\":\"not set (Windows default)\",\"result\":\"Fail\"}}],\"remediation\":{\"desc\":\"Set RequireSecuritySignature=1 for both LanmanServer (SMB server) and LanmanWorkstation (SMB client) via registry or Group Policy (Security Options: 'Microsoft network server: Digitally sign communications (always)' and 'Microsoft network client: Digitally sign communications (always)').\",\"references\":[\"https://learn.microsoft.com/windows-server/storage/file-server/smb-signing-overview\",\"https://learn.microsoft.com/windows-server/storage/file-server/configure-smb-signing\",\"https://messervices.cyber.gouv.fr/guides/recommandations-pour-ladministration-securisee-des-si-reposant-sur-ad\",\"https://www.bsi.bund.de/SharedDocs/Downloads/DE/BSI/Grundschutz/IT-GS-Kompendium_Einzel_PDFs_2023/07_SYS_IT_Systeme/SYS_1_2_3_Windows_Server_Edition_2023.pdf?__blob=publicationFile\",\"https://www.cisecurity.org/benchmark/microsoft_windows_server\"]},\"unmapped\":{\"drift\":\"new\"}}"

    func finding(_ text: String) throws -> FindingRecord {
        guard case .finding(let record)? = try SpoolEventDecoder.decode(line: Array(text.utf8)) else {
            throw DecodingFailed()
        }
        return record
    }

    struct DecodingFailed: Error {}

    @Test func anOCSF18FindingReadsWithEvidenceWrittenFromItsFacts() throws {
        let record = try finding(Self.findingV18)
        #expect(record.controlID == "EDCA-SEC-043")
        #expect(record.status == .fail)
        #expect(record.host.name == "mbx02" && record.host.role == "Mailbox" && record.host.ip == "127.0.0.12")
        #expect(record.drift == "new" && record.previousStatus == nil)
        #expect(record.severityWeight == nil && record.verify == nil)
        #expect(
            record.evidence == [
                #"HKLM\SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters RequireSecuritySignature = 1: Pass"#,
                #"HKLM\SYSTEM\CurrentControlSet\Services\LanmanWorkstation\Parameters RequireSecuritySignature = 0, not set (Windows default): Fail"#,
            ])
        #expect(
            record.references.first?.url
                == "https://learn.microsoft.com/windows-server/storage/file-server/smb-signing-overview")
    }

    /// A lean finding (docs/spool.md, "What an event carries"), as the demo lab's first scan wrote it: no captions,
    /// no remediation, a service fact named by its fields.
    static let leanFinding =
        #"{"time":1796300831746,"metadata":{"uid":"45929e0d54feb1054da61e9a10f3537d","correlation_uid":"9b1e057dd682be7a318d71abd50e1026","version":"1.8.0","product":{"name":"edca-agent"},"event_code":"EDCA-GOV-003","profiles":["host"]},"class_uid":2003,"category_uid":2,"activity_id":1,"type_uid":200301,"severity_id":4,"status_id":4,"finding_info":{"uid":"91ba101025f769d4c54f2a7d87072ffc","title":"The Exchange Emergency Mitigation service runs and starts automatically","first_seen_time":1796300831746,"last_seen_time":1796300831746},"compliance":{"control":"EDCA-GOV-003","standards":["Best Practice","CISA","BSI"],"status_id":1,"status_code":"Pass"},"device":{"hostname":"mbx02","ip":"127.0.0.12","uid":"d27cf457160ea394","type_id":1},"resources":[{"name":"mbx02","role":"Mailbox"}],"evidences":[{"data":{"fact":"service","service_name":"MSExchangeMitigation","field":"state","value":"Running","result":"Pass"}},{"data":{"fact":"service","service_name":"MSExchangeMitigation","field":"startMode","value":"Auto","result":"Pass"}}],"unmapped":{"drift":"new"}}"#

    @Test func aLeanFindingReadsItsSeverityFromTheIdAndWritesFactLinesFromTheirFields() throws {
        let record = try finding(Self.leanFinding)
        #expect(record.controlID == "EDCA-GOV-003")
        #expect(record.status == .pass)
        #expect(record.severity == "High", "severity_id 4")
        #expect(record.remediation.isEmpty && record.references.isEmpty, "the controls directory gives them")
        #expect(
            record.evidence == [
                "service MSExchangeMitigation state = Running: Pass",
                "service MSExchangeMitigation startMode = Auto: Pass",
            ])
    }

    @Test func theStatusCodeIsOurWordAndUnchangedMeansTheSameStatusBefore() throws {
        let unknown = Self.findingV18
            .replacing(
                #""status_id":3,"status":"Fail","status_code":"Fail""#,
                with: #""status_id":2,"status":"Warning","status_code":"Unknown""#
            )
            .replacing(#""drift":"new""#, with: #""drift":"unchanged""#)
        let record = try finding(unknown)
        #expect(record.status == .unknown)
        #expect(record.previousStatus == .unknown)
    }

    @Test func aNewerVersionIsRefusedAndNamed() {
        let newer = Self.findingV18.replacing(#""version":"1.8.0""#, with: #""version":"1.9.0""#)
        #expect(throws: EventProblem.self) { try SpoolEventDecoder.decode(line: Array(newer.utf8)) }
        do {
            _ = try SpoolEventDecoder.decode(line: Array(newer.utf8))
        } catch {
            #expect(error.isNewerFormat)
            #expect(error.message.hasPrefix("metadata.version 1.9.0 is newer than this edca-agent reads"))
        }
    }
}
