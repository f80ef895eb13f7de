import EDCACore
import EDCAEngine
import EDCAInventory
import EDCAJSON
import EDCAProbe

/// What each fuzz target does with one input: feed it to one parser the way the agent does, and discard the
/// result. A crash, a sanitizer report, a leak or a hang is a finding; a thrown error is the expected outcome for
/// most inputs.
package enum FuzzTargets {
    /// The nonce of ``probeRequest``; the seed corpus frames its responses with it.
    static let nonce = "00112233445566778899aabbccddeeff"

    /// A request with one read of each kind (registry value, subkeys, key, service, CIM class, certificate store, XML
    /// file, folder, ACL, cipher suites), plus the host-identity reads every probe makes.
    static let probeRequest: ProbeRequest = {
        var request = FactRequest(checks: [])
        let server = #"HKLM\SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters"#
        let interfaces = #"HKLM\SYSTEM\CurrentControlSet\Services\NetBT\Parameters\Interfaces"#
        let pending = #"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending"#
        if let server = RegistryPath(server), let interfaces = RegistryPath(interfaces),
            let pending = RegistryPath(pending)
        {
            request.add(.value(server, RegistryName("RequireSecuritySignature")))
            request.add(.subkeyValues(interfaces, RegistryName("NetbiosOptions")))
            request.add(.key(pending))
        }
        request.add(.service(ServiceName("MSExchangeMitigation")))
        if let system = CimClass.named("Win32_ComputerSystem") { request.add(.cim(system)) }
        if let store = CertificateStore.named("My") { request.add(.certificates(store)) }
        if let file = LocalPath(address: #"ExchangeInstall\Bin\EdgeTransport.exe.config"#),
            let path = XmlPath("/configuration/appSettings/add[@key='TemporaryStoragePath']/@value")
        {
            request.add(.xml(file, path))
        }
        if let folder = LocalPath(address: #"ExchangeInstall\FIP-FS\Data\Engines\amd64\Microsoft\Bin"#) {
            request.add(.subfolders(folder))
        }
        request.add(.acl(LocalPath(rootItself: .exchangeInstall)))
        request.add(.cipherSuites)
        return ProbeRequest(request: request, nonce: nonce, deadlineSeconds: 30)
    }()

    /// The probe's standard output (`ProbeResponse.parse`), with an empty stderr and exit status 0.
    package static func probeResponse(_ bytes: [UInt8]) {
        _ = try? ProbeResponse.parse(standardOutput: bytes, standardError: [], exitStatus: 0, request: probeRequest)
    }

    /// PowerShell's standard error, CLIXML or plain (`ProbeDiagnostics.summary`).
    package static func clixml(_ bytes: [UInt8]) {
        _ = ProbeDiagnostics.summary(ofStandardError: bytes)
    }

    /// A control file (`Control(json:)`); a control that loads is also evaluated on ``snapshot``, for both roles.
    package static func control(_ bytes: [UInt8]) {
        guard let control = try? Control(json: bytes) else { return }
        _ = control.evaluate(on: snapshot, role: .mailbox).evidence
        _ = control.evaluate(on: snapshot, role: .edge).evidence
    }

    /// An inventory file (`Inventory.parse`), refused as the agent does when it is not UTF-8.
    package static func inventory(_ bytes: [UInt8]) {
        guard let text = String(validating: bytes, as: UTF8.self) else { return }
        _ = try? Inventory.parse(yaml: text, file: "fuzz.yaml")
    }

    /// A snapshot file of any version (`HostSnapshot(json:)`: registry, services, CIM, certificates, scan time, XML
    /// files, folders, ACLs).
    package static func snapshot(_ bytes: [UInt8]) {
        _ = try? HostSnapshot(json: bytes)
    }

    /// The facts controls are evaluated on: a few values of each type, including a long string for `matches`.
    static let snapshot: RegistrySnapshot = {
        let json = #"""
            {"HKLM\\SYSTEM\\CurrentControlSet\\Services\\LanmanServer\\Parameters": {
                "RequireSecuritySignature": {"type": "REG_DWORD", "data": 1},
                "Name": {"type": "REG_SZ", "data": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab"},
                "List": {"type": "REG_MULTI_SZ", "data": ["one", "two"]},
                "Big": {"type": "REG_QWORD", "data": 18446744073709551615},
                "Blob": {"type": "REG_BINARY", "data": "00ff"}},
             "HKLM\\SYSTEM\\CurrentControlSet\\Services\\NetBT\\Parameters\\Interfaces\\Tcpip_{A}": {
                "NetbiosOptions": {"type": "REG_DWORD", "data": 2}},
             "HKLM\\SOFTWARE\\Denied": null}
            """#
        return (try? RegistrySnapshot(json: Array(json.utf8))) ?? RegistrySnapshot()
    }()
}
