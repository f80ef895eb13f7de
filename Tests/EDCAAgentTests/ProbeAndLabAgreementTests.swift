import EDCACore
import EDCAEngine
import EDCAJSON
import EDCAProbe
import Testing

@testable import edca_lab_host

/// The simulated host must check requests and answer reads exactly as the real probe does: every message it
/// writes for a refused request or an unanswerable read is one the probe script itself writes, and every failure
/// it frames is one the agent classifies.
@Suite("The simulated host and the probe script say the same things")
struct ProbeAndLabAgreementTests {
    /// Whether the probe script writes a message, in a single-quoted PowerShell string.
    private func probeWrites(_ message: String) -> Bool {
        ProbeScripts.probe.contains("'" + message.replacing("'", with: "''"))
            || ProbeScripts.probe.contains(message.replacing("'", with: "''") + "'")
    }

    /// A payload's members, with one member replaced.
    private func members(replacing name: String, with json: String) throws -> [JSONMember] {
        var fields = [
            "edcaProbe": "1", "nonce": #""0123456789abcdef0123456789abcdef""#, "deadlineSeconds": "50",
            "reads": "[]",
        ]
        fields[name] = json
        let text = "{" + fields.map { #""\#($0)":\#($1)"# }.joined(separator: ",") + "}"
        guard case .object(let members) = try JSONParser.parse(text).kind else { throw Refusal.lab("not an object") }
        return members
    }

    @Test(
        "A request the lab refuses is refused with the probe script's message",
        arguments: [("edcaProbe", "2"), ("nonce", #""ABC""#), ("deadlineSeconds", "-1"), ("reads", "{}")])
    func refusedRequests(member: String, json: String) throws {
        do {
            _ = try edca_lab_host.ProbeRequest(payload: try members(replacing: member, with: json))
            Issue.record("no refusal")
        } catch let refusal as Refusal {
            let prefix = "edca-probe: bad-request: "
            #expect(refusal.message.hasPrefix(prefix), "\(refusal.message)")
            #expect(probeWrites(String(refusal.message.dropFirst(prefix.count))), "\(refusal.message)")
        }
    }

    @Test(
        "A read the lab cannot answer gets the probe script's error message",
        arguments: [
            #"{"foo":"x"}"#, #"{"key":"HKXX\\A"}"#, #"{"key":"HKLM\\A\\"}"#, #"{"key":"HKLM\\\\A"}"#,
        ])
    func unanswerableReads(read: String) throws {
        let answer = ProbeAnswers.answer(
            ProbeRead(try JSONParser.parse(read)), from: HostSnapshot(registry: RegistrySnapshot()))
        guard case .object(let members) = answer, case .string(let message)? = members.last?.value else {
            Issue.record("not an error answer: \(answer)")
            return
        }
        #expect(probeWrites(message), "\(message)")
    }

    @Test("A wide REG_DWORD and the deadline get the probe script's error messages")
    func valueAndDeadlineErrors() throws {
        let key = try #require(RegistryPath(#"HKLM\SOFTWARE\Test"#))
        var snapshot = RegistrySnapshot()
        snapshot.addValue(RegistryValue(name: "D", data: .dword(1)), to: key)
        let reading = ProbeAnswers.Reading(wideDWORDs: [ProbeAnswers.ValueName(key: key, name: "D")])
        let answer = ProbeAnswers.answer(
            .value(key, name: "D"), from: HostSnapshot(registry: snapshot), reading: reading)
        guard case .object(let members) = answer, case .string(let message)? = members.last?.value else {
            Issue.record("not an error answer: \(answer)")
            return
        }
        #expect(probeWrites(message), "\(message)")
        #expect(probeWrites("probe deadline reached"))
        #expect(probeWrites("unknown read"))
    }

    @Test("Every failure the lab frames is one the real bootstrap frames and the agent classifies")
    func framedCodes() throws {
        for code in Bootstrap.framedCodes {
            #expect(ProbeScripts.bootstrap.contains("'\(code)'"), "\(code)")
            let request = EDCAProbe.ProbeRequest(
                request: FactRequest(checks: []), nonce: "0123456789abcdef0123456789abcdef", deadlineSeconds: 5)
            do {
                _ = try ProbeResponse.parse(
                    standardOutput: [], standardError: Array("edca-probe: \(code): x\r\n".utf8), exitStatus: 3,
                    request: request)
                Issue.record("no error for \(code)")
            } catch {
                #expect(error.code.rawValue == code, "\(code)")
            }
        }
    }
}
