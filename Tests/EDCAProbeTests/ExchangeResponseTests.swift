import EDCACore
import EDCAJSON
import Testing

@testable import EDCAProbe

/// The Exchange stage's answers in a probe response: rows, one call's error, the stage's error, and an answer of
/// the wrong shape, which is that key's `malformed` error and leaves the other keys and the host's facts standing.
@Suite("Reading the Exchange stage's answers")
struct ExchangeResponseTests {
    static let nonce = "00112233445566778899aabbccddeeff"

    private func parse(_ special: [String: String]) throws -> ProbeResult {
        var request = FactRequest()
        for key in ["ReceiveConnector", "TransportConfig", "TransportService"] {
            request.add(.exchange(try #require(ExchangeFact.named(key))))
        }
        let probeRequest = ProbeRequest(request: request, nonce: Self.nonce, deadlineSeconds: 30)
        let items = probeRequest.reads.map { read -> String in
            if case .exchange(let fact) = read { return special[fact.key] ?? #"{"rows":[]}"# }
            return #"{"state":"keyAbsent"}"#
        }
        let body = #"{"edcaProbe":1,"nonce":"\#(Self.nonce)","answers":["# + items.joined(separator: ",") + "]}"
        let output = Array("EDCA-PROBE-BEGIN \(Self.nonce)\r\n\(body)\r\nEDCA-PROBE-END \(Self.nonce)\r\n".utf8)
        return try ProbeResponse.parse(
            standardOutput: output, standardError: [], exitStatus: 0, request: probeRequest)
    }

    private func state(_ result: ProbeResult, _ key: String) throws -> ExchangeFactState? {
        result.snapshot.exchange.state(of: try #require(ExchangeFact.named(key)))
    }

    @Test func rowsAndACallErrorAreKeptPerKey() throws {
        let result = try parse([
            "ReceiveConnector":
                #"{"rows":[{"Identity":"MBX01\\Default MBX01","Enabled":true,"MaxMessageSize":"Unlimited","Banner":null}]}"#,
            "TransportConfig": #"{"error":{"class":"denied","message":"Access is denied."}}"#,
        ])
        #expect(
            try state(result, "ReceiveConnector")
                == .rows([
                    [
                        "Identity": .string(#"MBX01\Default MBX01"#), "Enabled": .dword(1),
                        "MaxMessageSize": .string("Unlimited"),
                    ]
                ]))
        #expect(
            try state(result, "TransportConfig")
                == .error(ExchangeError(errorClass: "denied", message: "Access is denied.")))
        #expect(try state(result, "TransportService") == .rows([]))
        #expect(result.snapshot.exchange.stageError == nil)
    }

    @Test func aStageErrorIsRecordedOnceForTheHost() throws {
        let stage = #"{"stageError":{"class":"exchange.no-network-credentials","message":"0x80072020"}}"#
        let result = try parse(["ReceiveConnector": stage, "TransportConfig": stage, "TransportService": stage])
        #expect(result.snapshot.exchange.stageError?.errorClass == "exchange.no-network-credentials")
        #expect(result.readErrors.isEmpty)
    }

    @Test(arguments: [
        #"{"rows":{"Identity":"x"}}"#, #"{"rows":[{"Comment":"x"}]}"#, #"{"rows":[{"Enabled":-1}]}"#,
        #"{"error":{"class":"exploded"}}"#, #"{"state":"keyAbsent"}"#, #"[1,2]"#,
        #"{"stageError":{"class":"denied","message":"x"}}"#,
    ])
    func aWrongShapeIsThatKeysMalformedError(answer: String) throws {
        let result = try parse([
            "ReceiveConnector": answer, "TransportConfig": #"{"rows":[{"MaxSendSize":10485760}]}"#,
        ])
        guard case .error(let error)? = try state(result, "ReceiveConnector") else {
            Issue.record("not an error: \(String(describing: try state(result, "ReceiveConnector")))")
            return
        }
        #expect(error.errorClass == "malformed")
        #expect(try state(result, "TransportConfig") == .rows([["MaxSendSize": .dword(10_485_760)]]))
        #expect(result.readErrors.contains { $0.contains("Exchange ReceiveConnector: malformed answer") })
    }
}
