import EDCATestSupport
import Foundation
import Testing

/// `edca-agent probe` against simulated Windows hosts over a real sshd. Serialized: each test starts its own sshd.
@Suite("edca-agent probe over SSH", .serialized)
struct ProbeCommandTests {
    private func verdicts(_ run: AgentRun) throws -> [String: String] {
        let document = try #require(try parsedJSON(run.standardOutput) as? [String: Any])
        let results = try #require(document["results"] as? [[String: Any]])
        return statusesByControl(results)
    }

    /// The hardened lab host passes every control it is in scope of, except EDCA-TLS-002: upstream asks for at least
    /// 40 connections per domain there and for at most 20 in EDCA-TLS-017, so a host that passes TLS-017 is Unknown
    /// for TLS-002 (README, "Controls"), and `probe` exits 1.
    private func expectHardened(_ run: AgentRun) throws {
        #expect(run.status == 1, "\(run.standardError)")
        let others = try verdicts(run).filter { $0.value != "Pass" && $0.value != "Skipped" }
        #expect(others == ["EDCA-TLS-002": "Unknown"])
    }

    @Test(
        "SEC-043 passes on a hardened host and fails on another, whichever shell the server's OpenSSH uses",
        arguments: ["cmd", "powershell"])
    func passAndFail(shell: String) throws {
        let hardened = try SimulatedHost(snapshot: "mbx01.json", shell: shell)
        let pass = try runAgent(hardened.probeArguments(["--format", "json"]))
        try expectHardened(pass)
        #expect(try verdicts(pass)["EDCA-SEC-043"] == "Pass")
        let document = try #require(try parsedJSON(pass.standardOutput) as? [String: Any])
        let host = try #require(document["host"] as? [String: Any])
        #expect(host["computerName"] as? String == "MBX01")
        #expect(host["role"] as? String == "Mailbox")
        #expect(host["hostKeyFingerprint"] as? String == hardened.server.hostKeyFingerprint)

        let weak = try SimulatedHost(snapshot: "mbx02.json", shell: shell)
        let fail = try runAgent(weak.probeArguments())
        #expect(fail.status == 1)
        #expect(fail.standardOutput.contains("Fail     EDCA-SEC-043"))
        #expect(
            fail.standardOutput.contains(
                #"LanmanWorkstation\Parameters RequireSecuritySignature = 0 (not set; Windows default); required: 1"#))
    }

    @Test("An unreadable key gives Unknown, never Pass; the Edge role comes from the host's registry")
    func accessDenied() throws {
        let edge = try SimulatedHost(snapshot: "edge01.json")
        let run = try runAgent(edge.probeArguments(["--format", "json"]))
        #expect(run.status == 1)
        #expect(try verdicts(run)["EDCA-SEC-043"] == "Unknown")
        #expect(run.standardOutput.contains(#""role": "Edge""#))
    }

    @Test("An unknown host key is refused and not recorded")
    func unknownHostKey() throws {
        let host = try SimulatedHost(snapshot: "mbx01.json")
        var arguments = host.probeArguments()
        arguments[arguments.count - 1] = host.server.emptyKnownHostsPath
        let run = try runAgent(arguments)
        #expect(run.status == 3)
        #expect(run.standardError.contains("hostkey-unknown") || run.standardError.contains("unknown"))
        #expect(run.standardOutput.isEmpty)
        let knownHosts = (try? String(contentsOfFile: host.server.emptyKnownHostsPath, encoding: .utf8)) ?? ""
        #expect(knownHosts.isEmpty)
    }

    @Test("A changed host key is refused, even with --accept-new-host-keys")
    func changedHostKey() throws {
        let host = try SimulatedHost(snapshot: "mbx01.json")
        var arguments = host.probeArguments(["--accept-new-host-keys"])
        let index = try #require(arguments.firstIndex(of: "--known-hosts"))
        arguments[index + 1] = try host.server.otherHostKeyKnownHostsPath()
        let run = try runAgent(arguments)
        #expect(run.status == 3)
        #expect(run.standardError.lowercased().contains("changed"), "\(run.standardError)")
        #expect(run.standardOutput.isEmpty)
    }

    @Test("A key the server does not accept is an authentication error")
    func wrongKey() throws {
        let host = try SimulatedHost(snapshot: "mbx01.json")
        var arguments = host.probeArguments()
        let index = try #require(arguments.firstIndex(of: "--identity"))
        arguments[index + 1] = host.server.unauthorizedClientKeyPath
        let run = try runAgent(arguments)
        #expect(run.status == 3)
        #expect(run.standardError.contains("auth"), "\(run.standardError)")
    }

    @Test("A closed port is a connection error, reported within the deadline")
    func closedPort() throws {
        let host = try SimulatedHost(snapshot: "mbx01.json")
        var arguments = host.probeArguments(["--timeout", "5"])
        let index = try #require(arguments.firstIndex(of: "--port"))
        arguments[index + 1] = String(try SSHServerFixture.freePort())
        let started = ContinuousClock.now
        let run = try runAgent(arguments)
        #expect(run.status == 3)
        #expect(run.standardError.contains("connect"), "\(run.standardError)")
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test("A host that hangs is a timeout error within the deadline, never a verdict")
    func hang() throws {
        let host = try SimulatedHost(snapshot: "mbx01.json", faults: ["hang": true])
        let started = ContinuousClock.now
        let run = try runAgent(host.probeArguments(["--timeout", "3"]))
        #expect(run.status == 3)
        #expect(run.standardError.contains("time"), "\(run.standardError)")
        #expect(run.standardOutput.isEmpty)
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test("Output over the cap is a clear error, not a crash")
    func outputOverCap() throws {
        let host = try SimulatedHost(snapshot: "mbx01.json", faults: ["hugeOutputBytes": 20_000_000])
        let run = try runAgent(host.probeArguments())
        #expect(run.status == 3)
        #expect(run.standardError.contains("output"), "\(run.standardError)")
    }

    @Test(
        "Garbage or truncated output is a probe error, never a verdict",
        arguments: ["garbage", "hangAfterPartialOutput"])
    func unusableOutput(fault: String) throws {
        let host = try SimulatedHost(snapshot: "mbx01.json", faults: [fault: true])
        let run = try runAgent(host.probeArguments(["--timeout", "3"]))
        #expect(run.status == 3)
        #expect(run.standardOutput.isEmpty)
        #expect(run.standardError.contains("edca-agent: error:"))
    }

    @Test("A login banner, CRLF and CLIXML on stderr do not disturb the verdicts")
    func noiseIgnored() throws {
        let host = try SimulatedHost(
            snapshot: "mbx01.json", shell: "powershell",
            faults: ["banner": "Authorized use only\r\n", "profileOutput": "Loading profile...\r\n", "clixml": true])
        let run = try runAgent(host.probeArguments(["--format", "json"]))
        try expectHardened(run)
        #expect(try verdicts(run)["EDCA-SEC-043"] == "Pass")
    }

    @Test("--save-snapshot writes what evaluate replays to the same verdicts and evidence")
    func saveSnapshotReplays() throws {
        let host = try SimulatedHost(snapshot: "mbx02.json")
        let file = host.directory.path + "/saved-snapshot.json"
        let probe = try runAgent(host.probeArguments(["--format", "json", "--save-snapshot", file]))
        #expect(probe.status == 1)
        let replay = try runAgent(["evaluate", "--snapshot", file, "--role", "Mailbox", "--format", "json"])
        #expect(replay.status == 0)
        let probed = try #require(try parsedJSON(probe.standardOutput) as? [String: Any])
        let replayed = try #require(try parsedJSON(replay.standardOutput) as? [String: Any])
        let probedResults = try #require(probed["results"] as? [[String: Any]])
        let replayedResults = try #require(replayed["results"] as? [[String: Any]])
        #expect(probedResults.map { $0["control"] as? String } == replayedResults.map { $0["control"] as? String })
        #expect(probedResults.map { $0["status"] as? String } == replayedResults.map { $0["status"] as? String })
        #expect(
            probedResults.map { $0["evidence"] as? [String] } == replayedResults.map { $0["evidence"] as? [String] })
    }

    @Test("--spool also writes the host's findings to a spool, as a scan does, and still prints the verdicts")
    func spoolsWhenAsked() throws {
        let host = try SimulatedHost(snapshot: "mbx02.json")
        let spool = host.directory.path + "/spool"
        let state = host.directory.path + "/state"
        let run = try runAgent(host.probeArguments(["--spool", spool, "--state", state]))
        #expect(run.status == 1, "\(run.standardError)")
        #expect(run.standardOutput.contains("Fail     EDCA-SEC-043"))
        let events = try spoolEvents(in: spool)
        let findings = events.compactMap { $0["compliance"] as? [String: Any] }
        #expect(
            findings.contains { $0["control"] as? String == "EDCA-SEC-043" && $0["status_code"] as? String == "Fail" })
        #expect(events.filter { $0["class_uid"] as? Int == 6007 }.count == 2, "the host's Scan Activity and the run's")
        #expect(FileManager.default.fileExists(atPath: state + "/drift-state.json"))
        let version = try runAgent(["--version"]).standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        // Findings leave the agent's version to their run's Scan Activities.
        let activity = events.first { $0["class_uid"] as? Int == 6007 }
        let product = (activity?["metadata"] as? [String: Any])?["product"] as? [String: Any]
        #expect(product?["version"] as? String == version, "--version and the spool give one product version")

        let printOnly = try runAgent(host.probeArguments())
        #expect(printOnly.status == 1)
        #expect(try spoolEvents(in: spool).count == events.count, "without --spool nothing is written")
    }

    @Test("--print-script prints the command line, the bootstrap, the script and the payload without connecting")
    func printScript() throws {
        let run = try runAgent(["probe", "192.0.2.1", "--print-script"])
        #expect(run.status == 0)
        #expect(run.standardOutput.contains("powershell.exe -NoLogo -NoProfile -NonInteractive -EncodedCommand "))
        #expect(run.standardOutput.contains("@($input)"))
        #expect(run.standardOutput.contains("RegistryView]::Registry64"))
        #expect(run.standardOutput.contains(#""reads":["#))
        #expect(run.standardOutput.contains("RequireSecuritySignature"))
    }
}

@Suite("Probe over SSH: local facts beyond the registry", .serialized)
struct LocalFactProbeTests {
    private func statuses(_ run: AgentRun) throws -> [String: String] {
        let document = try #require(try parsedJSON(run.standardOutput) as? [String: Any])
        let results = try #require(document["results"] as? [[String: Any]])
        return statusesByControl(results)
    }

    @Test("A denied CIM class and a denied service give Unknown with evidence, never Pass; other facts still decide")
    func deniedCimClassAndService() throws {
        let host = try SimulatedHost(
            snapshot: "mbx01.json",
            faults: ["deniedCimClasses": ["Win32_ComputerSystem"], "deniedServices": ["MSExchangeMitigation"]])
        let run = try runAgent(host.probeArguments(["--format", "json"]))
        #expect(run.status == 1, "\(run.standardError)")
        let verdicts = try statuses(run)
        #expect(verdicts["EDCA-PERF-006"] == "Unknown")
        #expect(verdicts["EDCA-PERF-008"] == "Unknown")
        #expect(verdicts["EDCA-GOV-003"] == "Unknown")
        #expect(verdicts["EDCA-SEC-029"] == "Pass", "Win32_OptionalFeature is still readable")
        #expect(verdicts["EDCA-SEC-021"] == "Pass", "the POP3 and IMAP4 services are still readable")
        #expect(run.standardOutput.contains("Win32_ComputerSystem: cannot be read (access denied)"))
        #expect(run.standardOutput.contains("service MSExchangeMitigation state: cannot be read (access denied)"))
    }

    @Test("An unreadable certificate store gives Unknown with evidence, never Pass; other facts still decide")
    func deniedCertificateStore() throws {
        let host = try SimulatedHost(snapshot: "mbx01.json", faults: ["deniedCertificateStores": ["My"]])
        let run = try runAgent(host.probeArguments(["--format", "json"]))
        #expect(run.status == 1, "\(run.standardError)")
        let verdicts = try statuses(run)
        #expect(verdicts["EDCA-DATA-001"] == "Unknown")
        #expect(verdicts["EDCA-GOV-003"] == "Pass", "the service is still readable")
        #expect(run.standardOutput.contains(#"certificate store LocalMachine\\My: cannot be opened (access denied)"#))
    }

    @Test("Defender's exclusions hidden from a standard account and unreadable cipher suites give Unknown, never Fail")
    func maskedDefenderExclusionsAndDeniedCipherSuites() throws {
        let hardened = try SimulatedHost(snapshot: "mbx01.json")
        let baseline = try statuses(try runAgent(hardened.probeArguments(["--format", "json"])))
        #expect(baseline["EDCA-SEC-019"] == "Pass", "the hardened host excludes every Exchange folder and process")
        #expect(baseline["EDCA-DATA-018"] == "Pass", "the hardened host offers forward-secret suites, ECDHE first")

        let host = try SimulatedHost(
            snapshot: "mbx01.json", faults: ["maskedDefenderExclusions": true, "deniedCipherSuites": true])
        let run = try runAgent(host.probeArguments(["--format", "json"]))
        #expect(run.status == 1, "\(run.standardError)")
        let verdicts = try statuses(run)
        #expect(verdicts["EDCA-SEC-019"] == "Unknown")
        #expect(verdicts["EDCA-DATA-018"] == "Unknown")
        #expect(verdicts["EDCA-DATA-011"] == "Pass", "every Schannel cipher key is set, so the suites are not needed")
        #expect(verdicts["EDCA-SEC-026"] == "Pass", "Defender's status is still readable")
        #expect(
            run.standardOutput.contains(
                #"MSFT_MpPreference.ExclusionPath: \"N/A: Must be an administrator to view exclusions\" instead of paths"#
            ))
        #expect(run.standardOutput.contains("TLS cipher suites for TLS 1.2: cannot be read (access denied)"))

        let defaultHost = try SimulatedHost(snapshot: "mbx02.json")
        let defaults = try statuses(try runAgent(defaultHost.probeArguments(["--format", "json"])))
        #expect(defaults["EDCA-SEC-019"] == "Fail", "a default install has no Defender exclusion")
        #expect(defaults["EDCA-DATA-018"] == "Fail", "the Windows Server 2019 default list offers static RSA suites")
        #expect(defaults["EDCA-DATA-013"] == "Fail", "PKCS is not set and TLS_RSA_WITH_ suites are offered")
    }

    @Test("A saved snapshot carries the scan time, and evaluate judges certificate expiry as of that time")
    func snapshotScanTime() throws {
        let host = try SimulatedHost(snapshot: "mbx02.json")
        let saved = NSTemporaryDirectory() + "edca-scan-time-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: saved) }
        let probe = try runAgent(host.probeArguments(["--save-snapshot", saved]))
        #expect(FileManager.default.fileExists(atPath: saved), "\(probe.standardError)")
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: saved))) as? [String: Any])
        let scanTime = try #require(document["scanTime"] as? String)
        #expect(scanTime.hasSuffix("Z") && scanTime.count == 20, "\(scanTime)")
        // Move the saved scan time back to before the store's expired certificate expired: evaluate then uses it.
        var earlier = document
        earlier["scanTime"] = "2025-12-01T00:00:00Z"
        try JSONSerialization.data(withJSONObject: earlier).write(to: URL(fileURLWithPath: saved))
        let replay = try runAgent([
            "evaluate", "--snapshot", saved, "--role", "Mailbox", "--control", "EDCA-DATA-001", "--controls",
            repositoryRoot + "/Controls",
        ])
        #expect(replay.standardOutput.hasPrefix("Pass"), "\(replay.standardOutput)")
        earlier["scanTime"] = "2026-01-01T00:00:00Z"
        try JSONSerialization.data(withJSONObject: earlier).write(to: URL(fileURLWithPath: saved))
        let later = try runAgent([
            "evaluate", "--snapshot", saved, "--role", "Mailbox", "--control", "EDCA-DATA-001", "--controls",
            repositoryRoot + "/Controls",
        ])
        #expect(later.standardOutput.hasPrefix("Unknown"), "\(later.standardOutput)")
        #expect(later.standardOutput.contains("not bound in HTTP.sys"))
    }

    @Test("A missing configuration file and a denied one give the control's verdict with evidence, never a guess")
    func missingAndDeniedConfigurationFiles() throws {
        let host = try SimulatedHost(
            snapshot: "mbx01.json",
            faults: [
                "absentFiles": [#"ExchangeInstall\Bin\EdgeTransport.exe.config"#],
                "deniedFiles": [
                    #"ExchangeInstall\Bin\Search\Ceres\Runtime\1.0\noderunner.exe.config"#,
                    #"InetsrvConfig\applicationHost.config"#,
                ],
            ])
        let run = try runAgent(host.probeArguments(["--format", "json"]))
        #expect(run.status == 1, "\(run.standardError)")
        let verdicts = try statuses(run)
        #expect(verdicts["EDCA-MON-009"] == "Fail", "the transport's configuration file is missing")
        #expect(verdicts["EDCA-PERF-004"] == "Unknown", "a file that cannot be read says nothing about a limit")
        #expect(verdicts["EDCA-SEC-016"] == "Pass", "the web.config files are still read")
        // applicationHost.config is readable by administrators only: its controls say so instead of guessing.
        for id in ["EDCA-DATA-009", "EDCA-SEC-014", "EDCA-SEC-027", "EDCA-SEC-031"] {
            #expect(verdicts[id] == "Unknown", "\(id)")
        }
        #expect(run.standardOutput.contains(#"InetsrvConfig\\applicationHost.config: cannot be read (access denied)"#))
        #expect(run.standardOutput.contains(#"ExchangeInstall\\Bin\\EdgeTransport.exe.config: file absent"#))
        #expect(
            run.standardOutput.contains(
                #"ExchangeInstall\\Bin\\Search\\Ceres\\Runtime\\1.0\\noderunner.exe.config: cannot be read (access denied)"#
            ))
    }

    @Test("The same host unchanged passes the CIM, service, certificate, XML, folder and ACL controls")
    func readableHost() throws {
        let host = try SimulatedHost(snapshot: "mbx01.json")
        let run = try runAgent(host.probeArguments(["--format", "json"]))
        let verdicts = try statuses(run)
        for id in [
            "EDCA-PERF-006", "EDCA-PERF-008", "EDCA-GOV-003", "EDCA-SEC-029", "EDCA-SEC-010", "EDCA-SEC-025",
            "EDCA-DATA-001", "EDCA-MON-009", "EDCA-PERF-004", "EDCA-SEC-016", "EDCA-SEC-015", "EDCA-SEC-035",
            "EDCA-DATA-009", "EDCA-SEC-027", "EDCA-SEC-031",
        ] {
            #expect(verdicts[id] == "Pass", "\(id)")
        }
    }
}

/// The statuses of `probe` or `evaluate --format json` results, by control id. A control judged once per subject (a
/// Database control gives one verdict per database) shows its one status when all agree, else its distinct statuses
/// joined by `/` in alphabetical order, so that a test naming one status fails on a mixed result.
func statusesByControl(_ results: [[String: Any]]) -> [String: String] {
    var statuses: [String: [String]] = [:]
    for result in results {
        guard let id = result["control"] as? String else { continue }
        let status = result["status"] as? String ?? ""
        if !(statuses[id, default: []].contains(status)) { statuses[id, default: []].append(status) }
    }
    return statuses.mapValues { $0.sorted().joined(separator: "/") }
}
