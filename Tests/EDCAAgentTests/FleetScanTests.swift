import EDCAAgent
import EDCAEngine
import EDCATestSupport
import EDCATransport
import Foundation
import Testing

/// A fleet of simulated hosts behind one real sshd listening on several loopback addresses.
@Suite("Scanning a fleet", .serialized)
struct FleetScanTests {
    private struct LabHost {
        var address: String
        var snapshot: String
        var faults: [String: Any] = [:]
    }

    private func startLab(_ hosts: [LabHost]) throws -> (SSHServerFixture, TemporaryDirectory) {
        try SSHServerFixture.requireSSHD()
        let directory = try TemporaryDirectory()
        var entries: [String: Any] = [:]
        for host in hosts {
            entries[host.address] = [
                "snapshot": repositoryRoot + "/Inventory/lab/" + host.snapshot, "faults": host.faults,
            ]
        }
        let lab = try JSONSerialization.data(withJSONObject: ["hosts": entries])
        let labFile = try directory.write("lab.json", String(decoding: lab, as: UTF8.self))
        let labHost = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("edca-lab-host").path
        let server = try SSHServerFixture(
            .init(forceCommand: "\(labHost) --lab \(labFile)", extraAddresses: hosts.map(\.address)))
        return (server, directory)
    }

    @Test("Mixed hosts all get an outcome; a hung or unreachable host fails alone within its deadline")
    func mixedFleet() async throws {
        let hosts = [
            LabHost(address: "127.0.0.21", snapshot: "mbx01.json"),
            LabHost(address: "127.0.0.22", snapshot: "mbx02.json"),
            LabHost(address: "127.0.0.23", snapshot: "edge01.json"),
            LabHost(address: "127.0.0.24", snapshot: "mbx01.json", faults: ["hang": true]),
            LabHost(address: "127.0.0.25", snapshot: "mbx01.json", faults: ["latencyMs": 500]),
        ]
        let (server, labDirectory) = try startLab(hosts)
        defer {
            server.stop()
            withExtendedLifetime(labDirectory) {}
        }
        let catalog = try ControlCatalog.load(directory: repositoryRoot + "/Controls")
        let deadline = Duration.seconds(3)
        let options = SSHOptions(
            knownHostsPath: server.knownHostsPath, identityFile: server.clientKeyPath, deadline: deadline)
        let client = try SSHClient(options: options, threads: 4)
        defer { client.shutdown() }
        var targets = hosts.map {
            ScanTarget(
                name: $0.address, endpoint: SSHEndpoint(host: $0.address, port: server.port, user: server.user),
                role: nil)
        }
        targets.append(
            ScanTarget(
                name: "unreachable",
                endpoint: SSHEndpoint(host: "127.0.0.26", port: try SSHServerFixture.freePort(), user: server.user),
                role: nil))
        let scan = FleetScan(probe: HostProbe(controls: catalog.controls, deadline: deadline), concurrency: 4)
        let started = ContinuousClock.now
        let outcomes = await scan.run(targets, runner: client) { _ in }
        let elapsed = ContinuousClock.now - started

        func status(_ index: Int) -> Status? {
            guard case .success(let hostScan) = outcomes[index].result else { return nil }
            return hostScan.verdicts.first?.status
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
        #expect(elapsed < .seconds(8), "the hung host must not hold up the fleet beyond its own deadline: \(elapsed)")
    }

    @Test("A cancelled scan starts no new host and records the rest as interrupted")
    func cancellation() async throws {
        let hosts = (31...36).map {
            LabHost(address: "127.0.0.\($0)", snapshot: "mbx01.json", faults: ["latencyMs": 300])
        }
        let (server, labDirectory) = try startLab(hosts)
        defer {
            server.stop()
            withExtendedLifetime(labDirectory) {}
        }
        let catalog = try ControlCatalog.load(directory: repositoryRoot + "/Controls")
        let options = SSHOptions(knownHostsPath: server.knownHostsPath, identityFile: server.clientKeyPath)
        let client = try SSHClient(options: options, threads: 1)
        defer { client.shutdown() }
        let targets = hosts.map {
            ScanTarget(
                name: $0.address, endpoint: SSHEndpoint(host: $0.address, port: server.port, user: server.user),
                role: nil)
        }
        let scan = FleetScan(probe: HostProbe(controls: catalog.controls, deadline: .seconds(10)), concurrency: 1)
        let task = Task { await scan.run(targets, runner: client) { _ in } }
        try await Task.sleep(for: .milliseconds(500))
        task.cancel()
        let outcomes = await task.value
        let interrupted = outcomes.filter {
            if case .failure(.interrupted) = $0.result { return true }
            return false
        }
        #expect(outcomes.count == targets.count)
        #expect(!interrupted.isEmpty && interrupted.count < targets.count)
    }
}
