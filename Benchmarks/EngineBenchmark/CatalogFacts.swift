import EDCACore
import EDCAEngine
import EDCAJSON

/// The facts synthetic hosts hold for a real catalog (`--controls-dir`): one per registry read of the catalog, with
/// data made from the operands of the comparisons that read it and sorted by the engine's own `Comparison.test` into
/// data that passes, fails, or has a type the test cannot read.
enum CatalogFacts {
    /// One fact per distinct read of the controls' checks, in the order the checks make them.
    static func facts(for controls: [Control]) -> [Fact] {
        var leaves: [(read: FactRead, leaf: Check)] = []
        var seen: Set<FactRead> = []
        for control in controls {
            for leaf in control.check.leaves {
                guard let read = leaf.reads.first, seen.insert(read).inserted else { continue }
                leaves.append((read, leaf))
            }
        }
        return leaves.map { fact(for: $0.leaf) }
    }

    private static func fact(for leaf: Check) -> Fact {
        switch leaf {
        case .value(let check):
            let data = sorted(candidates(check.rule, absence: check.absence), by: check.rule)
            return Fact(
                key: check.key.name.text,
                probe: .value(name: check.valueName.text, good: data.good, bad: data.bad, odd: data.odd))
        case .key(let check):
            return Fact(key: check.key.name.text, probe: .keyPresence(passesWhenPresent: check.mustExist))
        case .subkeys(let check):
            let absence = check.windowsDefault.map(Absence.windowsDefault) ?? .unknown
            let data = sorted(candidates(check.rule, absence: absence), by: check.rule)
            return Fact(
                key: check.key.name.text,
                probe: .subkeyValues(
                    name: check.valueName.text, style: .guid, requireAll: check.quantifier == .all, good: data.good,
                    bad: data.bad, odd: data.odd))
        case .subkeyCount(let check):
            // Hosts list 6 to 10 subkeys, or none (the key absent), or deny the key: enough for the count's rule to
            // give each of its verdicts on some hosts. The value the generator writes in each subkey is not read.
            return Fact(
                key: check.key.name.text,
                probe: .subkeyValues(
                    name: "InstanceId", style: .classInstance, requireAll: true, good: [.dword(1)], bad: [.dword(0)],
                    odd: [.string("x")]))
        case .service, .cim, .cimCount, .exchange, .exchangeCount, .certificates, .compare, .xml, .folder, .acl,
            .pathList, .cipherSuites, .role, .group, .gated:
            preconditionFailure("not a leaf that reads the registry")
        }
    }

    /// Data worth trying against a rule: each operand, its neighbours, a value meeting every comparison at once, the
    /// documented default, and types the tests may not read.
    private static func candidates(_ rule: ValueRule, absence: Absence) -> [HostDatum] {
        var data: [HostDatum] = [.dword(1), .dword(0), .binary([1, 0, 0, 0]), .multiString(["1"])]
        if case .windowsDefault(let datum) = absence { data.append(datum) }
        let groups: [[Comparison]]
        switch rule {
        case .require(let comparisons): groups = [comparisons]
        case .cases(let cases, _): groups = cases.map(\.comparisons)
        case .presence: groups = []
        }
        for comparisons in groups {
            var meetsAll: UInt64 = 0
            for comparison in comparisons {
                data += candidates(comparison)
                meetsAll = meeting(comparison, from: meetsAll)
            }
            data.append(number(meetsAll))
            data.append(.string(String(meetsAll)))  // a number stored as REG_SZ, which numeric tests read
        }
        return data
    }

    private static func candidates(_ comparison: Comparison) -> [HostDatum] {
        switch comparison {
        case .equalsNumber(let operand): neighbours(operand)
        case .equalsBool(let operand): [number(operand ? 1 : 0), number(operand ? 0 : 1)]
        case .oneOfNumbers(let operands): operands.map(number) + [number((operands.max() ?? 0) &+ 1)]
        case .atLeast(let operand), .atMost(let operand), .greaterThan(let operand), .lessThan(let operand):
            neighbours(operand)
        case .between(let low, let high): neighbours(low) + neighbours(high)
        case .bitsSet(let mask), .bitsClear(let mask): [number(mask), number(0), number(~mask & 0xFFFF_FFFF)]
        case .equalsText(let operand): [.string(operand), .string(operand + "-old"), .string("")]
        case .oneOfTexts(let operands): operands.map(HostDatum.string) + [.string("other")]
        case .equalsIgnoringCase(let operand):
            [.string(operand.uppercased()), .expandString(operand.lowercased()), .string("other")]
        case .matches(let pattern):
            // A guess at a matching text: the pattern without its metacharacters.
            [.string(pattern.source.filter { !"^$()[]{}*+?|\\.".contains($0) }), .string("unmatched")]
        case .contains(let operand): [.multiString(["Other", operand]), .multiString(["Other"]), .string(operand)]
        case .startsWith(let operand), .containsText(let operand): [.string(operand), .string("other"), number(0)]
        case .emptyList: [.multiString([]), .multiString([""]), .multiString(["\\??\\C:\\x"]), .string("")]
        case .sameAsProperty, .lessThanProperty, .againstProperty, .notHostOfProperty: [.string("other"), number(0)]
        case .noneOfIgnoringCase(let operands): operands.map(HostDatum.string) + [.string("other")]
        case .itemsAtLeast(let minimum):
            [.multiString((0..<Int(min(minimum, 8))).map { "item\($0)" }), .multiString(["item"]), .string("")]
        case .versionAtLeast(let operand, _):
            [
                .string(operand.description),
                .string(
                    DottedVersion(components: operand.components.dropLast() + [(operand.components.last ?? 0) &+ 1])
                        .description),
                .string(DottedVersion(components: operand.components.map { $0 / 2 }).description), .string("n/a"),
            ]
        case .dateBefore, .dateAfter:
            [.string("2020-01-01T00:00:00Z"), .string("2030-01-01T00:00:00Z"), .string("not a date")]
        }
    }

    /// A number that also meets `comparison`, starting from `value`.
    private static func meeting(_ comparison: Comparison, from value: UInt64) -> UInt64 {
        switch comparison {
        case .equalsNumber(let operand): operand
        case .oneOfNumbers(let operands): operands.first ?? value
        case .atLeast(let operand): max(value, operand)
        case .greaterThan(let operand): max(value, operand &+ 1)
        case .atMost(let operand): min(value, operand)
        case .lessThan(let operand): operand == 0 ? value : min(value, operand - 1)
        case .between(let low, let high): min(max(value, low), high)
        case .bitsSet(let mask): value | mask
        case .bitsClear(let mask): value & ~mask
        default: value
        }
    }

    private static func neighbours(_ operand: UInt64) -> [HostDatum] {
        [number(operand), number(operand &+ 1)] + (operand > 0 ? [number(operand - 1)] : [])
    }

    private static func number(_ value: UInt64) -> HostDatum {
        value <= UInt64(UInt32.max) ? .dword(UInt32(value)) : .qword(value)
    }

    /// Splits data by what the rule makes of it: a pass, another verdict, or a type its tests cannot read. No list
    /// is left empty, so that every host state can be generated.
    private static func sorted(_ data: [HostDatum], by rule: ValueRule) -> (
        good: [HostDatum], bad: [HostDatum], odd: [HostDatum]
    ) {
        var good: [HostDatum] = []
        var bad: [HostDatum] = []
        var odd: [HostDatum] = []
        for datum in data where !(good + bad + odd).contains(datum) {
            switch verdict(of: datum, under: rule) {
            case .pass: good.append(datum)
            case .unknown: odd.append(datum)
            default: bad.append(datum)
            }
        }
        if good.isEmpty { good = bad }
        if bad.isEmpty { bad = good }
        if odd.isEmpty { odd = [.binary([1, 0, 0, 0])] }
        return (good.isEmpty ? odd : good, bad.isEmpty ? odd : bad, odd)
    }

    private static func verdict(of datum: HostDatum, under rule: ValueRule) -> Status {
        func outcome(_ comparisons: [Comparison]) -> Status {
            let outcomes = comparisons.map { $0.test(datum) }
            if outcomes.contains(where: { if case .wrongType = $0 { true } else { false } }) { return .unknown }
            return outcomes.allSatisfy { $0 == .holds } ? .pass : .fail
        }
        switch rule {
        case .require(let comparisons):
            return outcome(comparisons)
        case .cases(let cases, let otherwise):
            for entry in cases {
                let status = outcome(entry.comparisons)
                if status == .unknown { return .unknown }
                if status == .pass { return entry.status }
            }
            return otherwise
        case .presence(let mustExist):
            return mustExist ? .pass : .fail
        }
    }
}

extension Check {
    /// The value, key, subkey and role tests of the tree, gates included, in evaluation order. Service leaves are
    /// left out: the generated hosts carry registry facts only, so their services read as not installed.
    var leaves: [Check] {
        switch self {
        case .service, .cim, .cimCount, .exchange, .exchangeCount, .certificates, .compare, .xml, .folder, .acl,
            .pathList, .cipherSuites:
            []
        case .value, .key, .subkeys, .subkeyCount, .role: [self]
        case .group(let group): group.members.flatMap(\.leaves)
        case .gated(let gate, let body): gate.leaves + body.leaves
        }
    }
}
