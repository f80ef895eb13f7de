import EDCAAgent
import EDCACore
import EDCAEngine
import EDCAJSON
import EDCAProbe
import EDCATestSupport
import Foundation
import Testing

/// The shipped catalog, control by control: each control in `Controls/` has a file `Tests/ControlCases/<ID>.json`
/// of small registry snapshots with the verdict a server in that state must get, derived from the documented logic
/// and from Windows semantics. Each case is evaluated as `edca-agent evaluate` does: the snapshot decoded by the
/// snapshot loader, the control loaded from the shipped directory, the verdict taken from an ``EvaluationReport``.
///
/// A case file:
/// ```json
/// { "control": "EDCA-SEC-043",
///   "cases": [ { "name": "...", "role": "Mailbox", "expect": "Pass",
///                "snapshot": { "HKLM\\...": { "Value": {"type": "REG_DWORD", "data": 1} } },
///                "evidence": ["text that a line of evidence must contain"] } ] }
/// ```
@Suite("Shipped controls: every control against its case snapshots")
struct ShippedControlCaseTests {
    /// One case of a case file.
    struct Case: CustomTestStringConvertible, Sendable {
        var controlID: String
        var name: String
        var role: ExchangeRole
        var expected: Status
        var snapshot: Data
        var evidence: [String]

        var testDescription: String { "\(controlID): \(name) (\(role.rawValue)) → \(expected.rawValue)" }
    }

    static let casesDirectory = repositoryRoot + "/Tests/ControlCases"

    static let catalog: ControlCatalog? = try? ControlCatalog.load(directory: repositoryRoot + "/Controls")

    /// Every case of every case file; a malformed file makes the listing fail loudly.
    static func allCases() throws -> [Case] {
        let names = try FileManager.default.contentsOfDirectory(atPath: casesDirectory).filter { $0.hasSuffix(".json") }
        return try names.sorted().flatMap { try cases(inFile: casesDirectory + "/" + $0) }
    }

    static func cases(inFile path: String) throws -> [Case] {
        let document = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
        guard let root = document as? [String: Any], let controlID = root["control"] as? String,
            let items = root["cases"] as? [[String: Any]]
        else { throw CaseFileError(path: path, message: "expected {\"control\": ID, \"cases\": [...]}") }
        return try items.enumerated().map { index, item in
            guard let name = item["name"] as? String,
                let role = (item["role"] as? String).flatMap(ExchangeRole.init(rawValue:)),
                let expected = (item["expect"] as? String).flatMap(Status.init(rawValue:)),
                let snapshot = item["snapshot"] as? [String: Any]
            else {
                throw CaseFileError(path: path, message: "case \(index): needs name, role, expect and snapshot")
            }
            let unknown = Set(item.keys).subtracting(["name", "role", "expect", "snapshot", "evidence"])
            guard unknown.isEmpty else {
                throw CaseFileError(path: path, message: "case \(index): unknown fields \(unknown.sorted())")
            }
            return Case(
                controlID: controlID, name: name, role: role, expected: expected,
                snapshot: try JSONSerialization.data(withJSONObject: snapshot),
                evidence: item["evidence"] as? [String] ?? [])
        }
    }

    struct CaseFileError: Error, CustomStringConvertible {
        var path: String
        var message: String
        var description: String { "\(path): \(message)" }
    }

    @Test("The shipped Controls directory loads without a problem and holds the whole catalog")
    func shippedDirectoryLoads() throws {
        let catalog = try ControlCatalog.load(directory: repositoryRoot + "/Controls")
        #expect(catalog.controls.count >= 36)
    }

    @Test("The whole catalog's merged reads travel in one probe request, far inside the payload limit")
    func wholeCatalogFitsOneProbe() throws {
        let catalog = try #require(Self.catalog)
        let request = ProbeRequest(
            request: FactRequest(checks: catalog.controls.map(\.check)), nonce: String(repeating: "0", count: 32),
            deadlineSeconds: 60)
        let payload = try request.checkedPayload()
        #expect(payload.count < ProbeRequest.payloadSizeLimit / 8, "\(payload.count) bytes")
        let script = Array(ProbeScripts.probe.utf8).count
        #expect(payload.count - script < 32 * 1024, "the reads alone: \(payload.count - script) bytes")
    }

    @Test("Every shipped control has a case file with a Pass, a Fail and at least one edge case")
    func everyControlHasCases() throws {
        let catalog = try #require(Self.catalog)
        let cases = try Self.allCases()
        for control in catalog.controls {
            let own = cases.filter { $0.controlID == control.id }
            #expect(own.contains { $0.expected == .pass }, "\(control.id) has no Pass case")
            // EDCA-SEC-030 can never fail (upstream's logic): a non-Pass case stands in for the Fail case there.
            #expect(own.contains { $0.expected != .pass }, "\(control.id) has no Fail case")
            #expect(own.count >= 3, "\(control.id) has \(own.count) cases; a Pass, a Fail and an edge case at least")
        }
        let unknownIDs = Set(cases.map(\.controlID)).subtracting(catalog.controls.map(\.id))
        #expect(unknownIDs.isEmpty, "case files for controls that do not ship: \(unknownIDs.sorted())")
    }

    @Test("Each case gets the expected verdict and evidence", arguments: try allCases())
    func caseGetsItsVerdict(_ testCase: Case) throws {
        let catalog = try #require(Self.catalog)
        let control = try #require(catalog.control(id: testCase.controlID), "no shipped control \(testCase.controlID)")
        let snapshot = try HostSnapshot(json: Array(testCase.snapshot))
        let report = EvaluationReport(
            source: testCase.name, role: testCase.role, controls: [control], snapshot: snapshot)
        let verdict = try #require(report.results.first?.verdict)
        #expect(
            verdict.status == testCase.expected,
            "evidence:\n\(verdict.evidenceLines.joined(separator: "\n"))")
        for text in testCase.evidence {
            #expect(verdict.evidenceLines.contains { $0.contains(text) }, "no evidence line contains \"\(text)\"")
        }
    }
}
