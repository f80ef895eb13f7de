package import EDCACore
import EDCAJSON

/// Reads what an XML path reaches in a configuration file under an allow-listed root and applies a rule to it, e.g.
/// `{"xml": "ExchangeInstall", "file": "Bin\\EdgeTransport.exe.config",
///   "path": "/configuration/appSettings/add[@key='NormalPriorityMessageExpirationTimeout']/@value",
///   "matches": "^[0-9]+\\.[0-9]{2}:[0-9]{2}:[0-9]{2}$", "whenFileAbsent": "Fail"}`.
///
/// A path that ends in `/@attribute` gives one value per element it reaches that has the attribute; the rule is
/// applied to each as text (numeric tests read a decimal text as a number), and `require` says whether all or any
/// must pass. When no element has the attribute, `default` (the product's documented default) or `whenAbsent`
/// decides; with `default`, an element reached without the attribute also reads as the default. A path that ends
/// at elements takes only `present`: whether it reaches at least one.
///
/// `where` judges only the elements whose other attributes (`@enabled`, or `../@name` of the parent) meet
/// comparisons, and `nameBy` names each element in evidence by such an attribute: each is read as a path of its own
/// that reaches the same elements in the same order, so the entries pair up by position, per element.
package final class XmlCheck: Sendable {
    /// The file read.
    package let file: LocalPath
    /// The path in it.
    package let path: XmlPath
    /// Whether every value must pass, or at least one.
    package let quantifier: SubkeysCheck.Quantifier
    /// How the verdict follows from each value (or, for `present`, from whether there is one).
    package let rule: ValueRule
    /// What no value means.
    package let absence: Absence
    /// The status when the file does not exist.
    package let whenFileAbsent: Status
    /// The status when the file is not well-formed XML.
    package let whenMalformed: Status
    /// The conditions an element must meet to be judged; each `field` is an attribute relative to the element
    /// (`@enabled`, `../@name`).
    package let conditions: [FieldCondition]
    /// The attribute, relative to the element, that names it in evidence.
    package let nameBy: String?
    /// The status when the path (after `where`) reaches no element, or nil to let `default` or `whenAbsent` decide.
    package let whenNoneFound: Status?

    /// Creates an XML check.
    package init(
        file: LocalPath, path: XmlPath, quantifier: SubkeysCheck.Quantifier, rule: ValueRule, absence: Absence,
        whenFileAbsent: Status, whenMalformed: Status, conditions: [FieldCondition] = [], nameBy: String? = nil,
        whenNoneFound: Status? = nil
    ) {
        self.file = file
        self.path = path
        self.quantifier = quantifier
        self.rule = rule
        self.absence = absence
        self.whenFileAbsent = whenFileAbsent
        self.whenMalformed = whenMalformed
        self.conditions = conditions
        self.nameBy = nameBy
        self.whenNoneFound = whenNoneFound
    }

    /// The paths read beside ``path``: one per condition, then `nameBy`'s.
    var relativePaths: [XmlPath] {
        (conditions.map(\.field) + (nameBy.map { [$0] } ?? [])).compactMap { path.relative($0) }
    }

    /// The reads: the path, then ``relativePaths``.
    var reads: [FactRead] { ([path] + relativePaths).map { .xml(file, $0) } }

    /// The field names of an XML leaf, for "did you mean" suggestions.
    static let fieldNames = ["xml", "file", "path", "whenFileAbsent", "whenMalformed", "nameBy", "whenNoneFound"]
}

extension Finding {
    /// What an XML check saw.
    package enum XmlObservation: Sendable {
        /// One value the path reached, and the element's name (``XmlCheck/nameBy``).
        case value(String, element: String?)
        /// An element without the attribute, read as the check's documented default.
        case elementDefault(RegistryData, element: String?)
        /// A condition of `where` that cannot test an element's attribute.
        case untestable(condition: String, element: String?)
        /// No element has the value; the check's documented default.
        case defaultValue(RegistryData)
        /// The path reached this many elements, none with the attribute (or, for a path to elements, this many).
        case elements(Int)
        /// The file does not exist.
        case fileAbsent
        /// The file is not well-formed XML.
        case malformed
        /// The file cannot be read.
        case denied
        /// The snapshot did not read the file.
        case notRead
    }
}

extension Check {
    /// Decodes `{"xml": ROOT, "file": RELATIVE, "path": XMLPATH, "require": "all" | "any", <rule>, "default" |
    /// "whenAbsent", "whenFileAbsent": STATUS, "whenMalformed": STATUS}`.
    static func decodeXml(
        _ reader: inout JSONObjectReader, catalogs: [String: VersionCatalog], problems: inout [DecodingProblem]
    ) -> Check? {
        let root = decodeLocalRoot(&reader, "xml", problems: &problems)
        var file: LocalPath?
        if let json = reader.require("file", problems: &problems),
            let text = JSONRead.string(json, reader.path(of: "file"), &problems)
        {
            if let problem = LocalPath.problem(withRelativePath: text) {
                problems.append(
                    DecodingProblem(position: json.position, field: reader.path(of: "file"), message: problem))
            } else if let root {
                file = LocalPath(root: root, relativePath: text)
            }
        }
        var path: XmlPath?
        if let json = reader.require("path", problems: &problems),
            let text = JSONRead.string(json, reader.path(of: "path"), &problems)
        {
            path = XmlPath(text)
            if path == nil {
                problems.append(
                    DecodingProblem(
                        position: json.position, field: reader.path(of: "path"),
                        message: XmlPath.problem(with: text) ?? "invalid XML path"))
            }
        }
        let quantifier = decodeQuantifier(&reader, problems: &problems)
        var conditions: [FieldCondition]? = []
        if let json = reader.take("where") {
            conditions = decodeConditions(
                json, path: reader.path(of: "where"), known: ["@NAME", "../@NAME"], catalogs: catalogs,
                problems: &problems
            ) { text in XmlPath.problem(withRelative: text) == nil ? text : nil }
        }
        var nameBy: String?
        if let json = reader.take("nameBy"), let text = JSONRead.string(json, reader.path(of: "nameBy"), &problems) {
            if let problem = XmlPath.problem(withRelative: text) {
                problems.append(
                    DecodingProblem(position: json.position, field: reader.path(of: "nameBy"), message: problem))
            } else {
                nameBy = text
            }
        }
        if let path, path.attribute == nil || path.parentSteps > 0, !(conditions ?? []).isEmpty || nameBy != nil {
            problems.append(
                DecodingProblem(
                    position: reader.position, field: reader.path(of: "path"),
                    message: "with \"where\" or \"nameBy\" the path ends with /@attribute of the elements judged "
                        + "(no .. before it)"))
            return nil
        }
        if let path, let relative = conditions?.map(\.field),
            let bad = relative.first(where: { path.relative($0) == nil })
        {
            problems.append(
                DecodingProblem(
                    position: reader.position, field: reader.path(of: "where"),
                    message: "\"\(bad)\" leads above the document's root element"))
            return nil
        }
        let rule = decodeRule(&reader, allowsPresence: true, catalogs: catalogs, problems: &problems)
        if let path, path.attribute == nil, let rule, !rule.isPresenceTest {
            problems.append(
                DecodingProblem(
                    position: reader.position, field: reader.path(of: "path"),
                    message: "a path to elements (no /@attribute at its end) takes only \"present\": true or false"))
            return nil
        }
        let absence = decodeAbsence(&reader, rule: rule, problems: &problems)
        let whenFileAbsent = decodeStatus(&reader, "whenFileAbsent", problems: &problems)
        let whenMalformed = decodeStatus(&reader, "whenMalformed", problems: &problems)
        let whenNoneFound = decodeStatus(&reader, "whenNoneFound", problems: &problems)
        if whenNoneFound.value != nil, rule?.isPresenceTest == true {
            problems.append(
                DecodingProblem(
                    position: reader.position, field: reader.path(of: "whenNoneFound"),
                    message: "a 'present' test decides absence itself"))
            return nil
        }
        guard let file, let path, let quantifier, let rule, let absence, whenFileAbsent.isValid, whenMalformed.isValid,
            whenNoneFound.isValid, let conditions
        else { return nil }
        if let nameBy, path.relative(nameBy) == nil {
            problems.append(
                DecodingProblem(
                    position: reader.position, field: reader.path(of: "nameBy"),
                    message: "\"\(nameBy)\" leads above the document's root element"))
            return nil
        }
        return .xml(
            XmlCheck(
                file: file, path: path, quantifier: quantifier, rule: rule, absence: absence,
                whenFileAbsent: whenFileAbsent.value ?? .unknown, whenMalformed: whenMalformed.value ?? .unknown,
                conditions: conditions, nameBy: nameBy, whenNoneFound: whenNoneFound.value))
    }
}

extension XmlCheck {
    /// Evaluates the check on what the snapshot says about its file and path (nil: the file was not read), and about
    /// each of ``relativePaths``, in their order.
    func evaluate(_ state: XmlFileState?, relative: [XmlFileState?] = [], findings: inout [Finding]) -> NodeOutcome {
        var entries: [String?]
        switch state {
        case .read(let paths): entries = paths[path] ?? []
        case .absent:
            findings.append(.xml(self, .fileAbsent, .absent(whenFileAbsent)))
            return NodeOutcome(status: whenFileAbsent, nothingSet: true)
        case .malformed:
            findings.append(.xml(self, .malformed, .absent(whenMalformed)))
            return NodeOutcome(status: whenMalformed, nothingSet: false)
        case .denied:
            findings.append(.xml(self, .denied, .undecided))
            return NodeOutcome(status: .unknown, nothingSet: false)
        case nil:
            findings.append(.xml(self, .notRead, .undecided))
            return NodeOutcome(status: .unknown, nothingSet: false)
        }
        // The entries of the relative paths, by position: conditions first, then nameBy.
        let columns: [[String?]] = relativePaths.indices.map { index in
            guard index < relative.count, case .read(let paths)? = relative[index] else { return [] }
            return paths[relativePaths[index]] ?? []
        }
        func column(_ index: Int, _ element: Int) -> String? {
            element < columns[index].count ? columns[index][element] : nil
        }
        var names: [String?] = entries.indices.map { nameBy == nil ? nil : column(conditions.count, $0) }
        if !conditions.isEmpty {
            var kept: [String?] = []
            var keptNames: [String?] = []
            var undecided = false
            elementLoop: for (element, entry) in entries.enumerated() {
                for (index, condition) in conditions.enumerated() {
                    let value = column(index, element)
                    switch condition.test(value.map { [condition.field: .string($0)] } ?? [:], scanTime: nil) {
                    case .holds: continue
                    case .fails: continue elementLoop
                    case .wrongType, .noScanTime:
                        undecided = true
                        findings.append(
                            .xml(self, .untestable(condition: condition.field, element: names[element]), .undecided))
                        continue elementLoop
                    }
                }
                kept.append(entry)
                keptNames.append(names[element])
            }
            if undecided { return NodeOutcome(status: .unknown, nothingSet: false) }
            entries = kept
            names = keptNames
        }
        if entries.isEmpty, let whenNoneFound, !rule.isPresenceTest {
            findings.append(.xml(self, .elements(0), .absent(whenNoneFound)))
            return NodeOutcome(status: whenNoneFound, nothingSet: true)
        }
        if case .windowsDefault(let data) = absence, !entries.isEmpty {
            var tally = StatusTally()
            for (element, entry) in entries.enumerated() {
                let outcome = rule.apply(to: entry.map { .string($0) } ?? data)
                tally.add(outcome.status)
                let observation: Finding.XmlObservation =
                    entry.map { .value($0, element: names[element]) } ?? .elementDefault(data, element: names[element])
                findings.append(.xml(self, observation, outcome))
                if quantifier == .any, outcome.status == .pass { return NodeOutcome(status: .pass, nothingSet: false) }
            }
            return NodeOutcome(status: tally.combined(quantifier == .all ? .all : .any), nothingSet: false)
        }
        let values = entries.enumerated().compactMap { element, entry in entry.map { ($0, names[element]) } }
        if case .presence(let mustExist) = rule {
            let found = path.attribute == nil ? !entries.isEmpty : !values.isEmpty
            let outcome = Finding.RuleOutcome.presence(found == mustExist ? .pass : .fail)
            findings.append(.xml(self, .elements(path.attribute == nil ? entries.count : values.count), outcome))
            return NodeOutcome(status: outcome.status, nothingSet: false)
        }
        if values.isEmpty {
            switch absence {
            case .unknown:
                findings.append(.xml(self, .elements(entries.count), .undecided))
                return NodeOutcome(status: .unknown, nothingSet: true)
            case .status(let status):
                findings.append(.xml(self, .elements(entries.count), .absent(status)))
                return NodeOutcome(status: status, nothingSet: true)
            case .windowsDefault(let data):
                // No element (every element reached without the attribute was judged above, one by one).
                let outcome = rule.apply(to: data)
                findings.append(.xml(self, .defaultValue(data), outcome))
                return NodeOutcome(status: outcome.status, nothingSet: true)
            }
        }
        var tally = StatusTally()
        for (value, name) in values {
            let outcome = rule.apply(to: .string(value))
            tally.add(outcome.status)
            findings.append(.xml(self, .value(value, element: name), outcome))
            if quantifier == .any, outcome.status == .pass { return NodeOutcome(status: .pass, nothingSet: false) }
        }
        return NodeOutcome(status: tally.combined(quantifier == .all ? .all : .any), nothingSet: false)
    }
}

extension Finding {
    /// The evidence of an XML check's finding.
    static func xmlEvidence(_ check: XmlCheck, _ observation: XmlObservation, _ outcome: RuleOutcome) -> Evidence {
        let file = check.file.address
        let subject = FactLocation.xml(file: file, path: check.path.text)
        func named(_ element: String?) -> FactLocation {
            guard let element, let nameBy = check.nameBy else { return subject }
            return .xml(file: file, path: "\(check.path.text) [\(nameBy) = \(quoted(element))]")
        }
        let conditions =
            check.conditions.isEmpty
            ? ""
            : " (elements where "
                + check.conditions.map { "\($0.field) " + $0.comparisons.map(\.description).joined(separator: " and ") }
                .joined(separator: " and ") + ")"
        switch observation {
        case .value(let text, let element):
            return Evidence(
                subject: named(element), value: .text(text), observed: " = \(quoted(text))", observation: "set",
                required: [describe(outcome, rule: check.rule) + conditions], result: outcome.status)
        case .elementDefault(let data, let element):
            let text = data.textValue ?? data.numericValue.map(String.init) ?? ""
            return Evidence(
                subject: named(element), value: .text(text), origin: .windowsDefault,
                observed: " = \(quoted(text)) (not set; the product's default)", observation: "not set (default)",
                required: [describe(outcome, rule: check.rule) + conditions], result: outcome.status)
        case .untestable(let condition, let element):
            return Evidence(
                subject: named(element), observed: ": the condition on \(condition) cannot test its value",
                observation: "set", required: ["\(describe(check.rule))\(conditions); so Unknown"], result: .unknown)
        case .defaultValue(let data):
            let text = data.textValue ?? data.numericValue.map(String.init) ?? ""
            return Evidence(
                subject: subject, value: .text(text), origin: .windowsDefault,
                observed: " = \(quoted(text)) (not set; the product's default)", observation: "not set (default)",
                required: [describe(outcome, rule: check.rule)], result: outcome.status)
        case .elements(let count):
            let seen: String
            if check.path.attribute == nil || check.rule.isPresenceTest {
                seen = count == 0 ? "no element" : count == 1 ? "1 element" : "\(count) elements"
            } else {
                seen = count == 0 ? "not set (no such element)" : "not set (\(count) element(s) without the attribute)"
            }
            return Evidence(
                subject: subject, value: .count(UInt64(count)), observed: ": \(seen)",
                observation: count == 0 ? "not set" : "set",
                required: [describe(outcome, rule: check.rule) + conditions],
                result: outcome.status)
        case .fileAbsent, .malformed:
            let (seen, words) =
                if case .fileAbsent = observation { ("file absent", "file absent") } else {
                    ("not well-formed XML", "malformed")
                }
            return Evidence(
                subject: .xml(file: file, path: nil), observed: ": \(seen)", observation: words,
                required: ["when the file is \(words): \(outcome.status)"], result: outcome.status)
        case .denied:
            return Evidence(
                subject: .xml(file: file, path: nil), observed: ": cannot be read (access denied)",
                observation: "access denied", required: ["\(describe(check.rule)); so Unknown"], result: .unknown)
        case .notRead:
            return Evidence(
                subject: .xml(file: file, path: nil), observed: ": not read", observation: "not read",
                required: ["\(describe(check.rule)); so Unknown"], result: .unknown)
        }
    }
}
