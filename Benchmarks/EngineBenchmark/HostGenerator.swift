import EDCACore
import EDCAEngine
import EDCAJSON

/// A snapshot document under construction: keys in the order first written, each with its values or denied. Key and
/// value names compare ignoring case, as in the registry; the first spelling of a key is kept, and setting a value
/// again replaces it.
struct HostDocument {
    private enum Entry {
        case values([(String, HostDatum)])
        case denied
    }

    private var order: [String] = []
    private var entries: [String: Entry] = [:]

    /// How many keys the document lists.
    var keyCount: Int { order.count }

    /// How many keys it lists as unreadable.
    var deniedKeyCount: Int {
        entries.values.reduce(0) { count, entry in
            if case .denied = entry { count + 1 } else { count }
        }
    }

    /// Lists a key (with no values yet) unless it is listed already.
    mutating func touch(_ key: String) {
        if entries[key.uppercased()] == nil {
            order.append(key)
            entries[key.uppercased()] = .values([])
        }
    }

    /// Sets a value of a key, listing the key first if needed. A denied key stays denied.
    mutating func set(_ key: String, _ name: String, _ datum: HostDatum) {
        touch(key)
        if case .values(var values) = entries[key.uppercased()] {
            values.removeAll { $0.0.uppercased() == name.uppercased() }
            values.append((name, datum))
            entries[key.uppercased()] = .values(values)
        }
    }

    /// Lists a key as unreadable (`null`), dropping any values written for it.
    mutating func deny(_ key: String) {
        touch(key)
        entries[key.uppercased()] = .denied
    }

    /// The snapshot document.
    var json: JSONNode {
        .object(
            order.map { key in
                switch entries[key.uppercased()] {
                case .values(let values): (key, .object(values.map { ($0.0, $0.1.json) }))
                case .denied, nil: (key, .null)
                }
            })
    }
}

/// One generated host, before decoding.
struct GeneratedHost {
    /// The snapshot document as JSON text.
    var json: String
    /// Whether the host is a Mailbox server (else Edge).
    var isMailbox: Bool
    /// How many keys the snapshot lists.
    var keyCount: Int
    /// How many of them are unreadable (`null`).
    var deniedKeyCount: Int
}

/// What a host holds for one fact.
enum FactState: CaseIterable {
    /// Data that makes the control's test hold.
    case good
    /// Data that makes it fail.
    case bad
    /// The key exists without the value.
    case valueAbsent
    /// The key does not exist.
    case keyAbsent
    /// The value has an unexpected type.
    case oddType
    /// The key cannot be read.
    case denied
}

/// Generates the registry snapshot of synthetic hosts, deterministically from a seed and the host's number.
///
/// Each host draws a hardening level (the chance that a fact is in its compliant state); a fact that is not
/// compliant is wrong, missing or of an unexpected type, so every status the engine can give shows up. One host in
/// ten was probed by an account without rights to some keys: there a few keys are unreadable (`null`). Keys carry a
/// few unrelated values besides the one a control reads, as real keys do.
struct HostGenerator {
    /// The facts hosts hold: those of the synthetic controls, or of a real catalog.
    let facts: [Fact]
    /// The corpus seed.
    let seed: UInt64

    /// Values found in real keys besides the ones controls read.
    private static let noise: [(String, HostDatum)] = [
        ("Description", .string("@%SystemRoot%\\system32\\srvsvc.dll,-101")),
        ("ImagePath", .expandString("%SystemRoot%\\System32\\svchost.exe -k netsvcs -p")),
        ("Start", .dword(2)),
        ("Type", .dword(32)),
        ("ObjectName", .string("LocalSystem")),
        ("ServiceDll", .expandString("%SystemRoot%\\System32\\srvsvc.dll")),
        ("Version", .string("10.0.17763.1")),
        ("InstallDate", .dword(1_700_000_000)),
        ("Flags", .dword(0)),
        ("LastWriteStamp", .qword(133_500_000_000_000_000)),
        ("Data", .binary([0x01, 0x00, 0x04, 0x80, 0x14, 0x00, 0x00, 0x00])),
        ("DependOnService", .multiString(["RpcSs", "SamSS", "Srv2"])),
        ("", .string("(value not set)")),
    ]

    /// Windows builds hosts run, with their product names: 2016, 2019, 2022, 2025.
    private static let builds: [(build: String, name: String, weight: Int)] = [
        ("14393", "Windows Server 2016 Standard", 10), ("17763", "Windows Server 2019 Standard", 40),
        ("20348", "Windows Server 2022 Datacenter", 40), ("26100", "Windows Server 2025 Standard", 10),
    ]

    /// The snapshot of host `index`, as JSON text, with the host's role.
    func host(_ index: Int) -> GeneratedHost {
        var random = SplitMix64(seed: seed, stream: index)
        var document = HostDocument()
        let isMailbox = random.chance(0.8)
        let hardening = 0.35 + 0.6 * random.unit()
        let hasDeniedKeys = random.chance(0.1)
        addBuild(to: &document, &random)
        for fact in facts {
            add(fact, state: state(hardening, hasDeniedKeys, &random), to: &document, &random)
        }
        return GeneratedHost(
            json: document.json.text, isMailbox: isMailbox, keyCount: document.keyCount,
            deniedKeyCount: document.deniedKeyCount)
    }

    private func addBuild(to document: inout HostDocument, _ random: inout SplitMix64) {
        var roll = random.below(100)
        var chosen = Self.builds[0]
        for build in Self.builds {
            if roll < build.weight {
                chosen = build
                break
            }
            roll -= build.weight
        }
        if !random.chance(0.02) {
            document.set(buildKey, buildValueName, .string(chosen.build))
        }
        document.set(buildKey, "CurrentBuild", .string(chosen.build))
        document.set(buildKey, "ProductName", .string(chosen.name))
        document.set(buildKey, "EditionID", .string("ServerStandard"))
        document.set(buildKey, "CurrentMajorVersionNumber", .dword(10))
        document.set(buildKey, "InstallationType", .string("Server"))
    }

    /// A fact's state on a host: compliant with the host's hardening level, else 50% bad, 16% value absent, 16% key
    /// absent, 14% unexpected type and 4% unreadable (on hosts with denied keys; elsewhere key absent).
    private func state(_ hardening: Double, _ hasDeniedKeys: Bool, _ random: inout SplitMix64) -> FactState {
        if random.chance(hardening) { return .good }
        let roll = random.unit()
        if roll < 0.50 { return .bad }
        if roll < 0.66 { return .valueAbsent }
        if roll < 0.82 { return .keyAbsent }
        if roll < 0.96 { return .oddType }
        return hasDeniedKeys ? .denied : .keyAbsent
    }

    private func add(_ fact: Fact, state: FactState, to document: inout HostDocument, _ random: inout SplitMix64) {
        switch fact.probe {
        case .value(let name, let good, let bad, let odd):
            switch state {
            case .good: document.set(fact.key, name, random.pick(good))
            case .bad: document.set(fact.key, name, random.pick(bad))
            case .oddType: document.set(fact.key, name, random.pick(odd))
            case .valueAbsent: document.touch(fact.key)
            case .keyAbsent: return
            case .denied:
                document.deny(fact.key)
                return
            }
            addNoise(to: fact.key, except: name, &document, &random)
        case .keyPresence(let passesWhenPresent):
            switch state {
            case .denied: document.deny(fact.key)
            case .good, .valueAbsent: if passesWhenPresent { document.touch(fact.key) }
            case .bad, .oddType, .keyAbsent: if !passesWhenPresent { document.touch(fact.key) }
            }
        case .valueMarker(let name, let data):
            switch state {
            case .denied: document.deny(fact.key)
            case .keyAbsent: return
            case .good, .valueAbsent: addNoise(to: fact.key, except: name, &document, &random)
            case .bad, .oddType:
                document.set(fact.key, name, data)
                addNoise(to: fact.key, except: name, &document, &random)
            }
        case .subkeyValues(let name, let style, let requireAll, let good, let bad, let odd):
            switch state {
            case .denied: document.deny(fact.key)
            case .keyAbsent: return
            default:
                addSubkeys(
                    under: fact.key, name: name, style: style, state: state, requireAll: requireAll,
                    data: (good, bad, odd), &document, &random)
            }
        }
    }

    /// Adds 6 to 10 subkeys. Some lack the value (stale adapters); the state decides which data the others hold:
    /// for `require: all` one bad subkey fails the check, for `require: any` one good subkey passes it.
    private func addSubkeys(
        under key: String, name: String, style: SubkeyStyle, state: FactState, requireAll: Bool,
        data: (good: [HostDatum], bad: [HostDatum], odd: [HostDatum]), _ document: inout HostDocument,
        _ random: inout SplitMix64
    ) {
        let count = random.between(6, 10)
        let special = random.below(count)
        for position in 0..<count {
            let subkey = key + "\\" + subkeyName(style, position, &random)
            let hasValue = state != .valueAbsent && (position == special || random.chance(0.85))
            if hasValue {
                let datum: HostDatum
                switch state {
                case .good: datum = requireAll || position == special ? random.pick(data.good) : random.pick(data.bad)
                case .bad: datum = requireAll && position != special ? random.pick(data.good) : random.pick(data.bad)
                default:
                    datum = position == special ? random.pick(data.odd) : random.pick(requireAll ? data.good : data.bad)
                }
                document.set(subkey, name, datum)
            } else {
                document.touch(subkey)
            }
            addNoise(to: subkey, except: name, &document, &random)
        }
    }

    private func subkeyName(_ style: SubkeyStyle, _ position: Int, _ random: inout SplitMix64) -> String {
        switch style {
        case .netbtInterface: "Tcpip_" + guid(&random)
        case .guid: guid(&random)
        case .classInstance: String(repeating: "0", count: position < 10 ? 3 : 2) + String(position)
        }
    }

    private func guid(_ random: inout SplitMix64) -> String {
        let high = random.next()
        let low = random.next()
        func hex(_ value: UInt64, _ digits: Int) -> String {
            let text = String(value, radix: 16, uppercase: true)
            return String(repeating: "0", count: max(0, digits - text.count)) + text
        }
        return "{" + hex(high >> 32, 8) + "-" + hex((high >> 16) & 0xFFFF, 4) + "-" + hex(high & 0xFFFF, 4) + "-"
            + hex(low >> 48, 4) + "-" + hex(low & 0xFFFF_FFFF_FFFF, 12) + "}"
    }

    /// Adds 0 to 3 unrelated values to a key, never one named like the value a control reads there.
    private func addNoise(
        to key: String, except name: String, _ document: inout HostDocument, _ random: inout SplitMix64
    ) {
        document.touch(key)
        let count = random.below(4)
        let start = random.below(Self.noise.count)
        var added = 0
        var offset = 0
        while added < count, offset < Self.noise.count {
            let (noiseName, datum) = Self.noise[(start + offset) % Self.noise.count]
            offset += 1
            if noiseName.lowercased() == name.lowercased() { continue }
            document.set(key, noiseName, datum)
            added += 1
        }
    }
}
