import EDCAAgent
import EDCATestSupport
import EDCATransport
import Foundation
import Testing

@Suite("The scan configuration file")
struct AgentConfigurationTests {
    @Test("Keys in the file override the defaults; the rest keep them")
    func overrides() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write(
            "config.json",
            #"{"inventory": "/srv/fleet.yaml", "concurrency": 64, "spoolGroup": "splunk", "spoolChangesOnly": true}"#)
        let configuration = try AgentConfiguration.load(path: file)
        var expected = AgentConfiguration()
        expected.inventory = "/srv/fleet.yaml"
        expected.concurrency = 64
        expected.spoolGroup = "splunk"
        expected.spoolChangesOnly = true
        #expect(configuration == expected)
    }

    @Test("Every problem is reported at once with file, line, column and key")
    func problems() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write(
            "config.json",
            """
            {
              "concurency": 8,
              "deadlineSeconds": 0,
              "spoolDirectory": 3
            }
            """)
        do {
            _ = try AgentConfiguration.load(path: file)
            Issue.record("the file loaded")
        } catch {
            #expect(error.kind == .badContent)
            let lines = Set(error.problems.map(\.description))
            #expect(
                lines == [
                    "\(file):2:3: concurency: unknown field (did you mean 'concurrency'?)",
                    "\(file):3:22: deadlineSeconds: out of range: expected 1 to 3600, found 0",
                    "\(file):4:21: spoolDirectory: expected a string, found number",
                ])
        }
    }

    @Test("systemd credentials fill the SSH key, passphrase and known_hosts when the file does not set them")
    func credentials() throws {
        let directory = try TemporaryDirectory()
        let key = try directory.write("ssh-key", "not a real key")
        let knownHosts = try directory.write("known-hosts", "")
        var configuration = AgentConfiguration()
        configuration.useCredentials(in: directory.path)
        #expect(configuration.identity == key)
        #expect(configuration.knownHosts == knownHosts)
        #expect(configuration.passphraseFile == nil)
        var explicit = AgentConfiguration()
        explicit.identity = "/etc/edca-agent/key"
        explicit.useCredentials(in: directory.path)
        #expect(explicit.identity == "/etc/edca-agent/key")
    }

    @Test("Kerberos: keytab or credential cache from the file or from the credentials krb5-keytab and krb5-ccache")
    func kerberos() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write(
            "config.json",
            #"{"kerberosKeytab": "/etc/edca-agent/edca.keytab", "kerberosPrincipal": "svc-edca@CORP.EXAMPLE.COM", "#
                + #""kerberosDelegation": false}"#)
        let configuration = try AgentConfiguration.load(path: file)
        #expect(
            configuration.kerberosOptions
                == KerberosOptions(
                    source: .keytab(path: "/etc/edca-agent/edca.keytab", principal: "svc-edca@CORP.EXAMPLE.COM"),
                    delegate: false))
        #expect(AgentConfiguration().kerberosOptions == nil, "no Kerberos unless configured")

        let credentials = try TemporaryDirectory()
        let cache = try credentials.write("krb5-ccache", "not a real cache")
        var fromCache = AgentConfiguration()
        fromCache.useCredentials(in: credentials.path)
        #expect(fromCache.kerberosOptions == KerberosOptions(source: .credentialCache(path: cache)))
        let keytab = try credentials.write("krb5-keytab", "not a real keytab")
        var fromKeytab = AgentConfiguration()
        fromKeytab.useCredentials(in: credentials.path)
        #expect(fromKeytab.kerberosOptions == KerberosOptions(source: .keytab(path: keytab, principal: nil)))
        var explicit = configuration
        explicit.useCredentials(in: credentials.path)
        #expect(explicit.kerberosKeytab == "/etc/edca-agent/edca.keytab", "the file wins over the credentials")

        let both = try directory.write(
            "both.json", #"{"kerberosKeytab": "/k", "kerberosCredentialCache": "/c", "kerberosDelegation": "yes"}"#)
        do {
            _ = try AgentConfiguration.load(path: both)
            Issue.record("the file loaded")
        } catch {
            let lines = error.problems.map(\.description)
            #expect(lines.contains { $0.contains("kerberosDelegation") && $0.contains("1:") }, "\(lines)")
            #expect(
                lines.contains {
                    $0.contains("kerberosCredentialCache: give kerberosKeytab or kerberosCredentialCache, not both")
                }, "\(lines)")
        }
    }
}
