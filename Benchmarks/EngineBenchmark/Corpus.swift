import EDCACore
import EDCAEngine
import EDCAJSON

/// Registry data as a synthetic host stores it: the engine's own type.
typealias HostDatum = RegistryData

extension RegistryData {
    /// The `{"type": ..., "data": ...}` object of the snapshot format.
    var json: JSONNode {
        switch self {
        case .dword(let number): Self.typed("REG_DWORD", .number(UInt64(number)))
        case .qword(let number): Self.typed("REG_QWORD", .number(number))
        case .string(let text): Self.typed("REG_SZ", .string(text))
        case .expandString(let text): Self.typed("REG_EXPAND_SZ", .string(text))
        case .multiString(let items): Self.typed("REG_MULTI_SZ", .array(items.map(JSONNode.string)))
        case .binary(let bytes):
            Self.typed("REG_BINARY", .string(bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()))
        case .none: Self.typed("REG_NONE", .null)
        }
    }

    private static func typed(_ type: String, _ data: JSONNode) -> JSONNode {
        .object([("type", .string(type)), ("data", data)])
    }

    /// DWORD data for each number.
    static func dwords(_ numbers: [UInt32]) -> [HostDatum] {
        numbers.map(HostDatum.dword)
    }

    /// `REG_SZ` data for each text.
    static func strings(_ texts: [String]) -> [HostDatum] {
        texts.map(HostDatum.string)
    }

    /// A number as tools other than Group Policy store it: as a decimal or hexadecimal `REG_SZ` or a QWORD (which
    /// numeric tests still read), or as `REG_BINARY` or `REG_MULTI_SZ` (which they cannot test).
    static func oddForms(of number: UInt32) -> [HostDatum] {
        [
            .string(String(number)), .string(" 0x" + String(number, radix: 16) + " "), .qword(UInt64(number)),
            .binary([0, 8, 16, 24].map { UInt8(truncatingIfNeeded: number >> $0) }), .multiString([String(number)]),
        ]
    }
}

/// How the subkeys of an enumerated key are named on a host.
enum SubkeyStyle {
    /// `Tcpip_{GUID}`, as under `NetBT\Parameters\Interfaces`.
    case netbtInterface
    /// `{GUID}`, as under `Tcpip\Parameters\Interfaces` or `Uninstall`.
    case guid
    /// `0000`, `0001`, ..., as under a device class key.
    case classInstance
}

/// One registry fact a synthetic control reads, and the data hosts may hold for it.
struct Fact {
    /// How the control reads the fact.
    enum Probe {
        /// A named value: `good` data makes the control's test hold, `bad` data makes it fail, and `odd` data has an
        /// unexpected type (some of which numeric tests still read).
        case value(name: String, good: [HostDatum], bad: [HostDatum], odd: [HostDatum])
        /// The key's existence; the control passes on a present key when `passesWhenPresent`.
        case keyPresence(passesWhenPresent: Bool)
        /// A named value whose mere presence fails the control (a pending-reboot marker).
        case valueMarker(name: String, data: HostDatum)
        /// One named value in each subkey of the key; `requireAll` says whether every subkey must hold the test
        /// (`require: all`) or one is enough (`require: any`).
        case subkeyValues(
            name: String, style: SubkeyStyle, requireAll: Bool, good: [HostDatum], bad: [HostDatum], odd: [HostDatum])
    }

    /// The key's path.
    var key: String
    /// How the control reads it.
    var probe: Probe
}

/// The kinds of synthetic control, each modelled on controls of the upstream catalog
/// (`/work/shared/research/registry-controls.md`).
enum ControlShape: String, CaseIterable {
    /// Two values that must both equal a number, with Windows defaults (EDCA-SEC-043).
    case valuePair = "all of 2 values + default (SEC-043)"
    /// One value and one or two comparisons, with `whenAbsent` or `default` (SEC-018, SEC-023, SEC-002).
    case singleValue = "single value test (SEC-018/023/002)"
    /// A `cases` table with `otherwise` (DATA-008, PERF-010, SEC-037, SEC-017).
    case caseTable = "cases/otherwise (DATA-008/PERF-010/SEC-037)"
    /// Bit masks: `bitsSet`, `bitsClear` (IAC-003, IAC-026).
    case bitMask = "bitsSet/bitsClear (IAC-003/026)"
    /// `all`/`any` groups whose members say `whenAbsent` and whose group does too (SEC-041, DATA-019).
    case groupWhenAbsent = "all/any + whenAbsent (SEC-041/DATA-019)"
    /// String tests: regular expressions, `equalsIgnoringCase`, `oneOf` texts, `contains` on `REG_MULTI_SZ`.
    case stringTest = "strings: regex/ignoring case/contains"
    /// A check behind an `applicableIf` gate on the OS build (MON-002, IAC-005, IAC-006).
    case buildGated = "applicableIf OS build (MON-002/IAC-005)"
    /// `subkeysOf` over the interfaces or instances of a key (SEC-042, PERF-009, SEC-007).
    case subkeys = "subkeysOf ~8 subkeys (SEC-042/PERF-009)"
    /// `none` of two key-existence tests and a value-presence test (MON-003).
    case rebootMarkers = "none of keys/value present (MON-003)"
}

/// One synthetic control: its JSON document and the facts a host generator provides for it.
struct ControlBlueprint {
    /// The control's id, e.g. `EDCA-SEC-143`.
    var id: String
    /// Which upstream pattern it follows.
    var shape: ControlShape
    /// Whether only Mailbox servers are in scope (like EDCA-SEC-011 and EDCA-SEC-030).
    var mailboxOnly: Bool
    /// The control file, as `Controls/<id>.json` would hold it.
    var document: JSONNode
    /// The facts it reads, except the OS build that every host carries.
    var facts: [Fact]
}

/// The key every host lists with its OS build, read by `applicableIf` gates.
let buildKey = #"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion"#
/// The value of ``buildKey`` holding the build number, a `REG_SZ` as on Windows.
let buildValueName = "CurrentBuildNumber"

/// A family of realistic key paths. Each path is handed out once; after that the allocator numbers them (for
/// example `LanmanServer2\Parameters`), so that no two controls ever read the same key.
struct KeyPool {
    /// The pool's name, which the allocator counts by.
    var name: String
    /// Each path split where a numbered variant puts its number: `head` + number + `tail`.
    var entries: [(head: String, tail: String)]

    /// A pool of `prefix` + leaf + `tail` paths.
    init(_ name: String, prefix: String, leaves: [String], tail: String = "") {
        self.name = name
        self.entries = leaves.map { (prefix + $0, tail) }
    }
}

/// Hands out key paths from pools, never the same path twice.
struct KeyAllocator {
    private var handedOut: [String: Int] = [:]

    /// The next unused path of a pool.
    mutating func next(_ pool: KeyPool) -> String {
        let count = handedOut[pool.name, default: 0]
        handedOut[pool.name] = count + 1
        let entry = pool.entries[count % pool.entries.count]
        let round = count / pool.entries.count
        return entry.head + (round == 0 ? "" : String(round + 1)) + entry.tail
    }
}

/// The key families synthetic controls read, taken from the areas real hardening baselines cover.
enum KeyPools {
    static let services = KeyPool(
        "services", prefix: #"HKLM\SYSTEM\CurrentControlSet\Services\"#,
        leaves: [
            "LanmanServer", "LanmanWorkstation", "Netlogon", "Tcpip", "Tcpip6", "NetBT", "LDAP", "Dnscache", "W32Time",
            "RasMan", "MrxSmb", "HTTP", "WinRM", "EventLog", "Kdc", "Schedule", "Spooler", "RemoteRegistry",
            "MSExchangeTransport", "MSExchangeIS", "MSExchangeFrontEndTransport", "MSExchangeRepl",
            "MSExchangeADTopology", "MSExchangeDiagnostics", "MSExchangeHM", "MSExchangeMailboxAssistants",
            "MSExchangeDelivery", "MSExchangeSubmission", "MSExchangeRPC", "MSExchangeThrottling", "W3SVC", "WAS",
            "IISADMIN", "SamSs", "TermService", "Dhcp", "NlaSvc", "iphlpsvc", "BFE", "MpsSvc",
        ], tail: #"\Parameters"#)
    static let policies = KeyPool(
        "policies", prefix: #"HKLM\SOFTWARE\Policies\Microsoft\"#,
        leaves: [
            #"Windows NT\DNSClient"#, #"Windows NT\RPC"#, #"Windows NT\Terminal Services"#, #"Windows NT\Printers"#,
            #"Windows\PowerShell\ScriptBlockLogging"#, #"Windows\PowerShell\ModuleLogging"#,
            #"Windows\PowerShell\Transcription"#, #"Windows\WinRM\Service"#, #"Windows\WinRM\Client"#,
            #"Windows\EventLog\Security"#, #"Windows\EventLog\Application"#, #"Windows\EventLog\System"#,
            #"Windows\CredentialsDelegation"#, #"Windows\WindowsUpdate\AU"#, #"Windows\Explorer"#, #"Windows\System"#,
            #"Windows\Installer"#, #"Windows\Network Connections"#, #"Windows\LanmanWorkstation"#,
            #"Windows\DeviceGuard"#, #"Windows\Personalization"#, #"Windows\WcmSvc\GroupPolicy"#,
            #"Windows\NetworkProvider\HardenedPaths"#, #"Windows\TCPIP\v6Transition"#, #"Windows\AppCompat"#,
            #"Windows\DataCollection"#, #"SystemCertificates\AuthRoot"#, #"Windows Defender\Real-Time Protection"#,
            #"Windows Defender\Spynet"#, #"Cryptography\Configuration\SSL\00010002"#,
        ])
    static let control = KeyPool(
        "control", prefix: #"HKLM\SYSTEM\CurrentControlSet\Control\"#,
        leaves: [
            "Lsa", #"Lsa\MSV1_0"#, #"Lsa\Kerberos\Parameters"#, #"Lsa\FipsAlgorithmPolicy"#,
            #"SecurityProviders\WDigest"#, "Session Manager", #"Session Manager\Kernel"#,
            #"Session Manager\Memory Management"#, #"Session Manager\Environment"#, "Terminal Server",
            #"Terminal Server\WinStations\RDP-Tcp"#, "DeviceGuard", #"DeviceGuard\Scenarios\CredentialGuard"#,
            #"DeviceGuard\Scenarios\HypervisorEnforcedCodeIntegrity"#, "CrashControl", "FileSystem", "Power",
            #"SecurePipeServers\winreg"#, "Remote Assistance", #"LsaExtensionConfig\LsaSrv"#, "Windows",
            #"WMI\Autologger\EventLog-Security"#, #"Print\Providers"#, #"Cryptography\Configuration\Local\SSL"#,
        ])
    static let schannel = KeyPool(
        "schannel", prefix: #"HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\"#,
        leaves: [
            #"Protocols\SSL 2.0\Server"#, #"Protocols\SSL 3.0\Server"#, #"Protocols\TLS 1.0\Server"#,
            #"Protocols\TLS 1.1\Server"#, #"Protocols\TLS 1.2\Server"#, #"Protocols\TLS 1.3\Server"#,
            #"Protocols\SSL 2.0\Client"#, #"Protocols\SSL 3.0\Client"#, #"Protocols\TLS 1.0\Client"#,
            #"Protocols\TLS 1.1\Client"#, #"Protocols\TLS 1.2\Client"#, #"Ciphers\NULL"#, #"Ciphers\DES 56/56"#,
            #"Ciphers\RC2 40/128"#, #"Ciphers\RC2 56/128"#, #"Ciphers\RC2 128/128"#, #"Ciphers\RC4 40/128"#,
            #"Ciphers\RC4 56/128"#, #"Ciphers\RC4 64/128"#, #"Ciphers\RC4 128/128"#, #"Ciphers\Triple DES 168"#,
            #"Hashes\MD5"#, #"Hashes\SHA"#, #"KeyExchangeAlgorithms\PKCS"#, #"KeyExchangeAlgorithms\Diffie-Hellman"#,
        ])
    static let software = KeyPool(
        "software", prefix: #"HKLM\SOFTWARE\"#,
        leaves: [
            #"Microsoft\.NETFramework\v4.0.30319"#, #"Wow6432Node\Microsoft\.NETFramework\v4.0.30319"#,
            #"Microsoft\.NETFramework\v2.0.50727"#, #"Wow6432Node\Microsoft\.NETFramework\v2.0.50727"#,
            #"Microsoft\NET Framework Setup\NDP\v4\Full"#, #"Microsoft\Windows\CurrentVersion\Policies\System"#,
            #"Microsoft\Windows\CurrentVersion\Policies\System\Kerberos\Parameters"#,
            #"Microsoft\Cryptography\Wintrust\Config"#, #"Microsoft\Windows Defender\Real-Time Protection"#,
            #"Microsoft\PowerShell\1\ShellIds\Microsoft.PowerShell"#, #"Microsoft\Policies\LAPS"#,
            #"Policies\Microsoft Services\AdmPwd"#, #"Microsoft\Windows NT\CurrentVersion\Winlogon"#,
            #"Microsoft\Windows\CurrentVersion\Policies\Explorer"#, #"Microsoft\Windows Script Host\Settings"#,
            #"Microsoft\Ole"#, #"Microsoft\Rpc"#, #"Microsoft\WebManagement\Server"#, #"Microsoft\InetStp"#,
            #"Microsoft\Windows\CurrentVersion\Internet Settings"#, #"Microsoft\ServerManager"#,
        ])
    static let exchange = KeyPool(
        "exchange", prefix: #"HKLM\SOFTWARE\Microsoft\ExchangeServer\v15\"#,
        leaves: [
            "Setup", "Diagnostics", #"Search\SystemParameters"#, "Transport", "FrontEndTransport",
            #"ActiveMonitoring\Parameters"#, #"Replay\Parameters"#, #"ManagedStore\Parameters"#, "EdgeTransportRole",
            "MailboxRole", "ClientAccessRole", "FIPS-FS", "OWA", "ContentIndex", "Workload Management",
        ])
    static let netbtInterfaces = KeyPool(
        "netbt", prefix: #"HKLM\SYSTEM\CurrentControlSet\Services\"#, leaves: ["NetBT"],
        tail: #"\Parameters\Interfaces"#)
    static let tcpipInterfaces = KeyPool(
        "tcpip", prefix: #"HKLM\SYSTEM\CurrentControlSet\Services\"#, leaves: ["Tcpip", "Tcpip6"],
        tail: #"\Parameters\Interfaces"#)
    static let deviceClasses = KeyPool(
        "class", prefix: #"HKLM\SYSTEM\CurrentControlSet\Control\Class\"#,
        leaves: ["{4D36E972-E325-11CE-BFC1-08002BE10318}", "{4D36E97B-E325-11CE-BFC1-08002BE10318}"])
    static let uninstall = KeyPool(
        "uninstall", prefix: #"HKLM\SOFTWARE\"#,
        leaves: [
            #"Microsoft\Windows\CurrentVersion\Uninstall"#, #"WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall"#,
        ])
    static let rebootMarkers = KeyPool(
        "markers", prefix: #"HKLM\SOFTWARE\Microsoft\"#,
        leaves: [
            #"Windows\CurrentVersion\Component Based Servicing\RebootPending"#,
            #"Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired"#,
            #"Windows\CurrentVersion\Component Based Servicing\RebootInProgress"#,
            #"Windows\CurrentVersion\Component Based Servicing\PackagesPending"#,
            #"Windows\CurrentVersion\WindowsUpdate\Services\Pending"#,
            #"Windows\CurrentVersion\WindowsUpdate\Auto Update\PostRebootReporting"#,
            #"ServerManager\CurrentRebootAttempts"#, #"Updates\UpdateExeVolatile"#,
        ])
}

/// A value check's members, in the order control files write them: `key`, `value`, the tests, the absence policy.
func valueMembers(
    _ key: String, _ name: String, _ tests: [(String, JSONNode)], _ absence: [(String, JSONNode)] = []
) -> [(String, JSONNode)] {
    [("key", .string(key)), ("value", .string(name))] + tests + absence
}

/// A value check node.
func valueNode(
    _ key: String, _ name: String, _ tests: [(String, JSONNode)], _ absence: [(String, JSONNode)] = []
) -> JSONNode {
    .object(valueMembers(key, name, tests, absence))
}

/// A `whenAbsent` member.
func whenAbsent(_ status: String) -> [(String, JSONNode)] {
    [("whenAbsent", .string(status))]
}

/// A `default` member holding a DWORD.
func windowsDefault(_ number: UInt64) -> [(String, JSONNode)] {
    [("default", .number(number))]
}

/// A numeric value fact: good and bad DWORDs, with the odd-typed forms of the first good one.
func numericFact(_ key: String, _ name: String, good: [UInt32], bad: [UInt32]) -> Fact {
    Fact(
        key: key,
        probe: .value(
            name: name, good: HostDatum.dwords(good), bad: HostDatum.dwords(bad),
            odd: HostDatum.oddForms(of: good.first ?? 0)))
}

/// What one shape builder decides about a control: its wording, its check and the facts the check reads.
struct ControlDesign {
    /// The id's middle part: `SEC`, `DATA`, ...
    var idPrefix: String
    /// The control's category.
    var category: String
    /// A one-line title.
    var title: String
    /// The `check` member.
    var check: JSONNode
    /// The facts the check reads.
    var facts: [Fact]
}

/// Builds the synthetic catalog: controls in a fixed mix of shapes, each reading registry keys of its own.
struct CatalogBuilder {
    /// The mix, repeated: in 200 controls, 50 single-value tests, 30 case tables, 20 each of value pairs, bit masks,
    /// groups with `whenAbsent`, string tests and build-gated checks, 10 each of subkey scans and reboot markers.
    static let mix: [ControlShape] = [
        .valuePair, .singleValue, .caseTable, .bitMask, .singleValue, .groupWhenAbsent, .caseTable, .stringTest,
        .buildGated, .singleValue, .valuePair, .subkeys, .caseTable, .bitMask, .rebootMarkers, .singleValue,
        .buildGated, .stringTest, .groupWhenAbsent, .singleValue,
    ]

    private var keys = KeyAllocator()
    private var ordinals: [ControlShape: Int] = [:]

    /// The first `count` controls of the catalog (the same ones on every run).
    static func build(count: Int) -> [ControlBlueprint] {
        var builder = CatalogBuilder()
        return (0..<count).map { builder.blueprint(index: $0) }
    }

    private mutating func blueprint(index: Int) -> ControlBlueprint {
        let shape = Self.mix[index % Self.mix.count]
        let ordinal = ordinals[shape, default: 0]
        ordinals[shape] = ordinal + 1
        let design: ControlDesign
        switch shape {
        case .valuePair: design = valuePair(ordinal)
        case .singleValue: design = singleValue(ordinal)
        case .caseTable: design = caseTable(ordinal)
        case .bitMask: design = bitMask(ordinal)
        case .groupWhenAbsent: design = groupWhenAbsent(ordinal)
        case .stringTest: design = stringTest(ordinal)
        case .buildGated: design = buildGated(ordinal)
        case .subkeys: design = subkeys(ordinal)
        case .rebootMarkers: design = rebootMarkers()
        }
        let id = "EDCA-\(design.idPrefix)-\(100 + index)"
        let mailboxOnly = index % 12 == 5
        return ControlBlueprint(
            id: id, shape: shape, mailboxOnly: mailboxOnly,
            document: Self.document(id: id, index: index, design: design, mailboxOnly: mailboxOnly),
            facts: design.facts)
    }

    /// The whole control file around a check, with every member the format requires.
    private static func document(id: String, index: Int, design: ControlDesign, mailboxOnly: Bool) -> JSONNode {
        let severities = ["High", "Medium", "Medium", "Low", "Critical"]
        let frameworkSets = [["ANSSI", "BSI", "CIS"], ["Best Practice"], ["Best Practice", "NIS2", "CIS", "CISA"]]
        let reads = design.facts.map(\.key).joined(separator: "; ")
        return .object([
            ("id", .string(id)),
            ("title", .string(design.title)),
            (
                "description",
                .string(
                    "Synthetic benchmark control modelled on the upstream catalog: \(design.title). "
                        + "It reads \(reads) and follows the verdict rules of the control it imitates.")
            ),
            ("verify", .bool(index % 5 != 3)),
            ("subject", .string("Server")),
            ("category", .string(design.category)),
            ("severity", .string(severities[index % severities.count])),
            ("severityWeight", .number(UInt64(4 + index % 6))),
            ("frameworks", .array(frameworkSets[index % frameworkSets.count].map(JSONNode.string))),
            (
                "references",
                .array([
                    .object([
                        ("name", .string("Windows security baselines")),
                        ("url", .string("https://learn.microsoft.com/windows/security/operating-system-security")),
                    ])
                ])
            ),
            (
                "remediation",
                .object([
                    ("automatable", .bool(true)),
                    ("description", .string("Set the values the check names, by Group Policy or registry.")),
                    ("scriptTemplate", .string("# Set-ItemProperty -Path 'HKLM:\\...' -Name <value> -Value <data>")),
                ])
            ),
            ("considerations", .string("Synthetic: generated by edca-engine-benchmark.")),
            ("roles", .array((mailboxOnly ? ["Mailbox"] : ["Mailbox", "Edge"]).map(JSONNode.string))),
            ("check", design.check),
        ])
    }

    /// Two values that must both hold a number; absent sides take the Windows default (EDCA-SEC-043).
    private mutating func valuePair(_ ordinal: Int) -> ControlDesign {
        let variants: [(name: String, expected: UInt32, default: UInt32, bad: [UInt32])] = [
            ("RequireSecuritySignature", 1, 0, [0, 4_294_967_295]),
            ("EnableSecuritySignature", 1, 1, [0]),
            ("RestrictNullSessAccess", 1, 1, [0, 2]),
            ("EnablePlainTextPassword", 0, 0, [1]),
            ("DisableCompression", 1, 0, [0, 2]),
        ]
        let variant = variants[ordinal % variants.count]
        let server = keys.next(KeyPools.services)
        let client = keys.next(KeyPools.services)
        let test: [(String, JSONNode)] = [("equals", .number(UInt64(variant.expected)))]
        let absence = windowsDefault(UInt64(variant.default))
        return ControlDesign(
            idPrefix: "SEC", category: "Platform Security",
            title: "\(variant.name) is \(variant.expected) on both sides",
            check: .object([
                (
                    "all",
                    .array([
                        valueNode(server, variant.name, test, absence), valueNode(client, variant.name, test, absence),
                    ])
                )
            ]),
            facts: [
                numericFact(server, variant.name, good: [variant.expected], bad: variant.bad),
                numericFact(client, variant.name, good: [variant.expected], bad: variant.bad),
            ])
    }

    /// One value, one or two comparisons (EDCA-SEC-018, SEC-023, SEC-002, SEC-011 and similar).
    private mutating func singleValue(_ ordinal: Int) -> ControlDesign {
        switch ordinal % 8 {
        case 0:
            let key = keys.next(KeyPools.policies)
            return ControlDesign(
                idPrefix: "SEC", category: "Platform Security", title: "LLMNR is turned off by policy",
                check: valueNode(key, "EnableMulticast", [("equals", .number(0))], whenAbsent("Fail")),
                facts: [numericFact(key, "EnableMulticast", good: [0], bad: [1, 2])])
        case 1:
            let key = keys.next(KeyPools.services)
            return ControlDesign(
                idPrefix: "SEC", category: "Platform Security", title: "SMB1 server protocol is off",
                check: valueNode(key, "SMB1", [("equals", .number(0))], whenAbsent("Pass")),
                facts: [numericFact(key, "SMB1", good: [0], bad: [1])])
        case 2:
            let key = keys.next(KeyPools.software)
            return ControlDesign(
                idPrefix: "SEC", category: "Platform Security", title: ".NET Framework 4.8 or newer",
                check: valueNode(key, "Release", [("atLeast", .number(528_040))]),
                facts: [numericFact(key, "Release", good: [528_040, 528_449, 533_320], bad: [461_808, 394_802])])
        case 3:
            let key = keys.next(KeyPools.control)
            return ControlDesign(
                idPrefix: "IAC", category: "Identity and Access Control", title: "RDP encryption level is high",
                check: valueNode(
                    key, "MinEncryptionLevel", [("oneOf", .array([.number(3), .number(4)]))], windowsDefault(2)),
                facts: [numericFact(key, "MinEncryptionLevel", good: [3, 4], bad: [1, 2])])
        case 4:
            let key = keys.next(KeyPools.policies)
            return ControlDesign(
                idPrefix: "MON", category: "Monitoring", title: "Event log is at least 192 MB",
                check: valueNode(key, "MaxSize", [("atLeast", .number(196_608))], whenAbsent("Fail")),
                facts: [numericFact(key, "MaxSize", good: [196_608, 1_048_576, 4_194_240], bad: [20_480, 65_536])])
        case 5:
            let key = keys.next(KeyPools.policies)
            return ControlDesign(
                idPrefix: "SEC", category: "Platform Security", title: "RPC minimum connection timeout is sane",
                check: valueNode(
                    key, "MinimumConnectionTimeout", [("between", .array([.number(120), .number(900)]))],
                    whenAbsent("Unknown")),
                facts: [
                    numericFact(key, "MinimumConnectionTimeout", good: [120, 300, 900], bad: [0, 20, 4_294_967_295])
                ])
        case 6:
            let key = keys.next(KeyPools.control)
            return ControlDesign(
                idPrefix: "PERF", category: "Performance", title: "Kerberos token size is bounded",
                check: valueNode(
                    key, "MaxTokenSize", [("atMost", .number(65_535)), ("greaterThan", .number(12_000))],
                    windowsDefault(48_000)),
                facts: [numericFact(key, "MaxTokenSize", good: [48_000, 65_535], bad: [65_536, 100_000, 12_000])])
        default:
            let key = keys.next(KeyPools.software)
            return ControlDesign(
                idPrefix: "IAC", category: "Identity and Access Control", title: "Few cached logons",
                check: valueNode(
                    key, "CachedLogonsCount", [("lessThan", .number(5))], [("default", .string("10"))]),
                facts: [
                    Fact(
                        key: key,
                        probe: .value(
                            name: "CachedLogonsCount", good: HostDatum.strings(["0", "1", "2", "4"]),
                            bad: HostDatum.strings(["10", "25"]), odd: [.dword(2), .binary([2, 0, 0, 0])]))
                ])
        }
    }

    /// A `cases` table with `otherwise` (EDCA-DATA-008, PERF-010, SEC-037, SEC-017).
    private mutating func caseTable(_ ordinal: Int) -> ControlDesign {
        func entry(_ test: (String, JSONNode), _ status: String, note: String? = nil) -> JSONNode {
            .object([test, ("status", .string(status))] + (note.map { [("note", JSONNode.string($0))] } ?? []))
        }
        func table(
            _ key: String, _ name: String, _ cases: [JSONNode], otherwise: String, _ absence: [(String, JSONNode)]
        ) -> JSONNode {
            valueNode(key, name, [("cases", .array(cases)), ("otherwise", .string(otherwise))], absence)
        }
        switch ordinal % 4 {
        case 0:
            let key = keys.next(KeyPools.policies)
            let cases = [
                entry(("equals", .number(0)), "Pass"),
                entry(("equals", .number(1)), "Unknown", note: "root certificates are maintained by hand"),
            ]
            return ControlDesign(
                idPrefix: "DATA", category: "Data Security", title: "Root certificate auto-update is not disabled",
                check: table(key, "DisableRootAutoUpdate", cases, otherwise: "Fail", whenAbsent("Pass")),
                facts: [numericFact(key, "DisableRootAutoUpdate", good: [0], bad: [1, 2])])
        case 1:
            let key = keys.next(KeyPools.services)
            let cases = [
                entry(("equals", .number(0)), "Fail"),
                entry(("between", .array([.number(900_000), .number(1_800_000)])), "Pass"),
            ]
            return ControlDesign(
                idPrefix: "PERF", category: "Performance", title: "TCP KeepAliveTime is 15 to 30 minutes",
                check: table(key, "KeepAliveTime", cases, otherwise: "Unknown", whenAbsent("Fail")),
                facts: [
                    numericFact(
                        key, "KeepAliveTime", good: [900_000, 1_200_000, 1_800_000], bad: [0, 300_000, 7_200_000])
                ])
        case 2:
            let key = keys.next(KeyPools.services)
            let cases = [
                entry(("oneOf", .array([.number(0), .number(1)])), "Fail"),
                entry(("equals", .number(2)), "Pass"),
            ]
            return ControlDesign(
                idPrefix: "SEC", category: "Platform Security", title: "LDAP client signing is required",
                check: table(key, "LdapClientIntegrity", cases, otherwise: "Unknown", []),
                facts: [numericFact(key, "LdapClientIntegrity", good: [2], bad: [0, 1, 3])])
        default:
            let key = keys.next(KeyPools.services)
            let cases = [entry(("equals", .number(0)), "Pass"), entry(("equals", .number(255)), "Fail")]
            return ControlDesign(
                idPrefix: "SEC", category: "Platform Security", title: "IPv6 is not fully disabled",
                check: table(key, "DisabledComponents", cases, otherwise: "Unknown", whenAbsent("Pass")),
                facts: [numericFact(key, "DisabledComponents", good: [0], bad: [255, 32, 4_294_967_295])])
        }
    }

    /// Bit masks: NTLMv2 with 128-bit session security (EDCA-IAC-003), Kerberos AES only (EDCA-IAC-026).
    private mutating func bitMask(_ ordinal: Int) -> ControlDesign {
        if ordinal.isMultiple(of: 2) {
            let lsa = keys.next(KeyPools.control)
            let client = keys.next(KeyPools.control)
            let server = keys.next(KeyPools.control)
            let mask: (String, JSONNode) = ("bitsSet", .string("0x20000000"))
            return ControlDesign(
                idPrefix: "IAC", category: "Identity and Access Control",
                title: "NTLMv2 only, with 128-bit session security",
                check: .object([
                    (
                        "all",
                        .array([
                            valueNode(lsa, "LmCompatibilityLevel", [("atLeast", .number(5))], whenAbsent("Fail")),
                            valueNode(client, "NtlmMinClientSec", [mask], whenAbsent("Fail")),
                            valueNode(server, "NtlmMinServerSec", [mask], whenAbsent("Fail")),
                        ])
                    )
                ]),
                facts: [
                    numericFact(lsa, "LmCompatibilityLevel", good: [5], bad: [0, 1, 3]),
                    numericFact(client, "NtlmMinClientSec", good: [0x2008_0000, 0x2000_0000], bad: [0x8_0000, 0]),
                    numericFact(server, "NtlmMinServerSec", good: [0x2008_0000, 0x2000_0000], bad: [0x8_0000, 0]),
                ])
        }
        let key = keys.next(KeyPools.software)
        return ControlDesign(
            idPrefix: "IAC", category: "Identity and Access Control", title: "Kerberos is limited to AES",
            check: valueNode(
                key, "SupportedEncryptionTypes", [("bitsSet", .string("0x18")), ("bitsClear", .string("0x7"))],
                whenAbsent("Fail")),
            facts: [
                numericFact(
                    key, "SupportedEncryptionTypes", good: [0x18, 0x7FFF_FFF8, 0x8000_0018], bad: [0x1C, 0x1F, 0x8])
            ])
    }

    /// Groups whose members are `Fail` when unset but whose group is `Unknown` when nothing is set
    /// (EDCA-SEC-041 with `any`, EDCA-DATA-019 with `all`).
    private mutating func groupWhenAbsent(_ ordinal: Int) -> ControlDesign {
        if ordinal.isMultiple(of: 2) {
            let legacy = keys.next(KeyPools.policies)
            let windows = keys.next(KeyPools.software)
            return ControlDesign(
                idPrefix: "SEC", category: "Platform Security", title: "A LAPS policy is present",
                check: .object([
                    (
                        "any",
                        .array([
                            valueNode(legacy, "AdmPwdEnabled", [("equals", .number(1))], whenAbsent("Fail")),
                            valueNode(windows, "BackupDirectory", [("atLeast", .number(1))], whenAbsent("Fail")),
                        ])
                    ),
                    ("whenAbsent", .string("Unknown")),
                ]),
                facts: [
                    numericFact(legacy, "AdmPwdEnabled", good: [1], bad: [0]),
                    numericFact(windows, "BackupDirectory", good: [1, 2], bad: [0]),
                ])
        }
        let native = keys.next(KeyPools.software)
        let wow = keys.next(KeyPools.software)
        let test: [(String, JSONNode)] = [("equals", .number(1))]
        return ControlDesign(
            idPrefix: "DATA", category: "Data Security", title: ".NET strong crypto is on in both registry views",
            check: .object([
                (
                    "all",
                    .array([
                        valueNode(native, "SchUseStrongCrypto", test, whenAbsent("Fail")),
                        valueNode(wow, "SchUseStrongCrypto", test, whenAbsent("Fail")),
                    ])
                ),
                ("whenAbsent", .string("Unknown")),
            ]),
            facts: [
                numericFact(native, "SchUseStrongCrypto", good: [1], bad: [0, 2]),
                numericFact(wow, "SchUseStrongCrypto", good: [1], bad: [0, 2]),
            ])
    }

    /// String tests: regular expressions, `equalsIgnoringCase` with a default, `oneOf` texts, `contains`.
    private mutating func stringTest(_ ordinal: Int) -> ControlDesign {
        switch ordinal % 5 {
        case 0:
            let key = keys.next(KeyPools.exchange)
            return ControlDesign(
                idPrefix: "GOV", category: "Governance", title: "Exchange 2019 is on a supported CU",
                check: valueNode(
                    key, "OwaVersion", [("matches", .string(#"^15\.2\.(1544|1748|2562)\."#))], whenAbsent("Unknown")),
                facts: [
                    Fact(
                        key: key,
                        probe: .value(
                            name: "OwaVersion",
                            good: HostDatum.strings(["15.2.1544.4", "15.2.1748.10", "15.2.2562.17"]),
                            bad: HostDatum.strings(["15.2.986.42", "15.1.2507.39"]),
                            odd: [.dword(15), .multiString(["15.2.1748.10"]), .expandString("15.2.2562.17")]))
                ])
        case 1:
            let key = keys.next(KeyPools.software)
            return ControlDesign(
                idPrefix: "SEC", category: "Platform Security", title: "PowerShell execution policy is RemoteSigned",
                check: valueNode(
                    key, "ExecutionPolicy", [("equalsIgnoringCase", .string("RemoteSigned"))],
                    [("default", .string("RemoteSigned"))]),
                facts: [
                    Fact(
                        key: key,
                        probe: .value(
                            name: "ExecutionPolicy",
                            good: HostDatum.strings(["RemoteSigned", "remotesigned", "REMOTESIGNED"]),
                            bad: HostDatum.strings(["Unrestricted", "Bypass"]),
                            odd: [.dword(1), .expandString("RemoteSigned")]))
                ])
        case 2:
            let key = keys.next(KeyPools.control)
            let highPerformance = "8c5e7fda-e8bf-4a96-9a85-a6e23a8c635c"
            return ControlDesign(
                idPrefix: "PERF", category: "Performance", title: "High-performance power plan is active",
                check: valueNode(
                    key, "ActivePowerScheme", [("oneOf", .array([.string(highPerformance)]))], whenAbsent("Unknown")),
                facts: [
                    Fact(
                        key: key,
                        probe: .value(
                            name: "ActivePowerScheme", good: [.string(highPerformance)],
                            bad: HostDatum.strings([
                                "381b4222-f694-41f0-9685-ff5bb260df2e", "a1841308-3541-4fab-bc81-f71556f20b4a",
                            ]),
                            odd: [.binary([0x8c, 0x5e, 0x7f, 0xda]), .dword(0)]))
                ])
        case 3:
            let key = keys.next(KeyPools.services)
            return ControlDesign(
                idPrefix: "GOV", category: "Governance", title: "The service depends on the SAM",
                check: valueNode(key, "DependOnService", [("contains", .string("SamSS"))], whenAbsent("Fail")),
                facts: [
                    Fact(
                        key: key,
                        probe: .value(
                            name: "DependOnService",
                            good: [.multiString(["RpcSs", "SamSS"]), .multiString(["samss"])],
                            bad: [.multiString(["RpcSs"]), .multiString([])], odd: [.string("SamSS")]))
                ])
        default:
            let key = keys.next(KeyPools.software)
            return ControlDesign(
                idPrefix: "GOV", category: "Governance", title: "Windows Server 2019 or newer",
                check: valueNode(
                    key, "ProductName", [("matches", .string("(?i)^windows server 20(19|22|25)"))],
                    whenAbsent("Unknown")),
                facts: [
                    Fact(
                        key: key,
                        probe: .value(
                            name: "ProductName",
                            good: HostDatum.strings([
                                "Windows Server 2019 Standard", "Windows Server 2022 Datacenter",
                                "WINDOWS SERVER 2025 Standard",
                            ]),
                            bad: HostDatum.strings(["Windows Server 2016 Standard", "Windows Server 2012 R2 Standard"]),
                            odd: [.dword(2019)]))
                ])
        }
    }

    /// Checks that apply only from (or before) an OS build: script-block logging (EDCA-MON-002), WDigest
    /// (EDCA-IAC-006), RDP network-level authentication (EDCA-IAC-005).
    private mutating func buildGated(_ ordinal: Int) -> ControlDesign {
        func gate(_ test: String, _ build: UInt64) -> (String, JSONNode) {
            ("applicableIf", valueNode(buildKey, buildValueName, [(test, .number(build))]))
        }
        switch ordinal % 3 {
        case 0:
            let key = keys.next(KeyPools.policies)
            return ControlDesign(
                idPrefix: "MON", category: "Monitoring", title: "PowerShell script-block logging is on",
                check: .object(
                    [gate("atLeast", 14_393)]
                        + valueMembers(key, "EnableScriptBlockLogging", [("equals", .number(1))], whenAbsent("Fail"))),
                facts: [numericFact(key, "EnableScriptBlockLogging", good: [1], bad: [0])])
        case 1:
            let key = keys.next(KeyPools.control)
            return ControlDesign(
                idPrefix: "IAC", category: "Identity and Access Control", title: "WDigest does not cache credentials",
                check: .object(
                    [gate("atLeast", 20_348)]
                        + valueMembers(key, "UseLogonCredential", [("equals", .number(0))], windowsDefault(0))),
                facts: [numericFact(key, "UseLogonCredential", good: [0], bad: [1])])
        default:
            let rdp = keys.next(KeyPools.control)
            let policy = keys.next(KeyPools.policies)
            return ControlDesign(
                idPrefix: "IAC", category: "Identity and Access Control", title: "RDP requires NLA and TLS",
                check: .object([
                    gate("lessThan", 26_100),
                    (
                        "all",
                        .array([
                            valueNode(rdp, "UserAuthentication", [("equals", .number(1))], windowsDefault(1)),
                            valueNode(policy, "SecurityLayer", [("atLeast", .number(2))], windowsDefault(1)),
                        ])
                    ),
                ]),
                facts: [
                    numericFact(rdp, "UserAuthentication", good: [1], bad: [0]),
                    numericFact(policy, "SecurityLayer", good: [2], bad: [0, 1]),
                ])
        }
    }

    /// One value in every subkey: NetBIOS per interface (EDCA-SEC-042), TcpAckFrequency per interface
    /// (EDCA-PERF-016), NIC power saving (EDCA-PERF-009), VC++ runtimes in Uninstall (EDCA-SEC-007).
    private mutating func subkeys(_ ordinal: Int) -> ControlDesign {
        switch ordinal % 4 {
        case 0:
            let key = keys.next(KeyPools.netbtInterfaces)
            return ControlDesign(
                idPrefix: "SEC", category: "Platform Security", title: "NetBIOS over TCP/IP is off on every interface",
                check: .object([
                    ("subkeysOf", .string(key)), ("value", .string("NetbiosOptions")), ("require", .string("all")),
                    ("equals", .number(2)), ("whenNoneFound", .string("Unknown")),
                ]),
                facts: [
                    Fact(
                        key: key,
                        probe: .subkeyValues(
                            name: "NetbiosOptions", style: .netbtInterface, requireAll: true,
                            good: HostDatum.dwords([2]), bad: HostDatum.dwords([0, 1]), odd: HostDatum.oddForms(of: 2)))
                ])
        case 1:
            let key = keys.next(KeyPools.tcpipInterfaces)
            return ControlDesign(
                idPrefix: "PERF", category: "Performance", title: "TcpAckFrequency is at its default",
                check: .object([
                    ("subkeysOf", .string(key)), ("value", .string("TcpAckFrequency")), ("require", .string("all")),
                    ("equals", .number(2)), ("default", .number(2)), ("whenNoneFound", .string("Pass")),
                ]),
                facts: [
                    Fact(
                        key: key,
                        probe: .subkeyValues(
                            name: "TcpAckFrequency", style: .guid, requireAll: true, good: HostDatum.dwords([2]),
                            bad: HostDatum.dwords([1]), odd: HostDatum.oddForms(of: 2)))
                ])
        case 2:
            let key = keys.next(KeyPools.deviceClasses)
            return ControlDesign(
                idPrefix: "PERF", category: "Performance", title: "A network adapter has power saving off",
                check: .object([
                    ("subkeysOf", .string(key)), ("value", .string("PnPCapabilities")), ("require", .string("any")),
                    ("bitsSet", .string("0x18")), ("whenNoneFound", .string("Unknown")),
                ]),
                facts: [
                    Fact(
                        key: key,
                        probe: .subkeyValues(
                            name: "PnPCapabilities", style: .classInstance, requireAll: false,
                            good: HostDatum.dwords([24, 280]), bad: HostDatum.dwords([0, 256]),
                            odd: HostDatum.oddForms(of: 24)))
                ])
        default:
            let key = keys.next(KeyPools.uninstall)
            return ControlDesign(
                idPrefix: "SEC", category: "Platform Security", title: "A VC++ 2012 or 2013 x64 runtime is installed",
                check: .object([
                    ("subkeysOf", .string(key)), ("value", .string("DisplayName")), ("require", .string("any")),
                    ("matches", .string(#"^Microsoft Visual C\+\+ 201[23] x64"#)), ("whenNoneFound", .string("Fail")),
                ]),
                facts: [
                    Fact(
                        key: key,
                        probe: .subkeyValues(
                            name: "DisplayName", style: .guid, requireAll: false,
                            good: HostDatum.strings([
                                "Microsoft Visual C++ 2012 x64 Additional Runtime - 11.0.61030",
                                "Microsoft Visual C++ 2013 x64 Minimum Runtime - 12.0.40664",
                            ]),
                            bad: HostDatum.strings([
                                "Microsoft Visual C++ 2015-2022 Redistributable (x64) - 14.38.33130",
                                "Microsoft Exchange Server 2019 Cumulative Update 14",
                                "Microsoft Visual C++ 2012 x86 Additional Runtime - 11.0.61030",
                            ]),
                            odd: [.dword(1)]))
                ])
        }
    }

    /// No pending-reboot marker: two keys that must be absent and a value that must not be set (EDCA-MON-003).
    private mutating func rebootMarkers() -> ControlDesign {
        let servicing = keys.next(KeyPools.rebootMarkers)
        let update = keys.next(KeyPools.rebootMarkers)
        let sessionManager = keys.next(KeyPools.control)
        let renames = #"\??\C:\Program Files\Microsoft\Exchange Server\V15\Bin\Microsoft.Exchange.Data.dll"#
        return ControlDesign(
            idPrefix: "MON", category: "Monitoring", title: "No reboot is pending",
            check: .object([
                (
                    "none",
                    .array([
                        .object([("key", .string(servicing)), ("present", .bool(true))]),
                        .object([("key", .string(update)), ("present", .bool(true))]),
                        valueNode(sessionManager, "PendingFileRenameOperations", [("present", .bool(true))]),
                    ])
                )
            ]),
            facts: [
                Fact(key: servicing, probe: .keyPresence(passesWhenPresent: false)),
                Fact(key: update, probe: .keyPresence(passesWhenPresent: false)),
                Fact(
                    key: sessionManager,
                    probe: .valueMarker(name: "PendingFileRenameOperations", data: .multiString([renames, ""]))),
            ])
    }
}
