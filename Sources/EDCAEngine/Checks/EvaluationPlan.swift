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
    /// The positions in ``controls`` of the controls evaluated on every server (subject `Server`, `Database`).
    package let serverControlIndices: [Int]
    /// The positions in ``controls`` of the controls evaluated once per organization (subject `Organization`,
    /// `Mailbox`), on the facts of the one host chosen to collect them.
    package let organizationControlIndices: [Int]
    /// The reads the server controls need: what a host that does not collect organization facts is asked.
    package let serverReads: [FactRead]
    /// The reads the organization controls need (some may also be server reads).
    package let organizationReads: [FactRead]
    private let checks: [CompiledCheck]
    /// The number of the `MailboxDatabase` stage key's read, and which controls of subject `Database` read it:
    /// those give one verdict per database.
    private let databaseRead: Int?
    private let perDatabase: [Bool]

    /// Compiles controls into a plan.
    package init(controls: [Control]) {
        let request = FactRequest(checks: controls.map(\.check))
        var numbers: [FactRead: Int] = [:]
        for (number, read) in request.reads.enumerated() { numbers[read] = number }
        self.controls = controls
        self.reads = request.reads
        self.checks = controls.map { CompiledCheck($0.check, readNumbers: numbers) }
        serverControlIndices = controls.indices.filter { !controls[$0].subject.isOrganizationWide }
        organizationControlIndices = controls.indices.filter { controls[$0].subject.isOrganizationWide }
        serverReads = FactRequest(checks: serverControlIndices.map { controls[$0].check }).reads
        organizationReads = FactRequest(checks: organizationControlIndices.map { controls[$0].check }).reads
        let databases = ExchangeFact.named(Self.databaseKey).map { FactRead.exchange($0) }
        databaseRead = databases.flatMap { numbers[$0] }
        perDatabase = controls.map { control in
            guard control.subject == .database, let databases else { return false }
            return FactRequest(checks: [control.check]).reads.contains(databases)
        }
    }

    /// The stage key whose rows are the databases of a server.
    package static let databaseKey = "MailboxDatabase"

    /// The verdicts of the control at `index` on a host: one, or for a control of subject `Database` that reads
    /// the `MailboxDatabase` stage key, one per database the host answered (each evaluated as if the host had that
    /// database alone, and named by its `Name`). No row, or an error, gives the one verdict the check gives then.
    package func verdicts(controlAt index: Int, on facts: HostFacts, role: ExchangeRole) -> [Verdict] {
        guard perDatabase[index], let databaseRead, case .exchange(.rows(let rows)) = facts.answers[databaseRead],
            !rows.isEmpty
        else { return [evaluate(controlAt: index, on: facts, role: role)] }
        return rows.enumerated().map { number, row in
            var one = facts
            one.answers[databaseRead] = .exchange(.rows([row]))
            var verdict = evaluate(controlAt: index, on: one, role: role)
            verdict.database = Self.databaseName(row) ?? "database \(number + 1)"
            return verdict
        }
    }

    private static func databaseName(_ row: FactRecord) -> String? {
        switch row["Name"] {
        case .string(let name)?, .expandString(let name)?: name
        default: nil
        }
    }

    /// Whether some control is evaluated once per organization.
    package var hasOrganizationControls: Bool { !organizationControlIndices.isEmpty }

    /// Evaluates the server controls on a host, in the plan's order (a `Database` control: one verdict per
    /// database, see ``verdicts(controlAt:on:role:)``).
    package func evaluateServerControls(on facts: HostFacts, role: ExchangeRole) -> [Verdict] {
        serverControlIndices.flatMap { verdicts(controlAt: $0, on: facts, role: role) }
    }

    /// Evaluates the organization controls on the facts of the host that collected them, in the plan's order.
    package func evaluateOrganizationControls(on facts: HostFacts, role: ExchangeRole) -> [Verdict] {
        organizationControlIndices.map { evaluate(controlAt: $0, on: facts, role: role) }
    }

    /// The organization controls' reads that the host answered with an error (access denied, a failed read), in
    /// words (an Exchange stage key with its error class): facts another host of the organization may give.
    package func organizationReadErrors(in facts: HostFacts) -> [String] {
        var numbers: [FactRead: Int] = [:]
        for (number, read) in reads.enumerated() { numbers[read] = number }
        return organizationReads.compactMap { read in
            guard let number = numbers[read], facts.answers[number].isError else { return nil }
            switch (read, facts.answers[number]) {
            case (.exchange(let fact), .exchange(.factError(let error))),
                (.exchange(let fact), .exchange(.stageError(let error))):
                return "Exchange \(fact.key): \(error.description)"
            case (.exchange(let fact), _):
                return "Exchange \(fact.key): not answered"
            default:
                return "\(read): unreadable"
            }
        }
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
        /// An Exchange stage key's rows, or why there are none.
        case exchange(ExchangeAnswer)
        /// A certificate store's certificates; nil when the snapshot did not read the store.
        case certificates(CertificateStoreState?)
        /// What an XML path reached in a file, or the file's state; nil when the snapshot did not read the file.
        case xml(XmlFileState?)
        /// A folder's subfolders, or the folder's state; nil when the snapshot did not list the folder.
        case folder(FolderState?)
        /// A folder's access control list, or the folder's state; nil when the snapshot did not read it.
        case acl(AclState?)
        /// The TLS cipher suites in Windows' order, or why there are none; nil when the snapshot did not read them.
        case cipherSuites(CipherSuiteState?)
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

extension HostFacts.Answer {
    /// Whether the read failed on the host (access denied, an error), so that the answer says nothing about the
    /// fact; an absent key, value, service or class is data, not an error.
    package var isError: Bool {
        switch self {
        case .value(let fact):
            if case .denied = fact { true } else { false }
        case .existence(let existence):
            if case .unknown = existence { true } else { false }
        case .subkeys(let subkeys):
            if case .denied = subkeys { true } else { false }
        case .subkeyNames(let state):
            if case .denied = state { true } else { false }
        case .service(let state):
            if case .denied = state { true } else { false }
        case .cim(let state):
            switch state {
            case .denied, nil: true
            case .instances, .absent: false
            }
        case .certificates(let state):
            switch state {
            case .denied, nil: true
            case .entries, .absent: false
            }
        case .exchange(let answer):
            switch answer {
            case .rows, .truncated: false
            case .factError, .stageError, .notRead: true
            }
        case .xml(let state):
            switch state {
            case .denied, nil: true
            case .read, .absent, .malformed: false
            }
        case .folder(let state):
            switch state {
            case .denied, nil: true
            case .subfolders, .absent: false
            }
        case .acl(let state):
            switch state {
            case .denied, nil: true
            case .entries, .absent: false
            }
        case .cipherSuites(let state):
            switch state {
            case .denied, nil: true
            case .suites, .absent: false
            }
        }
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
        case .exchange(let fact):
            return .exchange(ExchangeAnswer(exchange, fact))
        case .certificates(let store):
            return .certificates(certificates.state(of: store))
        case .xml(let file, let path):
            return .xml(xml.values(at: path, in: file))
        case .subfolders(let folder):
            return .folder(folders.state(of: folder))
        case .acl(let folder):
            return .acl(acls.state(of: folder))
        case .cipherSuites:
            return .cipherSuites(cipherSuites.state)
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
    case exchange(ExchangeCheck, read: Int)
    case exchangeCount(ExchangeCountCheck, read: Int)
    case certificates(CertificateCheck, read: Int, bindingReads: [Int])
    case compare(CompareCheck, left: Int, right: Int)
    case xml(XmlCheck, reads: [Int])
    case folder(FolderCheck, read: Int)
    case acl(AclCheck, read: Int)
    case pathList(PathListCheck, list: Int, folder: Int?, install: Int)
    case cipherSuites(CipherSuiteCheck, read: Int)
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
        case .exchange(let leaf): self = .exchange(leaf, read: number(.exchange(leaf.fact)))
        case .exchangeCount(let leaf): self = .exchangeCount(leaf, read: number(.exchange(leaf.fact)))
        case .certificates(let leaf):
            let reads = leaf.reads
            self = .certificates(leaf, read: number(reads[0]), bindingReads: reads.dropFirst().map(number))
        case .compare(let leaf):
            self = .compare(leaf, left: number(.cim(leaf.left.cimClass)), right: number(.cim(leaf.right.cimClass)))
        case .xml(let leaf): self = .xml(leaf, reads: leaf.reads.map(number))
        case .folder(let leaf): self = .folder(leaf, read: number(.subfolders(leaf.folder)))
        case .acl(let leaf): self = .acl(leaf, read: number(.acl(leaf.folder)))
        case .pathList(let leaf):
            let reads = leaf.reads
            self = .pathList(
                leaf, list: number(reads[0]), folder: reads.count == 3 ? number(reads[1]) : nil,
                install: number(reads[reads.count - 1]))
        case .cipherSuites(let leaf): self = .cipherSuites(leaf, read: number(.cipherSuites))
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
