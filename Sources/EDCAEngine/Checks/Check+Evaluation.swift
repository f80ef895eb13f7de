/// The result of evaluating one node of a check.
struct NodeOutcome {
    /// The node's status.
    var status: Status
    /// Whether none of the values the node reads is set (used by a group's `whenAbsent`).
    var nothingSet: Bool
}

extension Check {
    /// Evaluates the check against a snapshot, appending one finding per fact it looked at.
    func evaluate(on snapshot: RegistrySnapshot, findings: inout [Finding]) -> NodeOutcome {
        switch self {
        case .value(let check): return check.evaluate(on: snapshot, findings: &findings)
        case .key(let check): return check.evaluate(on: snapshot, findings: &findings)
        case .subkeys(let check): return check.evaluate(on: snapshot, findings: &findings)
        case .group(let group): return group.evaluate(on: snapshot, findings: &findings)
        case .gated(let gate, let body):
            switch gate.evaluate(on: snapshot, findings: &findings).status {
            case .pass:
                return body.evaluate(on: snapshot, findings: &findings)
            case .fail, .skipped:
                findings.append(.applicability(.skipped))
                return NodeOutcome(status: .skipped, nothingSet: false)
            case .unknown, .error:
                findings.append(.applicability(.unknown))
                return NodeOutcome(status: .unknown, nothingSet: false)
            }
        }
    }
}

extension ValueCheck {
    fileprivate func evaluate(on snapshot: RegistrySnapshot, findings: inout [Finding]) -> NodeOutcome {
        let observation: Finding.Observation
        let outcome: Finding.RuleOutcome
        switch snapshot.value(valueName, in: key) {
        case .present(let value):
            observation = .data(value.data)
            outcome = rule.apply(to: value.data)
        case .denied:
            observation = .denied
            outcome = .undecided(rule: rule)
        case .valueAbsent:
            (observation, outcome) = rule.applyToAbsentValue(absence, keyAbsent: false)
        case .keyAbsent:
            (observation, outcome) = rule.applyToAbsentValue(absence, keyAbsent: true)
        }
        findings.append(.value(self, observation, outcome))
        return NodeOutcome(status: outcome.status, nothingSet: observation.isUnset && !rule.isPresenceTest)
    }
}

extension KeyCheck {
    fileprivate func evaluate(on snapshot: RegistrySnapshot, findings: inout [Finding]) -> NodeOutcome {
        let observation: Finding.KeyObservation
        let status: Status
        switch snapshot.existence(of: key) {
        case .exists:
            observation = .exists
            status = mustExist ? .pass : .fail
        case .absent:
            observation = .absent
            status = mustExist ? .fail : .pass
        case .unknown:
            observation = .unknown
            status = .unknown
        }
        findings.append(.key(self, observation))
        return NodeOutcome(status: status, nothingSet: false)
    }
}

extension SubkeysCheck {
    fileprivate func evaluate(on snapshot: RegistrySnapshot, findings: inout [Finding]) -> NodeOutcome {
        let subkeys: [RegistryPath]
        switch snapshot.subkeys(of: key) {
        case .keys(let list): subkeys = list
        case .absent:
            findings.append(.subkeysSummary(self, .keyAbsent, whenNoneFound))
            return NodeOutcome(status: whenNoneFound, nothingSet: true)
        case .denied:
            findings.append(.subkeysSummary(self, .denied, .unknown))
            return NodeOutcome(status: .unknown, nothingSet: false)
        }
        var tally = StatusTally()
        var kept = 0
        var passing: [Finding] = []
        for subkey in subkeys {
            let observation: Finding.Observation
            let outcome: Finding.RuleOutcome
            switch snapshot.value(valueName, in: subkey) {
            case .present(let value):
                observation = .data(value.data)
                outcome = rule.apply(to: value.data)
            case .denied:
                observation = .denied
                outcome = .undecided(rule: rule)
            case .valueAbsent, .keyAbsent:
                guard let windowsDefault else { continue }
                observation = .windowsDefault(windowsDefault)
                outcome = rule.apply(to: windowsDefault)
            }
            kept += 1
            tally.add(outcome.status)
            let finding = Finding.subkeyValue(self, subkey: subkey, observation, outcome)
            switch quantifier {
            case .all: findings.append(finding)
            case .any: if outcome.status != .fail { passing.append(finding) }
            }
        }
        if kept == 0 {
            findings.append(.subkeysSummary(self, .noneHasValue(subkeyCount: subkeys.count), whenNoneFound))
            return NodeOutcome(status: whenNoneFound, nothingSet: true)
        }
        let status = tally.combined(quantifier == .all ? .all : .any)
        if quantifier == .any {
            findings += passing
            if passing.isEmpty { findings.append(.subkeysSummary(self, .noneMatched(checkedCount: kept), status)) }
        }
        return NodeOutcome(status: status, nothingSet: false)
    }
}

extension CheckGroup {
    fileprivate func evaluate(on snapshot: RegistrySnapshot, findings: inout [Finding]) -> NodeOutcome {
        var tally = StatusTally()
        var nothingSet = true
        for member in members {
            let outcome = member.evaluate(on: snapshot, findings: &findings)
            tally.add(outcome.status)
            nothingSet = nothingSet && outcome.nothingSet
        }
        if nothingSet, let whenAllAbsent {
            findings.append(.noValueSet(whenAllAbsent))
            return NodeOutcome(status: whenAllAbsent, nothingSet: true)
        }
        return NodeOutcome(status: tally.combined(combinator), nothingSet: nothingSet)
    }
}

/// Counts member statuses and combines them in three-valued logic; `Skipped` members are left out.
struct StatusTally {
    private var passed = false
    private var failed = false
    private var unknown = false
    private var counted = false

    mutating func add(_ status: Status) {
        switch status {
        case .pass: passed = true
        case .fail: failed = true
        case .unknown, .error: unknown = true
        case .skipped: return
        }
        counted = true
    }

    func combined(_ combinator: CheckGroup.Combinator) -> Status {
        guard counted else { return .skipped }
        switch combinator {
        case .all: return failed ? .fail : unknown ? .unknown : .pass
        case .any: return passed ? .pass : unknown ? .unknown : .fail
        case .none: return passed ? .fail : unknown ? .unknown : .pass
        }
    }
}

extension ValueRule {
    /// Applies the rule to data that is present.
    func apply(to data: RegistryData) -> Finding.RuleOutcome {
        switch self {
        case .require(let comparisons):
            var holds = true
            for comparison in comparisons {
                switch comparison.test(data) {
                case .holds: continue
                case .fails: holds = false
                case .wrongType(let expected): return .wrongType(expected: expected, rule: self)
                }
            }
            return .required(comparisons, holds ? .pass : .fail)
        case .cases(let cases, let otherwise):
            for candidate in cases {
                var holds = true
                for comparison in candidate.comparisons {
                    switch comparison.test(data) {
                    case .holds: continue
                    case .fails: holds = false
                    case .wrongType(let expected): return .wrongType(expected: expected, rule: self)
                    }
                }
                if holds { return .matchedCase(candidate) }
            }
            return .otherwise(cases, otherwise)
        case .presence(let mustExist):
            return .presence(mustExist: mustExist, mustExist ? .pass : .fail)
        }
    }

    /// Applies the rule to a value that is not set, as `absence` says.
    func applyToAbsentValue(
        _ absence: Absence, keyAbsent: Bool
    ) -> (Finding.Observation, Finding.RuleOutcome) {
        let unset: Finding.Observation = keyAbsent ? .keyAbsent : .valueAbsent
        if case .presence(let mustExist) = self {
            return (unset, .presence(mustExist: mustExist, mustExist ? .fail : .pass))
        }
        switch absence {
        case .unknown: return (unset, .undecided(rule: self))
        case .status(let status): return (unset, .absent(rule: self, status))
        case .windowsDefault(let data): return (.windowsDefault(data), apply(to: data))
        }
    }

    /// Whether the rule tests presence, so that an unset value is an answer rather than a missing fact.
    var isPresenceTest: Bool {
        if case .presence = self { return true }
        return false
    }
}

extension Finding.RuleOutcome {
    /// The status this outcome gives.
    var status: Status {
        switch self {
        case .required(_, let status), .otherwise(_, let status), .presence(_, let status), .absent(_, let status):
            status
        case .matchedCase(let match): match.status
        case .wrongType, .undecided: .unknown
        }
    }
}

extension Finding.Observation {
    /// Whether the value was not set (with or without a Windows default).
    var isUnset: Bool {
        switch self {
        case .data, .denied: false
        case .windowsDefault, .valueAbsent, .keyAbsent: true
        }
    }
}
