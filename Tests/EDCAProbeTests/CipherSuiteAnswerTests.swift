import EDCACore
import EDCAJSON
import EDCAProbe
import Testing

@Suite("Reading cipher suite answers")
struct CipherSuiteAnswerTests {
    static let nonce = ProbeResponseTests.nonce

    private func parse(_ answer: String) throws(ProbeError) -> ProbeResult {
        let request = ProbeRequest(request: FactRequest(reads: [.cipherSuites]), nonce: Self.nonce, deadlineSeconds: 30)
        let items = request.reads.map { $0 == .cipherSuites ? answer : #"{"state":"keyAbsent"}"# }
        let body = #"{"edcaProbe":1,"nonce":"\#(Self.nonce)","answers":["# + items.joined(separator: ",") + "]}"
        let output = Array("EDCA-PROBE-BEGIN \(Self.nonce)\n\(body)\nEDCA-PROBE-END \(Self.nonce)\n".utf8)
        return try ProbeResponse.parse(standardOutput: output, standardError: [], exitStatus: 0, request: request)
    }

    @Test("The request names the cmdlet; the suites keep Windows' order and their protocols")
    func shapes() throws {
        let request = ProbeRequest(request: FactRequest(reads: [.cipherSuites]), nonce: Self.nonce, deadlineSeconds: 30)
        #expect(String(decoding: request.payload(), as: UTF8.self).contains(#"{"cipherSuites":"Get-TlsCipherSuite"}"#))
        let result = try parse(
            #"{"suites":[{"name":"TLS_AES_256_GCM_SHA384","protocols":[772]},"#
                + #"{"name":"TLS_RSA_WITH_3DES_EDE_CBC_SHA","protocols":[769,770,771]}]}"#)
        #expect(
            result.snapshot.cipherSuites.state
                == .suites([
                    CipherSuite(name: "TLS_AES_256_GCM_SHA384", protocols: [772]),
                    CipherSuite(name: "TLS_RSA_WITH_3DES_EDE_CBC_SHA", protocols: [769, 770, 771]),
                ]))
        #expect(try parse(#"{"suites":[]}"#).snapshot.cipherSuites.state == .suites([]))
        #expect(try parse(#"{"state":"absent"}"#).snapshot.cipherSuites.state == .absent)
        #expect(try parse(#"{"state":"denied"}"#).snapshot.cipherSuites.state == .denied)
        let failed = try parse(#"{"state":"error","message":"The TLS module could not be loaded"}"#)
        #expect(failed.snapshot.cipherSuites.state == .denied)
        #expect(failed.readErrors == ["TLS cipher suites: The TLS module could not be loaded"])
    }

    @Test(
        "A cipher suite answer of the wrong shape is malformed, naming the cipher suites",
        arguments: [
            #"{"suites":{}}"#, #"{"suites":[{"name":"TLS_X"}]}"#, #"{"suites":[{"name":"TLS_X","protocols":["771"]}]}"#,
            #"{"suites":[{"name":"TLS_X","protocols":[771],"cipher":"AES"}]}"#,
            #"{"suites":[{"name":"","protocols":[]}]}"#,
            #"{"state":"exists"}"#,
        ])
    func wrongShape(answer: String) {
        #expect {
            _ = try parse(answer)
        } throws: { error in
            guard let error = error as? ProbeError else { return false }
            return error.code == .malformedResponse && error.message.contains("TLS cipher suites")
        }
    }

    @Test("A snapshot's cipherSuites member round-trips; an older file without it did not read them")
    func snapshotMember() throws {
        let text =
            #"{"edcaSnapshot": 2, "registry": {}, "cipherSuites": [{"name": "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "protocols": [771]}]}"#
        let snapshot = try HostSnapshot(json: Array(text.utf8))
        #expect(
            snapshot.cipherSuites.state
                == .suites([CipherSuite(name: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", protocols: [771])]))
        let again = try HostSnapshot(json: snapshot.jsonDocument().compactBytes())
        #expect(again.cipherSuites.state == snapshot.cipherSuites.state)
        #expect(try HostSnapshot(json: Array(#"{"edcaSnapshot": 2, "registry": {}}"#.utf8)).cipherSuites.state == nil)
        #expect(
            try HostSnapshot(json: Array(#"{"edcaSnapshot": 2, "cipherSuites": null}"#.utf8)).cipherSuites.state
                == .denied)
        #expect(throws: SnapshotError.self) {
            try HostSnapshot(
                json: Array(#"{"edcaSnapshot": 2, "cipherSuites": [{"name": "X", "protocols": [-1]}]}"#.utf8))
        }
    }

    @Test(
        "The probe script reads the suites with Get-TlsCipherSuite and has a row for them; MSFT_MpPreference is allow-listed"
    )
    func scriptReader() {
        #expect(ProbeScripts.probe.contains("cipherSuites = @{ Reader = 'Read-CipherSuites'"))
        #expect(ProbeScripts.probe.contains("Get-TlsCipherSuite -ErrorAction Stop"))
        #expect(
            ProbeScripts.probe.contains(
                #"'root\Microsoft\Windows\Defender:MSFT_MpPreference' = @{ Properties = @('ExclusionPath', 'ExclusionProcess', 'ExclusionExtension') }"#
            ))
    }
}
