import EDCACore
import EDCAEngine
import EDCAJSON
import Testing

@testable import EDCAProbe

@Suite("The probe's command line and payload")
struct ProbeCommandTests {
    @Test("The command line is constant, free of shell metacharacters, and far below cmd.exe's 8,191 characters")
    func commandLineShape() throws {
        let line = ProbeScripts.commandLine
        let prefix = "powershell.exe -NoLogo -NoProfile -NonInteractive -EncodedCommand "
        #expect(line.hasPrefix(prefix))
        #expect(!line.lowercased().contains("executionpolicy"))
        let encoded = line.dropFirst(prefix.count)
        let base64Alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
        #expect(encoded.allSatisfy(base64Alphabet.contains))
        let asCmdRunsIt = #""C:\Windows\system32\cmd.exe" /c ""# + line + "\""
        // 2,000 characters to spare under cmd.exe's limit, for the bootstrap to grow.
        #expect(asCmdRunsIt.count < 6_191, "cmd.exe's limit is 8191; the line is \(asCmdRunsIt.count)")
    }

    @Test("The encoded bootstrap is UTF-16LE of a script that reads all of stdin and checks the probe's hash")
    func bootstrapDecodes() throws {
        let encoded = try #require(ProbeScripts.commandLine.split(separator: " ").last)
        let bytes = try #require(decodeBase64(String(encoded)))
        #expect(bytes.count.isMultiple(of: 2))
        let units = stride(from: 0, to: bytes.count, by: 2).map { UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8 }
        let bootstrap = String(decoding: units, as: UTF16.self)
        #expect(bootstrap == ProbeScripts.bootstrap)
        #expect(bootstrap.contains("@($input)"))
        #expect(bootstrap.contains("'\(ProbeScripts.probeSHA256)'"))
        #expect(!bootstrap.contains("-Command -"))
        #expect(ProbeScripts.probeSHA256.count == 64)
        #expect(ProbeScripts.probeSHA256.allSatisfy { "0123456789ABCDEF".contains($0) })
    }

    @Test("The PowerShell texts are ASCII, so that no console code page or ASCII copy changes them")
    func scriptsAreASCII() {
        #expect(ProbeScripts.bootstrap.utf8.allSatisfy { $0 < 0x80 })
        #expect(ProbeScripts.probe.utf8.allSatisfy { $0 < 0x80 })
    }

    @Test("The payload is ASCII: other characters are \\u escapes of the same text")
    func payloadIsASCII() throws {
        let key = try #require(RegistryPath("HKLM\\SOFTWARE\\Caf\u{E9} \u{1F600}"))
        var request = FactRequest(checks: [])
        request.add(.key(key))
        let payload = ProbeRequest(request: request, nonce: "0123456789abcdef0123456789abcdef", deadlineSeconds: 50)
            .payload()
        #expect(payload.allSatisfy { $0 < 0x80 })
        let text = String(decoding: payload, as: UTF8.self)
        #expect(text.contains(#"Caf\u00e9 \ud83d\ude00"#))
        guard case .object(let members) = try JSONParser.parse(payload).kind,
            case .array(let reads)? = members.first(where: { $0.name == "reads" })?.value.kind,
            case .object(let read)? = reads.first?.kind, case .string(let path)? = read.first?.value.kind
        else {
            Issue.record("no read in \(text)")
            return
        }
        #expect(path == key.text)
    }

    @Test("The payload is JSON data: the reads in order, the nonce, the deadline and the script; no code is spliced")
    func payloadIsData() throws {
        let hostile = try #require(RegistryPath(#"HKLM\SOFTWARE\x'; Remove-Item C:\ -Recurse; '"#))
        var request = FactRequest(checks: [])
        request.add(.value(hostile, RegistryName("$(Stop-Computer)")))
        let probe = ProbeRequest(request: request, nonce: "0123456789abcdef0123456789abcdef", deadlineSeconds: 50)
        let document = try JSONParser.parse(probe.payload())
        guard case .object(let members) = document.kind else {
            Issue.record("payload is not an object")
            return
        }
        let fields = Dictionary(uniqueKeysWithValues: members.map { ($0.name, $0.value) })
        guard case .string(let script)? = fields["script"]?.kind, case .array(let reads)? = fields["reads"]?.kind,
            case .string(let nonce)? = fields["nonce"]?.kind
        else {
            Issue.record("payload lacks script, reads or nonce")
            return
        }
        #expect(script == ProbeScripts.probe)
        #expect(nonce == "0123456789abcdef0123456789abcdef")
        #expect(reads.count == probe.reads.count)
        #expect(!script.contains("Remove-Item"), "request data never enters the script")
        #expect(probe.reads.contains(.value(hostile, RegistryName("$(Stop-Computer)"))))
        #expect(probe.reads.contains { HostIdentity.reads.contains($0) })
    }

    @Test("A scan's request given each host's nonce gives the same payload as a request made with that nonce")
    func payloadWithNonceIsTheSame() throws {
        let hostile = try #require(RegistryPath(#"HKLM\SOFTWARE\"nonce":"\#u{E9}"#))
        var request = FactRequest(checks: [])
        request.add(.value(hostile, RegistryName("x")))
        let scanRequest = ProbeRequest(request: request, nonce: "", deadlineSeconds: 45)
        for nonce in [ProbeRequest.makeNonce(), "0123456789abcdef0123456789abcdef", #"quote " and \ and \#u{E9}"#] {
            let direct = ProbeRequest(request: request, nonce: nonce, deadlineSeconds: 45).payload()
            #expect(scanRequest.withNonce(nonce).payload() == direct, "\(nonce)")
        }
    }

    @Test("A request of 2,000 value reads, ten times the catalog's, stays under the payload limit")
    func payloadHeadroom() throws {
        var request = FactRequest(checks: [])
        for index in 0..<2_000 {
            let key = try #require(RegistryPath(#"HKLM\SYSTEM\CurrentControlSet\Services\Service\#(index)\Parameters"#))
            request.add(.value(key, RegistryName("RequireSecuritySignature")))
        }
        let payload = ProbeRequest(request: request, nonce: String(repeating: "0", count: 32), deadlineSeconds: 45)
            .payload()
        // The reads take about 220 KB; the probe script, with the Exchange stage's table, about 45 KB more.
        #expect(payload.count < ProbeRequest.payloadSizeLimit / 3, "\(payload.count) bytes")
    }

    @Test("A request over the payload limit is refused before anything is sent")
    func oversizedRequestRefused() throws {
        var request = FactRequest(checks: [])
        let longName = String(repeating: "x", count: 2_000)
        for index in 0..<1_000 {
            let key = try #require(RegistryPath(#"HKLM\SOFTWARE\K\#(index)"#))
            request.add(.value(key, RegistryName(longName)))
        }
        let probe = ProbeRequest(request: request, nonce: String(repeating: "0", count: 32), deadlineSeconds: 45)
        #expect(throws: ProbeError.self) { try probe.checkedPayload() }
    }

    @Test("Nonces are 32 hexadecimal digits and differ between runs")
    func nonces() {
        var generator = SystemRandomNumberGenerator()
        let first = ProbeRequest.makeNonce(using: &generator)
        let second = ProbeRequest.makeNonce(using: &generator)
        #expect(first.count == 32 && first.allSatisfy(\.isHexDigit))
        #expect(first != second)
    }

    private func decodeBase64(_ text: String) -> [UInt8]? {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var bits: UInt32 = 0
        var count = 0
        var output: [UInt8] = []
        for byte in text.utf8 where byte != UInt8(ascii: "=") {
            guard let value = alphabet.firstIndex(of: byte) else { return nil }
            bits = bits << 6 | UInt32(value)
            count += 6
            if count >= 8 {
                count -= 8
                output.append(UInt8(truncatingIfNeeded: bits >> UInt32(count)))
            }
        }
        return output
    }
}
