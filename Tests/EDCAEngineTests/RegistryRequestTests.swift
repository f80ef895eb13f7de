import Testing

@testable import EDCACore
@testable import EDCAEngine
@testable import EDCAJSON

/// The registry reads a set of controls needs from a host: merged across controls, de-duplicated ignoring case,
/// and sorted.
@Suite struct RegistryRequestTests {
    static func path(_ text: String) throws -> RegistryPath {
        try #require(RegistryPath(text))
    }

    /// A control that reads a value, tests a key, and reads a value in every subkey, behind a gate.
    static let first = #"""
        {"applicableIf": {"key": "HKLM\\SOFTWARE\\Microsoft\\ExchangeServer\\v15", "present": true},
         "all": [
            {"key": "HKLM\\SYSTEM\\CurrentControlSet\\Services\\LanmanServer\\Parameters", "value": "RequireSecuritySignature", "equals": 1},
            {"subkeysOf": "HKLM\\SYSTEM\\CurrentControlSet\\Services\\NetBT\\Parameters\\Interfaces", "value": "NetbiosOptions", "require": "all", "equals": 2},
            {"key": "HKLM\\SYSTEM\\CurrentControlSet\\Services\\LanmanServer\\Parameters", "value": "SMB1", "equals": 0}
         ]}
        """#

    /// A control that reads the same value with different case, and one more.
    static let second = #"""
        {"any": [
            {"key": "hklm\\system\\currentcontrolset\\services\\lanmanserver\\parameters", "value": "requiresecuritysignature", "equals": 1},
            {"key": "HKLM\\SYSTEM\\CurrentControlSet\\Services\\LanmanServer\\Parameters", "value": "EnableSecuritySignature", "equals": 1},
            {"key": "HKLM\\SOFTWARE\\Microsoft\\ExchangeServer\\v15", "present": true},
            {"subkeysOf": "HKLM\\SYSTEM\\CurrentControlSet\\Services\\NETBT\\Parameters\\Interfaces", "value": "NETBIOSOPTIONS", "require": "any", "equals": 2}
         ]}
        """#

    static func request() throws -> FactRequest {
        FactRequest(checks: [try makeControl(check: first).check, try makeControl(check: second).check])
    }

    @Test func readsAreMergedDeduplicatedAndSorted() throws {
        let server = try Self.path(#"HKLM\SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters"#)
        let interfaces = try Self.path(#"HKLM\SYSTEM\CurrentControlSet\Services\NetBT\Parameters\Interfaces"#)
        let exchange = try Self.path(#"HKLM\SOFTWARE\Microsoft\ExchangeServer\v15"#)
        let expected: [FactRead] = [
            .key(exchange),
            .value(server, RegistryName("EnableSecuritySignature")),
            .value(server, RegistryName("RequireSecuritySignature")),
            .value(server, RegistryName("SMB1")),
            .subkeyValues(interfaces, RegistryName("NetbiosOptions")),
        ]
        #expect(try Self.request().reads == expected)
    }

    @Test func sameValueInTwoControlsDifferingOnlyInCaseAppearsOnceWithTheFirstSpelling() throws {
        let reads = try Self.request().reads
        let values = reads.compactMap { read -> (String, String)? in
            if case .value(let key, let name) = read { return (key.text, name.text) }
            return nil
        }
        #expect(
            values.map(\.0)
                == Array(repeating: #"HKLM\SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters"#, count: 3))
        #expect(values.map(\.1) == ["EnableSecuritySignature", "RequireSecuritySignature", "SMB1"])
        let subkeyReads = reads.compactMap { read -> (String, String)? in
            if case .subkeyValues(let key, let name) = read { return (key.text, name.text) }
            return nil
        }
        #expect(subkeyReads.map(\.0) == [#"HKLM\SYSTEM\CurrentControlSet\Services\NetBT\Parameters\Interfaces"#])
        #expect(subkeyReads.map(\.1) == ["NetbiosOptions"])
    }

    @Test func keyExistenceReadsIncludeGates() throws {
        let keyReads = try Self.request().reads.filter {
            if case .key = $0 { return true }
            return false
        }
        #expect(keyReads == [.key(try Self.path(#"HKLM\SOFTWARE\Microsoft\ExchangeServer\v15"#))])
        let gateOnly = FactRequest(checks: [try makeControl(check: Self.first).check])
        #expect(gateOnly.reads.first == .key(try Self.path(#"hklm\software\microsoft\exchangeserver\V15"#)))
    }

    @Test func readsAreSortedByPathIgnoringCaseThenByKindThenByName() throws {
        let check = #"""
            {"all": [
                {"key": "HKLM\\SOFTWARE\\b", "value": "Z", "equals": 1},
                {"subkeysOf": "HKLM\\SOFTWARE\\A", "value": "V", "require": "all", "equals": 1},
                {"key": "HKLM\\SOFTWARE\\A", "value": "y", "equals": 1},
                {"key": "HKLM\\SOFTWARE\\A", "value": "X", "equals": 1},
                {"key": "HKLM\\SOFTWARE\\a", "present": true}
            ]}
            """#
        let request = FactRequest(checks: [try makeControl(check: check).check])
        let keyA = try Self.path(#"HKLM\SOFTWARE\A"#)
        #expect(
            request.reads == [
                .key(keyA), .value(keyA, RegistryName("X")), .value(keyA, RegistryName("Y")),
                .subkeyValues(keyA, RegistryName("V")), .value(try Self.path(#"HKLM\SOFTWARE\B"#), RegistryName("Z")),
            ])
    }

    @Test func sameKeyRequestedForValuesAndExistenceIsListedForBoth() throws {
        let check = #"""
            {"all": [
                {"key": "\#(TestKey.json)", "present": true},
                {"key": "\#(TestKey.json)", "value": "Setting", "present": true}
            ]}
            """#
        let request = FactRequest(checks: [try makeControl(check: check).check])
        let key = try Self.path(TestKey.shown)
        #expect(request.reads == [.key(key), .value(key, RegistryName("Setting"))])
    }

    @Test func emptyRequestReadsNothing() {
        let request = FactRequest(checks: [])
        #expect(request.reads.isEmpty)
        #expect(request == FactRequest(checks: []))
    }

    @Test func addingAReadTwiceChangesNothing() throws {
        var request = try Self.request()
        let before = request
        request.add(
            .value(
                try Self.path(#"HKLM\SYSTEM\CURRENTCONTROLSET\Services\LanmanServer\Parameters"#), RegistryName("smb1"))
        )
        request.add(.key(try Self.path(#"HKLM\SOFTWARE\Microsoft\ExchangeServer\V15"#)))
        #expect(request == before)
        request.add(.value(try Self.path(TestKey.shown), RegistryName("Setting")))
        #expect(request != before)
        #expect(request.reads.count == before.reads.count + 1)
    }
}
