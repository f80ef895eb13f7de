import EDCAAgent
import EDCACore
import EDCAEngine
import EDCAJSON
import EDCAProbe
import EDCASpool
import EDCATestSupport
import EDCATransport
import Foundation
import Synchronization
import Testing

/// Fleet scans of simulated hosts behind real sshds on loopback addresses.
@Suite("Scanning a fleet", .serialized)
struct FleetScanTests {
    /// Scan targets for every host of a fleet, named by address.
    private func targets(_ fleet: SimulatedFleet) -> [ScanTarget] {
        fleet.addresses.indices.map { index in
            ScanTarget(
                name: fleet.addresses[index],
                endpoint: SSHEndpoint(host: fleet.addresses[index], port: fleet.port(ofHost: index), user: fleet.user),
                role: nil)
        }
    }

    @Test("Mixed hosts all get an outcome; a hung or unreachable host fails alone within its deadline")
    func mixedFleet() async throws {
        let fleet = try SimulatedFleet(
            [
                .init(snapshot: "mbx01.json"), .init(snapshot: "mbx02.json"), .init(snapshot: "edge01.json"),
                .init(snapshot: "mbx01.json", faults: ["hang": true]),
                .init(snapshot: "mbx01.json", faults: ["latencyMs": 500]),
            ], firstAddress: 21)
        let catalog = try ControlCatalog.load(directory: repositoryRoot + "/Controls")
        let deadline = Duration.seconds(3)
        let options = SSHOptions(
            knownHostsPath: fleet.knownHostsPath, identityFile: fleet.clientKeyPath, deadline: deadline)
        let client = try SSHClient(options: options, threads: 4)
        defer { client.shutdown() }
        var targets = targets(fleet)
        targets.append(
            ScanTarget(
                name: "unreachable",
                endpoint: SSHEndpoint(host: "127.0.0.26", port: try SSHServerFixture.freePort(), user: fleet.user),
                role: nil))
        let scan = FleetScan(probe: HostProbe(controls: catalog.controls, deadline: deadline), concurrency: 4)
        let started = ContinuousClock.now
        let outcomes = await scan.run(targets, runner: client) { $0 }
        let elapsed = ContinuousClock.now - started

        func status(_ index: Int) -> Status? {
            guard case .success(let hostScan) = outcomes[index].result else { return nil }
            return hostScan.verdicts.first { $0.controlID == "EDCA-SEC-043" }?.status
        }
        func errorClass(_ index: Int) -> String? {
            guard case .failure(let error) = outcomes[index].result else { return nil }
            return error.errorClass
        }
        #expect(outcomes.map(\.target.name) == targets.map(\.name))
        #expect(status(0) == .pass)
        #expect(status(1) == .fail)
        #expect(status(2) == .unknown)
        #expect(errorClass(3) == "ssh.timeout")
        #expect(status(4) == .pass)
        #expect(errorClass(5) == "ssh.connect")
        if case .success(let edge) = outcomes[2].result { #expect(edge.role == .edge) }
        #expect(elapsed < .seconds(300), "the hung host must not hold up the fleet (a 3 s deadline): \(elapsed)")
    }

    @Test("A cancelled scan starts no new host and records the rest as interrupted")
    func cancellation() async throws {
        let fleet = try SimulatedFleet(
            Array(repeating: .init(snapshot: "mbx01.json", faults: ["latencyMs": 300]), count: 6), firstAddress: 31)
        let catalog = try ControlCatalog.load(directory: repositoryRoot + "/Controls")
        let options = SSHOptions(knownHostsPath: fleet.knownHostsPath, identityFile: fleet.clientKeyPath)
        let client = try SSHClient(options: options, threads: 1)
        defer { client.shutdown() }
        let targets = targets(fleet)
        let scan = FleetScan(probe: HostProbe(controls: catalog.controls, deadline: .seconds(10)), concurrency: 1)
        // Cancelled once the first host is recorded (not after a fixed sleep, which a loaded machine can outrun
        // before the scan's task even starts): the scan is under way and most hosts are still to start.
        let (recorded, recording) = AsyncStream<Void>.makeStream()
        let task = Task {
            await scan.run(targets, runner: client) { outcome in
                recording.yield()
                return outcome
            }
        }
        var firstRecorded = recorded.makeAsyncIterator()
        _ = await firstRecorded.next()
        task.cancel()
        let outcomes = await task.value
        let interrupted = outcomes.filter {
            if case .failure(.interrupted) = $0.result { return true }
            return false
        }
        #expect(outcomes.count == targets.count)
        #expect(!interrupted.isEmpty && interrupted.count < targets.count)
    }

    @Test("Only the host chosen for its organization reads what organization controls need; a stand-in is asked again")
    func organizationReads() async throws {
        let fleet = try SimulatedFleet(
            [.init(snapshot: "mbx01.json"), .init(snapshot: "mbx02.json"), .init(snapshot: "mbx03.json")],
            firstAddress: 220)
        let key = #"HKLM\SOFTWARE\EDCA-Test\Organization"#
        let directory = try fleet.controlsDirectory(with: ["EDCA-SEC-043"])
        var control = try #require(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: directory + "/EDCA-SEC-043.json"))) as? [String: Any])
        control["id"] = "EDCA-ORG-901"
        control["subject"] = "Organization"
        control["check"] = ["key": key, "value": "Marker", "equals": 1]
        try JSONSerialization.data(withJSONObject: control).write(
            to: URL(fileURLWithPath: directory + "/EDCA-ORG-901.json"))
        let catalog = try ControlCatalog.load(directory: directory)
        let options = SSHOptions(knownHostsPath: fleet.knownHostsPath, identityFile: fleet.clientKeyPath)
        let client = try SSHClient(options: options, threads: 3)
        defer { client.shutdown() }
        var targets = targets(fleet)
        // "0-gone" sorts first: chosen, unreachable; host 0 (127.0.0.220) stands in, probed twice at concurrency 4.
        targets.insert(
            ScanTarget(
                name: "0-gone",
                endpoint: SSHEndpoint(host: "127.0.0.250", port: try SSHServerFixture.freePort(), user: fleet.user),
                role: nil),
            at: 1)
        let probe = HostProbe(controls: catalog.controls, deadline: .seconds(10))
        #expect(probe.makeRequest(.server).reads.allSatisfy { $0.registryKey?.text != key })
        #expect(probe.makeRequest(.serverAndOrganization).reads.contains { $0.registryKey?.text == key })
        let organizations = Mutex<[OrganizationOutcome]>([])
        let outcomes = await FleetScan(probe: probe, concurrency: 4).run(targets, runner: client, summarizing: false) {
            $0
        } recordOrganization: { outcome in
            organizations.withLock { $0.append(outcome) }
        }

        let decided = organizations.withLock { $0 }
        #expect(decided.count == 1)
        #expect(decided.first?.collection?.host.name == "127.0.0.220")
        #expect(decided.first?.passedOver.map(\.host) == ["0-gone"])
        #expect(decided.first?.passedOver.first?.reason.hasPrefix("ssh.connect") == true)
        for outcome in outcomes {
            guard case .success(let scan) = outcome.result else { continue }
            let rendered = scan.snapshot.jsonDocument().rendered()
            #expect(
                !rendered.contains("EDCA-Test"), "\(outcome.target.name)'s own probe asked for no organization read")
            #expect(scan.organization == nil)
            #expect(scan.verdicts.map(\.controlID) == ["EDCA-SEC-043"])
        }
    }

    @Test(
        "An answer the agent cannot read and evaluate before the host's deadline is agent.timeout; the fleet completes")
    func processingDeadline() async throws {
        let fleet = try SimulatedFleet(
            [.init(snapshot: "mbx01.json"), .init(snapshot: "mbx01.json")], firstAddress: 121)
        try ManySubkeys.writeSnapshot(to: fleet.snapshotPath(ofHost: 1), basedOn: fleet.snapshotPath(ofHost: 0))
        let directory = try TemporaryDirectory()
        let catalog = try ControlCatalog.load(directory: try ManySubkeys.writeControls(in: directory.path))
        let deadline = Duration.seconds(60)
        let client = try SSHClient(
            options: SSHOptions(
                knownHostsPath: fleet.knownHostsPath, identityFile: fleet.clientKeyPath, deadline: deadline),
            threads: 2)
        defer { client.shutdown() }
        // The real answer of 100,000 subkeys (about 7 MB), arriving with 20 ms of the host's deadline left.
        let runner = ArrivingLate(client: client, host: fleet.addresses[1], left: .milliseconds(20))
        let recorder = ScanRecorder(
            spool: try SpoolWriter.open(directory: directory.path + "/spool"),
            drift: try DriftState.load(directory: directory.path + "/state"),
            run: SpoolRun(productVersion: AgentProduct.version), controls: catalog.controls)
        let scan = FleetScan(probe: HostProbe(controls: catalog.controls, deadline: deadline), concurrency: 2)

        let outcomes = await scan.run(targets(fleet), runner: runner) { await recorder.record($0) }
        let rotated = try #require(try await recorder.finish(hosts: 2, retentionDays: 14))

        guard case .success(let healthy) = outcomes[0].result else {
            Issue.record("the healthy host failed: \(outcomes[0].result)")
            return
        }
        #expect(healthy.verdicts.first { $0.controlID == "EDCA-SEC-043" }?.status == .pass)
        guard case .failure(let error) = outcomes[1].result else {
            Issue.record("the host whose answer arrived at its deadline was scanned")
            return
        }
        #expect(error.errorClass == "agent.timeout")
        #expect(error.description.contains("did not finish within the host's deadline"), "\(error)")
        // The spool agrees: the late host has its Scan Activity with the error and no findings.
        let lines = try String(contentsOfFile: rotated, encoding: .utf8).split(separator: "\n").map(String.init)
        let late = lines.filter { $0.contains(#""hostname":"\#(fleet.addresses[1])""#) }
        #expect(late.count == 1 && late[0].contains(#""error_class":"agent.timeout""#), "\(late)")
        #expect(lines.contains { $0.contains(#""hostname":"\#(fleet.addresses[0])""#) && $0.contains("EDCA-SEC-043") })
    }

    /// The status of `control`'s verdict in a host's outcome, nil when the host failed or has no such verdict.
    private func status(_ outcome: HostOutcome, _ control: String) -> Status? {
        guard case .success(let scan) = outcome.result else { return nil }
        return scan.verdicts.first { $0.controlID == control }?.status
    }

    /// The evidence lines of `control`'s verdict in a host's outcome.
    private func evidence(_ outcome: HostOutcome, _ control: String) -> [String] {
        guard case .success(let scan) = outcome.result else { return [] }
        return scan.verdicts.first { $0.controlID == control }?.evidenceLines ?? []
    }

    @Test("Organization cmdlets run on one host; the others' SEC-001 and SEC-034 are judged with its rows")
    func organizationFactsOnce() async throws {
        let fleet = try SimulatedFleet(
            [.init(snapshot: "mbx01.json"), .init(snapshot: "mbx03.json"), .init(snapshot: "mbx04.json")],
            firstAddress: 224)
        // What the other two would read for themselves says Fail; the collector's organization says Pass.
        for index in [1, 2] {
            try fleet.setExchangeProperty(host: index, "OrganizationConfig", "MapiHttpEnabled", false)
            try fleet.setExchangeProperty(host: index, "ContentFilterConfig", "Enabled", false)
        }
        let directory = try fleet.controlsDirectory(with: ["EDCA-SEC-001", "EDCA-SEC-034", "EDCA-SEC-043"])
        let catalog = try ControlCatalog.load(directory: directory)
        let client = try SSHClient(
            options: SSHOptions(knownHostsPath: fleet.knownHostsPath, identityFile: fleet.clientKeyPath), threads: 3)
        defer { client.shutdown() }
        let probe = HostProbe(controls: catalog.controls, deadline: .seconds(20))
        #expect(
            probe.makeRequest(.server).reads.allSatisfy { read in
                if case .exchange(let fact) = read { fact.scope != .organization } else { true }
            }, "a server's own request carries no Organization-scope stage key")
        let recorded = Mutex<[String: Int]>([:])
        let outcomes = await FleetScan(probe: probe, concurrency: 3).run(
            targets(fleet), runner: client, summarizing: false
        ) { outcome in
            recorded.withLock { $0[outcome.target.name, default: 0] += 1 }
            return outcome
        }

        #expect(recorded.withLock { $0 } == Dictionary(uniqueKeysWithValues: fleet.addresses.map { ($0, 1) }))
        for outcome in outcomes {
            #expect(
                status(outcome, "EDCA-SEC-001") == .pass, "\(outcome.target.name): \(evidence(outcome, "EDCA-SEC-001"))"
            )
            #expect(
                status(outcome, "EDCA-SEC-034") == .pass, "\(outcome.target.name): \(evidence(outcome, "EDCA-SEC-034"))"
            )
            if case .success(let scan) = outcome.result {
                #expect(scan.verdicts.map(\.controlID) == ["EDCA-SEC-001", "EDCA-SEC-034", "EDCA-SEC-043"])
                #expect(
                    scan.snapshot.exchange.keys.contains("OrganizationConfig")
                        == (outcome.target.name == fleet.addresses[0]), "a snapshot holds what its host answered")
            }
        }
        // On the server side: only the collector (first by name) ran organization cmdlets; every host ran its own.
        let runs = try fleet.probeRuns()
        #expect(runs.count == 3, "one probe per host: \(runs)")
        #expect(Set(runs.filter { !$0.organizationKeys.isEmpty }.map(\.address)) == [fleet.addresses[0]], "\(runs)")
        #expect(
            runs.allSatisfy {
                $0.exchangeKeys.contains("MapiVirtualDirectory") && $0.exchangeKeys.contains("TransportAgent")
            })
    }

    @Test(
        "When no host of the organization can collect, the server controls that read its facts are Unknown and say why")
    func organizationNotCollected() async throws {
        let fleet = try SimulatedFleet(
            [.init(snapshot: "mbx01.json"), .init(snapshot: "mbx01.json")], firstAddress: 227)
        let directory = try fleet.controlsDirectory(with: ["EDCA-SEC-001", "EDCA-SEC-043"])
        let catalog = try ControlCatalog.load(directory: directory)
        let client = try SSHClient(
            options: SSHOptions(knownHostsPath: fleet.knownHostsPath, identityFile: fleet.clientKeyPath), threads: 2)
        defer { client.shutdown() }
        let organizations = Mutex<[OrganizationOutcome]>([])
        let outcomes = await FleetScan(
            probe: HostProbe(controls: catalog.controls, deadline: .seconds(20)), concurrency: 2
        )
        .run(targets(fleet), runner: FailingOrganizationProbes(client: client), summarizing: false) {
            $0
        } recordOrganization: { outcome in
            organizations.withLock { $0.append(outcome) }
        }

        let decided = try #require(organizations.withLock { $0 }.first)
        #expect(decided.collection == nil)
        #expect(decided.passedOver.map(\.host) == fleet.addresses)
        // The first host's own probe asked for the organization's facts too, and failed; the second's own probe
        // succeeded, and its organization-only probe failed.
        #expect(
            outcomes.first.map { if case .failure(let error) = $0.result { error.errorClass } else { "" } }
                == "ssh.connect")
        for outcome in outcomes.dropFirst() {
            #expect(status(outcome, "EDCA-SEC-043") == .pass, "its own facts are judged as usual")
            #expect(status(outcome, "EDCA-SEC-001") == .unknown)
            let lines = evidence(outcome, "EDCA-SEC-001").joined(separator: "\n")
            #expect(
                lines.contains(
                    "Exchange OrganizationConfig: not collected: no host of organization default could read its organization facts: \(fleet.addresses[0]) (ssh.connect"
                ),
                "\(lines)")
        }
    }

    @Test("A scan stopped while hosts wait for their organization records each of them once, saying why")
    func stopWhileWaiting() async throws {
        let fleet = try SimulatedFleet(
            [
                .init(snapshot: "mbx01.json", faults: ["latencyMs": 800]),
                .init(snapshot: "mbx01.json", faults: ["latencyMs": 800]),
            ], firstAddress: 229)
        let directory = try fleet.controlsDirectory(with: ["EDCA-SEC-001", "EDCA-SEC-043"])
        let catalog = try ControlCatalog.load(directory: directory)
        let client = try SSHClient(
            options: SSHOptions(knownHostsPath: fleet.knownHostsPath, identityFile: fleet.clientKeyPath), threads: 3)
        defer { client.shutdown() }
        var targets = targets(fleet)
        // "0-gone" sorts first: chosen, unreachable; the stop comes when its probe fails, before the next candidate
        // (still probing for itself) could be asked for the organization's facts.
        let gone = SSHEndpoint(host: "127.0.0.250", port: try SSHServerFixture.freePort(), user: fleet.user)
        targets.insert(ScanTarget(name: "0-gone", endpoint: gone, role: nil), at: 0)
        let stop = StopRequest()
        let recorded = Mutex<[String: Int]>([:])
        let organizations = Mutex<[OrganizationOutcome]>([])
        let outcomes = await FleetScan(
            probe: HostProbe(controls: catalog.controls, deadline: .seconds(20)), concurrency: 3
        )
        .run(targets, runner: StoppingOnFailure(client: client, stop: stop), stop: stop, summarizing: false) {
            outcome in
            recorded.withLock { $0[outcome.target.name, default: 0] += 1 }
            return outcome
        } recordOrganization: { outcome in
            organizations.withLock { $0.append(outcome) }
        }

        #expect(stop.isRequested)
        #expect(recorded.withLock { $0 } == Dictionary(uniqueKeysWithValues: targets.map { ($0.name, 1) }))
        #expect(outcomes.map(\.target.name) == targets.map(\.name))
        #expect(organizations.withLock { $0 }.count == 1)
        for outcome in outcomes.dropFirst() {
            #expect(status(outcome, "EDCA-SEC-043") == .pass)
            #expect(status(outcome, "EDCA-SEC-001") == .unknown)
            let lines = evidence(outcome, "EDCA-SEC-001").joined(separator: "\n")
            #expect(
                lines.contains("could read its organization facts, the scan stopped first: 0-gone (ssh.connect"),
                "\(lines)")
        }
        #expect(try fleet.probeRuns().allSatisfy { $0.organizationKeys.isEmpty }, "no host was asked for them")
    }

    /// The real client, except that a probe asking for an `Organization`-scope stage key fails to connect, as a
    /// host that went away between its own probe and the organization's would.
    private struct FailingOrganizationProbes: RemoteCommandRunner {
        let client: SSHClient

        func run(
            _ endpoint: SSHEndpoint, command: String, standardInput: [UInt8]
        ) async throws(SSHError) -> CommandOutput {
            if String(decoding: standardInput, as: UTF8.self).contains(#""OrganizationConfig""#) {
                throw SSHError(.connect, host: endpoint.host, message: "connection refused (the test's)")
            }
            return try await client.run(endpoint, command: command, standardInput: standardInput)
        }
    }

    /// The real client, requesting a stop of the scan 300 ms after a probe failed (once the other hosts have
    /// started), then reporting the failure.
    private struct StoppingOnFailure: RemoteCommandRunner {
        let client: SSHClient
        let stop: StopRequest

        func run(
            _ endpoint: SSHEndpoint, command: String, standardInput: [UInt8]
        ) async throws(SSHError) -> CommandOutput {
            do {
                return try await client.run(endpoint, command: command, standardInput: standardInput)
            } catch {
                try? await Task.sleep(for: .milliseconds(300))
                stop.request()
                throw error
            }
        }
    }

    /// The real client, except that one host's answer arrives with only `left` of its deadline remaining, as an
    /// answer that took nearly the whole deadline to come would.
    private struct ArrivingLate: RemoteCommandRunner {
        let client: SSHClient
        let host: String
        let left: Duration

        func run(
            _ endpoint: SSHEndpoint, command: String, standardInput: [UInt8]
        ) async throws(SSHError) -> CommandOutput {
            var output = try await client.run(endpoint, command: command, standardInput: standardInput)
            if endpoint.host == host { output.timeLeft = left }
            return output
        }
    }
}

/// A host with 100,000 subkeys under an enumerated key, and the controls that read it.
enum ManySubkeys {
    static let count = 100_000
    /// The key a test control (EDCA-NET-901) enumerates.
    static let interfaces = #"HKLM\SYSTEM\CurrentControlSet\Services\NetBT\Parameters\Interfaces"#

    /// EDCA-SEC-043 from `Controls/` and EDCA-NET-901, which reads `NetbiosOptions` of every subkey of
    /// ``interfaces``, in `directory/controls`; returns that directory.
    static func writeControls(in directory: String) throws -> String {
        let controls = directory + "/controls"
        try FileManager.default.createDirectory(atPath: controls, withIntermediateDirectories: true)
        let source = try Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/Controls/EDCA-SEC-043.json"))
        try source.write(to: URL(fileURLWithPath: controls + "/EDCA-SEC-043.json"))
        var control = try #require(try JSONSerialization.jsonObject(with: source) as? [String: Any])
        control["id"] = "EDCA-NET-901"
        control["title"] = "NetBIOS over TCP/IP is disabled on every interface"
        control["check"] = [
            "subkeysOf": interfaces, "value": "NetbiosOptions", "require": "all", "equals": 2,
            "whenNoneFound": "Unknown",
        ]
        try JSONSerialization.data(withJSONObject: control).write(
            to: URL(fileURLWithPath: controls + "/EDCA-NET-901.json"))
        return controls
    }

    /// The snapshot at `base` with ``count`` subkeys under ``interfaces`` (NetbiosOptions 2), written to `path`.
    static func writeSnapshot(to path: String, basedOn base: String) throws {
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: base))) as? [String: Any])
        let registry = try #require(document["registry"] as? [String: Any])
        let services = try JSONSerialization.data(withJSONObject: document["services"] ?? [String: Any]())
        var text = #"{"edcaSnapshot":2,"services":"# + String(decoding: services, as: UTF8.self) + #","registry":{"#
        for (key, value) in registry where !key.hasPrefix(interfaces + "\\") {
            let encoded = try JSONSerialization.data(withJSONObject: [key: value])
            text += String(decoding: encoded.dropFirst().dropLast(), as: UTF8.self) + ","
        }
        let prefix = interfaces.replacingOccurrences(of: "\\", with: "\\\\") + "\\\\"
        for index in 0..<count {
            text += "\"\(prefix)\(index)\":{\"NetbiosOptions\":{\"type\":\"REG_DWORD\",\"data\":2}},"
        }
        text.removeLast()
        try Data((text + "}}").utf8).write(to: URL(fileURLWithPath: path))
    }
}
