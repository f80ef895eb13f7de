package import EDCACore
package import EDCAEngine
package import EDCAProbe

/// One organization's verdicts in a scan: the organization controls evaluated once, on the facts of the host
/// that collected them, or why no host could.
package struct OrganizationOutcome: Sendable {
    /// The host whose facts decided the verdicts.
    package struct Collection: Sendable {
        /// The host.
        package var host: ScanTarget
        /// Its role.
        package var role: ExchangeRole
        /// Name, builds and role as the host's registry tells them.
        package var identity: HostIdentity
        /// One verdict per organization control, in catalog order.
        package var verdicts: [Verdict]
        /// The organization reads this host answered with an error: not empty only when no host of the
        /// organization answered them all, and this is the first that was reached.
        package var readErrors: [String]
    }

    /// A host asked for the organization's facts that could not give them, and why.
    package struct PassedOver: Sendable, Hashable {
        /// The host's inventory name.
        package var host: String
        /// Why: an error class and its message, or the reads that failed.
        package var reason: String
    }

    /// An organization fact (an `Organization`-scope Exchange stage key) that a host answered otherwise than the
    /// host that collected: the organization's facts are not merged, the difference is reported.
    package struct Difference: Sendable, Hashable {
        /// The host whose answer differs.
        package var host: String
        /// The stage key.
        package var fact: String
    }

    /// The organization's name as the inventory gives it (first spelling met).
    package var organization: String
    /// The host whose facts decided the verdicts, or nil when no host of the organization could be probed.
    package var collection: Collection?
    /// The hosts asked before the one that collected (or all of them, when none could), in the order asked.
    package var passedOver: [PassedOver]
    /// Organization facts other hosts of the organization read too (candidates passed over before the collector)
    /// and answered otherwise than the collector, by host name then key.
    package var differences: [Difference] = []
}

/// Decides which host of each organization collects the organization facts, with fallback: the pure state
/// machine behind ``FleetScan``.
///
/// The candidates of an organization are its hosts not declared Edge (an Edge server has no Active Directory),
/// in the order of their names (ignoring case). The first candidate probes with every read; the other hosts
/// leave out the reads only organization controls need and every `Organization`-scope stage key (a host declared
/// Edge keeps them: it answers them from its own AD LDS copy). When the chosen host fails (not reached, a probe
/// error, an Edge role found, or organization reads answered with errors), the next candidate collects: with every
/// read if it has not started yet, else with a second, organization-only probe once its own probe succeeded; a
/// candidate whose own probe failed is passed over without a second try. So the collector is always the first
/// candidate, in name order, that can collect, whatever order hosts finish in.
///
/// Once an organization is decided, ``organizationAnswers(forHost:)`` gives the deciding host's answers of the
/// `Organization`-scope stage keys, with which the other servers' controls that read them are judged. An
/// organization's outcome is released once it is decided and every host of it has finished, so that the rows of
/// those keys that candidates passed over answered can be compared with the collector's: a difference is reported
/// in ``OrganizationOutcome/differences``, never merged.
struct OrganizationCollectors {
    private enum Phase {
        case waiting
        case running(ProbeScope)
        /// Finished: reached, or the error class and message.
        case finished(failure: String?)
    }

    private struct Organization {
        var name: String
        var candidates: [Int]
        var position = 0
        var decided = false
        /// The first collection reached whose organization reads had errors, kept in case no host does better.
        var fallback: OrganizationOutcome.Collection?
        var passedOver: [OrganizationOutcome.PassedOver] = []
        /// The decided outcome, until every host of the organization has finished.
        var outcome: OrganizationOutcome?
        var released = false
        /// Every host of the organization, Edge ones included.
        var members: [Int] = []
        /// The organization facts (rows of Organization-scope stage keys) each host's probes answered.
        var facts: [Int: [String: Set<FactRecord>]] = [:]
        /// The Organization-scope stage keys' answers (rows or errors) of each candidate that read them, kept so
        /// that the other servers' controls that read them can be judged with the collector's.
        var answers: [Int: ExchangeSnapshot] = [:]
        /// The collection's host and the one the fallback came from.
        var collector: Int?
        var fallbackHost: Int?
        /// Whether the scan stopped before the organization was decided.
        var stopped = false

        var current: Int? { position < candidates.count ? candidates[position] : nil }
    }

    private let targets: [ScanTarget]
    private let enabled: Bool
    private var organizations: [Organization] = []
    private var organizationOf: [Int] = []
    private var phases: [Phase]
    /// Hosts to start before the rest: each organization's current candidate.
    private var priority: [Int] = []
    private var nextInOrder = 0
    /// Hosts to probe again for the organization reads only.
    private var followUps: [Int] = []

    /// Prepares the choice for `targets`; `enabled` is false when no control is organization-wide (then every host
    /// probes with every read, which are its own).
    init(targets: [ScanTarget], enabled: Bool) {
        self.targets = targets
        self.enabled = enabled
        phases = Array(repeating: .waiting, count: targets.count)
        guard enabled else { return }
        var numbers: [String: Int] = [:]
        for (index, target) in targets.enumerated() {
            let key = target.organization.lowercased()
            let number: Int
            if let known = numbers[key] {
                number = known
            } else {
                number = organizations.count
                numbers[key] = number
                organizations.append(Organization(name: target.organization, candidates: []))
            }
            organizationOf.append(number)
            organizations[number].members.append(index)
            if target.role != .edge { organizations[number].candidates.append(index) }
        }
        for number in organizations.indices {
            organizations[number].candidates.sort { first, second in
                let (a, b) = (targets[first].name, targets[second].name)
                return (a.lowercased(), a) < (b.lowercased(), b)
            }
            if let first = organizations[number].current { priority.append(first) }
        }
    }

    /// Whether a host or a follow-up is left to start.
    var hasWork: Bool {
        !followUps.isEmpty || phases.contains { if case .waiting = $0 { true } else { false } }
    }

    /// The next probe to start: a follow-up (a host to ask again for the organization reads only) first, then
    /// the hosts chosen to collect, then the rest in the order given.
    mutating func next() -> (index: Int, scope: ProbeScope)? {
        if !followUps.isEmpty { return (followUps.removeFirst(), .organizationOnly) }
        while let index = priority.first {
            priority.removeFirst()
            if case .waiting = phases[index] { return start(index) }
        }
        while nextInOrder < targets.count {
            let index = nextInOrder
            nextInOrder += 1
            if case .waiting = phases[index] { return start(index) }
        }
        return nil
    }

    private mutating func start(_ index: Int) -> (index: Int, scope: ProbeScope) {
        var scope = ProbeScope.serverAndOrganization
        if enabled {
            let organization = organizations[organizationOf[index]]
            if targets[index].role == .edge {
                scope = .edgeServer
            } else {
                scope = !organization.decided && organization.current == index ? .serverAndOrganization : .server
            }
        }
        phases[index] = .running(scope)
        return (index, scope)
    }

    /// Takes a host's own probe; returns the organizations it decided.
    mutating func hostFinished(_ index: Int, result: Result<HostScan, HostProbeError>) -> [OrganizationOutcome] {
        guard case .running(let scope) = phases[index] else { return [] }
        let failure: String? =
            switch result {
            case .success: nil
            case .failure(let error): "\(error.errorClass): \(error.description)"
            }
        phases[index] = .finished(failure: failure)
        guard enabled else { return [] }
        let number = organizationOf[index]
        keepFacts(index, number, result, readOrganization: scope == .serverAndOrganization)
        guard !organizations[number].decided, organizations[number].current == index else { return release(number) }
        if scope == .serverAndOrganization {
            attempted(index, number, result)
        } else if let failure {
            // It became the chosen host while probing for itself only.
            organizations[number].passedOver.append(.init(host: targets[index].name, reason: failure))
            advance(number)
        } else {
            followUps.append(index)
        }
        return release(number)
    }

    /// Takes an organization-only probe; returns the organization it decided, if it did.
    mutating func followUpFinished(_ index: Int, result: Result<HostScan, HostProbeError>) -> [OrganizationOutcome] {
        guard enabled else { return [] }
        let number = organizationOf[index]
        keepFacts(index, number, result, readOrganization: true)
        guard !organizations[number].decided, organizations[number].current == index else { return release(number) }
        attempted(index, number, result)
        return release(number)
    }

    /// Decides every organization still open (the scan stopped, or ended): with the first host reached, if any;
    /// returns every outcome not released yet.
    mutating func finishRemaining() -> [OrganizationOutcome] {
        guard enabled else { return [] }
        var outcomes: [OrganizationOutcome] = []
        // An organization of Edge servers only has no candidate, and no organization verdicts.
        for number in organizations.indices where !organizations[number].candidates.isEmpty {
            if !organizations[number].decided {
                organizations[number].stopped = true
                decide(number, with: nil)
            }
            outcomes += release(number, force: true)
        }
        return outcomes
    }

    /// The answers of the Organization-scope stage keys that the servers of host `index`'s organization are to be
    /// judged with (``HostProbe/complete(_:organization:)``), once the organization is decided: those of the host
    /// whose facts decided, or, when no host could collect them, a stage error saying so and why; nil while the
    /// organization is not decided.
    func organizationAnswers(forHost index: Int) -> ExchangeSnapshot? {
        guard enabled else { return nil }
        let organization = organizations[organizationOf[index]]
        guard organization.decided else { return nil }
        if let decider = organization.collector ?? organization.fallbackHost,
            let answers = organization.answers[decider]
        {
            return answers
        }
        let reasons = organization.passedOver.map { "\($0.host) (\($0.reason))" }
        var message = "no host of organization \(organization.name) could read its organization facts"
        if organization.stopped { message += ", the scan stopped first" }
        if !reasons.isEmpty { message += ": " + reasons.joined(separator: "; ") }
        var unanswered = ExchangeSnapshot()
        unanswered.stageError = ExchangeError(errorClass: ExchangeError.organizationNotCollected, message: message)
        return unanswered
    }

    /// Keeps the rows of the Organization-scope stage keys a host's probe answered.
    private mutating func keepFacts(
        _ index: Int, _ number: Int, _ result: Result<HostScan, HostProbeError>, readOrganization: Bool
    ) {
        // An Edge server answers from its own AD LDS copy, which is not the organization's configuration.
        guard case .success(let scan) = result, scan.role != .edge else { return }
        var facts: [String: Set<FactRecord>] = organizations[number].facts[index] ?? [:]
        var answers = ExchangeSnapshot()
        answers.stageError = scan.snapshot.exchange.stageError
        for fact in ExchangeFact.allowed where fact.scope == .organization {
            guard let state = scan.snapshot.exchange.state(of: fact) else { continue }
            answers.set(fact, state)
            if case .rows(let rows) = state { facts[fact.key] = Set(rows) }
        }
        if !facts.isEmpty { organizations[number].facts[index] = facts }
        if readOrganization { organizations[number].answers[index] = answers }
    }

    /// The organization's outcome, once decided and every host of it has finished (or `force`), with the
    /// organization facts other hosts answered otherwise than the collector.
    private mutating func release(_ number: Int, force: Bool = false) -> [OrganizationOutcome] {
        let organization = organizations[number]
        guard !organization.released, var outcome = organization.outcome else { return [] }
        let pending = organization.members.contains { if case .finished = phases[$0] { false } else { true } }
        guard force || (!pending && !followUps.contains { organizationOf[$0] == number }) else { return [] }
        organizations[number].released = true
        if let collector = organization.collector ?? organization.fallbackHost,
            let reference = organization.facts[collector]
        {
            for host in organization.members where host != collector {
                for (key, rows) in organization.facts[host] ?? [:] {
                    if let expected = reference[key], expected != rows {
                        outcome.differences.append(.init(host: targets[host].name, fact: key))
                    }
                }
            }
            outcome.differences.sort { ($0.host, $0.fact) < ($1.host, $1.fact) }
        }
        return [outcome]
    }

    private mutating func attempted(_ index: Int, _ number: Int, _ result: Result<HostScan, HostProbeError>) {
        let target = targets[index]
        let reason: String
        switch result {
        case .failure(let error):
            reason = "\(error.errorClass): \(error.description)"
        case .success(let scan) where scan.role == .edge:
            reason = "an Edge server has no Active Directory to read organization facts from"
        case .success(let scan):
            let organization = scan.organization ?? OrganizationFacts(verdicts: [], readErrors: [])
            let collection = OrganizationOutcome.Collection(
                host: target, role: scan.role, identity: scan.identity, verdicts: organization.verdicts,
                readErrors: organization.readErrors)
            if organization.readErrors.isEmpty {
                organizations[number].collector = index
                decide(number, with: collection)
                return
            }
            if organizations[number].fallback == nil {
                organizations[number].fallback = collection
                organizations[number].fallbackHost = index
            }
            reason = "organization reads failed: " + organization.readErrors.joined(separator: "; ")
        }
        organizations[number].passedOver.append(.init(host: target.name, reason: reason))
        advance(number)
    }

    /// Moves to the next candidate, passing over those whose own probe failed; decides when none is left.
    private mutating func advance(_ number: Int) {
        while true {
            organizations[number].position += 1
            guard let index = organizations[number].current else {
                decide(number, with: nil)
                return
            }
            switch phases[index] {
            case .waiting:
                priority.append(index)
                return
            case .running:
                return  // decided when its own probe ends
            case .finished(let failure?):
                organizations[number].passedOver.append(.init(host: targets[index].name, reason: failure))
            case .finished(failure: nil):
                followUps.append(index)
                return
            }
        }
    }

    private mutating func decide(_ number: Int, with collection: OrganizationOutcome.Collection?) {
        organizations[number].decided = true
        let organization = organizations[number]
        organizations[number].outcome = OrganizationOutcome(
            organization: organization.name, collection: collection ?? organization.fallback,
            passedOver: organization.passedOver)
    }
}
