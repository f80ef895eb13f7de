package import EDCACore
import EDCAJSON

/// A set of controls compiled once for evaluating many hosts.
///
/// Every registry read the controls need is numbered once (the merged ``FactRequest``), and each check leaf
/// refers to its read by number. A host's facts are then an array of answers in that order (``HostFacts``),
/// resolved once per host, and evaluating a control is array indexing rather than string lookups.
package struct EvaluationPlan: Sendable {
    /// The controls, in the order given.
    package let controls: [Control]
    /// Every read the controls need, merged and de-duplicated; ``HostFacts`` answers them in this order.
    package let reads: [FactRead]
    private let checks: [CompiledCheck]

    /// Compiles controls into a plan.
    package init(controls: [Control]) {
        let request = FactRequest(checks: controls.map(\.check))
        var numbers: [FactRead: Int] = [:]
        for (number, read) in request.reads.enumerated() { numbers[read] = number }
        self.controls = controls
        self.reads = request.reads
        self.checks = controls.map { CompiledCheck($0.check, readNumbers: numbers) }
    }

    /// Answers the plan's reads from a host's snapshot.
    package func facts(from snapshot: HostSnapshot) -> HostFacts {
        HostFacts(answers: reads.map { snapshot.answer($0) }, scanTime: snapshot.scanTime)
    }

    /// Answers the plan's reads from a registry snapshot (a host of registry facts only).
    package func facts(from snapshot: RegistrySnapshot) -> HostFacts {
        facts(from: HostSnapshot(registry: snapshot))
    }

    /// Evaluates the control at `index` on a host: `Skipped` when the host's role is not among the control's
    /// roles, else its check's verdict.
    package func evaluate(controlAt index: Int, on facts: HostFacts, role: ExchangeRole) -> Verdict {
        let roles = controls[index].roles
        guard roles.contains(role) else {
            return Verdict(
                controlID: controls[index].id, status: .skipped,
                findings: [.roleNotApplicable(hostRole: role, controlRoles: roles)])
        }
        var findings: [Finding] = []
        findings.reserveCapacity(4)
        let outcome = checks[index].evaluate(on: facts, role: role, findings: &findings)
        return Verdict(controlID: controls[index].id, status: outcome.status, findings: findings)
    }

    /// Evaluates every control on a host, in the plan's order.
    package func evaluateAll(on facts: HostFacts, role: ExchangeRole) -> [Verdict] {
        controls.indices.map { evaluate(controlAt: $0, on: facts, role: role) }
    }
}

/// What a host's facts say about one value: its data, or why there is none. Unlike the snapshot's
/// ``RegistrySnapshot/ValueState`` it does not carry the value's name, so that reading a number during evaluation
/// costs no reference counting.
package enum ValueFact: Sendable {
    /// The value's data.
    case present(RegistryData)
    /// The key exists without this value.
    case valueAbsent
    /// The key does not exist.
    case keyAbsent
    /// The key could not be read.
    case denied

    /// The fact a snapshot's answer gives.
    package init(_ state: RegistrySnapshot.ValueState) {
        switch state {
        case .present(let value): self = .present(value.data)
        case .valueAbsent: self = .valueAbsent
        case .keyAbsent: self = .keyAbsent
        case .denied: self = .denied
        }
    }

    /// Whether the value is not set (its key exists without it, or does not exist).
    var isUnset: Bool {
        switch self {
        case .valueAbsent, .keyAbsent: true
        case .present, .denied: false
        }
    }
}

/// The answers to a plan's registry reads for one host, in the plan's read order.
package struct HostFacts: Sendable {
    /// The answer to one read.
    package enum Answer: Sendable {
        /// A value read.
        case value(ValueFact)
        /// A key-existence test.
        case existence(RegistrySnapshot.Existence)
        /// A subkey enumeration with one value read in each subkey.
        case subkeys(SubkeyValues)
        /// A subkey enumeration.
        case subkeyNames(RegistrySnapshot.SubkeyState)
        /// A service's state and start mode.
        case service(ServiceState)
        /// A CIM class's instances; nil when the snapshot did not read the class.
        case cim(CimClassState?)
        /// A certificate store's certificates; nil when the snapshot did not read the store.
        case certificates(CertificateStoreState?)
    }

    /// What an enumeration of a key's subkeys found.
    package enum SubkeyValues: Sendable {
        /// The key exists; each subkey with what the snapshot says about the value.
        case entries([SubkeyValue])
        /// The key does not exist.
        case absent
        /// The key cannot be read.
        case denied
    }

    /// One subkey and its value.
    package struct SubkeyValue: Sendable {
        /// The subkey's path.
        package var key: RegistryPath
        /// The value read in it.
        package var value: ValueFact
    }

    /// The answers, indexed like ``EvaluationPlan/reads``.
    package var answers: [Answer]
    /// When the facts were read (``HostSnapshot/scanTime``): what date comparisons relative to the scan compare
    /// with. Nil for a snapshot saved by an older agent; such comparisons are then Unknown.
    package var scanTime: Timestamp?

    /// Creates the facts of one host.
    package init(answers: [Answer], scanTime: Timestamp? = nil) {
        self.answers = answers
        self.scanTime = scanTime
    }
}

extension HostSnapshot {
    /// What the snapshot says in answer to one read: one case per kind of read, each answered from its part of the
    /// snapshot.
    package func answer(_ read: FactRead) -> HostFacts.Answer {
        let registry = self.registry
        switch read {
        case .value(let key, let name):
            return .value(ValueFact(registry.value(name, in: key)))
        case .key(let key):
            return .existence(registry.existence(of: key))
        case .subkeyValues(let key, let name):
            switch registry.subkeys(of: key) {
            case .keys(let subkeys):
                return .subkeys(
                    .entries(
                        subkeys.map { HostFacts.SubkeyValue(key: $0, value: ValueFact(registry.value(name, in: $0))) }))
            case .absent: return .subkeys(.absent)
            case .denied: return .subkeys(.denied)
            }
        case .subkeyNames(let key):
            return .subkeyNames(registry.subkeys(of: key))
        case .service(let name):
            return .service(services.state(of: name.text))
        case .cim(let cimClass):
            return .cim(cim.state(of: cimClass))
        case .certificates(let store):
            return .certificates(certificates.state(of: store))
        }
    }
}

/// A check whose leaves refer to their reads by number in an ``EvaluationPlan``.
indirect enum CompiledCheck: Sendable {
    case value(ValueCheck, read: Int, partReads: [Int])
    case key(KeyCheck, read: Int)
    case subkeys(SubkeysCheck, read: Int)
    case subkeyCount(SubkeyCountCheck, read: Int)
    case service(ServiceCheck, read: Int)
    case cim(CimCheck, read: Int)
    case cimCount(CimCountCheck, read: Int)
    case certificates(CertificateCheck, read: Int, bindingReads: [Int])
    case compare(CompareCheck, left: Int, right: Int)
    case role(ExchangeRole)
    case group(CheckGroup.Combinator, [CompiledCheck], whenAllAbsent: Status?, whenNoneApplies: Status?)
    case gated(gate: CompiledCheck, body: CompiledCheck)

    init(_ check: Check, readNumbers: [FactRead: Int]) {
        func number(_ read: FactRead) -> Int {
            guard let number = readNumbers[read] else { preconditionFailure("the plan's request lacks \(read)") }
            return number
        }
        switch check {
        case .value(let leaf):
            self = .value(
                leaf, read: number(.value(leaf.key, leaf.valueName)),
                partReads: leaf.versionParts.map { number(.value(leaf.key, $0)) })
        case .key(let leaf): self = .key(leaf, read: number(.key(leaf.key)))
        case .subkeys(let leaf): self = .subkeys(leaf, read: number(.subkeyValues(leaf.key, leaf.valueName)))
        case .subkeyCount(let leaf): self = .subkeyCount(leaf, read: number(.subkeyNames(leaf.key)))
        case .service(let leaf): self = .service(leaf, read: number(.service(ServiceName(leaf.name))))
        case .cim(let leaf): self = .cim(leaf, read: number(.cim(leaf.cimClass)))
        case .cimCount(let leaf): self = .cimCount(leaf, read: number(.cim(leaf.cimClass)))
        case .certificates(let leaf):
            let reads = leaf.reads
            self = .certificates(leaf, read: number(reads[0]), bindingReads: reads.dropFirst().map(number))
        case .compare(let leaf):
            self = .compare(leaf, left: number(.cim(leaf.left.cimClass)), right: number(.cim(leaf.right.cimClass)))
        case .role(let role): self = .role(role)
        case .group(let group):
            self = .group(
                group.combinator, group.members.map { CompiledCheck($0, readNumbers: readNumbers) },
                whenAllAbsent: group.whenAllAbsent, whenNoneApplies: group.whenNoneApplies)
        case .gated(let gate, let body):
            self = .gated(
                gate: CompiledCheck(gate, readNumbers: readNumbers), body: CompiledCheck(body, readNumbers: readNumbers)
            )
        }
    }
}
