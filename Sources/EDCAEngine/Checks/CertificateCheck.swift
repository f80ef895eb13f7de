package import EDCACore
import EDCAJSON

/// Reads one field of the certificates of an allow-listed local machine store, keeps those that meet every
/// condition of `where`, and applies a rule to each, e.g. "no certificate bound in HTTP.sys has expired":
///
/// ```json
/// {"certificates": "My", "where": [{"field": "httpsBindings", "emptyList": false}],
///  "field": "notAfter", "require": "all", "dateAfter": "scanTime", "whenNoneFound": "Pass"}
/// ```
///
/// When no certificate is kept the check gives `whenNoneFound`; a store that cannot be opened, or that does not
/// exist (Windows always has the allow-listed stores), is `Unknown`. The field `httpsBindings` is not read from the store: the engine joins each certificate's
/// thumbprint with the `SslCertHash` of the HTTP.sys bindings in the registry (``bindingKeys``), the bindings that
/// IIS actually serves TLS with.
package final class CertificateCheck: Sendable {
    /// One condition of `where`.
    package typealias Condition = FieldCondition

    /// The HTTP.sys bindings by IP address and port, and by host name and port (SNI), whose subkeys carry the bound
    /// certificate's thumbprint as `SslCertHash` (REG_BINARY).
    package static let bindingKeys: [RegistryPath] = [
        #"HKLM\SYSTEM\CurrentControlSet\Services\HTTP\Parameters\SslBindingInfo"#,
        #"HKLM\SYSTEM\CurrentControlSet\Services\HTTP\Parameters\SslSniBindingInfo"#,
    ].compactMap(RegistryPath.init)
    /// The binding value that holds the certificate's thumbprint.
    package static let bindingValue = RegistryName("SslCertHash")

    /// The store read.
    package let store: CertificateStore
    /// The conditions a certificate must meet to be judged.
    package let conditions: [Condition]
    /// The field the rule tests, in ``CertificateEntry``'s spelling.
    package let field: String
    /// Whether every kept certificate must pass, or at least one.
    package let quantifier: SubkeysCheck.Quantifier
    /// How each certificate's verdict follows from its field.
    package let rule: ValueRule
    /// The status when no certificate is kept.
    package let whenNoneFound: Status

    /// Creates a certificate check.
    package init(
        store: CertificateStore, conditions: [Condition], field: String, quantifier: SubkeysCheck.Quantifier,
        rule: ValueRule, whenNoneFound: Status
    ) {
        self.store = store
        self.conditions = conditions
        self.field = field
        self.quantifier = quantifier
        self.rule = rule
        self.whenNoneFound = whenNoneFound
    }

    /// Whether the check needs the HTTP.sys bindings.
    var usesBindings: Bool {
        field == "httpsBindings" || conditions.contains { $0.field == "httpsBindings" }
    }

    /// The reads: the store, and the HTTP.sys bindings when a field needs them.
    var reads: [FactRead] {
        [.certificates(store)]
            + (usesBindings ? Self.bindingKeys.map { FactRead.subkeyValues($0, Self.bindingValue) } : [])
    }
}

extension Check {
    /// Decodes `{"certificates": STORE, "where": [{"field": F, <comparisons>}], "field": F, "require": "all" | "any",
    /// <rule>, "whenNoneFound": STATUS}`.
    static func decodeCertificates(
        _ reader: inout JSONObjectReader, catalogs: [String: VersionCatalog], problems: inout [DecodingProblem]
    ) -> Check? {
        var store: CertificateStore?
        if let json = reader.take("certificates"),
            let text = JSONRead.string(json, reader.path(of: "certificates"), &problems)
        {
            store = CertificateStore.named(text)
            if store == nil {
                problems.append(
                    DecodingProblem(
                        position: json.position, field: reader.path(of: "certificates"),
                        message: "not an allow-listed certificate store: \"\(text)\"; expected one of "
                            + CertificateStore.allowed.map(\.name).joined(separator: ", ")))
            }
        }
        func decodeField(_ json: JSONValue, path: String) -> String? {
            guard let text = JSONRead.string(json, path, &problems) else { return nil }
            if let field = CertificateEntry.field(text) { return field }
            let known = CertificateEntry.fieldNames + CertificateEntry.derivedFields
            var message = "not a certificate field: \"\(text)\"; expected one of \(known.joined(separator: ", "))"
            if let suggestion = closestName(to: text, among: known) { message += " (did you mean '\(suggestion)'?)" }
            problems.append(DecodingProblem(position: json.position, field: path, message: message))
            return nil
        }
        var conditions: [FieldCondition]? = []
        if let json = reader.take("where") {
            let known = CertificateEntry.fieldNames + CertificateEntry.derivedFields
            conditions = decodeConditions(
                json, path: reader.path(of: "where"), known: known, catalogs: catalogs, problems: &problems,
                resolve: CertificateEntry.field)
        }
        let field = reader.require("field", problems: &problems).flatMap {
            decodeField($0, path: reader.path(of: "field"))
        }
        let quantifier = decodeCase(&reader, "require", as: SubkeysCheck.Quantifier.self, problems: &problems)
        let rule = decodeRule(&reader, allowsPresence: false, catalogs: catalogs, problems: &problems)
        let whenNoneFound = decodeStatus(&reader, "whenNoneFound", problems: &problems)
        guard let store, let conditions, let field, let quantifier, let rule, whenNoneFound.isValid else { return nil }
        return .certificates(
            CertificateCheck(
                store: store, conditions: conditions, field: field, quantifier: quantifier, rule: rule,
                whenNoneFound: whenNoneFound.value ?? .unknown))
    }
}

/// One condition of a `where` list: comparisons a field (a certificate's field, a CIM instance's property) must meet
/// for the entry to be judged.
package struct FieldCondition: Sendable {
    /// The field tested.
    package var field: String
    /// The comparisons, all of which must hold.
    package var comparisons: [Comparison]

    /// What an entry's data says about the condition: met, not met, or not testable (the outcome says why).
    func test(_ record: [String: RegistryData], scanTime: Timestamp?) -> Comparison.Outcome {
        guard let data = record[field] else { return .fails }
        for comparison in comparisons {
            let outcome = comparison.test(data, scanTime: scanTime)
            if outcome != .holds { return outcome }
        }
        return .holds
    }
}

extension Check {
    /// Decodes a `where` list: `[{"field": NAME, <comparisons>}, ...]`; `resolve` gives a name's canonical spelling,
    /// or nil when `known` does not list it. Nil when any condition is malformed.
    static func decodeConditions(
        _ json: JSONValue, path: String, known: [String], catalogs: [String: VersionCatalog],
        problems: inout [DecodingProblem], resolve: (String) -> String?
    ) -> [FieldCondition]? {
        guard let items = JSONRead.array(json, path, &problems) else { return nil }
        var conditions: [FieldCondition]? = []
        for (index, item) in items.enumerated() {
            guard var reader = JSONObjectReader(item, path: "\(path)[\(index)]", problems: &problems) else {
                conditions = nil
                continue
            }
            var field: String?
            if let name = reader.require("field", problems: &problems),
                let text = JSONRead.string(name, reader.path(of: "field"), &problems)
            {
                field = resolve(text)
                if field == nil {
                    var message = "unknown field \"\(text)\"; expected one of \(known.joined(separator: ", "))"
                    if let suggestion = closestName(to: text, among: known) {
                        message += " (did you mean '\(suggestion)'?)"
                    }
                    problems.append(
                        DecodingProblem(position: name.position, field: reader.path(of: "field"), message: message))
                }
            }
            let (comparisons, valid) = decodeComparisons(&reader, catalogs: catalogs, problems: &problems)
            reader.reportUnknownFields(knownNames: ["field"] + comparisonNames, problems: &problems)
            if valid, comparisons.isEmpty {
                problems.append(
                    DecodingProblem(
                        position: item.position, field: reader.path,
                        message: "a condition needs a test: one of \(comparisonNames.joined(separator: ", "))"))
            }
            if let field, valid, !comparisons.isEmpty {
                conditions?.append(FieldCondition(field: field, comparisons: comparisons))
            } else {
                conditions = nil
            }
        }
        return conditions
    }
}

/// The HTTP.sys bindings of a host, as a certificate check joins them: binding names by thumbprint.
enum HttpsBindings {
    /// Each bound thumbprint (uppercase hex) with the names of the bindings (`0.0.0.0:443`) that use it, or nil
    /// when a binding key cannot be read.
    static func byThumbprint(_ answers: [HostFacts.SubkeyValues]) -> [String: [String]]? {
        var bound: [String: [String]] = [:]
        for answer in answers {
            switch answer {
            case .denied: return nil
            case .absent: continue
            case .entries(let subkeys):
                for subkey in subkeys {
                    switch subkey.value {
                    case .denied: return nil
                    case .present(.binary(let bytes)):
                        let thumbprint = bytes.map { byte in
                            (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
                        }.joined()
                        bound[thumbprint, default: []].append(subkey.key.leafName)
                    case .present, .valueAbsent, .keyAbsent: continue
                    }
                }
            }
        }
        return bound
    }
}

extension CertificateCheck {
    /// Evaluates the check on a store's answer and, when it needs them, the HTTP.sys bindings.
    func evaluate(
        _ state: CertificateStoreState?, bindings: [HostFacts.SubkeyValues], scanTime: Timestamp?,
        findings: inout [Finding]
    ) -> NodeOutcome {
        let entries: [CertificateEntry]
        switch state {
        case .entries(let list): entries = list
        case .absent, nil:
            // Windows always has the stores of the allow-list: one that is missing is not "no certificate".
            findings.append(.certificateSummary(self, .storeAbsent, .unknown))
            return NodeOutcome(status: .unknown, nothingSet: true)
        case .denied:
            findings.append(.certificateSummary(self, .denied, .unknown))
            return NodeOutcome(status: .unknown, nothingSet: false)
        }
        var bound: [String: [String]] = [:]
        if usesBindings {
            guard let joined = HttpsBindings.byThumbprint(bindings) else {
                findings.append(.certificateSummary(self, .bindingsDenied, .unknown))
                return NodeOutcome(status: .unknown, nothingSet: false)
            }
            bound = joined
        }
        var tally = StatusTally()
        var kept = 0
        entryLoop: for entry in entries {
            var record = entry.record
            let bindings = usesBindings ? bound[entry.thumbprint] ?? [] : nil
            if let bindings { record["httpsBindings"] = .multiString(bindings) }
            for condition in conditions {
                guard let data = record[condition.field] else { continue entryLoop }
                for comparison in condition.comparisons {
                    switch comparison.test(data, scanTime: scanTime) {
                    case .holds: continue
                    case .fails: continue entryLoop
                    case .wrongType(let expected):
                        tally.add(.unknown)
                        findings.append(
                            .certificateValue(
                                self, entry, bindings: bindings, field: condition.field, data,
                                .wrongType(expected: expected)))
                        continue entryLoop
                    case .noScanTime:
                        tally.add(.unknown)
                        findings.append(
                            .certificateValue(
                                self, entry, bindings: bindings, field: condition.field, data, .noScanTime))
                        continue entryLoop
                    }
                }
            }
            guard let data = record[field] else { continue }
            kept += 1
            let outcome = rule.apply(to: data, scanTime: scanTime)
            tally.add(outcome.status)
            findings.append(.certificateValue(self, entry, bindings: bindings, field: field, data, outcome))
            if quantifier == .any, outcome.status == .pass { return NodeOutcome(status: .pass, nothingSet: false) }
        }
        if kept == 0 {
            let status = tally.combined(.all) == .unknown ? Status.unknown : whenNoneFound
            findings.append(.certificateSummary(self, .noneKept(certificateCount: entries.count), status))
            return NodeOutcome(status: status, nothingSet: true)
        }
        return NodeOutcome(status: tally.combined(quantifier == .all ? .all : .any), nothingSet: false)
    }

    /// The conditions in words: `where hasPrivateKey 1 and httpsBindings an empty list`.
    var conditionsText: String {
        conditions.isEmpty
            ? ""
            : " where "
                + conditions.map { "\($0.field) " + $0.comparisons.map(\.description).joined(separator: " and ") }
                .joined(separator: " and ")
    }
}
