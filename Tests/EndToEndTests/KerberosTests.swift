import EDCATestSupport
import Foundation
import Testing

/// Kerberos logons with delegation, end to end: the built `edca-agent` against a real MIT KDC (a throwaway realm)
/// and a real OpenSSH sshd that accepts GSSAPI, whose forced command records the delegated credential the session
/// received before answering the probe as the simulated Windows host.
@Suite("Kerberos logon with delegation")
struct KerberosTests {
    /// A realm, a Kerberized sshd running the lab host, and a directory for the agent's files.
    private final class Lab {
        let realm: KerberosRealm
        let server: KerberizedSSHServer
        let directory: TemporaryDirectory
        /// The agent's keytab for `edca-scan`.
        let keytab: String
        /// A controls directory with EDCA-SEC-043 alone (its verdict on mbx01.json is Pass).
        let controls: String

        init() throws {
            realm = try KerberosRealm()
            directory = try TemporaryDirectory()
            let lab = try JSONSerialization.data(withJSONObject: [
                "hosts": [
                    "*": ["snapshot": repositoryRoot + "/Inventory/lab/mbx01.json", "shell": "cmd", "faults": [:]]
                ]
            ])
            let labFile = try directory.write("lab.json", String(decoding: lab, as: UTF8.self))
            let labHost = builtProductsDirectory.appendingPathComponent("edca-lab-host").path
            server = try KerberizedSSHServer(realm: realm, forcedCommand: "\(labHost) --lab \(labFile)")
            keytab = try realm.writeKeytab(KerberosRealm.clientPrincipal, name: "agent.keytab")
            controls = directory.path + "/controls"
            try FileManager.default.createDirectory(atPath: controls, withIntermediateDirectories: false)
            try FileManager.default.copyItem(
                atPath: repositoryRoot + "/Controls/EDCA-SEC-043.json", toPath: controls + "/EDCA-SEC-043.json")
        }

        deinit {
            server.stop()
            realm.stop()
        }

        /// `edca-agent probe` over Kerberos to the server's `host/localhost`.
        func probeArguments(_ extra: [String]) -> [String] {
            [
                "probe", server.host, "--port", String(server.port), "--user", server.user, "--known-hosts",
                server.knownHostsPath, "--controls", controls, "--timeout", "20", "--kerberos-name",
                KerberosRealm.serverName,
            ] + extra
        }

        /// Runs the agent with the realm's `KRB5_CONFIG` and any `extra` variables.
        func agent(_ arguments: [String], environment extra: [String: String] = [:]) throws -> AgentRun {
            try runAgent(arguments, environment: realm.environment.merging(extra) { $1 })
        }

        /// How many connections sshd has seen so far.
        var connections: Int {
            server.log().components(separatedBy: "Connection from ").count - 1
        }
    }

    /// Checks that a session report shows a delegated ticket-granting ticket of the agent's principal in a
    /// credential cache file that existed in the session.
    private func expectDelegatedTicket(_ report: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(
            report.contains("KRB5CCNAME=FILE:"), "no delegated cache in the session: \(report)",
            sourceLocation: sourceLocation)
        #expect(report.contains("cache-file: present"), "\(report)", sourceLocation: sourceLocation)
        #expect(
            report.contains("Default principal: \(KerberosRealm.clientPrincipal)"), "\(report)",
            sourceLocation: sourceLocation)
        #expect(
            report.contains("krbtgt/\(KerberosRealm.realm)@\(KerberosRealm.realm)"), "no TGT in the session: \(report)",
            sourceLocation: sourceLocation)
    }

    @Test("probe with a keytab: the server session receives the agent's delegated ticket-granting ticket")
    func keytabLogonDelegates() throws {
        let lab = try Lab()
        let run = try lab.agent(lab.probeArguments(["--kerberos-keytab", lab.keytab]))
        #expect(run.status == 0, "SEC-043 passes on mbx01: \(run.standardError)\n\(lab.server.log())")
        #expect(run.standardOutput.contains("EDCA-SEC-043"))
        #expect(lab.server.log().contains("Accepted gssapi-with-mic for \(lab.server.user)"))
        let reports = lab.server.sessionReports()
        #expect(reports.count == 1)
        expectDelegatedTicket(reports.first ?? "")
    }

    @Test("probe without delegation logs on with Kerberos and the session has no credential")
    func noDelegation() throws {
        let lab = try Lab()
        let run = try lab.agent(lab.probeArguments(["--kerberos-keytab", lab.keytab, "--no-delegation"]))
        #expect(run.status == 0, "\(run.standardError)")
        #expect(lab.server.log().contains("Accepted gssapi-with-mic"))
        let report = lab.server.sessionReports().first ?? ""
        #expect(report.hasPrefix("KRB5CCNAME=\n"), "\(report)")
    }

    @Test(
        "scan with systemd credentials: key hosts and Kerberos hosts in one fleet; a KDC that is down fails only the Kerberos host, with ssh.kerberos"
    )
    func scanWithCredentialCacheAndKDCDown() throws {
        let lab = try Lab()
        let cache = try lab.realm.credentialCache(fromKeytab: lab.keytab, name: "agent.ccache")
        let credentials = lab.directory.path + "/credentials"
        try FileManager.default.createDirectory(atPath: credentials, withIntermediateDirectories: false)
        try FileManager.default.copyItem(atPath: cache, toPath: credentials + "/krb5-ccache")
        try FileManager.default.copyItem(atPath: lab.server.clientKeyPath, toPath: credentials + "/ssh-key")
        try FileManager.default.copyItem(atPath: lab.server.knownHostsPath, toPath: credentials + "/known-hosts")
        let kerberosHosts = 6
        let inventory = try lab.directory.write(
            "inventory.yaml",
            """
            defaults: {user: \(lab.server.user), port: \(lab.server.port), role: Mailbox}
            groups:
              key-hosts:
                hosts:
                  - {name: mbx-key, address: 127.0.0.1, identity: agent}
              exchange-shell:
                auth: kerberos
                hosts:
            """
                + (1...kerberosHosts).map {
                    "\n      - {name: mbx-kerberos-\($0), address: 127.0.0.1, kerberosName: localhost}"
                }
                .joined() + "\n")
        func scan(_ name: String) throws -> (AgentRun, [[String: Any]]) {
            let spool = lab.directory.path + "/spool-\(name)"
            let run = try lab.agent(
                [
                    "scan", "--inventory", inventory, "--controls", lab.controls, "--spool", spool, "--state",
                    lab.directory.path + "/state-\(name)", "--timeout", "20", "--retries", "0", "--concurrency", "4",
                ], environment: ["CREDENTIALS_DIRECTORY": credentials])
            return (run, try spoolEvents(in: spool))
        }
        func activity(_ events: [[String: Any]], host: String) -> [String: Any]? {
            events.first { event in
                event["class_uid"] as? Int == 6007 && (event["message"] as? String ?? "").hasPrefix(host + ":")
            }
        }

        let (first, events) = try scan("up")
        #expect(first.status == 0, "\(first.standardOutput)\n\(first.standardError)\n\(lab.server.log())")
        #expect(events.filter { $0["class_uid"] as? Int == 2003 }.count == 1 + kerberosHosts, "one finding per host")
        let log = lab.server.log()
        #expect(log.contains("Accepted publickey for \(lab.server.user)"))
        #expect(log.contains("Accepted gssapi-with-mic for \(lab.server.user)"))
        let reports = lab.server.sessionReports()
        #expect(reports.count == 1 + kerberosHosts)
        #expect(reports.filter { $0.hasPrefix("KRB5CCNAME=\n") }.count == 1, "the key session has no credential")
        for report in reports where !report.hasPrefix("KRB5CCNAME=\n") { expectDelegatedTicket(report) }

        lab.realm.stopKDC()
        let (second, later) = try scan("down")
        #expect(second.status == 4, "\(second.standardOutput)\n\(second.standardError)")
        for index in 1...kerberosHosts {
            let failed = try #require(activity(later, host: "mbx-kerberos-\(index)"), "\(later)")
            let unmapped = failed["unmapped"] as? [String: Any] ?? [:]
            #expect(unmapped["error_class"] as? String == "ssh.kerberos")
            #expect((failed["message"] as? String ?? "").contains("kerberos:kdc-unreachable"), "\(failed)")
        }
        #expect(later.filter { $0["class_uid"] as? Int == 2003 }.count == 1, "the key host is still scanned")
    }

    @Test(
        "a server not trusted for delegation (ok-as-delegate enforced) fails with delegation-refused, not a logon without credentials"
    )
    func serverNotTrustedForDelegation() throws {
        let lab = try Lab()
        // As Windows clients do with Active Directory: delegate only to services the KDC marks ok-as-delegate
        // ("Trusted for delegation").
        let config = try String(contentsOfFile: lab.realm.configPath, encoding: .utf8)
        try Data(
            config.replacingOccurrences(of: "[libdefaults]\n", with: "[libdefaults]\n enforce_ok_as_delegate = true\n")
                .utf8
        )
        .write(to: URL(fileURLWithPath: lab.realm.configPath))
        let refused = try lab.agent(lab.probeArguments(["--kerberos-keytab", lab.keytab]))
        #expect(refused.status == 3, "\(refused.standardError)")
        #expect(refused.standardError.contains("(kerberos:delegation-refused)"), "\(refused.standardError)")
        #expect(!lab.server.log().contains("Accepted"), "no logon without the delegated credential")

        try lab.realm.kadmin("modprinc +ok_as_delegate host/\(KerberosRealm.serverName)")
        let delegated = try lab.agent(lab.probeArguments(["--kerberos-keytab", lab.keytab]))
        #expect(delegated.status == 0, "\(delegated.standardError)")
        expectDelegatedTicket(lab.server.sessionReports().first ?? "")
    }

    @Test("a scan that selects Kerberos hosts without a keytab or credential cache stops before any host")
    func kerberosHostsWithoutIdentity() throws {
        let directory = try TemporaryDirectory()
        let inventory = try directory.write(
            "inventory.yaml", "hosts:\n  - {name: mbx21, address: 127.0.0.1, port: 1, user: u, auth: kerberos}\n")
        let run = try runAgent([
            "scan", "--inventory", inventory, "--controls", "Controls", "--spool", directory.path + "/spool",
            "--state", directory.path + "/state", "--known-hosts", "/dev/null",
        ])
        #expect(run.status == 66, "\(run.standardError)")
        #expect(run.standardError.contains("mbx21: `auth: kerberos` needs a keytab or credential cache"))
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/spool/findings.ndjson"))
    }

    @Test("inventory list shows how each host logs on")
    func inventoryListShowsAuthentication() throws {
        let run = try runAgent(["inventory", "list", "Inventory/example.yaml"])
        #expect(run.status == 0, "\(run.standardError)")
        let rows = run.standardOutput.split(separator: "\n").map {
            $0.split(separator: " ", omittingEmptySubsequences: true)
        }
        #expect(rows.first?.contains("AUTH") == true)
        #expect(rows.first { $0.first == "mbx21" }?.contains("kerberos") == true, "\(run.standardOutput)")
        #expect(rows.first { $0.first == "mbx01" }?.contains("key") == true, "\(run.standardOutput)")
    }

    @Test("with a keytab and the KDC down at start, the host fails with kdc-unreachable instead of the whole run")
    func keytabWithKDCDown() throws {
        let lab = try Lab()
        lab.realm.stopKDC()
        let run = try lab.agent(lab.probeArguments(["--kerberos-keytab", lab.keytab]))
        #expect(run.status == 3, "a per-host failure: \(run.standardError)")
        #expect(
            run.standardError.contains("SSH to 127.0.0.1 failed (kerberos:kdc-unreachable)"), "\(run.standardError)")
        #expect(!lab.server.log().contains("Accepted"))
    }

    @Test("a host whose service principal the KDC does not know fails with ssh.kerberos unknown-principal")
    func unknownServicePrincipal() throws {
        let lab = try Lab()
        var arguments = lab.probeArguments(["--kerberos-keytab", lab.keytab])
        arguments[arguments.firstIndex(of: KerberosRealm.serverName) ?? 0] = "mbx99.edca.test"
        let run = try lab.agent(arguments)
        #expect(run.status == 3)
        #expect(run.standardError.contains("(kerberos:unknown-principal)"), "\(run.standardError)")
        #expect(run.standardError.contains("host/mbx99.edca.test@EDCA.TEST"), "\(run.standardError)")
        #expect(!lab.server.log().contains("Accepted"))
    }

    /// A keytab or credential cache that cannot work, and the reason the agent must give for it.
    struct BadIdentity: Sendable, CustomTestStringConvertible {
        var name: String
        var reason: String
        var expected: String
        /// Prepares the realm and returns the agent's Kerberos arguments.
        var prepare: @Sendable (KerberosRealm, String) throws -> [String]
        var testDescription: String { name }
    }

    static let badIdentities: [BadIdentity] = [
        BadIdentity(name: "unreadable keytab", reason: "bad-keytab", expected: "cannot read keytab") { realm, _ in
            ["--kerberos-keytab", realm.directory + "/missing.keytab"]
        },
        BadIdentity(name: "stale keytab (the key changed since)", reason: "bad-keytab", expected: "from the keytab") {
            realm, keytab in
            try realm.kadmin("cpw -randkey edca-scan")
            return ["--kerberos-keytab", keytab]
        },
        BadIdentity(name: "keytab of another realm", reason: "unknown-realm", expected: "OTHER.TEST") { realm, _ in
            let path = realm.directory + "/other.keytab"
            try realm.runTool(
                "/usr/bin/ktutil", [],
                input: "addent -password -p edca-scan@OTHER.TEST -k 1 -e aes256-cts-hmac-sha1-96\nsecret\nwkt \(path)\n"
            )
            return ["--kerberos-keytab", path]
        },
        BadIdentity(name: "principal the KDC does not know", reason: "unknown-principal", expected: "ghost@EDCA.TEST") {
            realm, _ in
            try realm.kadmin("addprinc -randkey ghost")
            let path = try realm.writeKeytab("ghost", name: "ghost.keytab")
            try realm.kadmin("delprinc -force ghost")
            return ["--kerberos-keytab", path]
        },
        BadIdentity(
            name: "account whose tickets may not be forwarded", reason: "delegation-refused",
            expected: "not forwardable"
        ) {
            realm, keytab in
            try realm.kadmin("modprinc -allow_forwardable edca-scan")
            return ["--kerberos-keytab", keytab]
        },
        BadIdentity(name: "missing credential cache", reason: "no-ticket", expected: "cannot read credential cache") {
            realm, _ in ["--kerberos-ccache", realm.directory + "/missing.ccache"]
        },
        BadIdentity(name: "empty credential cache", reason: "no-ticket", expected: "holds no ticket") { realm, _ in
            let path = realm.directory + "/empty.ccache"
            try Data().write(to: URL(fileURLWithPath: path))
            return ["--kerberos-ccache", path]
        },
        BadIdentity(
            name: "credential cache with a ticket that is not forwardable", reason: "delegation-refused",
            expected: "kinit -f"
        ) {
            realm, keytab in
            [
                "--kerberos-ccache",
                try realm.credentialCache(fromKeytab: keytab, name: "plain.ccache", forwardable: false),
            ]
        },
        BadIdentity(name: "expired credential cache", reason: "no-ticket", expected: "expired") { realm, keytab in
            try realm.kadmin("modprinc -maxlife \"2 seconds\" edca-scan")
            let path = try realm.credentialCache(fromKeytab: keytab, name: "short.ccache")
            Thread.sleep(forTimeInterval: 3)
            return ["--kerberos-ccache", path]
        },
    ]

    @Test(
        "an unusable keytab or credential cache is one clear error before any host is contacted",
        arguments: badIdentities)
    func badIdentityFailsBeforeAnyHost(_ bad: BadIdentity) throws {
        let lab = try Lab()
        let before = lab.connections
        let run = try lab.agent(lab.probeArguments(try bad.prepare(lab.realm, lab.keytab)))
        #expect(run.status == 66, "\(run.standardError)")
        let lines = run.standardError.split(separator: "\n")
        #expect(lines.count == 1, "one error: \(run.standardError)")
        #expect(run.standardError.contains("SSH setup failed (kerberos:\(bad.reason))"), "\(run.standardError)")
        #expect(run.standardError.contains(bad.expected), "\(run.standardError)")
        #expect(lab.connections == before, "no host may be contacted")
    }
}
