import EDCACore
import EDCAEngine
import EDCAJSON
import Testing

@testable import EDCAProbe

@Suite("Reading the probe's response")
struct ProbeResponseTests {
    static let nonce = "00112233445566778899aabbccddeeff"
    static let server = #"HKLM\SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters"#
    static let interfaces = #"HKLM\SYSTEM\CurrentControlSet\Services\NetBT\Parameters\Interfaces"#

    private func request() throws -> ProbeRequest {
        var request = FactRequest(checks: [])
        request.add(.value(try #require(RegistryPath(Self.server)), RegistryName("RequireSecuritySignature")))
        request.add(.subkeyValues(try #require(RegistryPath(Self.interfaces)), RegistryName("NetbiosOptions")))
        return ProbeRequest(request: request, nonce: Self.nonce, deadlineSeconds: 30)
    }

    /// Answers for every read of `request`: `special` answers by read, the rest `keyAbsent`.
    private func answers(_ request: ProbeRequest, _ special: [FactRead: String]) -> String {
        let items = request.reads.map { special[$0] ?? #"{"state":"keyAbsent"}"# }
        return #"{"edcaProbe":1,"nonce":"\#(Self.nonce)","answers":["# + items.joined(separator: ",") + "]}"
    }

    private func framed(_ body: String, nonce: String = nonce) -> [UInt8] {
        Array("Welcome to MBX01\r\n\r\nEDCA-PROBE-BEGIN \(nonce)\r\n\(body)\r\nEDCA-PROBE-END \(nonce)\r\n".utf8)
    }

    private func parse(_ output: [UInt8], _ request: ProbeRequest, stderr: String = "", exit: Int32? = 0) throws
        -> ProbeResult
    {
        try ProbeResponse.parse(
            standardOutput: output, standardError: Array(stderr.utf8), exitStatus: exit, request: request)
    }

    private func probeError(_ output: [UInt8], _ request: ProbeRequest, stderr: String = "", exit: Int32? = 0)
        -> ProbeError?
    {
        do {
            _ = try parse(output, request, stderr: stderr, exit: exit)
            return nil
        } catch {
            return error as? ProbeError
        }
    }

    @Test("A framed response after a banner becomes a snapshot; values, subkeys and unset values are kept apart")
    func framedResponse() throws {
        let request = try request()
        let server = try #require(RegistryPath(Self.server))
        let interfaces = try #require(RegistryPath(Self.interfaces))
        let body = answers(
            request,
            [
                .value(server, RegistryName("RequireSecuritySignature")): #"{"type":"REG_DWORD","data":1}"#,
                .subkeyValues(interfaces, RegistryName("NetbiosOptions")):
                    #"{"subkeys":[{"name":"Tcpip_{A}","value":{"type":"REG_DWORD","data":2}},"#
                    + #"{"name":"Tcpip_{B}","value":{"state":"valueAbsent"}}]}"#,
            ])
        let result = try parse(framed(body) + Array("PS C:\\> trailing noise\r\n".utf8), request)
        guard
            case .present(let value) = result.snapshot.registry.value(
                RegistryName("requiresecuritysignature"), in: server)
        else {
            Issue.record("the value is missing")
            return
        }
        #expect(value.data == .dword(1))
        guard case .keys(let subkeys) = result.snapshot.registry.subkeys(of: interfaces) else {
            Issue.record("the interfaces are missing")
            return
        }
        #expect(subkeys.map(\.leafName) == ["Tcpip_{A}", "Tcpip_{B}"])
        guard case .valueAbsent = result.snapshot.registry.value(RegistryName("NetbiosOptions"), in: subkeys[1]) else {
            Issue.record("Tcpip_{B} should exist without NetbiosOptions")
            return
        }
        #expect(result.readErrors.isEmpty)
        #expect(result.identity.role == nil)
    }

    @Test("A subkey listing without values adds the subkeys, and a listing entry without a name is unreadable")
    func subkeyListing() throws {
        let providers = try #require(RegistryPath(#"HKLM\SOFTWARE\Microsoft\AMSI\Providers"#))
        var reads = FactRequest(checks: [])
        reads.add(.subkeyNames(providers))
        let request = ProbeRequest(request: reads, nonce: Self.nonce, deadlineSeconds: 30)
        let listed = try parse(
            framed(answers(request, [.subkeyNames(providers): #"{"subkeys":[{"name":"{2781761E}"},{"name":"{A}"}]}"#])),
            request)
        guard case .keys(let subkeys) = listed.snapshot.registry.subkeys(of: providers) else {
            Issue.record("the providers are missing")
            return
        }
        #expect(subkeys.map(\.leafName) == ["{2781761E}", "{A}"])
        let broken = try parse(
            framed(answers(request, [.subkeyNames(providers): #"{"subkeys":[{"value":{"state":"valueAbsent"}}]}"#])),
            request)
        #expect(broken.readErrors.count == 1)
        guard case .denied = broken.snapshot.registry.subkeys(of: providers) else {
            Issue.record("a listing that cannot be read must leave the key unreadable")
            return
        }
    }

    @Test("No framed response for this run's nonce is a no-response error, even when another nonce frames one")
    func wrongNonce() throws {
        let request = try request()
        let error = probeError(framed(answers(request, [:]), nonce: "ffffffffffffffffffffffffffffffff"), request)
        #expect(error?.code == .noResponse)
    }

    @Test("A response cut short, not JSON, too deep or with too few answers is malformed")
    func malformedResponses() throws {
        let request = try request()
        let begin = Array("EDCA-PROBE-BEGIN \(Self.nonce)\n{\"answers\":[".utf8)
        #expect(probeError(begin, request)?.code == .malformedResponse)
        #expect(probeError(framed("not json at all"), request)?.code == .malformedResponse)
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(probeError(framed(deep), request)?.code == .malformedResponse)
        let tooFew = #"{"edcaProbe":1,"nonce":"\#(Self.nonce)","answers":[{"state":"keyAbsent"}]}"#
        #expect(probeError(framed(tooFew), request)?.message.contains("answered 1 of") == true)
        let invalidUTF8 = framed(answers(request, [:])).map { $0 == UInt8(ascii: "k") ? 0xFF : $0 }
        #expect(probeError(invalidUTF8, request)?.code == .malformedResponse)
    }

    @Test("Answers beyond the reads are ignored and never become facts")
    func extraAnswersIgnored() throws {
        let request = try request()
        let body = answers(request, [:]).dropLast(2) + #",{"type":"REG_DWORD","data":1}]}"#
        let result = try parse(framed(String(body)), request)
        #expect(result.ignoredAnswers == 1)
        #expect(result.snapshot.registry.listedKeys.isEmpty)
    }

    @Test("A denied answer marks the key it names unreadable, but only when that key is the read's or above it")
    func deniedAnswers() throws {
        let request = try request()
        let server = try #require(RegistryPath(Self.server))
        let read = FactRead.value(server, RegistryName("RequireSecuritySignature"))
        let above = #"HKLM\\SYSTEM\\CurrentControlSet\\Services\\LanmanServer"#
        let result = try parse(framed(answers(request, [read: #"{"state":"denied","key":"\#(above)"}"#])), request)
        #expect(
            result.snapshot.registry.unreadableKey(hiding: server)?.text
                == #"HKLM\SYSTEM\CurrentControlSet\Services\LanmanServer"#)
        let elsewhere = #"HKLM\\SOFTWARE\\Unrelated"#
        let claim = try parse(framed(answers(request, [read: #"{"state":"denied","key":"\#(elsewhere)"}"#])), request)
        #expect(claim.snapshot.registry.unreadableKey(hiding: server) == server)
        #expect(claim.snapshot.registry.listedKeys.allSatisfy { !$0.contains("Unrelated") })
    }

    @Test("An error answer makes its key unreadable and is reported, so no control passes on it")
    func errorAnswers() throws {
        let request = try request()
        let server = try #require(RegistryPath(Self.server))
        let read = FactRead.value(server, RegistryName("RequireSecuritySignature"))
        let result = try parse(framed(answers(request, [read: #"{"state":"error","message":"boom"}"#])), request)
        guard case .denied = result.snapshot.registry.value(RegistryName("RequireSecuritySignature"), in: server) else {
            Issue.record("an error answer must make the value unreadable")
            return
        }
        #expect(result.readErrors == [Self.server + ": boom"])
    }

    @Test("The host's role, name and builds come from the identity reads")
    func identity() throws {
        let request = try request()
        let edge = try #require(RegistryPath(#"HKLM\SOFTWARE\Microsoft\ExchangeServer\v15\EdgeTransportRole"#))
        let windows = try #require(RegistryPath(#"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion"#))
        let name = try #require(RegistryPath(#"HKLM\SYSTEM\CurrentControlSet\Control\ComputerName\ComputerName"#))
        let body = answers(
            request,
            [
                .key(edge): #"{"state":"exists"}"#,
                .value(windows, RegistryName("CurrentBuildNumber")): #"{"type":"REG_SZ","data":"20348"}"#,
                .value(windows, RegistryName("UBR")): #"{"type":"REG_DWORD","data":2340}"#,
                .value(name, RegistryName("ComputerName")): #"{"type":"REG_SZ","data":"EDGE01"}"#,
            ])
        let result = try parse(framed(body), request)
        #expect(result.identity.role == .edge)
        #expect(result.identity.computerName == "EDGE01")
        #expect(result.identity.windowsBuild == "20348.2340")
        #expect(result.identity.exchangeVersion == nil)
    }

    @Test("Empty output from a killed powershell.exe is probe.blocked: security software may have blocked it")
    func silentKill() throws {
        let error = probeError([], try request(), exit: nil)
        #expect(error?.code == .blocked)
        #expect(error?.message.contains("security software") == true)
    }

    @Test(
        "A framed line on stderr, or what Windows says, is its own error class naming the remedy, with stderr quoted",
        arguments: [
            (
                "edca-probe: script-rejected: the script has another SHA-256\r\n", ProbeError.Code.scriptRejected,
                "SHA-256"
            ),
            ("edca-probe: no-input: standard input was empty\r\n", .noInput, "stdin"),
            (
                "edca-probe: bad-request: the request's \"nonce\" must be 32 lowercase hexadecimal digits\r\n",
                .badRequest, "nonce"
            ),
            ("edca-probe: powershell-too-old: PowerShell 2.0\r\n", .powerShellTooOld, "Management Framework 5.1"),
            (
                "edca-probe: fips: This implementation is not part of the Windows Platform FIPS validated ...\r\n",
                .fips, "Cryptographic Provider"
            ),
            (
                "Stop-Probe : edca-probe: constrained-language: Cannot create type.\r\n    + CategoryInfo : x\r\n",
                .constrainedLanguage, "AppLocker"
            ),
            (
                "New-Object : Cannot create type. Only core types are supported in this language mode.\r\n",
                .constrainedLanguage, "Constrained Language"
            ),
            ("The term 'ConvertFrom-Json' is not recognized as the name of a cmdlet\r\n", .powerShellTooOld, "5.1"),
            (
                "This program is blocked by group policy. For more information, contact your system administrator.\r\n",
                .blocked, "allow the constant command line"
            ),
            ("edca-probe: unknown-code: text\r\n", .noResponse, "unknown-code"),
        ] as [(String, ProbeError.Code, String)])
    func framedRefusals(stderr: String, code: ProbeError.Code, remedy: String) throws {
        let error = probeError([], try request(), stderr: stderr, exit: 3)
        #expect(error?.code == code)
        #expect(error?.message.contains(remedy) == true, "\(error?.message ?? "")")
        let firstLine = String(stderr.prefix { !$0.isNewline })
        #expect(error?.message.contains("stderr: " + firstLine) == true, "\(error?.message ?? "")")
    }

    @Test("A framed line in CLIXML stderr is found too")
    func framedRefusalInCLIXML() throws {
        let stderr =
            #"#< CLIXML\#r\#n<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">"#
            + #"<S S="Error">Stop-Probe : edca-probe: no-input: standard input was empty_x000D__x000A_</S></Objs>"#
        #expect(probeError([], try request(), stderr: stderr, exit: 3)?.code == .noInput)
    }

    @Test("CLIXML on stderr is decoded to its error strings for diagnostics")
    func clixml() {
        let stderr =
            #"#< CLIXML\#r\#n<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">"#
            + #"<Obj S="progress" RefId="0"><TN RefId="0"><T>System.Object</T></TN></Obj>"#
            + #"<S S="Error">Access to the path &apos;x&apos; is denied._x000D__x000A_</S></Objs>"#
        #expect(ProbeDiagnostics.summary(ofStandardError: Array(stderr.utf8)) == "Access to the path 'x' is denied.")
        let error = probeError(Array("no markers here".utf8), Self.requestOrNil(), stderr: stderr, exit: 1)
        #expect(error?.message.hasSuffix("stderr: Access to the path 'x' is denied.") == true)
    }

    @Test("A hostile stderr of 1 MiB of '_x' is summarized in linear time, not for minutes")
    func clixmlEscapeFlood() {
        // Found while writing the clixml fuzz target: each `_x` used to count the rest of the text, so this took
        // quadratic time (minutes at 1 MiB, days at the transport's 16 MiB output cap).
        let flood = String(repeating: "_x", count: 1 << 19)
        let stderr = #"#< CLIXML<S S="Error">"# + flood + "</S>"
        #expect(ProbeDiagnostics.summary(ofStandardError: Array(stderr.utf8)) == String(flood.prefix(500)) + "…")
    }

    private static func requestOrNil() -> ProbeRequest {
        ProbeRequest(request: FactRequest(checks: []), nonce: nonce, deadlineSeconds: 30)
    }
}

@Suite("Reading service answers")
struct ServiceAnswerTests {
    static let nonce = ProbeResponseTests.nonce

    private func parse(_ answer: String) throws(ProbeError) -> ProbeResult {
        let request = ProbeRequest(
            request: FactRequest(reads: [.service(ServiceName("MSExchangeMitigation"))]), nonce: Self.nonce,
            deadlineSeconds: 30)
        let items = request.reads.map {
            $0 == .service(ServiceName("MSExchangeMitigation")) ? answer : #"{"state":"keyAbsent"}"#
        }
        let body = #"{"edcaProbe":1,"nonce":"\#(Self.nonce)","answers":["# + items.joined(separator: ",") + "]}"
        let output = Array("EDCA-PROBE-BEGIN \(Self.nonce)\n\(body)\nEDCA-PROBE-END \(Self.nonce)\n".utf8)
        return try ProbeResponse.parse(standardOutput: output, standardError: [], exitStatus: 0, request: request)
    }

    @Test("The request carries a service read as {\"service\": NAME}")
    func payload() throws {
        let request = ProbeRequest(
            request: FactRequest(reads: [.service(ServiceName("MSExchangeMitigation"))]), nonce: Self.nonce,
            deadlineSeconds: 30)
        #expect(String(decoding: request.payload(), as: UTF8.self).contains(#"{"service":"MSExchangeMitigation"}"#))
    }

    @Test("State and start mode become the snapshot's service; absent, denied and error are kept apart")
    func shapes() throws {
        let running = try parse(#"{"state":"Running","startMode":"Auto"}"#)
        #expect(
            running.snapshot.services.state(of: "msexchangemitigation")
                == .present(ServiceFacts(state: "Running", startMode: "Auto")))
        #expect(try parse(#"{"state":"absent"}"#).snapshot.services.state(of: "MSExchangeMitigation") == .absent)
        #expect(try parse(#"{"state":"denied"}"#).snapshot.services.state(of: "MSExchangeMitigation") == .denied)
        let failed = try parse(#"{"state":"error","message":"Access is denied."}"#)
        #expect(failed.snapshot.services.state(of: "MSExchangeMitigation") == .denied)
        #expect(failed.readErrors == ["service MSExchangeMitigation: Access is denied."])
    }

    @Test(
        "A service answer of the wrong shape is a malformed response naming the service",
        arguments: [
            #"{"state":"Running","startMode":4}"#, #"{"state":"Running","startMode":"Auto","pid":12}"#, #"[]"#,
            #"{"state":"keyAbsent"}"#,
        ])
    func wrongShape(answer: String) {
        #expect {
            _ = try parse(answer)
        } throws: { error in
            guard let error = error as? ProbeError else { return false }
            return error.code == .malformedResponse && error.message.contains("service MSExchangeMitigation")
        }
    }
}

@Suite("Reading CIM answers")
struct CimAnswerTests {
    static let nonce = ProbeResponseTests.nonce
    static let system = CimClass.allowed[1]

    private func parse(_ answer: String) throws(ProbeError) -> ProbeResult {
        let request = ProbeRequest(
            request: FactRequest(reads: [.cim(Self.system)]), nonce: Self.nonce, deadlineSeconds: 30)
        let items = request.reads.map { $0 == .cim(Self.system) ? answer : #"{"state":"keyAbsent"}"# }
        let body = #"{"edcaProbe":1,"nonce":"\#(Self.nonce)","answers":["# + items.joined(separator: ",") + "]}"
        let output = Array("EDCA-PROBE-BEGIN \(Self.nonce)\n\(body)\nEDCA-PROBE-END \(Self.nonce)\n".utf8)
        return try ProbeResponse.parse(standardOutput: output, standardError: [], exitStatus: 0, request: request)
    }

    @Test("The request names the class by its allow-listed address; answers become the snapshot's cim")
    func shapes() throws {
        #expect(Self.system.name == "Win32_ComputerSystem")
        let request = ProbeRequest(
            request: FactRequest(reads: [.cim(Self.system)]), nonce: Self.nonce, deadlineSeconds: 30)
        #expect(
            String(decoding: request.payload(), as: UTF8.self).contains(#"{"cim":"root\\cimv2:Win32_ComputerSystem"}"#))
        let result = try parse(#"{"instances":[{"Model":"PowerEdge R750","NumberOfLogicalProcessors":32}]}"#)
        #expect(
            result.snapshot.cim.state(of: Self.system)
                == .instances([["Model": .string("PowerEdge R750"), "NumberOfLogicalProcessors": .dword(32)]]))
        #expect(try parse(#"{"state":"denied"}"#).snapshot.cim.state(of: Self.system) == .denied)
        let failed = try parse(#"{"state":"error","message":"Invalid namespace"}"#)
        #expect(failed.snapshot.cim.state(of: Self.system) == .denied)
        #expect(failed.readErrors == [#"CIM root\cimv2:Win32_ComputerSystem: Invalid namespace"#])
    }

    @Test("The probe script's CIM allow-list is the agent's: every class with its properties, and the readers' rows")
    func scriptAllowList() {
        let script = ProbeScripts.probe
        for cimClass in CimClass.allowed {
            let line = script.split(separator: "\n").first { $0.contains("'\(cimClass.address)' = @{") }
            #expect(line != nil, "\(cimClass.address) missing from the probe script")
            let properties = cimClass.properties.map { "'\($0)'" }.joined(separator: ", ")
            #expect(line?.contains("Properties = @(\(properties))") == true, "\(cimClass.address)")
            if let policyStore = cimClass.policyStore {
                #expect(line?.contains("PolicyStore = '\(policyStore)'") == true)
            }
            if let filter = cimClass.filter {
                for value in filter.values {
                    #expect(line?.contains(filter.property) == true && line?.contains(value) == true, "\(value)")
                }
            }
        }
        #expect(script.contains("service = @{ Reader = 'Read-Service'"))
        #expect(script.contains("cim = @{ Reader = 'Read-Cim'"))
    }

    @Test(
        "A CIM answer of the wrong shape, or with a property outside the allow-list, is malformed naming the class",
        arguments: [
            #"{"instances":{"Model":"x"}}"#, #"{"instances":[{"UserName":"CONTOSO\\admin"}]}"#, #"{"state":"exists"}"#,
        ])
    func wrongShape(answer: String) {
        #expect {
            _ = try parse(answer)
        } throws: { error in
            guard let error = error as? ProbeError else { return false }
            return error.code == .malformedResponse && error.message.contains("Win32_ComputerSystem")
        }
    }
}

@Suite("Reading XML answers")
struct XmlAnswerTests {
    static let nonce = ProbeResponseTests.nonce
    static let file =
        LocalPath(root: .exchangeInstall, relativePath: #"Bin\EdgeTransport.exe.config"#)
        ?? LocalPath(rootItself: .exchangeInstall)
    static let path: XmlPath = {
        guard let path = XmlPath("/configuration/appSettings/add[@key='TemporaryStoragePath']/@value") else {
            preconditionFailure("invalid XML path")
        }
        return path
    }()

    private func parse(_ answer: String) throws(ProbeError) -> ProbeResult {
        let request = ProbeRequest(
            request: FactRequest(reads: [.xml(Self.file, Self.path)]), nonce: Self.nonce, deadlineSeconds: 30)
        let items = request.reads.map { $0 == .xml(Self.file, Self.path) ? answer : #"{"state":"keyAbsent"}"# }
        let body = #"{"edcaProbe":1,"nonce":"\#(Self.nonce)","answers":["# + items.joined(separator: ",") + "]}"
        let output = Array("EDCA-PROBE-BEGIN \(Self.nonce)\n\(body)\nEDCA-PROBE-END \(Self.nonce)\n".utf8)
        return try ProbeResponse.parse(standardOutput: output, standardError: [], exitStatus: 0, request: request)
    }

    @Test("The request names root, relative file and path as strings; answers become the snapshot's xml")
    func shapes() throws {
        let request = ProbeRequest(
            request: FactRequest(reads: [.xml(Self.file, Self.path)]), nonce: Self.nonce, deadlineSeconds: 30)
        #expect(
            String(decoding: request.payload(), as: UTF8.self).contains(
                #"{"xml":"ExchangeInstall","file":"Bin\\EdgeTransport.exe.config","path":"/configuration/appSettings/add[@key='TemporaryStoragePath']/@value"}"#
            ))
        let result = try parse(#"{"matches":[{"value":"D:\\Temp"},{}]}"#)
        #expect(result.snapshot.xml.state(of: Self.file) == .read([Self.path: [#"D:\Temp"#, nil]]))
        #expect(try parse(#"{"state":"fileAbsent"}"#).snapshot.xml.state(of: Self.file) == .absent)
        #expect(try parse(#"{"state":"malformed","message":"x"}"#).snapshot.xml.state(of: Self.file) == .malformed)
        #expect(try parse(#"{"state":"denied"}"#).snapshot.xml.state(of: Self.file) == .denied)
        let failed = try parse(#"{"state":"error","message":"disk error"}"#)
        #expect(failed.snapshot.xml.state(of: Self.file) == .denied)
        #expect(failed.readErrors.first?.contains("disk error") == true)
    }

    @Test("The probe script has the XML reader's row and the agent's grammar for relative and XML paths")
    func scriptReader() {
        #expect(ProbeScripts.probe.contains("xml = @{ Reader = 'Read-Xml'; Required = @('file', 'path')"))
        #expect(ProbeScripts.probe.contains("$xmlName = '[A-Za-z_][A-Za-z0-9._-]*'"))
        #expect(ProbeScripts.probe.contains("'<!DOCTYPE'"), "a DTD is refused before parsing")
    }

    @Test(
        "An XML answer of the wrong shape is malformed naming the file and path",
        arguments: [
            #"{"matches":{"value":"x"}}"#, #"{"matches":[{"value":1}]}"#, #"{"matches":[{"name":"x"}]}"#,
            #"{"matches":["x"]}"#, #"{"state":"exists"}"#, #"[]"#,
        ])
    func wrongShape(answer: String) {
        #expect {
            _ = try parse(answer)
        } throws: { error in
            guard let error = error as? ProbeError else { return false }
            return error.code == .malformedResponse && error.message.contains(#"XML ExchangeInstall\Bin\EdgeTransport"#)
                && error.message.contains("TemporaryStoragePath")
        }
    }
}

@Suite("Reading folder answers")
struct FolderAnswerTests {
    static let nonce = ProbeResponseTests.nonce
    static let folder =
        LocalPath(root: .exchangeInstall, relativePath: #"FIP-FS\Data"#) ?? LocalPath(rootItself: .exchangeInstall)

    private func parse(_ answer: String) throws(ProbeError) -> ProbeResult {
        let request = ProbeRequest(
            request: FactRequest(reads: [.subfolders(Self.folder)]), nonce: Self.nonce, deadlineSeconds: 30)
        let items = request.reads.map { $0 == .subfolders(Self.folder) ? answer : #"{"state":"keyAbsent"}"# }
        let body = #"{"edcaProbe":1,"nonce":"\#(Self.nonce)","answers":["# + items.joined(separator: ",") + "]}"
        let output = Array("EDCA-PROBE-BEGIN \(Self.nonce)\n\(body)\nEDCA-PROBE-END \(Self.nonce)\n".utf8)
        return try ProbeResponse.parse(standardOutput: output, standardError: [], exitStatus: 0, request: request)
    }

    @Test("The request names root and relative folder; answers become the snapshot's folders")
    func shapes() throws {
        let request = ProbeRequest(
            request: FactRequest(reads: [.subfolders(Self.folder)]), nonce: Self.nonce, deadlineSeconds: 30)
        #expect(
            String(decoding: request.payload(), as: UTF8.self).contains(
                #"{"subfolders":"ExchangeInstall","folder":"FIP-FS\\Data"}"#))
        #expect(
            try parse(#"{"subfolders":["2112330001"]}"#).snapshot.folders.state(of: Self.folder)
                == .subfolders(["2112330001"]))
        #expect(try parse(#"{"state":"absent"}"#).snapshot.folders.state(of: Self.folder) == .absent)
        #expect(try parse(#"{"state":"denied"}"#).snapshot.folders.state(of: Self.folder) == .denied)
        #expect(ProbeScripts.probe.contains("subfolders = @{ Reader = 'Read-Subfolders'; Required = @('folder')"))
    }

    @Test(
        "A folder answer of the wrong shape is malformed naming the folder",
        arguments: [#"{"subfolders":"a"}"#, #"{"subfolders":[1]}"#, #"{"subfolders":["a\\b"]}"#, #"{"state":"x"}"#])
    func wrongShape(answer: String) {
        #expect {
            _ = try parse(answer)
        } throws: { error in
            guard let error = error as? ProbeError else { return false }
            return error.code == .malformedResponse
                && error.message.contains(#"subfolders of ExchangeInstall\FIP-FS\Data"#)
        }
    }
}

@Suite("Reading ACL answers")
struct AclAnswerTests {
    static let nonce = ProbeResponseTests.nonce
    static let root = LocalPath(rootItself: .exchangeInstall)

    private func parse(_ answer: String) throws(ProbeError) -> ProbeResult {
        let request = ProbeRequest(
            request: FactRequest(reads: [.acl(Self.root)]), nonce: Self.nonce, deadlineSeconds: 30)
        let items = request.reads.map { $0 == .acl(Self.root) ? answer : #"{"state":"keyAbsent"}"# }
        let body = #"{"edcaProbe":1,"nonce":"\#(Self.nonce)","answers":["# + items.joined(separator: ",") + "]}"
        let output = Array("EDCA-PROBE-BEGIN \(Self.nonce)\n\(body)\nEDCA-PROBE-END \(Self.nonce)\n".utf8)
        return try ProbeResponse.parse(standardOutput: output, standardError: [], exitStatus: 0, request: request)
    }

    @Test("The request names the root itself with an empty folder; entries become the snapshot's acls")
    func shapes() throws {
        let request = ProbeRequest(
            request: FactRequest(reads: [.acl(Self.root)]), nonce: Self.nonce, deadlineSeconds: 30)
        #expect(String(decoding: request.payload(), as: UTF8.self).contains(#"{"acl":"ExchangeInstall","folder":""}"#))
        let result = try parse(
            #"{"aces":[{"identity":"BUILTIN\\Users","sid":"S-1-5-32-545","rights":1179817,"type":"Allow","inherited":true}]}"#
        )
        #expect(
            result.snapshot.acls.state(of: Self.root)
                == .entries([
                    AccessEntry(
                        identity: #"BUILTIN\Users"#, sid: "S-1-5-32-545", rights: 1_179_817, allows: true,
                        inherited: true)
                ]))
        #expect(try parse(#"{"state":"denied"}"#).snapshot.acls.state(of: Self.root) == .denied)
        #expect(ProbeScripts.probe.contains("acl = @{ Reader = 'Read-Acl'; Required = @('folder')"))
    }

    @Test(
        "An ACL answer of the wrong shape is malformed naming the folder",
        arguments: [
            #"{"aces":{}}"#, #"{"aces":[{"identity":"x","rights":"full","type":"Allow","inherited":true}]}"#,
            #"{"state":"gone"}"#,
        ])
    func wrongShape(answer: String) {
        #expect {
            _ = try parse(answer)
        } throws: { error in
            guard let error = error as? ProbeError else { return false }
            return error.code == .malformedResponse && error.message.contains("access control list of ExchangeInstall")
        }
    }
}
