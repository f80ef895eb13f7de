package import EDCACore
import EDCAJSON

/// The result of evaluating one node of a check.
struct NodeOutcome {
    /// The node's status.
    var status: Status
    /// Whether none of the values the node reads is set (used by a group's `whenAbsent`).
    var nothingSet: Bool
}

extension CompiledCheck {
    /// Evaluates the check on a host's facts, appending one finding per fact it looked at.
    func evaluate(on facts: HostFacts, role: ExchangeRole, findings: inout [Finding]) -> NodeOutcome {
        switch self {
        case .value(let check, let read, let partReads):
            guard case .value(let state) = facts.answers[read] else { preconditionFailure("answer of the wrong kind") }
            if !partReads.isEmpty, state.isUnset, let version = Self.composeVersion(partReads, facts) {
                return check.evaluate(composedVersion: version, findings: &findings)
            }
            return check.evaluate(state, scanTime: facts.scanTime, findings: &findings)
        case .key(let check, let read):
            guard case .existence(let existence) = facts.answers[read] else {
                preconditionFailure("answer of the wrong kind")
            }
            return check.evaluate(existence, findings: &findings)
        case .subkeys(let check, let read):
            guard case .subkeys(let subkeys) = facts.answers[read] else {
                preconditionFailure("answer of the wrong kind")
            }
            return check.evaluate(subkeys, scanTime: facts.scanTime, findings: &findings)
        case .subkeyCount(let check, let read):
            guard case .subkeyNames(let subkeys) = facts.answers[read] else {
                preconditionFailure("answer of the wrong kind")
            }
            return check.evaluate(subkeys, findings: &findings)
        case .service(let check, let read):
            guard case .service(let state) = facts.answers[read] else {
                preconditionFailure("answer of the wrong kind")
            }
            return check.evaluate(state, scanTime: facts.scanTime, findings: &findings)
        case .cim(let check, let read):
            guard case .cim(let state) = facts.answers[read] else { preconditionFailure("answer of the wrong kind") }
            return check.evaluate(state, scanTime: facts.scanTime, findings: &findings)
        case .cimCount(let check, let read):
            guard case .cim(let state) = facts.answers[read] else { preconditionFailure("answer of the wrong kind") }
            return check.evaluate(state, findings: &findings)
        case .exchange(let check, let read):
            guard case .exchange(let answer) = facts.answers[read] else {
                preconditionFailure("answer of the wrong kind")
            }
            return check.evaluate(answer, scanTime: facts.scanTime, findings: &findings)
        case .exchangeCount(let check, let read):
            guard case .exchange(let answer) = facts.answers[read] else {
                preconditionFailure("answer of the wrong kind")
            }
            return check.evaluate(answer, scanTime: facts.scanTime, findings: &findings)
        case .certificates(let check, let read, let bindingReads):
            guard case .certificates(let state) = facts.answers[read] else {
                preconditionFailure("answer of the wrong kind")
            }
            let bindings = bindingReads.map { number -> HostFacts.SubkeyValues in
                guard case .subkeys(let answer) = facts.answers[number] else {
                    preconditionFailure("answer of the wrong kind")
                }
                return answer
            }
            return check.evaluate(state, bindings: bindings, scanTime: facts.scanTime, findings: &findings)
        case .compare(let check, let left, let right):
            guard case .cim(let leftState) = facts.answers[left], case .cim(let rightState) = facts.answers[right]
            else {
                preconditionFailure("answer of the wrong kind")
            }
            return check.evaluate(left: leftState, right: rightState, findings: &findings)
        case .xml(let check, let reads):
            let states = reads.map { read -> XmlFileState? in
                guard case .xml(let state) = facts.answers[read] else {
                    preconditionFailure("answer of the wrong kind")
                }
                return state
            }
            return check.evaluate(states[0], relative: Array(states.dropFirst()), findings: &findings)
        case .folder(let check, let read):
            guard case .folder(let state) = facts.answers[read] else { preconditionFailure("answer of the wrong kind") }
            return check.evaluate(state, findings: &findings)
        case .acl(let check, let read):
            guard case .acl(let state) = facts.answers[read] else { preconditionFailure("answer of the wrong kind") }
            return check.evaluate(state, findings: &findings)
        case .pathList(let check, let list, let folder, let install):
            guard case .value(let installPath) = facts.answers[install] else {
                preconditionFailure("answer of the wrong kind")
            }
            let folderState = folder.map { number -> XmlFileState? in
                guard case .xml(let state) = facts.answers[number] else {
                    preconditionFailure("answer of the wrong kind")
                }
                return state
            }
            return check.evaluate(
                list: facts.answers[list], folder: folderState, installPath: installPath, findings: &findings)
        case .cipherSuites(let check, let read):
            guard case .cipherSuites(let state) = facts.answers[read] else {
                preconditionFailure("answer of the wrong kind")
            }
            return check.evaluate(state, findings: &findings)
        case .role(let required):
            findings.append(.role(required: required, host: role))
            return NodeOutcome(status: role == required ? .pass : .fail, nothingSet: false)
        case .group(let combinator, let members, let whenAllAbsent, let whenNoneApplies):
            var tally = StatusTally()
            var nothingSet = true
            for member in members {
                let outcome = member.evaluate(on: facts, role: role, findings: &findings)
                tally.add(outcome.status)
                nothingSet = nothingSet && outcome.nothingSet
            }
            if nothingSet, let whenAllAbsent {
                findings.append(.noValueSet(whenAllAbsent))
                return NodeOutcome(status: whenAllAbsent, nothingSet: true)
            }
            let status = tally.combined(combinator)
            if status == .skipped, let whenNoneApplies {
                findings.append(.noneApplies(whenNoneApplies))
                return NodeOutcome(status: whenNoneApplies, nothingSet: nothingSet)
            }
            return NodeOutcome(status: status, nothingSet: nothingSet)
        case .gated(let gate, let body):
            let gateStart = findings.count
            switch gate.evaluate(on: facts, role: role, findings: &findings).status {
            case .pass:
                return body.evaluate(on: facts, role: role, findings: &findings)
            case .fail, .skipped:
                findings.append(.applicability(.skipped, gateStart: gateStart))
                return NodeOutcome(status: .skipped, nothingSet: false)
            case .unknown, .error:
                findings.append(.applicability(.unknown, gateStart: gateStart))
                return NodeOutcome(status: .unknown, nothingSet: false)
            }
        }
    }

    /// The version `a.b.c.d` spelled by numeric values, or `nil` unless every one is set to a number.
    private static func composeVersion(_ partReads: [Int], _ facts: HostFacts) -> RegistryData? {
        var numbers: [String] = []
        for read in partReads {
            guard case .value(.present(let data)) = facts.answers[read], let number = data.numericValue else {
                return nil
            }
            numbers.append(String(number))
        }
        return .string(numbers.joined(separator: "."))
    }
}

extension ValueCheck {
    fileprivate func evaluate(_ state: ValueFact, scanTime: Timestamp?, findings: inout [Finding]) -> NodeOutcome {
        let observation: Finding.Observation
        let outcome: Finding.RuleOutcome
        switch state {
        case .present(let data):
            observation = .data(data)
            outcome = rule.apply(to: data, scanTime: scanTime)
        case .denied:
            observation = .denied
            outcome = .undecided
        case .valueAbsent:
            (observation, outcome) = rule.applyToAbsentValue(absence, keyAbsent: false, scanTime: scanTime)
        case .keyAbsent:
            (observation, outcome) = rule.applyToAbsentValue(absence, keyAbsent: true, scanTime: scanTime)
        }
        findings.append(.value(self, observation, outcome))
        return NodeOutcome(status: outcome.status, nothingSet: observation.isUnset && !rule.isPresenceTest)
    }

    /// Evaluates the version spelled by ``versionParts``, the value itself being unset.
    fileprivate func evaluate(composedVersion: RegistryData, findings: inout [Finding]) -> NodeOutcome {
        let outcome = rule.apply(to: composedVersion)
        findings.append(.value(self, .composedVersion(composedVersion), outcome))
        return NodeOutcome(status: outcome.status, nothingSet: false)
    }
}

extension SubkeyCountCheck {
    fileprivate func evaluate(_ state: RegistrySnapshot.SubkeyState, findings: inout [Finding]) -> NodeOutcome {
        switch state {
        case .keys(let subkeys):
            let outcome = rule.apply(to: .dword(UInt32(clamping: subkeys.count)))
            findings.append(.subkeyCount(self, .data(.dword(UInt32(clamping: subkeys.count))), outcome))
            return NodeOutcome(status: outcome.status, nothingSet: false)
        case .absent:
            findings.append(.subkeyCount(self, .keyAbsent, .absent(absentStatus)))
            return NodeOutcome(status: absentStatus, nothingSet: true)
        case .denied:
            findings.append(.subkeyCount(self, .denied, .undecided))
            return NodeOutcome(status: .unknown, nothingSet: false)
        }
    }
}

extension ServiceCheck {
    fileprivate func evaluate(_ state: ServiceState, scanTime: Timestamp?, findings: inout [Finding]) -> NodeOutcome {
        switch state {
        case .present(let facts):
            let text =
                switch field {
                case .state: facts.state
                case .startMode: facts.startMode
                }
            let outcome = rule.apply(to: .string(text), scanTime: scanTime)
            findings.append(.service(self, .present(text), outcome))
            return NodeOutcome(status: outcome.status, nothingSet: false)
        case .absent:
            findings.append(.service(self, .absent, .absent(absentStatus)))
            return NodeOutcome(status: absentStatus, nothingSet: true)
        case .denied:
            findings.append(.service(self, .denied, .undecided))
            return NodeOutcome(status: .unknown, nothingSet: false)
        }
    }
}

extension CimCheck {
    fileprivate func evaluate(_ state: CimClassState?, scanTime: Timestamp?, findings: inout [Finding]) -> NodeOutcome {
        let instances: [CimInstance]
        switch state {
        case .instances(let list): instances = list
        case .absent, nil:
            findings.append(.cimSummary(self, .classAbsent, whenNoneFound))
            return NodeOutcome(status: whenNoneFound, nothingSet: true)
        case .denied:
            findings.append(.cimSummary(self, .denied, whenDenied))
            return NodeOutcome(status: whenDenied, nothingSet: false)
        }
        var tally = StatusTally()
        var kept = 0
        instanceLoop: for instance in instances {
            for condition in conditions {
                switch condition.test(instance, scanTime: scanTime) {
                case .holds: continue
                case .fails: continue instanceLoop
                case .wrongType, .noScanTime:
                    // A condition that cannot be tested leaves the instance undecided.
                    tally.add(.unknown)
                    let label = cimClass.keyProperty.flatMap { instance[$0]?.textValue }
                    findings.append(
                        .cimValue(
                            self, instance: label, instance[condition.field] ?? .none,
                            .wrongType(
                                expected: "data the condition on \(condition.field) can test")))
                    continue instanceLoop
                }
            }
            guard let data = instance[property] else { continue }
            kept += 1
            let outcome = rule.apply(to: data, scanTime: scanTime)
            tally.add(outcome.status)
            let label = cimClass.keyProperty.flatMap { instance[$0]?.textValue }
            findings.append(.cimValue(self, instance: label, data, outcome))
            if quantifier == .any, outcome.status == .pass { return NodeOutcome(status: .pass, nothingSet: false) }
        }
        if kept == 0 {
            findings.append(.cimSummary(self, .noneHasProperty(instanceCount: instances.count), whenNoneFound))
            return NodeOutcome(status: whenNoneFound, nothingSet: true)
        }
        return NodeOutcome(status: tally.combined(quantifier == .all ? .all : .any), nothingSet: false)
    }
}

extension CimCountCheck {
    fileprivate func evaluate(_ state: CimClassState?, findings: inout [Finding]) -> NodeOutcome {
        let count: Int
        switch state {
        case .instances(let list): count = list.count
        case .absent: count = 0
        case .denied, nil:
            findings.append(.cimCount(self, count: nil, .undecided))
            return NodeOutcome(status: .unknown, nothingSet: false)
        }
        let outcome = rule.apply(to: .dword(UInt32(clamping: count)))
        findings.append(.cimCount(self, count: count, outcome))
        return NodeOutcome(status: outcome.status, nothingSet: false)
    }
}

extension KeyCheck {
    fileprivate func evaluate(_ existence: RegistrySnapshot.Existence, findings: inout [Finding]) -> NodeOutcome {
        let observation: Finding.KeyObservation
        let status: Status
        switch existence {
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
    fileprivate func evaluate(
        _ answer: HostFacts.SubkeyValues, scanTime: Timestamp?, findings: inout [Finding]
    ) -> NodeOutcome {
        let subkeys: [HostFacts.SubkeyValue]
        switch answer {
        case .entries(let list): subkeys = list
        case .absent:
            findings.append(.subkeysSummary(self, .keyAbsent, whenNoneFound))
            return NodeOutcome(status: whenNoneFound, nothingSet: true)
        case .denied:
            findings.append(.subkeysSummary(self, .denied, .unknown))
            return NodeOutcome(status: .unknown, nothingSet: false)
        }
        var tally = StatusTally()
        var kept = 0
        var undecided: [Finding] = []
        for index in subkeys.indices {
            let observation: Finding.Observation
            let outcome: Finding.RuleOutcome
            switch subkeys[index].value {
            case .present(let data):
                observation = .data(data)
                outcome = rule.apply(to: data, scanTime: scanTime)
            case .denied:
                observation = .denied
                outcome = .undecided
            case .valueAbsent, .keyAbsent:
                guard let windowsDefault else { continue }
                observation = .windowsDefault(windowsDefault)
                outcome = rule.apply(to: windowsDefault, scanTime: scanTime)
            }
            kept += 1
            let status = outcome.status
            tally.add(status)
            switch (quantifier, status) {
            case (.all, _):
                findings.append(.subkeyValue(self, subkey: subkeys[index].key, observation, outcome))
            case (.any, .pass):
                // One passing subkey decides `any`: it is the evidence, and the rest need not be read.
                findings.append(.subkeyValue(self, subkey: subkeys[index].key, observation, outcome))
                return NodeOutcome(status: .pass, nothingSet: false)
            case (.any, .fail):
                continue
            case (.any, _):
                undecided.append(.subkeyValue(self, subkey: subkeys[index].key, observation, outcome))
            }
        }
        if kept == 0 {
            findings.append(.subkeysSummary(self, .noneHasValue(subkeyCount: subkeys.count), whenNoneFound))
            return NodeOutcome(status: whenNoneFound, nothingSet: true)
        }
        let status = tally.combined(quantifier == .all ? .all : .any)
        if quantifier == .any {
            findings += undecided
            if undecided.isEmpty { findings.append(.subkeysSummary(self, .noneMatched(checkedCount: kept), status)) }
        }
        return NodeOutcome(status: status, nothingSet: false)
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
    /// Applies the rule to data that is present; date comparisons relative to the scan time use `scanTime`.
    func apply(to data: RegistryData, scanTime: Timestamp? = nil) -> Finding.RuleOutcome {
        switch self {
        case .require(let comparisons):
            var holds = true
            for index in comparisons.indices {
                switch comparisons[index].test(data, scanTime: scanTime) {
                case .holds: continue
                case .fails: holds = false
                case .wrongType(let expected): return .wrongType(expected: expected)
                case .noScanTime: return .noScanTime
                }
            }
            return .required(holds ? .pass : .fail)
        case .cases(let cases, let otherwise):
            for caseIndex in cases.indices {
                var holds = true
                for index in cases[caseIndex].comparisons.indices {
                    switch cases[caseIndex].comparisons[index].test(data, scanTime: scanTime) {
                    case .holds: continue
                    case .fails: holds = false
                    case .wrongType(let expected): return .wrongType(expected: expected)
                    case .noScanTime: return .noScanTime
                    }
                }
                if holds { return .matchedCase(index: caseIndex, cases[caseIndex].status) }
            }
            return .otherwise(otherwise)
        case .presence(let mustExist):
            return .presence(mustExist ? .pass : .fail)
        }
    }

    /// Applies the rule to a value that is not set, as `absence` says.
    func applyToAbsentValue(
        _ absence: Absence, keyAbsent: Bool, scanTime: Timestamp? = nil
    ) -> (Finding.Observation, Finding.RuleOutcome) {
        let unset: Finding.Observation = keyAbsent ? .keyAbsent : .valueAbsent
        if case .presence(let mustExist) = self {
            return (unset, .presence(mustExist ? .fail : .pass))
        }
        switch absence {
        case .unknown: return (unset, .undecided)
        case .status(let status): return (unset, .absent(status))
        case .windowsDefault(let data): return (.windowsDefault(data), apply(to: data, scanTime: scanTime))
        }
    }

    /// Whether the rule tests presence, so that an unset value is an answer rather than a missing fact.
    var isPresenceTest: Bool {
        if case .presence = self { return true }
        return false
    }
}

extension Finding.RuleOutcome {
    /// The status this outcome gives; Unknown when it could not decide.
    package var status: Status {
        switch self {
        case .required(let status), .otherwise(let status), .presence(let status), .absent(let status),
            .matchedCase(_, let status):
            status
        case .wrongType, .undecided, .noScanTime: .unknown
        }
    }
}

extension Finding.Observation {
    /// Whether the value was not set (with or without a Windows default).
    var isUnset: Bool {
        switch self {
        case .data, .denied, .composedVersion: false
        case .windowsDefault, .valueAbsent, .keyAbsent: true
        }
    }
}
