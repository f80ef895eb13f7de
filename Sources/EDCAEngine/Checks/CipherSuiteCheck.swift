package import EDCACore
import EDCAJSON

/// Tests the TLS cipher suites Windows offers (`Get-TlsCipherSuite`), in its order of preference, keeping those
/// that serve one protocol version, with one of three rules on their names:
///
/// - `{"cipherSuites": "TLS 1.2", "noneMatches": "_RSA_WITH_"}`: no kept suite's name matches the pattern;
/// - `{"cipherSuites": "TLS 1.2", "allMatch": "_E?C?DHE_"}`: every kept suite's name matches it;
/// - `{"cipherSuites": "TLS 1.2", "firstMatching": "_ECDHE_", "before": "_DHE_"}`: no suite matching `before`
///   comes ahead of the first suite matching `firstMatching` (it passes when no suite matches `before`, and fails
///   when suites match `before` and none matches `firstMatching`).
///
/// `"cipherSuites": "any"` keeps every suite. When no suite is kept, `whenNoneFound` decides (default `Unknown`);
/// a list that cannot be read, or a host without `Get-TlsCipherSuite`, is `Unknown`. `whenRuleHolds` (default
/// `Pass`) is the verdict when the rule holds, for a list that can show a fault but not its absence.
package final class CipherSuiteCheck: Sendable {
    /// What the kept suites' names must satisfy.
    package enum Rule: Sendable {
        /// No kept suite's name matches.
        case noneMatches(RegexPattern)
        /// Every kept suite's name matches.
        case allMatch(RegexPattern)
        /// No suite matching `later` comes ahead of the first suite matching `first`.
        case order(first: RegexPattern, later: RegexPattern)
    }

    /// The protocol version kept suites serve (771 for TLS 1.2), or nil for every suite.
    package let protocolNumber: UInt32?
    /// The rule on the kept suites' names.
    package let rule: Rule
    /// The status when no suite is kept.
    package let whenNoneFound: Status
    /// The status when the rule holds (`Pass` unless the check says otherwise).
    package let whenRuleHolds: Status

    /// Creates a cipher-suite check.
    package init(protocolNumber: UInt32?, rule: Rule, whenNoneFound: Status, whenRuleHolds: Status = .pass) {
        self.protocolNumber = protocolNumber
        self.rule = rule
        self.whenNoneFound = whenNoneFound
        self.whenRuleHolds = whenRuleHolds
    }

    /// The field names of a cipher-suite leaf, for "did you mean" suggestions.
    static let fieldNames = ["cipherSuites", "noneMatches", "allMatch", "firstMatching", "before", "whenRuleHolds"]

    /// The protocol in words, as evidence names it.
    var protocolName: String? { protocolNumber.map(CipherSuite.protocolName) }

    /// The rule in words.
    var ruleText: String {
        switch rule {
        case .noneMatches(let pattern): "no suite matching \(quoted(pattern.source))"
        case .allMatch(let pattern): "every suite matching \(quoted(pattern.source))"
        case .order(let first, let later):
            "no suite matching \(quoted(later.source)) ahead of the first matching \(quoted(first.source))"
        }
    }
}

extension Finding {
    /// What a cipher-suite check saw.
    package enum CipherSuiteObservation: Sendable {
        /// The kept suites (their count) and the names that decided: the offenders, or the two suites compared.
        case judged(kept: Int, names: [String])
        /// No suite serves the protocol (`total` suites in all).
        case noneKept(total: Int)
        /// `Get-TlsCipherSuite` does not exist on the host.
        case absent
        /// The list cannot be read.
        case unread
        /// The snapshot holds no cipher suites (saved by an agent that did not read them).
        case notRead
        /// A suite name is too long to match (`RegexPattern.maxTextLength`).
        case unmatchable(String)
    }
}

extension Check {
    /// Decodes `{"cipherSuites": "TLS 1.2" | "any", ("noneMatches" | "allMatch"): PATTERN | "firstMatching":
    /// PATTERN, "before": PATTERN, "whenNoneFound": STATUS}`.
    static func decodeCipherSuites(_ reader: inout JSONObjectReader, problems: inout [DecodingProblem]) -> Check? {
        var protocolNumber: UInt32?
        var valid = true
        if let json = reader.take("cipherSuites"),
            let text = JSONRead.string(json, reader.path(of: "cipherSuites"), &problems)
        {
            if text != "any" {
                if let entry = CipherSuite.protocolNames.first(where: { $0.name == text }) {
                    protocolNumber = entry.number
                } else {
                    valid = false
                    problems.append(
                        DecodingProblem(
                            position: json.position, field: reader.path(of: "cipherSuites"),
                            message: "expected \"any\" or a protocol: "
                                + CipherSuite.protocolNames.map(\.name).joined(separator: ", ") + "; found \"\(text)\""
                        ))
                }
            }
        } else {
            valid = false
        }
        func pattern(_ field: String) -> RegexPattern? {
            guard let json = reader.take(field), let text = JSONRead.string(json, reader.path(of: field), &problems)
            else { return nil }
            do {
                return try RegexPattern(text)
            } catch {
                problems.append(
                    DecodingProblem(
                        position: json.position, field: reader.path(of: field),
                        message: "invalid regular expression: \(error)"))
                valid = false
                return nil
            }
        }
        let given = ["noneMatches", "allMatch", "firstMatching"].filter(reader.has)
        let hasBefore = reader.has("before")
        let noneMatches = pattern("noneMatches")
        let allMatch = pattern("allMatch")
        let first = pattern("firstMatching")
        let later = pattern("before")
        let whenNoneFound = decodeStatus(&reader, "whenNoneFound", problems: &problems)
        let whenRuleHolds = decodeStatus(&reader, "whenRuleHolds", problems: &problems)
        guard given.count == 1, hasBefore == (given == ["firstMatching"]) else {
            problems.append(
                DecodingProblem(
                    position: reader.position, field: reader.path,
                    message: "a cipherSuites check takes one rule: noneMatches, allMatch, or firstMatching with before"
                ))
            return nil
        }
        guard valid, whenNoneFound.isValid, whenRuleHolds.isValid else { return nil }
        let rule: CipherSuiteCheck.Rule
        if let noneMatches {
            rule = .noneMatches(noneMatches)
        } else if let allMatch {
            rule = .allMatch(allMatch)
        } else if let first, let later {
            rule = .order(first: first, later: later)
        } else {
            return nil
        }
        return .cipherSuites(
            CipherSuiteCheck(
                protocolNumber: protocolNumber, rule: rule, whenNoneFound: whenNoneFound.value ?? .unknown,
                whenRuleHolds: whenRuleHolds.value ?? .pass))
    }
}

extension CipherSuiteCheck {
    /// Evaluates the check on the host's suites.
    func evaluate(_ state: CipherSuiteState?, findings: inout [Finding]) -> NodeOutcome {
        func outcome(_ observation: Finding.CipherSuiteObservation, _ status: Status) -> NodeOutcome {
            findings.append(.cipherSuites(self, observation, status))
            return NodeOutcome(status: status, nothingSet: false)
        }
        let suites: [CipherSuite]
        switch state {
        case .suites(let list)?: suites = list
        case .absent?: return outcome(.absent, .unknown)
        case .denied?: return outcome(.unread, .unknown)
        case nil: return outcome(.notRead, .unknown)
        }
        let kept = protocolNumber.map { number in suites.filter { $0.protocols.contains(number) } } ?? suites
        if kept.isEmpty { return outcome(.noneKept(total: suites.count), whenNoneFound) }
        // Each pattern's verdict on each kept name: true, false, or nil when the name cannot be matched.
        func matching(_ pattern: RegexPattern) -> [Bool]? {
            var result: [Bool] = []
            for suite in kept {
                switch pattern.test(suite.name) {
                case .holds: result.append(true)
                case .fails: result.append(false)
                default: return nil
                }
            }
            return result
        }
        switch rule {
        case .noneMatches(let pattern), .allMatch(let pattern):
            guard let matches = matching(pattern) else {
                return outcome(
                    .unmatchable(kept.first { $0.name.count > RegexPattern.maxTextLength }?.name ?? ""), .unknown)
            }
            let wanted: Bool = if case .allMatch = rule { true } else { false }
            let offenders = zip(kept, matches).filter { $0.1 != wanted }.map(\.0.name)
            return outcome(.judged(kept: kept.count, names: offenders), offenders.isEmpty ? whenRuleHolds : .fail)
        case .order(let first, let later):
            guard let firsts = matching(first), let laters = matching(later) else {
                return outcome(
                    .unmatchable(kept.first { $0.name.count > RegexPattern.maxTextLength }?.name ?? ""), .unknown)
            }
            guard let laterIndex = laters.firstIndex(of: true) else {
                return outcome(.judged(kept: kept.count, names: []), whenRuleHolds)
            }
            guard let firstIndex = firsts.firstIndex(of: true) else {
                return outcome(.judged(kept: kept.count, names: [kept[laterIndex].name]), .fail)
            }
            let status: Status = laterIndex < firstIndex ? .fail : whenRuleHolds
            return outcome(.judged(kept: kept.count, names: [kept[firstIndex].name, kept[laterIndex].name]), status)
        }
    }
}

extension Finding {
    /// The evidence of a cipher-suite check's finding.
    static func cipherSuiteEvidence(
        _ check: CipherSuiteCheck, _ observation: CipherSuiteObservation, _ status: Status
    ) -> Evidence {
        let subject = FactLocation.cipherSuites(protocolName: check.protocolName)
        let required = "required: \(check.ruleText)"
        switch observation {
        case .judged(let kept, let names):
            let seen: String
            switch check.rule {
            case .noneMatches, .allMatch:
                seen =
                    names.isEmpty
                    ? "\(kept) suites, none against the rule"
                    : "\(kept) suites, against the rule: " + names.joined(separator: ", ")
            case .order:
                switch names.count {
                case 0: seen = "\(kept) suites, none matching the later pattern"
                case 1: seen = "\(kept) suites, \(names[0]) with no suite of the first pattern"
                default:
                    seen = "\(kept) suites, first of the first pattern: \(names[0]); first of the later: \(names[1])"
                }
            }
            return Evidence(
                subject: subject, value: .count(UInt64(kept)), observed: ": " + seen, observation: "set",
                required: [required + ", so \(status)"], result: status)
        case .noneKept(let total):
            let seen = total == 0 ? "no suite enabled" : "none of the \(total) enabled suites serves the protocol"
            return Evidence(
                subject: subject, value: .count(0), observed: ": " + seen, observation: "not set",
                required: [required + "; with no suite, \(status)"], result: status)
        case .absent:
            return Evidence(
                subject: subject, observed: ": not available (no Get-TlsCipherSuite on this Windows)",
                observation: "not set", required: [required + "; without the list, Unknown"], result: status)
        case .unread:
            return Evidence(
                subject: subject, observed: ": cannot be read (access denied)", observation: "access denied",
                required: [required + "; without the list, Unknown"], result: status)
        case .notRead:
            return Evidence(
                subject: subject, observed: ": not read (the snapshot holds no cipher suites)", observation: "not set",
                required: [required + "; without the list, Unknown"], result: status)
        case .unmatchable(let name):
            return Evidence(
                subject: subject, observed: ": a suite name too long to match (\(name.prefix(40))...)",
                observation: "set", required: [required + ", so Unknown"], result: status)
        }
    }
}
