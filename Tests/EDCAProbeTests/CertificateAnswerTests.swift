import EDCACore
import EDCAProbe
import Testing

@Suite("Reading certificate answers")
struct CertificateAnswerTests {
    static let nonce = ProbeResponseTests.nonce
    static let store = CertificateStore.allowed[0]
    static let certificate =
        #"{"thumbprint":"734D3BE558103AB228F990E971088CD30AEF856E","subject":"CN=mail.contoso.com","#
        + #""issuer":"CN=Contoso Issuing CA 01","dnsNames":["mail.contoso.com","autodiscover.contoso.com"],"#
        + #""notBefore":"2026-03-01T00:00:00Z","notAfter":"2027-03-01T00:00:00Z","keyAlgorithm":"RSA","#
        + #""keySize":2048,"signatureAlgorithm":"sha256RSA","hasPrivateKey":true}"#

    private func parse(_ answer: String) throws(ProbeError) -> ProbeResult {
        let request = ProbeRequest(
            request: FactRequest(reads: [.certificates(Self.store)]), nonce: Self.nonce, deadlineSeconds: 30)
        let items = request.reads.map { $0 == .certificates(Self.store) ? answer : #"{"state":"keyAbsent"}"# }
        let body = #"{"edcaProbe":1,"nonce":"\#(Self.nonce)","answers":["# + items.joined(separator: ",") + "]}"
        let output = Array("EDCA-PROBE-BEGIN \(Self.nonce)\n\(body)\nEDCA-PROBE-END \(Self.nonce)\n".utf8)
        return try ProbeResponse.parse(standardOutput: output, standardError: [], exitStatus: 0, request: request)
    }

    @Test("The request names the store by its address; answers become the snapshot's certificates")
    func shapes() throws {
        #expect(Self.store.address == #"LocalMachine\My"#)
        let request = ProbeRequest(
            request: FactRequest(reads: [.certificates(Self.store)]), nonce: Self.nonce, deadlineSeconds: 30)
        #expect(String(decoding: request.payload(), as: UTF8.self).contains(#"{"certificates":"LocalMachine\\My"}"#))
        let result = try parse(#"{"certificates":["# + Self.certificate + "]}")
        guard case .entries(let entries)? = result.snapshot.certificates.state(of: Self.store) else {
            Issue.record("no certificates")
            return
        }
        #expect(entries.count == 1)
        #expect(entries.first?.notAfter == Timestamp(iso8601: "2027-03-01T00:00:00Z"))
        #expect(entries.first?.dnsNames == ["mail.contoso.com", "autodiscover.contoso.com"])
        #expect(entries.first?.keySize == 2048)
        #expect(try parse(#"{"state":"denied"}"#).snapshot.certificates.state(of: Self.store) == .denied)
        #expect(try parse(#"{"state":"absent"}"#).snapshot.certificates.state(of: Self.store) == .absent)
        let failed = try parse(#"{"state":"error","message":"The system cannot open the store"}"#)
        #expect(failed.snapshot.certificates.state(of: Self.store) == .denied)
        #expect(failed.readErrors == [#"certificate store LocalMachine\My: The system cannot open the store"#])
    }

    @Test(
        "A certificate answer of the wrong shape, with a field missing or unknown, or a date not ISO 8601 is malformed",
        arguments: [
            #"{"certificates":{}}"#, #"{"certificates":[{"thumbprint":"AB"}]}"#,
            #"{"certificates":["# + certificate.replacing(#""2027-03-01T00:00:00Z""#, with: #""3/1/2027""#) + "]}",
            #"{"certificates":["# + certificate.replacing(#""hasPrivateKey":true"#, with: #""hasPrivateKey":"yes""#)
                + "]}",
            #"{"certificates":["# + certificate.replacing("}", with: #","privateKey":"..."}"#) + "]}",
            #"{"state":"exists"}"#,
        ])
    func wrongShape(answer: String) {
        #expect {
            _ = try parse(answer)
        } throws: { error in
            guard let error = error as? ProbeError else { return false }
            return error.code == .malformedResponse && error.message.contains(#"certificate store LocalMachine\My"#)
        }
    }

    @Test("The probe script's store allow-list is the agent's, and certificates has a row in the readers' table")
    func scriptAllowList() {
        let stores = CertificateStore.allowed.map { "'\($0.address)'" }.joined(separator: ", ")
        #expect(ProbeScripts.probe.contains("$certificateStores = @(\(stores))"))
        #expect(ProbeScripts.probe.contains("certificates = @{ Reader = 'Read-Certificates'"))
    }
}

@Suite("ISO 8601 timestamps")
struct TimestampTests {
    @Test("Dates, times, fractions and offsets read as the same UTC instant; impossible dates are refused")
    func parsing() {
        let instant = Timestamp(iso8601: "2027-03-01T12:30:00Z")
        #expect(instant?.description == "2027-03-01T12:30:00Z")
        #expect(Timestamp(iso8601: "2027-03-01T14:30:00.123+02:00") == instant)
        #expect(Timestamp(iso8601: "2027-03-01T07:30:00-0500") == instant)
        #expect(Timestamp(iso8601: "2027-03-01")?.description == "2027-03-01T00:00:00Z")
        #expect(Timestamp(iso8601: "1970-01-01T00:00:00Z")?.secondsSinceEpoch == 0)
        #expect(Timestamp(iso8601: "2024-02-29")?.adding(days: 366).description == "2025-03-01T00:00:00Z")
        #expect(Timestamp(iso8601: "1969-12-31T23:59:59Z")?.description == "1969-12-31T23:59:59Z")
        for bad in ["2027-02-29", "2027-13-01", "3/1/2027", "2027-03-01T25:00:00Z", "2027-03-01T12:30:00Zjunk", ""] {
            #expect(Timestamp(iso8601: bad) == nil, "\(bad)")
        }
    }
}
