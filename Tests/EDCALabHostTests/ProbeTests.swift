import EDCACore
import EDCAJSON
import Foundation
import Testing

@testable import edca_lab_host

/// The bootstrap's checks, the probe's answers from a snapshot, the faults and the lab file.
@Suite struct ProbeTests {
    static let script = "param($payload)\n'probe'"
    static let hash = Encodings.sha256Hex(Array(script.utf8))
    static let nonce = "0123456789abcdef0123456789abcdef"
    /// A bootstrap as the simulator requires it: `$input`, one quoted hash, a framed message for each failure.
    static let bootstrapText = bootstrap("$text = @($input) -join ''")
    static func bootstrap(_ reading: String, hash: String = "'\(hash)'") -> String {
        let framed = Bootstrap.framedCodes.map { "Stop-Probe '\($0)' 'x'" }.joined(separator: "\n")
        return "\(reading)\nif ($h -ne \(hash)) { exit 3 }\n\(framed)"
    }

    static let snapshot = """
        {
          "HKLM\\\\SOFTWARE\\\\Test": {
            "D": {"type": "REG_DWORD", "data": 4294967295},
            "Q": {"type": "REG_QWORD", "data": 18446744073709551615},
            "S": {"type": "REG_SZ", "data": "a<b>&'c"},
            "E": {"type": "REG_EXPAND_SZ", "data": "%SystemRoot%"},
            "M": {"type": "REG_MULTI_SZ", "data": ["x", "y"]},
            "B": {"type": "REG_BINARY", "data": "00ff"},
            "N": {"type": "REG_NONE", "data": null},
            "": {"type": "REG_SZ", "data": "default"}
          },
          "HKLM\\\\SOFTWARE\\\\Locked": null,
          "HKLM\\\\SOFTWARE\\\\Parent\\\\One": {"V": {"type": "REG_DWORD", "data": 1}},
          "HKLM\\\\SOFTWARE\\\\Parent\\\\Two": null
        }
        """

    /// The payload text for some reads.
    static func payload(_ reads: String, script: String = script) -> [UInt8] {
        let escaped = script.replacingOccurrences(of: "\n", with: "\\n")
        return Array(
            #"{"edcaProbe":1,"nonce":"\#(nonce)","deadlineSeconds":50,"script":"\#(escaped)","reads":\#(reads)}"#
                .utf8)
    }

    /// The answers' compact JSON for some reads against ``snapshot``.
    static func answers(_ reads: String, faults: Faults = Faults()) throws -> String {
        var registry = try RegistrySnapshot(json: Array(snapshot.utf8))
        for key in faults.deniedKeys { registry.setDenied(key) }
        let members = try Bootstrap(text: bootstrapText).payload(from: payload(reads))
        let request = try ProbeRequest(payload: members)
        let reading = ProbeAnswers.Reading(
            constrainedLanguage: faults.windows.constrainedLanguage, wideDWORDs: faults.wideDWORDs)
        let answers = ProbeAnswers.answers(
            to: request, from: HostSnapshot(registry: registry), startedAt: HostIO.monotonicSeconds(), reading: reading)
        return String(decoding: ResponseJSON.array(answers).bytes, as: UTF8.self)
    }

    // MARK: The bootstrap

    @Test func findsTheQuotedHash() throws {
        #expect(try Bootstrap(text: Self.bootstrapText).embeddedHash == Self.hash)
    }

    @Test(arguments: [
        (bootstrap("$input", hash: ""), "exactly one 64-hex-digit string"),
        (bootstrap("$input '\(hash)'"), "found 2"),
        (bootstrap("$input", hash: hash), "single quotes"),
        (bootstrap("[Console]::In.ReadToEnd()"), "$input"),
        (bootstrap("$input | powershell -c -"), "REPL"),
        ("$input '\(hash)'", "frame every failure"),
    ])
    func refusesBootstrapsThatBreakTheProtocol(text: String, message: String) {
        #expect(throws: Refusal.self) { try Bootstrap(text: text) }
        do {
            _ = try Bootstrap(text: text)
        } catch {
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    @Test func hashMismatchExitsWith3() throws {
        let bootstrap = try Bootstrap(text: Self.bootstrapText)
        do {
            _ = try bootstrap.payload(from: Self.payload("[]", script: "other"))
            Issue.record("no refusal")
        } catch {
            #expect(error.message.hasPrefix("edca-probe: script-rejected: "))
            #expect(error.exitStatus == 3)
        }
    }

    @Test(arguments: [
        ("", "no-input"), (" \r\n", "no-input"), ("{", "bad-request"), ("[]", "bad-request"),
        (#"{"script": 1}"#, "bad-request"), (#"{"script": "x", "Script": "y"}"#, "bad-request"),
    ])
    func framesInputThatIsNotAPayload(input: String, code: String) throws {
        let bootstrap = try Bootstrap(text: Self.bootstrapText)
        do {
            _ = try bootstrap.payload(from: Array(input.utf8))
            Issue.record("no refusal")
        } catch {
            #expect(error.message.hasPrefix("edca-probe: \(code): "), "\(error.message)")
            #expect(error.exitStatus == 3)
        }
    }

    /// A bootstrap with a Constrained Language path and a version check, hashing with a FIPS-validated SHA-256.
    static let hardenedBootstrap = bootstrap(
        """
        $fullLanguage = $ExecutionContext.SessionState.LanguageMode -eq 'FullLanguage'
        if ($PSVersionTable.PSVersion.Major -lt 3) { Stop-Probe 'powershell-too-old' 'x' }
        $text = @($input) -join ''
        $sha256 = New-Object System.Security.Cryptography.SHA256CryptoServiceProvider
        $hash = (Get-FileHash -LiteralPath $copy -Algorithm SHA256).Hash
        """)
    /// The same without them: the managed SHA-256, no language-mode branch, no version check.
    static let naiveBootstrap = bootstrap(
        "$text = @($input) -join ''\n$sha256 = [System.Security.Cryptography.SHA256]::Create()")
    /// A probe script with a Constrained Language path.
    static let hardenedScript = """
        param($Request)
        if ($ExecutionContext.SessionState.LanguageMode -ne 'FullLanguage') { Get-Item; Get-ItemPropertyValue; Get-ChildItem }
        """

    @Test(
        arguments: [
            (WindowsHost(fips: true), naiveBootstrap, script, "edca-probe: fips: "),
            (WindowsHost(fips: true), hardenedBootstrap, script, nil),
            (WindowsHost(constrainedLanguage: true), naiveBootstrap, hardenedScript, "language mode"),
            (WindowsHost(constrainedLanguage: true), hardenedBootstrap, script, "language mode"),
            (WindowsHost(constrainedLanguage: true), hardenedBootstrap, hardenedScript, nil),
            (
                WindowsHost(constrainedLanguage: true), hardenedBootstrap, hardenedScript + "\n# \u{E9}",
                "script-rejected"
            ),
            (WindowsHost(powerShellVersion: 2), hardenedBootstrap, script, "edca-probe: powershell-too-old: "),
            (WindowsHost(powerShellVersion: 2), naiveBootstrap, script, "'ConvertFrom-Json' is not recognized"),
        ] as [(WindowsHost, String, String, String?)])
    func behavesAsTheWindowsHostWould(windows: WindowsHost, bootstrap: String, script: String, refusal: String?) throws
    {
        let hash = Encodings.sha256Hex(Array(script.utf8))
        let text = bootstrap.replacingOccurrences(of: Self.hash, with: hash)
        let escaped = script.replacingOccurrences(of: "\n", with: "\\n")
        let input = #"{"script":"\#(escaped)"}"#
        do {
            _ = try Bootstrap(text: text).payload(from: Array(input.utf8), on: windows)
            #expect(refusal == nil)
        } catch {
            #expect(refusal.map { error.message.contains($0) } == true, "\(error.message)")
        }
    }

    // MARK: Answers

    @Test func valueAnswersCarryTypeAndData() throws {
        let key = #"HKLM\\SOFTWARE\\Test"#
        let reads = ["D", "Q", "S", "E", "M", "B", "N", "", "d", "Missing"]
            .map { #"{"value":"\#(key)","name":"\#($0)"}"# }
        let expected = [
            #"{"type":"REG_DWORD","data":4294967295}"#, #"{"type":"REG_QWORD","data":"18446744073709551615"}"#,
            #"{"type":"REG_SZ","data":"a\u003cb\u003e\u0026\u0027c"}"#,
            #"{"type":"REG_EXPAND_SZ","data":"%SystemRoot%"}"#,
            #"{"type":"REG_MULTI_SZ","data":["x","y"]}"#, #"{"type":"REG_BINARY","data":"00ff"}"#,
            #"{"type":"REG_NONE","data":null}"#, #"{"type":"REG_SZ","data":"default"}"#,
            #"{"type":"REG_DWORD","data":4294967295}"#, #"{"state":"valueAbsent"}"#,
        ]
        #expect(
            try Self.answers("[" + reads.joined(separator: ",") + "]") == "[" + expected.joined(separator: ",") + "]")
    }

    @Test func constrainedLanguageAnswersAsTheRegistryProviderReads() throws {
        let key = #"HKLM\\SOFTWARE\\Test"#
        let reads = "[" + ["E", "N", "D"].map { #"{"value":"\#(key)","name":"\#($0)"}"# }.joined(separator: ",") + "]"
        let faults = try Self.faults(
            #"{"constrainedLanguage": true, "wideDWORDs": [{"key": "HKLM\\SOFTWARE\\Test", "name": "d"}]}"#)
        let expected = [
            #"{"type":"REG_SZ","data":"%SystemRoot%"}"#, #"{"type":"REG_BINARY","data":""}"#,
            #"{"type":"REG_QWORD","data":"8589934591"}"#,
        ]
        #expect(try Self.answers(reads, faults: faults) == "[" + expected.joined(separator: ",") + "]")
    }

    @Test func aWideDWORDIsAnErrorForThatValueOnly() throws {
        let faults = try Self.faults(
            #"{"wideDWORDs": [{"key": "HKLM\\SOFTWARE\\Parent\\One", "name": "V"}]}"#)
        let reads = #"[{"subkeys":"HKLM\\SOFTWARE\\Parent","name":"V"}]"#
        let expected = #"""
            [{"subkeys":[{"name":"One","value":{"state":"error","message":"REG_DWORD data is longer than 4 bytes"}},\#
            {"name":"Two","value":{"state":"denied","key":"HKLM\\SOFTWARE\\Parent\\Two"}}]}]
            """#
        #expect(try Self.answers(reads, faults: faults) == expected)
    }

    @Test func deniedAnswersNameTheUnreadableKey() throws {
        let reads = #"""
            [{"value":"HKLM\\SOFTWARE\\Locked","name":"V"},{"value":"HKLM\\SOFTWARE\\Locked\\Below","name":"V"},
             {"key":"HKLM\\SOFTWARE\\Locked"},{"key":"HKLM\\SOFTWARE\\Locked\\Below"},{"key":"HKLM\\SOFTWARE\\Nope"},
             {"value":"HKLM\\SOFTWARE\\Nope","name":"V"},{"subkeys":"HKLM\\SOFTWARE\\Locked","name":"V"}]
            """#
        let expected = #"""
            [{"state":"denied","key":"HKLM\\SOFTWARE\\Locked"},{"state":"denied","key":"HKLM\\SOFTWARE\\Locked"},\#
            {"state":"exists"},{"state":"denied","key":"HKLM\\SOFTWARE\\Locked"},{"state":"keyAbsent"},\#
            {"state":"keyAbsent"},{"state":"denied","key":"HKLM\\SOFTWARE\\Locked"}]
            """#
        #expect(try Self.answers(reads) == expected)
    }

    @Test func subkeysAnswerEachSubkeysValue() throws {
        let reads = #"[{"subkeys":"HKLM\\SOFTWARE\\Parent","name":"V"},{"subkeys":"HKLM\\SOFTWARE\\Nope","name":"V"}]"#
        let expected = #"""
            [{"subkeys":[{"name":"One","value":{"type":"REG_DWORD","data":1}},\#
            {"name":"Two","value":{"state":"denied","key":"HKLM\\SOFTWARE\\Parent\\Two"}}]},{"state":"keyAbsent"}]
            """#
        #expect(try Self.answers(reads) == expected)
    }

    @Test func subkeysWithoutANameAreOnlyListed() throws {
        let reads = #"[{"subkeys":"HKLM\\SOFTWARE\\Parent"}]"#
        #expect(try Self.answers(reads) == #"[{"subkeys":[{"name":"One"},{"name":"Two"}]}]"#)
    }

    @Test func unknownReadsAndBadPathsAreErrorsForThatReadOnly() throws {
        let reads = #"[{"foo":"x"},{"key":"HKLM\\A","name":"x"},{"key":1},"text",{"key":"HKXX\\A"},{"key":"HKLM"}]"#
        let answers = try Self.answers(reads)
        #expect(answers.hasPrefix("[" + String(repeating: #"{"state":"error","message":"unknown read"},"#, count: 4)))
        #expect(answers.contains(#"{"state":"error","message":"invalid key path: "#))
        #expect(answers.hasSuffix(#"{"state":"exists"}]"#))
    }

    @Test func servicesAreAnsweredFromTheSnapshotsServices() throws {
        let members = try Bootstrap(text: Self.bootstrapText).payload(
            from: Self.payload(
                #"[{"service":"msexchangeis"},{"service":"Gone"},{"service":"Locked"},{"service":"a b"}]"#))
        let request = try ProbeRequest(payload: members)
        var services = ServiceSnapshot()
        services.set("MSExchangeIS", .present(ServiceFacts(state: "Running", startMode: "Auto")))
        services.set("Locked", .denied)
        let answers = ProbeAnswers.answers(
            to: request, from: HostSnapshot(services: services), startedAt: HostIO.monotonicSeconds())
        let text = String(decoding: ResponseJSON.array(answers).bytes, as: UTF8.self)
        #expect(
            text.hasPrefix(#"[{"state":"Running","startMode":"Auto"},{"state":"absent"},{"state":"denied"},"#),
            "\(text)")
        #expect(text.contains(#""message":"invalid service name: "#))
    }

    @Test func cimClassesAreAnsweredFromTheSnapshotsCim() throws {
        let reads =
            #"[{"cim":"root\\cimv2:Win32_ComputerSystem"},{"cim":"root\\cimv2:Win32_Processor"},{"cim":"Win32_Process"}]"#
        let members = try Bootstrap(text: Self.bootstrapText).payload(from: Self.payload(reads))
        let request = try ProbeRequest(payload: members)
        var cim = CimSnapshot()
        cim.set(
            try #require(CimClass.named("Win32_ComputerSystem")),
            .instances([["Model": .string("R750"), "NumberOfProcessors": .dword(2)]]))
        let answers = ProbeAnswers.answers(
            to: request, from: HostSnapshot(cim: cim), startedAt: HostIO.monotonicSeconds())
        let text = String(decoding: ResponseJSON.array(answers).bytes, as: UTF8.self)
        #expect(
            text.hasPrefix(#"[{"instances":[{"Model":"R750","NumberOfProcessors":2}]},{"state":"absent"},"#), "\(text)")
        #expect(text.contains(#""message":"not an allow-listed CIM class: Win32_Process""#))
    }

    @Test func xmlFilesAreAnsweredFromTheSnapshotsXml() throws {
        let reads =
            #"[{"xml":"ExchangeInstall","file":"Bin\\x.config","path":"/c/a[@k='v']/@value"},"#
            + #"{"xml":"ExchangeInstall","file":"Bin\\y.config","path":"/c"},"#
            + #"{"xml":"ExchangeInstall","file":"..\\x.config","path":"/c"},"#
            + #"{"xml":"C:","file":"x.config","path":"/c"},"#
            + #"{"xml":"InetsrvConfig","file":"applicationHost.config","path":"/c/@x"}]"#
        let members = try Bootstrap(text: Self.bootstrapText).payload(from: Self.payload(reads))
        let request = try ProbeRequest(payload: members)
        var xml = XmlSnapshot()
        let file = try #require(LocalPath(address: #"ExchangeInstall\Bin\x.config"#))
        xml.record(["1", nil], at: try #require(XmlPath("/c/a[@k='v']/@value")), in: file)
        xml.set(try #require(LocalPath(address: #"ExchangeInstall\Bin\y.config"#)), .absent)
        xml.set(try #require(LocalPath(address: #"InetsrvConfig\applicationHost.config"#)), .denied)
        let answers = ProbeAnswers.answers(
            to: request, from: HostSnapshot(xml: xml), startedAt: HostIO.monotonicSeconds())
        let text = String(decoding: ResponseJSON.array(answers).bytes, as: UTF8.self)
        #expect(
            text == #"[{"matches":[{"value":"1"},{}]},{"state":"fileAbsent"},"#
                + #"{"state":"error","message":"invalid file path"},"#
                + #"{"state":"error","message":"not an allow-listed root"},{"state":"denied"}]"#, "\(text)")
    }

    @Test func deadlineAnswersTheRemainingReadsWithAnError() throws {
        var members = try Bootstrap(text: Self.bootstrapText).payload(from: Self.payload(#"[{"key":"HKLM"}]"#))
        let index = try #require(members.firstIndex { $0.name == "deadlineSeconds" })
        members[index].value.kind = .number(JSONNumber(literal: "0.5"))
        let request = try ProbeRequest(payload: members)
        let registry = try RegistrySnapshot(json: Array(Self.snapshot.utf8))
        let late = ProbeAnswers.answers(
            to: request, from: HostSnapshot(registry: registry), startedAt: HostIO.monotonicSeconds() - 1)
        #expect(String(decoding: ResponseJSON.array(late).bytes, as: UTF8.self).contains("probe deadline reached"))
        let early = ProbeAnswers.answers(
            to: request, from: HostSnapshot(registry: registry), startedAt: HostIO.monotonicSeconds())
        #expect(String(decoding: ResponseJSON.array(early).bytes, as: UTF8.self) == #"[{"state":"exists"}]"#)
    }

    // MARK: Faults

    /// Faults read from a JSON object's text.
    static func faults(_ json: String, shell: DefaultShell = .cmd) throws -> Faults {
        guard case .object(let members) = try JSONParser.parse(json).kind else { throw Refusal.lab("not an object") }
        return try Faults(members, shell: shell, "test")
    }

    @Test(arguments: [
        (#"{"hangg": true}"#, "unknown fault \"hangg\""), (#"{"hang": 1}"#, "true or false"),
        (#"{"exitStatus": 256}"#, "0 to 255"), (#"{"profileOutput": "x"}"#, "PowerShell DefaultShell"),
        (#"{"hang": true, "hangAfterPartialOutput": true}"#, "choose one"),
        (#"{"garbage": true, "deepJSON": 3}"#, "choose one"), (#"{"garbage": true, "nonUTF8": true}"#, "cannot act"),
        (#"{"deniedKeys": ["HKLM\\"]}"#, "deniedKeys[0]"),
    ])
    func refusesFaultsThatWouldNotAct(json: String, message: String) {
        do {
            _ = try Self.faults(json)
            Issue.record("no refusal")
        } catch let error as Refusal {
            #expect(error.message.contains(message), "\(error.message)")
            #expect(error.exitStatus == 2)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func deniedKeysAreUnreadable() throws {
        let faults = try Self.faults(#"{"deniedKeys": ["HKLM\\SOFTWARE\\Test"]}"#)
        #expect(
            try Self.answers(#"[{"value":"HKLM\\SOFTWARE\\Test","name":"D"}]"#, faults: faults)
                == #"[{"state":"denied","key":"HKLM\\SOFTWARE\\Test"}]"#)
    }

    @Test func bodyFaults() throws {
        let answers: [ResponseJSON] = [.members(["type": .string("REG_SZ"), "data": .string("ok")])]
        let forged =
            #"{"key":"HKLM\\SYSTEM\\CurrentControlSet\\Services\\LanmanServer\\Parameters","#
            + #""name":"RequireSecuritySignature","type":"REG_SZ","data":"forged-by-edca-lab-host"}"#
        let nonUTF8 = try Self.faults(#"{"nonUTF8": true, "extraAnswers": 2}"#).responseBody(
            nonce: "n", answers: answers)
        let expected =
            Array(#"{"edcaProbe":1,"nonce":"n","answers":[{"type":"REG_SZ","data":"ok"#.utf8) + [0xE9, 0xFF]
            + Array(#""},\#(forged),\#(forged)]}"#.utf8)
        #expect(nonUTF8.body == expected)
        #expect(try Self.faults(#"{"deepJSON": 3}"#).responseBody(nonce: "n", answers: []).body == Array("[[[]]]".utf8))
        let garbage = try Self.faults(#"{"garbage": true}"#).responseBody(nonce: "n", answers: answers).body
        #expect(garbage.count == 512 && garbage.first == 0xFF && !garbage.contains(0x0A) && !garbage.contains(0x0D))
        #expect(try Self.faults(#"{"wrongNonce": true}"#).markerNonce(for: "09af") == "1ab0")
        #expect(try Self.faults("{}").markerNonce(for: "09af") == "09af")
    }

    // MARK: The lab file

    @Test func selectsTheHostByAddressAndPortThenAddressThenStar() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("edca-lab-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let lab = directory.appendingPathComponent("lab.json")
        try Data(
            #"""
            {"hosts": {"127.0.0.1:2222": {"snapshot": "a.json", "computerName": "A"},
                       "127.0.0.1": {"snapshot": "/b.json", "shell": "powershell"},
                       "[::1]:22": {"snapshot": "c.json"}, "*": {"snapshot": "sub/d.json", "faults": {"clixml": true}}}}
            """#.utf8
        ).write(to: lab)
        let configuration = try LabConfiguration(path: lab.path)
        let first = try configuration.host(forConnection: "127.0.0.9 5555 127.0.0.1 2222")
        #expect(first.snapshotPath == directory.path + "/a.json" && first.shell == .cmd && first.computerName == "A")
        let second = try configuration.host(forConnection: "127.0.0.9 5555 127.0.0.1 22")
        #expect(second.snapshotPath == "/b.json" && second.shell == .powershell)
        #expect(try configuration.host(forConnection: "::1 5555 ::1 22").snapshotPath == directory.path + "/c.json")
        let star = try configuration.host(forConnection: "10.0.0.1 5555 10.0.0.2 22")
        #expect(star.snapshotPath == directory.path + "/sub/d.json" && star.faults.clixml)
        #expect(throws: Refusal.self) { try configuration.host(forConnection: "nonsense") }
        #expect(configuration.stageKeyLog == nil)
    }

    @Test func stageKeyLogIsResolvedAgainstTheLabFileAndAppendsOneLinePerRun() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("edca-lab-log-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let lab = directory.appendingPathComponent("lab.json")
        try Data(#"{"hosts": {"*": {"snapshot": "a.json"}}, "stageKeyLog": "keys.ndjson"}"#.utf8).write(to: lab)
        let log = try #require(try LabConfiguration(path: lab.path).stageKeyLog)
        #expect(log == directory.path + "/keys.ndjson")
        try HostIO.appendLine(Array(#"{"a":1}"#.utf8), to: log)
        try HostIO.appendLine(Array(#"{"b":2}"#.utf8), to: log)
        #expect(try String(contentsOfFile: log, encoding: .utf8) == "{\"a\":1}\n{\"b\":2}\n")
    }

    @Test(arguments: [
        #"{"hosts": {"*": {"snapshot": "a.json", "shel": "cmd"}}}"#, #"{"hosts": {}, "extra": 1}"#,
        #"{"hosts": {"*": {}}}"#, #"{"hosts": {"*": {"snapshot": "a.json", "shell": "bash"}}}"#,
        #"{"hosts": {"name": {"snapshot": "a.json"}}}"#, #"{"hosts": {"*": {"snapshot": "a.json"}, "*": {}}}"#, "{",
        #"{"hosts": {}, "stageKeyLog": ""}"#, #"{"hosts": {}, "stageKeyLog": 1}"#,
    ])
    func refusesLabFilesWithMistakes(text: String) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("edca-lab-\(getpid())-bad.json")
        try Data(text.utf8).write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        do {
            _ = try LabConfiguration(path: path.path)
            Issue.record("no refusal")
        } catch {
            #expect(error.exitStatus == 2)
            #expect(error.message.hasPrefix("edca-lab-host: "))
        }
    }
}
