package import EDCACore

/// What a check saw on one fact and what it concluded: one line of evidence.
///
/// Findings are kept as data while controls are evaluated and turned into text only when a report needs it
/// (``description``), so evaluating a large fleet does not pay for formatting.
package enum Finding: Sendable {
    /// A value check's observation, and which part of its rule decided.
    case value(ValueCheck, Observation, RuleOutcome)
    /// A key check's observation.
    case key(KeyCheck, KeyObservation)
    /// One subkey's value, read by a subkeys check.
    case subkeyValue(SubkeysCheck, subkey: RegistryPath, Observation, RuleOutcome)
    /// A subkeys check that found no subkey to decide on, or none that passes.
    case subkeysSummary(SubkeysCheck, SubkeysSummary, Status)
    /// A subkey count (as a DWORD), or why there is none, and which part of the rule decided.
    case subkeyCount(SubkeyCountCheck, Observation, RuleOutcome)
    /// One field of a service, or why there is none, and which part of the rule decided.
    case service(ServiceCheck, ServiceObservation, RuleOutcome)
    /// One CIM instance's property (`instance` names it by the class's key property) and what the rule gave.
    case cimValue(CimCheck, instance: String?, RegistryData, RuleOutcome)
    /// A CIM check that found no instance to decide on.
    case cimSummary(CimCheck, CimSummary, Status)
    /// A count of CIM instances (nil when the class cannot be read) and what the rule gave.
    case cimCount(CimCountCheck, count: Int?, RuleOutcome)
    /// One Exchange row's property (`row` names it by `Identity` or `Name`; nil data: not set) and what the rule
    /// gave.
    case exchangeRow(ExchangeCheck, row: String?, RegistryData?, RuleOutcome)
    /// An Exchange check that had no row to decide on, or rows passing that are not listed one by one.
    case exchangeSummary(ExchangeCheck, ExchangeSummary, Status)
    /// A count of Exchange rows, or why there is none, and what the rule gave.
    case exchangeCount(ExchangeCountCheck, ExchangeCountObservation, RuleOutcome)
    /// One certificate's field (in `field`, which may be a `where` condition's that could not be tested), its
    /// HTTP.sys bindings when the check reads them, and what the rule gave.
    case certificateValue(
        CertificateCheck, CertificateEntry, bindings: [String]?, field: String, RegistryData, RuleOutcome)
    /// A certificate check that found no certificate to decide on, or could not read what it needs.
    case certificateSummary(CertificateCheck, CertificateSummary, Status)
    /// Two quantities compared, each read or why not, and the status.
    case comparison(CompareCheck, left: CompareCheck.Quantity.Reading, right: CompareCheck.Quantity.Reading, Status)
    /// What an XML check saw in its file, and what the rule gave.
    case xml(XmlCheck, XmlObservation, RuleOutcome)
    /// One subfolder's name, or why there is none, and what the rule gave.
    case folder(FolderCheck, FolderObservation, RuleOutcome)
    /// An ACL entry that decided, or why none did, and the status it gave.
    case acl(AclCheck, AclObservation, Status)
    /// A path-list comparison, or why there is none, and the status it gave.
    case pathList(PathListCheck, PathListObservation, Status)
    /// What a cipher-suite check saw, and the status it gave.
    case cipherSuites(CipherSuiteCheck, CipherSuiteObservation, Status)
    /// A role test: the role it requires and the host's.
    case role(required: ExchangeRole, host: ExchangeRole)
    /// A group none of whose values is set, which gives this status.
    case noValueSet(Status)
    /// A group all of whose members are skipped, which gives this status.
    case noneApplies(Status)
    /// A gate that did not hold (`Skipped`) or could not be decided (`Unknown`), so the checks it guards were not
    /// evaluated.
    ///
    /// `gateStart` is the index of the gate's first finding, so that evidence can leave out a branch that did not
    /// apply.
    case applicability(Status, gateStart: Int)
    /// A control whose roles leave out the host's role.
    case roleNotApplicable(hostRole: ExchangeRole, controlRoles: [ExchangeRole])

    /// What a read of one value found.
    package enum Observation: Sendable {
        /// The value as stored.
        case data(RegistryData)
        /// The value is not set; Windows uses this documented default.
        case windowsDefault(RegistryData)
        /// The key exists without the value.
        case valueAbsent
        /// The key does not exist.
        case keyAbsent
        /// The key cannot be read.
        case denied
        /// The value is not set; the version its numeric parts spell, as a `REG_SZ`.
        case composedVersion(RegistryData)
    }

    /// What a read of a service's field found.
    package enum ServiceObservation: Sendable {
        /// The field's text.
        case present(String)
        /// The service is not installed.
        case absent
        /// The service cannot be read.
        case denied
    }

    /// Why a CIM check had no instance to decide on.
    package enum CimSummary: Sendable {
        /// The class does not exist on the host (or was not read).
        case classAbsent
        /// The class cannot be read.
        case denied
        /// The class has this many instances, none with the property set.
        case noneHasProperty(instanceCount: Int)
    }

    /// Why a certificate check had no certificate to decide on.
    package enum CertificateSummary: Sendable {
        /// The store does not exist on the host (or was not read).
        case storeAbsent
        /// The store cannot be opened.
        case denied
        /// The HTTP.sys bindings the check joins cannot be read.
        case bindingsDenied
        /// The store has this many certificates, none of which meets the conditions.
        case noneKept(certificateCount: Int)
    }

    /// What a read of a key's existence found.
    package enum KeyObservation: Sendable {
        /// The key exists.
        case exists
        /// The key does not exist.
        case absent
        /// A key above it cannot be read, so whether it exists is unknown.
        case unknown
    }

    /// Why a subkeys check had nothing, or nothing passing, to show.
    package enum SubkeysSummary: Sendable {
        /// The key does not exist.
        case keyAbsent
        /// The key cannot be read.
        case denied
        /// The key has this many subkeys, none of which has the value.
        case noneHasValue(subkeyCount: Int)
        /// This many subkeys have the value and none passes the rule.
        case noneMatched(checkedCount: Int)
    }

    /// Which part of the check's rule decided a value's status. It refers to the rule rather than copying it, so
    /// that evaluation stays cheap; rendering reads the rule from the check.
    package enum RuleOutcome: Sendable {
        /// The `require` comparisons gave this status.
        case required(Status)
        /// The case at this index of `cases` matched and gave this status.
        case matchedCase(index: Int, Status)
        /// No case matched; `otherwise` gave this status.
        case otherwise(Status)
        /// A presence test gave this status.
        case presence(Status)
        /// The data has a type the rule cannot test; the text says what was expected.
        case wrongType(expected: String)
        /// The value is absent and the check declares this status for that.
        case absent(Status)
        /// The value is absent or unreadable and nothing is declared: the check cannot decide.
        case undecided
        /// A date is compared with the scan time, and the facts carry none.
        case noScanTime
    }
}

extension Finding: CustomStringConvertible {
    /// The finding as one line of evidence, e.g.
    /// `HKLM\SYSTEM\...\LanmanServer\Parameters RequireSecuritySignature = 0 (not set; Windows default); required: 1`.
    package var description: String { evidence.description }

    /// The finding as flat evidence: what was looked at, observed and required, worded for an auditor.
    package var evidence: Evidence {
        if let evidence = Self.exchangeEvidence(self) { return evidence }
        switch self {
        case .value(let check, .composedVersion(let data), let outcome):
            let parts = check.versionParts.map(\.text).joined(separator: ".")
            return Evidence(
                subject: .registryValue(check.key, check.valueName), value: .registry(data), origin: .composed,
                observed: ": not set; \(parts) = \(Self.render(data, hex: false))",
                observation: Self.words(.composedVersion(data)),
                required: [Self.describe(outcome, rule: check.rule)], result: outcome.status)
        case .value(let check, let observation, let outcome):
            return Self.valueEvidence(
                .registryValue(check.key, check.valueName), observation, outcome, rule: check.rule)
        case .subkeyValue(let check, let subkey, let observation, let outcome):
            return Self.valueEvidence(.registryValue(subkey, check.valueName), observation, outcome, rule: check.rule)
        case .subkeyCount(let check, .data(let data), let outcome):
            let count = data.numericValue ?? 0
            return Evidence(
                subject: .registryKey(check.key), value: .count(count),
                observed: ": \(count == 1 ? "1 subkey" : "\(count) subkeys")", observation: "set",
                required: [Self.describe(outcome, rule: check.rule)], result: outcome.status)
        case .subkeyCount(let check, .denied, let outcome):
            return Evidence(
                subject: .registryKey(check.key), observed: ": cannot be read (access denied)",
                observation: Self.words(.denied), required: ["\(Self.describe(check.rule)); so Unknown"],
                result: outcome.status)
        case .subkeyCount(let check, let observation, let outcome):
            return Evidence(
                subject: .registryKey(check.key), observed: ": key absent, which counts as \(outcome.status)",
                observation: Self.words(observation), result: outcome.status)
        case .service(let check, let observation, let outcome):
            let subject = FactLocation.service(check.name, field: check.field.rawValue)
            switch observation {
            case .present(let text):
                return Evidence(
                    subject: subject, value: .text(text), observed: " = \(quoted(text))", observation: "set",
                    required: [Self.describe(outcome, rule: check.rule)], result: outcome.status)
            case .absent:
                return Evidence(
                    subject: subject, observed: ": service not installed", observation: "service absent",
                    required: [Self.describe(check.rule) + "; when not installed: \(outcome.status)"],
                    result: outcome.status)
            case .denied:
                return Evidence(
                    subject: subject, observed: ": cannot be read (access denied)", observation: Self.words(.denied),
                    required: [Self.describe(outcome, rule: check.rule)], result: outcome.status)
            }
        case .cimValue(let check, let instance, let data, let outcome):
            return Self.valueEvidence(
                .cimProperty(className: check.cimClass.name, instance: instance, property: check.property),
                .data(data), outcome, rule: check.rule, namesRegistryTypes: false)
        case .cimSummary(let check, let summary, let status):
            let seen =
                switch summary {
                case .classAbsent: "no instance (the class does not exist or was not read)"
                case .denied: "cannot be read (access denied)"
                case .noneHasProperty(0): "no instance"
                case .noneHasProperty(1): "its one instance has no \(check.property)"
                case .noneHasProperty(let count): "none of its \(count) instances has \(check.property) set"
                }
            return Evidence(
                subject: .cimClass(check.cimClass.name), observed: ": \(seen)",
                observation: summary.isDenied ? "access denied" : "not set",
                required: ["\(Self.describe(check.rule)); counts as \(status)"], result: status)
        case .cimCount(let check, let count?, let outcome):
            return Evidence(
                subject: .cimClass(check.cimClass.name), value: .count(UInt64(count)),
                observed: ": \(count == 1 ? "1 instance" : "\(count) instances")", observation: "set",
                required: [Self.describe(outcome, rule: check.rule)], result: outcome.status)
        case .cimCount(let check, nil, let outcome):
            return Evidence(
                subject: .cimClass(check.cimClass.name), observed: ": cannot be read (access denied)",
                observation: "access denied", required: ["\(Self.describe(check.rule)); so Unknown"],
                result: outcome.status)
        case .certificateValue(let check, let entry, let bindings, let field, let data, let outcome):
            let subject = FactLocation.certificate(
                store: check.store.address, thumbprint: entry.thumbprint, field: field)
            var evidence: Evidence
            if field == check.field {
                evidence = Self.valueEvidence(
                    subject, .data(data), outcome, rule: check.rule, namesRegistryTypes: false)
                if !check.conditions.isEmpty { evidence.required[0] += ";" + check.conditionsText }
            } else {
                let why =
                    switch outcome {
                    case .wrongType(let expected): "not \(expected)"
                    default: "the facts carry no scan time to compare dates with"
                    }
                evidence = Evidence(
                    subject: subject, value: .registry(data),
                    observed: " = " + Self.renderPlain(.data(data), hex: false),
                    observation: "set", required: ["condition" + check.conditionsText + "; \(why), so Unknown"],
                    result: outcome.status)
            }
            var about = [entry.subject]
            if entry.hasPrivateKey { about.append("with private key") }
            if let bindings, field != "httpsBindings" {
                about.append(
                    bindings.isEmpty ? "not bound in HTTP.sys" : "bound to " + bindings.joined(separator: ", "))
            }
            evidence.observed += " (" + about.joined(separator: ", ") + ")"
            return evidence
        case .certificateSummary(let check, let summary, let status):
            let seen =
                switch summary {
                case .storeAbsent: "no certificate (the store does not exist or was not read)"
                case .denied: "cannot be opened (access denied)"
                case .bindingsDenied: "its HTTP.sys bindings (SslBindingInfo) cannot be read (access denied)"
                case .noneKept(0): "no certificate"
                case .noneKept(let count): "none of its \(count) certificates meets the conditions"
                }
            let denied: Bool =
                switch summary {
                case .denied, .bindingsDenied: true
                default: false
                }
            return Evidence(
                subject: .certificateStore(check.store.address), observed: ": \(seen)",
                observation: denied ? "access denied" : "not set",
                required: ["\(check.field): \(Self.describe(check.rule))\(check.conditionsText); counts as \(status)"],
                result: status)
        case .comparison(let check, let left, let right, let status):
            return check.evidence(left: left, right: right, status)
        case .xml(let check, let observation, let outcome):
            return Self.xmlEvidence(check, observation, outcome)
        case .folder(let check, let observation, let outcome):
            return Self.folderEvidence(check, observation, outcome)
        case .acl(let check, let observation, let status):
            return Self.aclEvidence(check, observation, status)
        case .pathList(let check, let observation, let status):
            return Self.pathListEvidence(check, observation, status)
        case .cipherSuites(let check, let observation, let status):
            return Self.cipherSuiteEvidence(check, observation, status)
        case .role(let required, let host):
            return Evidence(
                subject: .hostRole, value: .role(host), expected: .role(required), observed: " \(host)",
                required: ["required: \(required)"], result: required == host ? .pass : .fail)
        case .key(let check, let observation):
            let (seen, words) =
                switch observation {
                case .exists: ("exists", "key present")
                case .absent: ("absent", "key absent")
                case .unknown: ("existence unknown (a key above it cannot be read)", "key existence unknown")
                }
            return Evidence(
                subject: .registryKey(check.key), observed: ": key \(seen)", observation: words,
                required: ["required: key \(check.mustExist ? "present" : "absent")"])
        case .subkeysSummary(let check, let summary, let status):
            let seen =
                switch summary {
                case .keyAbsent: "key absent, so no subkey has \(check.valueName)"
                case .denied: "cannot be read (access denied)"
                case .noneHasValue(0): "key has no subkeys"
                case .noneHasValue(let count): "none of its \(subkeys(count)) has \(check.valueName)"
                case .noneMatched(let count): "none of the \(subkeys(count)) with \(check.valueName) passes"
                }
            return Evidence(
                subject: .registryKey(check.key), observed: ": \(seen)",
                required: ["\(Self.describe(check.rule)); counts as \(status)"], result: status)
        case .noValueSet(let status):
            return Evidence(
                subject: nil, observed: "none of the values above is set, which counts as \(status)", result: status)
        case .noneApplies(let status):
            return Evidence(
                subject: nil, observed: "none of the checks above applies, which counts as \(status)", result: status)
        case .applicability(.skipped, _):
            return Evidence(
                subject: nil, observed: "not applicable: the condition above does not hold", result: .skipped)
        case .applicability(let status, _):
            return Evidence(
                subject: nil, observed: "not evaluated: whether the check applies is unknown, so Unknown",
                result: status)
        case .roleNotApplicable(let hostRole, let controlRoles):
            let roles = controlRoles.map(\.rawValue).joined(separator: " and ")
            return Evidence(
                subject: nil, observed: "applies to \(roles) servers; this host is \(hostRole)", result: .skipped)
        case .exchangeRow, .exchangeSummary, .exchangeCount:
            preconditionFailure("Exchange findings are worded by exchangeEvidence")
        }
    }

    private static func valueEvidence(
        _ subject: FactLocation, _ observation: Observation, _ outcome: RuleOutcome, rule: ValueRule,
        namesRegistryTypes: Bool = true
    ) -> Evidence {
        let (value, origin): (FactValue?, Evidence.Origin) =
            switch observation {
            case .data(let data): (.registry(data), .stored)
            case .windowsDefault(let data): (.registry(data), .windowsDefault)
            case .composedVersion(let data): (.registry(data), .composed)
            case .valueAbsent, .keyAbsent, .denied: (nil, .stored)
            }
        return Evidence(
            subject: subject, value: value, origin: origin,
            observed: namesRegistryTypes
                ? describe(observation, rule: rule) : " = " + renderPlain(observation, hex: rule.showsHex),
            observation: words(observation), required: [describe(outcome, rule: rule)], result: outcome.status)
    }

    /// The observation in words: `set`, `not set (Windows default)`, `not set`, `key absent`, `access denied`.
    private static func words(_ observation: Observation) -> String {
        switch observation {
        case .data: "set"
        case .windowsDefault: "not set (Windows default)"
        case .valueAbsent: "not set"
        case .keyAbsent: "key absent"
        case .denied: "access denied"
        case .composedVersion: "not set (version from its parts)"
        }
    }

    private func subkeys(_ count: Int) -> String {
        count == 1 ? "1 subkey" : "\(count) subkeys"
    }

    private static func describe(_ observation: Observation, rule: ValueRule) -> String {
        let showsHex = rule.showsHex
        switch observation {
        case .data(let data): return " = " + render(data, hex: showsHex)
        case .windowsDefault(let data): return " = " + render(data, hex: showsHex, note: "not set; Windows default")
        case .valueAbsent: return ": not set"
        case .keyAbsent: return ": not set (key absent)"
        case .denied: return ": cannot be read (access denied)"
        case .composedVersion(let data): return ": not set; from its parts = " + render(data, hex: false)
        }
    }

    /// A CIM value as its class reports it: text in quotes, numbers, lists; no registry type.
    private static func renderPlain(_ observation: Observation, hex showsHex: Bool) -> String {
        guard case .data(let data) = observation else { return "" }
        switch data {
        case .string(let text), .expandString(let text): return quoted(text)
        case .multiString(let items): return "[" + items.map(quoted).joined(separator: ", ") + "]"
        case .dword, .qword:
            // Without the registry type note that `render` adds to a REG_QWORD.
            return render(data, hex: showsHex).split(separator: " (REG").first.map(String.init) ?? ""
        case .binary, .none: return render(data, hex: showsHex)
        }
    }

    private static func render(_ data: RegistryData, hex showsHex: Bool, note: String? = nil) -> String {
        var notes: [String] = []
        let shown: String
        switch data {
        case .dword(let number):
            shown = showsHex ? "\(number) (\(hex(UInt64(number))))" : "\(number)"
        case .qword(let number):
            shown = showsHex ? "\(number) (\(hex(number)))" : "\(number)"
            notes.append("REG_QWORD")
        case .string(let text), .expandString(let text):
            shown = quoted(text)
            notes.append(data.typeName)
        case .multiString(let items):
            shown = "[" + items.map(quoted).joined(separator: ", ") + "]"
            notes.append(data.typeName)
        case .binary(let bytes):
            shown = bytes.map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
            notes.append(data.typeName)
        case .none:
            shown = "(no data)"
            notes.append(data.typeName)
        }
        if let note { notes.append(note) }
        return notes.isEmpty ? shown : shown + " (" + notes.joined(separator: "; ") + ")"
    }

    static func describe(_ outcome: RuleOutcome, rule: ValueRule) -> String {
        switch (outcome, rule) {
        case (.matchedCase(let index, _), .cases(let cases, _)) where cases.indices.contains(index):
            return "case " + describe(cases[index])
        case (.otherwise(let status), .cases(let cases, _)):
            return "no case of " + cases.map(describe).joined(separator: ", ") + " applies, so \(status)"
        case (.wrongType(let expected), _):
            return describe(rule) + "; not \(expected), so Unknown"
        case (.absent(let status), _):
            return describe(rule) + "; when not set: \(status)"
        case (.undecided, _):
            return describe(rule) + "; cannot be decided without it, so Unknown"
        case (.noScanTime, _):
            return describe(rule) + "; the facts carry no scan time to compare dates with, so Unknown"
        default:
            return describe(rule)
        }
    }

    static func describe(_ rule: ValueRule) -> String {
        switch rule {
        case .require(let comparisons): "required: " + comparisons.map(\.description).joined(separator: " and ")
        case .cases(let cases, let otherwise):
            "cases " + cases.map(describe).joined(separator: ", ") + ", else \(otherwise)"
        case .presence(let mustExist): "required: value \(mustExist ? "present" : "absent")"
        }
    }

    private static func describe(_ match: CheckCase) -> String {
        let condition = match.comparisons.map(\.description).joined(separator: " and ")
        let note = match.note.map { " (\($0))" } ?? ""
        return "\(condition) → \(match.status)\(note)"
    }
}

extension ValueRule {
    /// Whether evidence shows numbers in hexadecimal too, as for bit-mask rules.
    fileprivate var showsHex: Bool {
        let comparisons: [Comparison] =
            switch self {
            case .require(let list): list
            case .cases(let cases, _): cases.flatMap(\.comparisons)
            case .presence: []
            }
        return comparisons.contains {
            switch $0 {
            case .bitsSet, .bitsClear: true
            default: false
            }
        }
    }
}

extension Finding.CimSummary {
    /// Whether the class could not be read.
    fileprivate var isDenied: Bool {
        if case .denied = self { return true }
        return false
    }
}
