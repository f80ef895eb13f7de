import Foundation

/// A throwaway MIT Kerberos realm, `EDCA.TEST`, for tests: its own database, `krb5.conf` and `kdc.conf` in a
/// temporary directory, and a `krb5kdc` on a free port of 127.0.0.1. The system's Kerberos files are never read or
/// touched: every tool and the agent get `KRB5_CONFIG` and `KRB5_KDC_PROFILE` (see `environment`).
///
/// Principals at start: `edca-scan` (the agent) and `host/localhost` (the test sshd), both with random keys.
/// `krb5.conf` maps `edca-scan@EDCA.TEST` to the local account running the tests (`auth_to_local`), so that sshd lets
/// the principal log in as that account without a `.k5login` file.
package final class KerberosRealm: Sendable {
    /// The realm's name.
    package static let realm = "EDCA.TEST"
    /// The agent's principal.
    package static let clientPrincipal = "edca-scan@EDCA.TEST"
    /// The name in the test sshd's service principal, `host/localhost`.
    package static let serverName = "localhost"

    /// The directory holding the database, the configuration, the keytabs and the KDC's log; removed by `stop()`.
    package let directory: String
    /// The KDC's port on 127.0.0.1 (TCP and UDP).
    package let port: Int
    /// The client configuration (`KRB5_CONFIG`).
    package let configPath: String
    /// The KDC configuration (`KRB5_KDC_PROFILE`).
    package let kdcProfilePath: String
    /// The KDC's log.
    package let kdcLogPath: String
    private let kdc: ChildProcess

    /// The variables that point Kerberos tools and the agent at this realm's configuration.
    package var environment: [String: String] {
        ["KRB5_CONFIG": configPath, "KRB5_KDC_PROFILE": kdcProfilePath]
    }

    /// Fails with a clear message when MIT Kerberos's KDC or tools are not installed. Never skips.
    package static func requireKerberos() throws {
        for tool in ["/usr/sbin/krb5kdc", "/usr/sbin/kdb5_util", "/usr/sbin/kadmin.local", "/usr/bin/kinit"]
        where !FileManager.default.isExecutableFile(atPath: tool) {
            throw SSHServerFixtureError(
                "\(tool) is missing: install krb5-kdc, krb5-admin-server and krb5-user (scripts/install-dependencies) "
                    + "to run the Kerberos tests")
        }
    }

    /// Creates the realm and its two principals, and starts the KDC (waiting at most 10 s for its TCP port).
    package init() throws {
        try Self.requireKerberos()
        var template = Array((NSTemporaryDirectory() + "/edca-krb5-XXXXXX").utf8CString)
        guard let created = mkdtemp(&template) else { throw SSHServerFixtureError("mkdtemp failed: errno \(errno)") }
        directory = String(cString: created)
        configPath = directory + "/krb5.conf"
        kdcProfilePath = directory + "/kdc.conf"
        kdcLogPath = directory + "/kdc.log"
        do {
            port = try SSHServerFixture.freePort()
            let user = try Self.currentUserName()
            try Self.write(
                configPath,
                """
                [libdefaults]
                 default_realm = \(Self.realm)
                 dns_lookup_kdc = false
                 dns_lookup_realm = false
                 dns_canonicalize_hostname = false
                 rdns = false
                 udp_preference_limit = 1
                [realms]
                 \(Self.realm) = {
                  kdc = 127.0.0.1:\(port)
                  auth_to_local = RULE:[1:$1@$0](edca-scan@EDCA\\.TEST)s/.*/\(user)/
                  auth_to_local = DEFAULT
                 }

                """)
            try Self.write(
                kdcProfilePath,
                """
                [kdcdefaults]
                 kdc_listen = 127.0.0.1:\(port)
                 kdc_tcp_listen = 127.0.0.1:\(port)
                [realms]
                 \(Self.realm) = {
                  database_name = \(directory)/principal
                  key_stash_file = \(directory)/stash
                  acl_file = \(directory)/kadm5.acl
                  max_life = 10h
                  max_renewable_life = 1d
                 }
                [logging]
                 kdc = FILE:\(kdcLogPath)

                """)
            let masterPassword = UUID().uuidString
            let environment = ["KRB5_CONFIG": configPath, "KRB5_KDC_PROFILE": kdcProfilePath]
            try Self.run(
                "/usr/sbin/kdb5_util", ["create", "-s", "-r", Self.realm, "-P", masterPassword],
                environment: environment)
            for principal in ["edca-scan", "host/\(Self.serverName)"] {
                try Self.run(
                    "/usr/sbin/kadmin.local", ["-q", "addprinc -randkey \(principal)"], environment: environment)
            }
            kdc = try ChildProcess(
                "/usr/bin/env",
                ["KRB5_CONFIG=\(configPath)", "KRB5_KDC_PROFILE=\(kdcProfilePath)", "/usr/sbin/krb5kdc", "-n"],
                output: directory + "/kdc.out")
            let clock = ContinuousClock()
            let end = clock.now.advanced(by: .seconds(10))
            while !SSHServerFixture.canConnect(port: port) {
                guard clock.now < end, kdc.isRunning else {
                    kdc.stop()
                    throw SSHServerFixtureError(
                        "krb5kdc did not start: \((try? String(contentsOfFile: directory + "/kdc.out", encoding: .utf8)) ?? "")"
                    )
                }
                Thread.sleep(forTimeInterval: 0.02)
            }
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    deinit {
        stop()
    }

    /// Stops the KDC and removes the directory. Idempotent.
    package func stop() {
        kdc.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Stops only the KDC: the realm's files stay, and clients then find no KDC to ask.
    package func stopKDC() {
        kdc.stop()
    }

    /// Runs one `kadmin.local` query (e.g. `modprinc -allow_forwardable edca-scan`) on the realm's database.
    package func kadmin(_ query: String) throws {
        try runTool("/usr/sbin/kadmin.local", ["-q", query])
    }

    /// Writes the current keys of `principal` to a new keytab in the realm's directory (`ktadd`, which also gives
    /// the principal a new key version) and returns its path.
    @discardableResult
    package func writeKeytab(_ principal: String, name: String) throws -> String {
        let path = directory + "/" + name
        try kadmin("ktadd -k \(path) \(principal)")
        return path
    }

    /// `kinit` from a keytab into a new credential cache file and returns its path; `forwardable: false` asks for a
    /// ticket that cannot be delegated.
    package func credentialCache(fromKeytab keytab: String, name: String, forwardable: Bool = true) throws -> String {
        let path = directory + "/" + name
        try runTool(
            "/usr/bin/kinit",
            [forwardable ? "-f" : "-F", "-k", "-t", keytab, "-c", "FILE:\(path)", Self.clientPrincipal])
        return path
    }

    /// Runs a tool with the realm's environment; throws with its output when it fails. Returns its stdout.
    @discardableResult
    package func runTool(_ tool: String, _ arguments: [String], input: String = "") throws -> String {
        try Self.run(tool, arguments, environment: environment, input: input)
    }

    @discardableResult
    private static func run(
        _ tool: String, _ arguments: [String], environment: [String: String], input: String = ""
    ) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let stdin = Pipe()
        let output = Pipe()
        process.standardInput = stdin
        process.standardOutput = output
        process.standardError = output
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try? stdin.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw SSHServerFixtureError("\(tool) \(arguments.joined(separator: " ")) failed: \(text)")
        }
        return text
    }

    private static func write(_ path: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    private static func currentUserName() throws -> String {
        guard let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name else {
            throw SSHServerFixtureError("cannot find the current user's name (getpwuid)")
        }
        return String(cString: name)
    }
}
