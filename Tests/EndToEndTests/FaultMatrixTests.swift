import EDCATestSupport
import Foundation
import Synchronization
import Testing

/// The fault matrix: each row scans a small fleet with `edca-agent scan` (the built binary, real sshd, simulated
/// Windows hosts): two healthy hosts and one faulty one. Every row checks the faulty host's error class in the spool
/// (or its verdicts, when the fault must not stop the probe), that the healthy hosts' verdicts are there as usual,
/// and that nothing the faulty host made up reaches the spool.
///
/// One lab serves every row (``FaultLab/Scope``): one fleet of simulated hosts, one per fault, behind two sshds,
/// plus two hostile TCP endpoints. The rows are one table, ``FaultRow/all``.
@Suite("Fault matrix: one faulty host in a fleet", .serialized, FaultLab.Scope())
struct FaultMatrixTests {
    @Test("One faulty host in a fleet", arguments: FaultRow.all)
    func faultyHost(_ row: FaultRow) throws {
        let lab = try #require(FaultLab.current, "the fault lab is not running")
        let setup = try row.setup(lab)
        let scan = try lab.scan(
            row.id, faulty: try row.faulty(lab), knownHosts: setup.knownHosts, timeout: row.timeout,
            extra: setup.extra)
        switch row.expectation {
        case .error(let errorClass, let text, let deadline):
            try scan.expectFaulty(errorClass: errorClass, messageContains: text, withinSeconds: deadline)
        case .scanned(let statuses):
            try scan.expectFaultyScanned(statuses: statuses)
        case .checkedByRow:
            break
        }
        try row.check(lab, scan, setup)
    }
}

/// One row of the fault matrix: the faulty host, how to scan it, and what the scan must show.
struct FaultRow: Sendable, CustomTestStringConvertible {
    /// What the scan must show for the faulty host.
    enum Expectation: Sendable {
        /// The host failed with this error class, its message containing the text, within the deadline.
        case error(String, messageContains: String? = nil, withinSeconds: Int? = nil)
        /// The host was scanned with these statuses (by control id), and the scan exited 0.
        case scanned([String: String])
        /// Only the row's ``FaultRow/check`` decides.
        case checkedByRow
    }

    /// The row's files, made before its scan.
    struct Setup {
        /// The known_hosts file, when the row has its own.
        var knownHosts: String?
        /// Extra `scan` arguments.
        var extra: [String] = []
    }

    /// What the row shows, as the test's name.
    var testDescription: String
    /// A short name for the row's directory and report line.
    var id: String
    /// The faulty host.
    var faulty: @Sendable (FaultLab) throws -> FaultLab.Faulty
    /// The per-host deadline, in seconds.
    var timeout = 5
    /// Files the row needs.
    var setup: @Sendable (FaultLab) throws -> Setup = { _ in Setup() }
    /// What the scan must show.
    var expectation: Expectation
    /// Further checks of the row.
    var check: @Sendable (FaultLab, FaultScan, Setup) throws -> Void = { _, _, _ in }

    /// A fleet host as the faulty one.
    static func host(_ index: Int) -> @Sendable (FaultLab) throws -> FaultLab.Faulty {
        { _ in .host(index) }
    }

    static let all: [FaultRow] = reaching + hostKeysAndAuthentication + sessionAndOutput + hardenedServers

    // MARK: Reaching the host

    static let reaching: [FaultRow] = [
        FaultRow(
            testDescription: "DNS failure: a name that cannot resolve is ssh.dns", id: "dns",
            faulty: { _ in .address("no-such-host.invalid", port: 22) },
            expectation: .error("ssh.dns", messageContains: "no-such-host.invalid")),
        FaultRow(
            testDescription: "Connection refused is ssh.connect", id: "refused",
            faulty: { _ in .address("127.0.0.1", port: try SSHServerFixture.freePort()) },
            expectation: .error("ssh.connect", messageContains: "Connection refused")),
        FaultRow(
            testDescription: "A blackholed address (SYNs dropped) is ssh.timeout within the deadline", id: "blackhole",
            faulty: { lab in .address(lab.blackhole.host, port: lab.blackhole.port) }, timeout: 3,
            expectation: .error("ssh.timeout", withinSeconds: 3)),
        FaultRow(
            testDescription: "A server that closes during the key exchange is ssh.connect", id: "kex-close",
            faulty: { lab in .address(lab.closingListener.host, port: lab.closingListener.port) },
            expectation: .error("ssh.connect")),
    ]

    // MARK: Host keys and authentication

    static let hostKeysAndAuthentication: [FaultRow] = [
        FaultRow(
            testDescription: "An unknown host key is ssh.hostkey-unknown and known_hosts is left alone",
            id: "unknown-key", faulty: { _ in .victim },
            setup: { lab in Setup(knownHosts: try lab.knownHosts("unknown", victimKey: .absent)) },
            expectation: .checkedByRow,
            check: { lab, scan, setup in
                try scan.expectFaulty(errorClass: "ssh.hostkey-unknown", messageContains: lab.victimAddress)
                try expectUnchanged(setup, lab: lab)
            }),
        FaultRow(
            testDescription: "An unknown host key with --accept-new-host-keys is recorded and the host is scanned",
            id: "unknown-key-accepted", faulty: { _ in .victim },
            setup: { lab in
                Setup(
                    knownHosts: try lab.knownHosts("unknown-accepted", victimKey: .absent),
                    extra: ["--accept-new-host-keys"])
            },
            expectation: .scanned(["EDCA-SEC-043": "Pass"]),
            check: { lab, _, setup in
                let recorded = try String(contentsOfFile: try #require(setup.knownHosts), encoding: .utf8)
                #expect(recorded.contains("[\(lab.victimAddress)]:\(lab.victimPort) ssh-ed25519 "))
            }),
        FaultRow(
            testDescription: "A changed host key is ssh.hostkey-changed, and known_hosts is left alone",
            id: "changed-key", faulty: { _ in .victim },
            setup: { lab in Setup(knownHosts: try lab.knownHosts("changed", victimKey: .other)) },
            expectation: .error("ssh.hostkey-changed", messageContains: "refused"),
            check: { lab, _, setup in try expectUnchanged(setup, lab: lab) }),
        FaultRow(
            testDescription: "A changed host key is ssh.hostkey-changed even with --accept-new-host-keys",
            id: "changed-key-accept-new", faulty: { _ in .victim },
            setup: { lab in
                Setup(
                    knownHosts: try lab.knownHosts("changed-accept-new", victimKey: .other),
                    extra: ["--accept-new-host-keys"])
            },
            expectation: .error("ssh.hostkey-changed", messageContains: "refused"),
            check: { lab, _, setup in try expectUnchanged(setup, lab: lab) }),
        FaultRow(
            testDescription: "A wrong user is ssh.auth", id: "wrong-user",
            faulty: { _ in .victimAs(user: "no-such-user") },
            expectation: .error("ssh.auth", messageContains: "refused")),
        FaultRow(
            testDescription: "A key the host does not accept is ssh.auth", id: "wrong-key",
            faulty: host(FaultLab.refusesKey), expectation: .error("ssh.auth", messageContains: "refused")),
        FaultRow(
            testDescription: "A passphrase-protected key with its passphrase file scans every host", id: "passphrase",
            faulty: { _ in .victim },
            setup: { lab in
                let passphrase = try lab.directory.write("passphrase", SSHServerFixture.passphrase + "\n")
                return Setup(extra: ["--identity", lab.fleet.encryptedClientKeyPath, "--passphrase-file", passphrase])
            },
            expectation: .scanned(["EDCA-SEC-043": "Pass"])),
        FaultRow(
            testDescription:
                "A wrong passphrase stops the scan before any host, with a clear error and nothing in the spool",
            id: "wrong-passphrase", faulty: { _ in .victim },
            setup: { lab in
                let wrong = try lab.directory.write("wrong-passphrase", "not the passphrase\n")
                return Setup(extra: ["--identity", lab.fleet.encryptedClientKeyPath, "--passphrase-file", wrong])
            },
            expectation: .checkedByRow,
            check: { lab, scan, _ in
                #expect(scan.run.status == 66)
                #expect(scan.run.standardError.contains("key-load"))
                #expect(scan.run.standardError.contains(lab.fleet.encryptedClientKeyPath))
                #expect(scan.run.standardError.contains("wrong passphrase"))
                #expect(scan.events.isEmpty, "no host was probed, so nothing may be in the spool")
                scan.report(observed: "exit 66, ssh key-load before any host, spool empty")
            }),
    ]

    /// known_hosts holds what ``FaultLab/knownHosts(_:victimKey:)`` wrote.
    private static func expectUnchanged(_ setup: Setup, lab: FaultLab) throws {
        let path = try #require(setup.knownHosts)
        let name = String(path.split(separator: "/").last ?? "").replacingOccurrences(of: "known_hosts-", with: "")
        let written = try String(contentsOfFile: path, encoding: .utf8)
        #expect(written == (try lab.knownHostsText(name)), "known_hosts must not change")
    }

    // MARK: The session and its output

    static let sessionAndOutput: [FaultRow] = [
        FaultRow(
            testDescription: "A disconnect in the middle of the output is ssh.disconnected", id: "disconnect",
            faulty: host(FaultLab.disconnects), expectation: .error("ssh.disconnected")),
        FaultRow(
            testDescription: "A host that hangs after partial output is ssh.timeout within the deadline", id: "hang",
            faulty: host(FaultLab.hangs), timeout: 3, expectation: .error("ssh.timeout", withinSeconds: 3)),
        FaultRow(
            testDescription: "A non-zero exit status with a valid response is scanned as usual", id: "exit-status",
            faulty: host(FaultLab.exitsNonZero), expectation: .scanned(["EDCA-SEC-043": "Pass"])),
        FaultRow(
            testDescription: "A valid response with stderr full of CLIXML is scanned as usual", id: "clixml",
            faulty: host(FaultLab.clixml), expectation: .scanned(["EDCA-SEC-043": "Fail"])),
        FaultRow(
            testDescription: "Output over the cap is ssh.output-too-large", id: "huge", faulty: host(FaultLab.huge),
            expectation: .error("ssh.output-too-large", messageContains: "exceeded the limit")),
        FaultRow(
            testDescription:
                "100,000 subkeys under an enumerated key: scanned, and the finding's spool line stays under 16 KiB",
            id: "subkeys", faulty: host(FaultLab.manySubkeys), timeout: 60,
            expectation: .scanned(["EDCA-SEC-043": "Pass"]),
            check: { _, scan, _ in
                let line = try #require(
                    scan.lines.first {
                        $0.contains(#""control":"EDCA-NET-901""#) && $0.contains(#""hostname":"faulty""#)
                    })
                #expect(line.utf8.count + 1 <= 16 * 1024)
                let event = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                let compliance = try #require(event["compliance"] as? [String: Any])
                #expect(compliance["status_code"] as? String == "Fail", "subkey 7 has NetbiosOptions 0")
                #expect((event["metadata"] as? [String: Any])?["is_truncated"] as? Bool == true)
                let dropped = (event["unmapped"] as? [String: Any])?["evidences_dropped"] as? Int ?? 0
                #expect(dropped > 99_000, "the evidence of 100,000 subkeys cannot fit in one line")
                // Cut and marked, the event is still valid OCSF.
                let directory = try TemporaryDirectory()
                let validity = try validateOCSF([try directory.write("cut.ndjson", line + "\n")])
                #expect(validity.status == 0, "\(validity.output)")
            }),
        FaultRow(
            testDescription: "Bytes that are not UTF-8 in the response are probe.malformed-response", id: "non-utf8",
            faulty: host(FaultLab.nonUTF8), expectation: .error("probe.malformed-response", messageContains: "UTF-8")),
        FaultRow(
            testDescription: "A response framed with another nonce (replay or injection) is probe.no-response",
            id: "wrong-nonce", faulty: host(FaultLab.wrongNonce), expectation: .error("probe.no-response")),
        FaultRow(
            testDescription: "A JSON document nested 10,000 deep is probe.malformed-response, without a crash",
            id: "deep-json", faulty: host(FaultLab.deepJSON),
            expectation: .error("probe.malformed-response", messageContains: "nesting")),
        FaultRow(
            testDescription:
                "Answers for keys that were not requested are ignored: the verdict and the spool are the honest ones",
            id: "forged", faulty: host(FaultLab.forges), expectation: .scanned(["EDCA-SEC-043": "Fail"]),
            check: { _, scan, _ in
                #expect(
                    !scan.lines.contains { $0.contains("forged-by-edca-lab-host") },
                    "a forged answer reached the spool")
            }),
    ]

    // MARK: Hardened servers

    static let hardenedServers: [FaultRow] = [
        FaultRow(
            testDescription:
                "A FIPS host (managed SHA-256 refused) is scanned: the bootstrap hashes with a FIPS-validated provider",
            id: "fips", faulty: host(FaultLab.fips),
            expectation: .scanned(["EDCA-SEC-043": "Pass", "EDCA-NET-901": "Pass"])),
        FaultRow(
            testDescription: "A Constrained Language host (AppLocker or WDAC) is scanned through the registry provider",
            id: "constrained-language", faulty: host(FaultLab.constrainedLanguage),
            expectation: .scanned(["EDCA-SEC-043": "Pass", "EDCA-NET-901": "Pass"])),
        FaultRow(
            testDescription: "PowerShell 2.0 is probe.powershell-too-old, naming Windows Management Framework 5.1",
            id: "powershell-2", faulty: host(FaultLab.powerShell2),
            expectation: .error("probe.powershell-too-old", messageContains: "Windows Management Framework 5.1")),
        FaultRow(
            testDescription: "An empty standard input is probe.no-input, quoting the bootstrap's stderr",
            id: "empty-stdin", faulty: host(FaultLab.emptyStandardInput),
            expectation: .error("probe.no-input", messageContains: "stderr: edca-probe: no-input: ")),
        FaultRow(
            testDescription: "A request cut on its way is probe.bad-request", id: "malformed-request",
            faulty: host(FaultLab.truncatedStandardInput),
            expectation: .error("probe.bad-request", messageContains: "edca-probe: bad-request: ")),
        FaultRow(
            testDescription:
                "A 6-byte REG_DWORD in one subkey costs that entry only: its control is Unknown, the others decide",
            id: "wide-dword", faulty: host(FaultLab.wideDWORD),
            expectation: .scanned(["EDCA-SEC-043": "Pass", "EDCA-NET-901": "Unknown"])),
        FaultRow(
            testDescription: "powershell.exe killed before any output is probe.blocked, naming security software",
            id: "blocked", faulty: host(FaultLab.blocked),
            expectation: .error("probe.blocked", messageContains: "security software")),
    ]
}

/// The simulated hosts, hostile endpoints and controls the fault matrix scans.
///
/// `@unchecked Sendable`: every stored property is a constant set in `init`; the fleet and listeners are only
/// read by the serialized rows, and each row writes its own files under its own subdirectory.
final class FaultLab: @unchecked Sendable {
    /// The lab of the running suite.
    @TaskLocal static var current: FaultLab?

    /// Starts the lab before the suite's first row and stops it after its last, even when rows fail.
    struct Scope: SuiteTrait, TestScoping {
        var isRecursive: Bool { false }

        func provideScope(
            for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
        ) async throws {
            let lab = try FaultLab()
            defer { lab.stop() }
            try await FaultLab.$current.withValue(lab) { try await function() }
        }
    }

    // The fleet's hosts, by index.
    static let healthyPass = 0
    static let healthyFail = 1
    static let disconnects = 2
    static let hangs = 3
    static let exitsNonZero = 4
    static let clixml = 5
    static let huge = 6
    static let nonUTF8 = 7
    static let wrongNonce = 8
    static let deepJSON = 9
    static let forges = 10
    static let manySubkeys = 11
    static let refusesKey = 12
    static let victim = 13
    static let fips = 14
    static let constrainedLanguage = 15
    static let powerShell2 = 16
    static let emptyStandardInput = 17
    static let truncatedStandardInput = 18
    static let wideDWORD = 19
    static let blocked = 20

    static let firstAddress = 61
    static let subkeyCount = 100_000
    /// The enumerated key of the test control EDCA-NET-901.
    static let interfaces = #"HKLM\SYSTEM\CurrentControlSet\Services\NetBT\Parameters\Interfaces"#

    let fleet: SimulatedFleet
    /// The known_hosts files written, by name, as written.
    private let writtenKnownHosts = Mutex<[String: String]>([:])
    let blackhole: HostileListener
    let closingListener: HostileListener
    var directory: TemporaryDirectory { fleet.directory }
    var controls: String { directory.path + "/controls" }
    var victimAddress: String { fleet.addresses[Self.victim] }
    var victimPort: Int { fleet.port(ofHost: Self.victim) }

    init() throws {
        let hosts: [SimulatedFleet.Host] = [
            .init(snapshot: "mbx01.json"),
            .init(snapshot: "mbx02.json"),
            .init(snapshot: "mbx01.json", faults: ["disconnectMidOutput": true]),
            .init(snapshot: "mbx01.json", faults: ["hangAfterPartialOutput": true]),
            .init(snapshot: "mbx01.json", faults: ["exitStatus": 1]),
            .init(snapshot: "mbx02.json", shell: "powershell", faults: ["clixml": true]),
            .init(snapshot: "mbx01.json", faults: ["hugeOutputBytes": 17 << 20]),
            .init(snapshot: "mbx01.json", faults: ["nonUTF8": true]),
            .init(snapshot: "mbx01.json", faults: ["wrongNonce": true]),
            .init(snapshot: "mbx01.json", faults: ["deepJSON": 10_000]),
            .init(snapshot: "mbx02.json", faults: ["extraAnswers": 3]),
            .init(snapshot: "mbx01.json"),
            .init(snapshot: "mbx01.json"),
            .init(snapshot: "mbx01.json"),
            .init(snapshot: "mbx01.json", faults: ["fips": true]),
            .init(snapshot: "mbx01.json", shell: "powershell", faults: ["constrainedLanguage": true]),
            .init(snapshot: "mbx01.json", faults: ["powerShellVersion": 2]),
            .init(snapshot: "mbx01.json", faults: ["emptyStandardInput": true]),
            .init(snapshot: "mbx01.json", faults: ["truncatedStandardInput": true]),
            .init(
                snapshot: "mbx01.json",
                faults: [
                    "wideDWORDs": [
                        [
                            "key": Self.interfaces + #"\Tcpip_{7A3F1C2E-5B6D-4E8F-9A0B-1C2D3E4F5A6B}"#,
                            "name": "NetbiosOptions",
                        ]
                    ]
                ]),
            .init(snapshot: "mbx01.json", faults: ["blocked": true]),
        ]
        let refusing = "127.0.0.\(Self.firstAddress + Self.refusesKey)"
        fleet = try SimulatedFleet(
            hosts, firstAddress: Self.firstAddress,
            extraConfig: ["Match LocalAddress \(refusing)", "    AuthorizedKeysFile none"])
        blackhole = try HostileListener(.blackhole, host: "127.0.0.91")
        closingListener = try HostileListener(.closesDuringKeyExchange, host: "127.0.0.92")
        try writeControls()
        try writeManySubkeysSnapshot()
    }

    func stop() {
        blackhole.stop()
        closingListener.stop()
        for server in fleet.servers { server.stop() }
    }

    /// EDCA-SEC-043 (values) and a test control that enumerates subkeys, in the lab's own controls directory, so
    /// the rows do not depend on which controls `Controls/` holds.
    private func writeControls() throws {
        try FileManager.default.createDirectory(atPath: controls, withIntermediateDirectories: true)
        let source = try Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/Controls/EDCA-SEC-043.json"))
        try source.write(to: URL(fileURLWithPath: controls + "/EDCA-SEC-043.json"))
        var control = try #require(try JSONSerialization.jsonObject(with: source) as? [String: Any])
        control["id"] = "EDCA-NET-901"
        control["title"] = "NetBIOS over TCP/IP is disabled on every interface"
        control["check"] = [
            "subkeysOf": Self.interfaces, "value": "NetbiosOptions", "require": "all", "equals": 2,
            "whenNoneFound": "Unknown",
        ]
        try JSONSerialization.data(withJSONObject: control).write(
            to: URL(fileURLWithPath: controls + "/EDCA-NET-901.json"))
    }

    /// mbx01 with 100,000 subkeys under the interfaces key; the one numbered 7 has NetbiosOptions 0.
    private func writeManySubkeysSnapshot() throws {
        let path = fleet.snapshotPath(ofHost: Self.manySubkeys)
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        // mbx01 is a version 2 snapshot: the registry is one member, the services another.
        let snapshot = try #require(document["registry"] as? [String: Any])
        let services = try JSONSerialization.data(withJSONObject: document["services"] ?? [String: Any]())
        var text = #"{"edcaSnapshot":2,"services":"# + String(decoding: services, as: UTF8.self) + #","registry":{"#
        for (key, value) in snapshot where !key.hasPrefix(Self.interfaces + "\\") {
            let encoded = try JSONSerialization.data(withJSONObject: [key: value])
            text += String(decoding: encoded.dropFirst().dropLast(), as: UTF8.self) + ","
        }
        let prefix = Self.interfaces.replacingOccurrences(of: "\\", with: "\\\\") + "\\\\"
        for index in 0..<Self.subkeyCount {
            let data = index == 7 ? 0 : 2
            text += "\"\(prefix)\(index)\":{\"NetbiosOptions\":{\"type\":\"REG_DWORD\",\"data\":\(data)}},"
        }
        text.removeLast()
        try Data((text + "}}").utf8).write(to: URL(fileURLWithPath: path))
    }

    /// The faulty host of a row.
    enum Faulty {
        /// A fleet host, by index.
        case host(Int)
        /// The plain victim host (for host key and authentication rows).
        static let victim = Faulty.host(FaultLab.victim)
        /// The victim host, logged in to as another user.
        case victimAs(user: String)
        /// An address that is not a fleet host.
        case address(String, port: Int)
    }

    /// What the victim's known_hosts entry says.
    enum VictimKey {
        case absent
        case other
    }

    /// A known_hosts file that trusts the healthy hosts and has no entry, or another key, for the victim.
    func knownHosts(_ name: String, victimKey: VictimKey) throws -> String {
        let victimServer = fleet.servers[Self.victim / 12]
        var text = fleet.servers[0].knownHostsLine + "\n"
        if victimKey == .other {
            let other = try String(contentsOfFile: victimServer.otherHostKeyKnownHostsPath(), encoding: .utf8)
            let key = other.split(separator: " ").dropFirst().joined(separator: " ")
            text += "[\(victimAddress)]:\(victimPort) \(key)"
        }
        writtenKnownHosts.withLock { $0[name] = text }
        return try directory.write("known_hosts-\(name)", text)
    }

    /// What ``knownHosts(_:victimKey:)`` wrote for a name.
    func knownHostsText(_ name: String) throws -> String {
        try #require(writtenKnownHosts.withLock { $0[name] })
    }

    /// Scans the two healthy hosts and the faulty one into a spool and state of the row's own.
    func scan(
        _ row: String, faulty: Faulty, knownHosts: String? = nil, timeout: Int = 5, extra: [String] = []
    ) throws -> FaultScan {
        let base = directory.path + "/rows/" + row
        var inventory = "defaults:\n  user: \(fleet.user)\n  identity: \(fleet.clientKeyPath)\nhosts:\n"
        for (name, index) in [("healthy-pass", Self.healthyPass), ("healthy-fail", Self.healthyFail)] {
            inventory += entry(name, fleet.addresses[index], fleet.port(ofHost: index))
        }
        switch faulty {
        case .host(let index): inventory += entry("faulty", fleet.addresses[index], fleet.port(ofHost: index))
        case .victimAs(let user): inventory += entry("faulty", victimAddress, victimPort) + "    user: \(user)\n"
        case .address(let address, let port): inventory += entry("faulty", address, port)
        }
        let inventoryPath = try directory.write("inventory-\(row).yaml", inventory)
        let started = ContinuousClock.now
        let run = try runAgent(
            [
                "scan", "--inventory", inventoryPath, "--controls", controls, "--known-hosts",
                knownHosts ?? fleet.knownHostsPath, "--spool", base + "/spool", "--state", base + "/state",
                "--timeout", String(timeout), "--retries", "0",
            ] + extra)
        let elapsed = ContinuousClock.now - started
        let spool = base + "/spool"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: spool)) ?? []).filter {
            $0.hasSuffix(".ndjson")
        }
        let lines = try names.sorted().flatMap {
            try String(contentsOfFile: spool + "/" + $0, encoding: .utf8).split(separator: "\n").map(String.init)
        }
        return FaultScan(row: row, run: run, events: try spoolEvents(in: spool), lines: lines, elapsed: elapsed)
    }

    private func entry(_ name: String, _ address: String, _ port: Int) -> String {
        "  - name: \(name)\n    address: \(address)\n    port: \(port)\n"
    }
}

/// One row's scan: what the agent printed and returned, and what it put in the spool.
struct FaultScan {
    var row: String
    var run: AgentRun
    var events: [[String: Any]]
    var lines: [String]
    var elapsed: Duration

    /// The Scan Activity (class 6007) of a host.
    func activity(_ host: String) -> [String: Any]? {
        events.first { $0["class_uid"] as? Int == 6007 && hostname($0) == host }
    }

    /// The statuses of a host's Compliance Findings (class 2003), by control id.
    func statuses(_ host: String) -> [String: String] {
        var statuses: [String: String] = [:]
        for event in events where event["class_uid"] as? Int == 2003 && hostname(event) == host {
            if let compliance = event["compliance"] as? [String: Any], let control = compliance["control"] as? String {
                statuses[control] = compliance["status_code"] as? String
            }
        }
        return statuses
    }

    private func hostname(_ event: [String: Any]) -> String? {
        (event["device"] as? [String: Any])?["hostname"] as? String
    }

    /// The healthy hosts were scanned with their usual verdicts, and the run ended with its own activity.
    func expectHealthyHosts(sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(
            statuses("healthy-pass") == ["EDCA-SEC-043": "Pass", "EDCA-NET-901": "Pass"], "\(row)",
            sourceLocation: sourceLocation)
        #expect(
            statuses("healthy-fail")["EDCA-SEC-043"] == "Fail", "\(row)", sourceLocation: sourceLocation)
        for host in ["healthy-pass", "healthy-fail"] {
            #expect(
                activity(host)?["activity_name"] as? String == "Completed", "\(row): \(host)",
                sourceLocation: sourceLocation)
        }
        #expect(
            events.contains { $0["class_uid"] as? Int == 6007 && ($0["device"] == nil) }, "\(row): no run activity",
            sourceLocation: sourceLocation)
    }

    /// The faulty host failed with `errorClass` (in the spool and the summary), alone: no finding of it is in the
    /// spool, the healthy hosts are, and the scan exits 4.
    func expectFaulty(
        errorClass: String, messageContains text: String? = nil, withinSeconds deadline: Int? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        #expect(run.status == 4, "\(row): \(run.standardError)", sourceLocation: sourceLocation)
        expectHealthyHosts(sourceLocation: sourceLocation)
        let faulty = try #require(activity("faulty"), "\(row): no activity for the faulty host")
        let unmapped = faulty["unmapped"] as? [String: Any] ?? [:]
        let observed = unmapped["error_class"] as? String
        #expect(observed == errorClass, "\(row)", sourceLocation: sourceLocation)
        #expect(faulty["activity_name"] as? String == "Error", "\(row)", sourceLocation: sourceLocation)
        #expect(statuses("faulty").isEmpty, "\(row): a host that failed has findings", sourceLocation: sourceLocation)
        let message = unmapped["error_message"] as? String ?? ""
        if let text {
            #expect(message.contains(text), "\(row): \(message)", sourceLocation: sourceLocation)
        }
        #expect(
            run.standardOutput.contains(errorClass), "\(row): the summary does not show the error class",
            sourceLocation: sourceLocation)
        var took = ""
        if let deadline, let start = faulty["start_time"] as? Int, let end = faulty["end_time"] as? Int {
            // Give the connect or read its deadline plus a second of scheduling on a loaded machine.
            #expect(end - start <= deadline * 1000 + 1000, "\(row): \(end - start) ms", sourceLocation: sourceLocation)
            took = ", after \(end - start) ms"
        }
        report(observed: "\(observed ?? "none")\(took): \(message.prefix(160))")
    }

    /// The faulty host was scanned after all, with these statuses (by control id), and the scan exits 0.
    func expectFaultyScanned(statuses expected: [String: String], sourceLocation: SourceLocation = #_sourceLocation)
        throws
    {
        #expect(run.status == 0, "\(row): \(run.standardError)", sourceLocation: sourceLocation)
        expectHealthyHosts(sourceLocation: sourceLocation)
        #expect(
            activity("faulty")?["activity_name"] as? String == "Completed", "\(row)", sourceLocation: sourceLocation)
        let observed = statuses("faulty")
        for (control, status) in expected {
            #expect(observed[control] == status, "\(row): \(control)", sourceLocation: sourceLocation)
        }
        report(
            observed: "scanned, " + observed.sorted { $0.key < $1.key }.map { "\($0) \($1)" }.joined(separator: ", "))
    }

    /// Prints the row's outcome for the fault table of the closing report.
    func report(observed: String) {
        print("fault matrix: \(row): \(observed) (scan took \(elapsed))")
    }
}
