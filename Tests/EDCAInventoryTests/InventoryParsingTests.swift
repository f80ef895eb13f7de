import EDCACore
import EDCAInventory
import Foundation
import Testing

/// Parses YAML expected to be valid, failing the test with every problem otherwise.
func parseValid(_ yaml: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Inventory {
    do {
        return try Inventory.parse(yaml: yaml, file: "test.yaml")
    } catch {
        Issue.record("unexpected problems:\n\(error)", sourceLocation: sourceLocation)
        throw error
    }
}

/// The problems of YAML expected to be invalid, as `file:line:column: field: message` lines.
func problems(_ yaml: String, sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
    do {
        let inventory = try Inventory.parse(yaml: yaml, file: "test.yaml")
        Issue.record("expected problems, got \(inventory.hosts.count) hosts", sourceLocation: sourceLocation)
        return []
    } catch {
        return error.problems.map(\.description)
    }
}

@Suite struct InventoryParsingTests {
    @Test func mergesDefaultsGroupsAndHosts() throws {
        let inventory = try parseValid(
            """
            defaults:
              user: svc
              identity: /keys/id
              tags: [exchange]
            groups:
              site-a:
                port: 2222
                role: Mailbox
                tags: [site-a, Exchange]
                hosts:
                  - name: mbx01
                  - name: mbx02
                    address: 10.0.0.2
                    port: 22
                    role: auto
                    user: other
                    tags: [dag1]
                    enabled: false
            hosts:
              - name: edge01
                role: Edge
                identity: agent
                fingerprint: SHA256:Fjz/pVmm5eeMPRnXWWgpPsCXo7VL63Aet942JQRvyXM
            """)
        #expect(
            inventory.hosts == [
                InventoryHost(
                    name: "mbx01", address: "mbx01", port: 2222, user: "svc", identityFile: "/keys/id",
                    role: .mailbox, fingerprint: nil, tags: ["exchange", "site-a"], enabled: true, group: "site-a"),
                InventoryHost(
                    name: "mbx02", address: "10.0.0.2", port: 22, user: "other", identityFile: "/keys/id", role: nil,
                    fingerprint: nil, tags: ["exchange", "site-a", "dag1"], enabled: false, group: "site-a"),
                InventoryHost(
                    name: "edge01", address: "edge01", port: 22, user: "svc", identityFile: nil, role: .edge,
                    fingerprint: "SHA256:Fjz/pVmm5eeMPRnXWWgpPsCXo7VL63Aet942JQRvyXM", tags: ["exchange"],
                    enabled: true, group: nil),
            ])
    }

    @Test func duplicateHostNamesAreCaseInsensitive() {
        let found = problems(
            """
            defaults: {user: u, identity: k}
            hosts:
              - name: mbx01
              - name: MBX01
            """)
        #expect(
            found == [
                "test.yaml:4:11: hosts[1].name: duplicate host \"MBX01\" (first declared at test.yaml:3:11)"
            ])
    }

    @Test func unknownKeysSuggestTheClosestName() {
        let found = problems(
            """
            defaults: {user: u, identity: k, prot: 22}
            grups: {}
            hosts:
              - name: mbx01
                adress: 10.0.0.1
                colour: blue
            """)
        #expect(
            found == [
                "test.yaml:1:34: defaults.prot: unknown key \"prot\"; did you mean \"port\"?",
                "test.yaml:2:1: grups: unknown key \"grups\"; did you mean \"groups\"?",
                "test.yaml:5:5: hosts[0].adress: unknown key \"adress\"; did you mean \"address\"?",
                "test.yaml:6:5: hosts[0].colour: unknown key \"colour\"; expected one of: name, address, port, user, "
                    + "identity, role, fingerprint, tags, enabled, auth, organization, kerberosName",
            ])
    }

    @Test func hostOnlyKeysAreRejectedElsewhere() {
        let found = problems(
            """
            defaults: {user: u, identity: k, address: 10.0.0.1}
            groups:
              g:
                name: x
                hosts: []
            """)
        #expect(
            found == [
                "test.yaml:1:34: defaults.address: `address` can only be set on a host, not here",
                "test.yaml:4:5: groups.g.name: `name` can only be set on a host, not here",
            ])
    }

    @Test func exampleInventoryShowsOverridesAndMerges() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let inventory = try Inventory.load(path: root.appendingPathComponent("Inventory/example.yaml").path)
        let byName = Dictionary(uniqueKeysWithValues: inventory.hosts.map { ($0.name, $0) })
        #expect(byName["mbx02"]?.tags == ["exchange", "site-a", "dag1", "patch-tuesday"])
        #expect(byName["mbx02"]?.role == .mailbox)
        #expect(byName["mbx03"]?.enabled == false)
        #expect(byName["mbx11.corp.example.com"]?.address == "mbx11.corp.example.com")
        #expect(byName["mbx11.corp.example.com"]?.role == nil)
        #expect(byName["mbx11.corp.example.com"]?.port == 2222)
        #expect(byName["mbx12"]?.port == 22)
        #expect(byName["mbx12"]?.identityFile == nil)
        #expect(byName["mbx12"]?.user == "edca-site-b")
        #expect(byName["edge01"]?.fingerprint == "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s")
        #expect(byName["edge01"]?.group == nil)
        #expect(byName["edge01"]?.role == .edge)
        #expect(byName["edge01"]?.authentication == .key)
        #expect(byName["mbx21"]?.authentication == .kerberos)
        #expect(byName["mbx21"]?.identityFile == nil)
        #expect(byName["mbx22"]?.kerberosName == "mbx22.corp.example.com")
    }

    @Test func badPortsRolesFingerprintsAndTypes() {
        let found = problems(
            """
            defaults:
              user: u
              identity: k
              port: 0
            hosts:
              - name: a
                port: 65536
              - name: b
                port: ssh
              - name: c
                role: Hub
              - name: d
                fingerprint: MD5:aa:bb
              - name: e
                tags: site-a
              - name: f
                enabled: maybe
              - name: g
                user: [x]
            """)
        #expect(
            found == [
                "test.yaml:4:9: defaults.port: 0 is not a port number: expected 1 to 65535",
                "test.yaml:7:11: hosts[0].port: 65536 is not a port number: expected 1 to 65535",
                "test.yaml:9:11: hosts[1].port: must be a port number from 1 to 65535, not \"ssh\"",
                "test.yaml:11:11: hosts[2].role: unknown role \"Hub\": expected Mailbox, Edge or auto",
                "test.yaml:13:18: hosts[3].fingerprint: \"MD5:aa:bb\" is not a host-key fingerprint: expected "
                    + "SHA256: and 43 base64 characters, as `ssh-keygen -l` prints it",
                "test.yaml:15:11: hosts[4].tags: must be a list of strings, not \"site-a\"",
                "test.yaml:17:14: hosts[5].enabled: must be true or false, not \"maybe\"",
                "test.yaml:19:11: hosts[6].user: must be a string, not a list",
            ])
    }

    @Test func missingUserOrIdentityNamesTheHost() {
        let found = problems(
            """
            groups:
              g:
                user: u
                hosts:
                  - name: mbx01
            hosts:
              - name: mbx02
                identity: agent
            """)
        #expect(
            found == [
                "test.yaml:5:9: groups.g.hosts[0].identity: host \"mbx01\" has no `identity` (a private key file, "
                    + "or `agent` for ssh-agent; set it on the host, its group or `defaults`; or `auth: kerberos`)",
                "test.yaml:7:5: hosts[0].user: host \"mbx02\" has no `user` (set it on the host, its group or "
                    + "`defaults`)",
            ])
    }

    @Test func everyProblemIsReportedInOnePass() {
        let found = problems(
            """
            defaults: {user: u, identity: k}
            groups:
              g:
                port: 99999
                hosts:
                  - name: x
                    rol: Edge
            hosts:
              - name: X
              - name: y
                fingerprint: SHA256:short
              - name: z
                address: "bad host"
            extra: 1
            """)
        #expect(found.count == 6)
        #expect(
            found.map { $0.split(separator: ":").prefix(3).joined(separator: ":") } == [
                "test.yaml:4:11", "test.yaml:7:9", "test.yaml:11:18", "test.yaml:14:1", "test.yaml:9:11",
                "test.yaml:13:14",
            ])
    }

    @Test func hostileAddressesAreRejectedAsData() {
        let found = problems(
            """
            defaults: {user: u, identity: k}
            hosts:
              - name: "mbx01; rm -rf /"
              - name: mbx02
                address: $(Stop-Computer)
              - name: "`whoami`"
                address: 10.0.0.3
            """)
        #expect(
            found == [
                "test.yaml:3:11: hosts[0].address: \"mbx01; rm -rf /\" is not a DNS name or IP address: only letters, "
                    + "digits, '.', '-' and ':' (IPv6) are allowed (taken from the host's name; set `address` to "
                    + "connect elsewhere)",
                "test.yaml:5:14: hosts[1].address: \"$(Stop-Computer)\" is not a DNS name or IP address: only "
                    + "letters, digits, '.', '-' and ':' (IPv6) are allowed",
            ])
    }

    @Test func hostileNamesAreKeptAsDataWithAPlausibleAddress() throws {
        let inventory = try parseValid(
            """
            defaults: {user: u, identity: k}
            hosts:
              - name: "mbx01; rm -rf /"
                address: mbx01.corp.example.com
              - name: v6
                address: "fd00::1"
            """)
        #expect(inventory.hosts.map(\.name) == ["mbx01; rm -rf /", "v6"])
        #expect(inventory.hosts.map(\.address) == ["mbx01.corp.example.com", "fd00::1"])
    }

    @Test func malformedYAMLIsOneProblemWithItsPosition() {
        let found = problems("hosts:\n  - name: [a\n")
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("test.yaml:3:1: yaml: invalid YAML") == true)
    }

    @Test func duplicateKeysGroupsAndEmptyDocuments() {
        #expect(problems("hosts: []\nhosts: []\n") == ["test.yaml:1:1: yaml: duplicate key: hosts"])
        #expect(
            problems("") == [
                "test.yaml:1:1: inventory: the inventory must be a mapping with `defaults`, `groups` and `hosts`"
            ])
        let found = problems(
            """
            groups:
              a: {user: u, identity: k, hosts: []}
              A: {hosts: []}
              b: {user: u}
            """)
        #expect(
            found == [
                "test.yaml:3:3: groups.A: duplicate group \"A\"",
                "test.yaml:4:6: groups.b: the group has no `hosts` list",
            ])
    }

    @Test func aMissingFileIsUnreadable() {
        #expect {
            try Inventory.load(path: "/nonexistent/inventory.yaml")
        } throws: { error in
            guard let error = error as? InventoryError else { return false }
            return error.isUnreadable
                && error.description.hasPrefix("/nonexistent/inventory.yaml:0:0: file: cannot read the inventory")
        }
    }

    @Test(arguments: ["example.yaml", "lab.yaml"])
    func shippedInventoriesLoad(file: String) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let path = root.appendingPathComponent("Inventory").appendingPathComponent(file).path
        do {
            let inventory = try Inventory.load(path: path)
            #expect(inventory.hosts.count == (file == "example.yaml" ? 8 : 6))
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func labInventoryMatchesTheLab() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let inventory = try Inventory.load(path: root.appendingPathComponent("Inventory/lab.yaml").path)
        #expect(inventory.hosts.map(\.name) == ["mbx01", "mbx02", "mbx03", "edge01", "mbx04", "mbx05"])
        #expect(inventory.hosts.allSatisfy { $0.port == 2222 && $0.identityFile == ".lab/client_ed25519" })
        #expect(Set(inventory.hosts.map(\.address)) == Set((11...16).map { "127.0.0.\($0)" }))
        #expect(inventory.hosts.first { $0.name == "edge01" }?.role == .edge)
        // The lab snapshots' Exchange facts: mbx02 is Fabrikam's (default 2019), the others Contoso's.
        #expect(
            inventory.hosts.map(\.organization) == ["Contoso", "Fabrikam", "Contoso", "Contoso", "Contoso", "Contoso"])
    }

    @Test func kerberosHostsNeedNoIdentityAndNameTheirServicePrincipal() throws {
        let inventory = try parseValid(
            """
            defaults: {user: svc-edca, identity: /etc/edca-agent/id_ed25519}
            groups:
              exchange-shell:
                auth: kerberos
                hosts:
                  - {name: mbx01, address: 10.0.0.1, kerberosName: mbx01.corp.example.com}
                  - {name: mbx02.corp.example.com, auth: KEY}
            hosts:
              - {name: mbx03, user: other, auth: kerberos}
              - {name: mbx04}
            """)
        let byName = Dictionary(uniqueKeysWithValues: inventory.hosts.map { ($0.name, $0) })
        #expect(byName["mbx01"]?.authentication == .kerberos)
        #expect(byName["mbx01"]?.kerberosName == "mbx01.corp.example.com")
        #expect(byName["mbx01"]?.identityFile == nil, "a Kerberos host uses no key")
        #expect(byName["mbx02.corp.example.com"]?.authentication == .key)
        #expect(byName["mbx02.corp.example.com"]?.identityFile == "/etc/edca-agent/id_ed25519")
        #expect(byName["mbx03"]?.authentication == .kerberos)
        #expect(byName["mbx03"]?.kerberosName == nil)
        #expect(byName["mbx04"]?.authentication == .key)
    }

    @Test func badAuthenticationAndKerberosNames() {
        let found = problems(
            """
            defaults: {user: u, auth: password}
            groups:
              g:
                kerberosName: mbx.example.com
                hosts:
                  - {name: mbx01, auth: kerberos, kerberosName: "mbx 01"}
            """)
        #expect(
            found == [
                "test.yaml:1:27: defaults.auth: unknown authentication \"password\": expected key or kerberos",
                "test.yaml:4:5: groups.g.kerberosName: `kerberosName` can only be set on a host, not here",
                "test.yaml:6:53: groups.g.hosts[0].kerberosName: \"mbx 01\" is not a DNS name or IP address: only "
                    + "letters, digits, '.', '-' and ':' (IPv6) are allowed",
            ])
    }
}

@Suite struct InventoryOrganizationTests {
    @Test("organization is set in defaults, a group or a host; hosts without one are in the default organization")
    func organizationMerges() throws {
        let inventory = try parseValid(
            """
            defaults: {user: svc, identity: /keys/id}
            groups:
              north:
                organization: Contoso North
                hosts:
                  - {name: n1}
                  - {name: n2, organization: Fabrikam}
            hosts:
              - {name: loose}
            """)
        #expect(
            inventory.hosts.map(\.organization) == ["Contoso North", "Fabrikam", InventoryHost.defaultOrganization])
        #expect(InventoryHost.defaultOrganization == "default")
        let everywhere = try parseValid(
            """
            defaults: {user: svc, identity: /keys/id, organization: Contoso}
            hosts:
              - {name: a}
            """)
        #expect(everywhere.hosts.first?.organization == "Contoso")
    }

    @Test("A bad organization names the file, line and field")
    func badOrganization() {
        #expect(
            problems(
                """
                defaults: {user: svc, identity: /keys/id}
                hosts:
                  - {name: a, organization: [x]}
                  - {name: b, organization: ""}
                """) == [
                    "test.yaml:3:29: hosts[0].organization: must be a string, not a list",
                    "test.yaml:4:29: hosts[1].organization: must not be empty",
                ])
        #expect(
            problems(
                """
                defaults: {user: svc, identity: /keys/id}
                hosts:
                  - {name: a, organisation: Contoso}
                """
            ).first?.contains(#"did you mean "organization"?"#) == true)
    }
}
