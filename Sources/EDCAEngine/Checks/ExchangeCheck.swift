package import EDCACore
import EDCAJSON

/// How the rows left after `where` combine, as a check's `require` says.
package enum RowQuantifier: String, Sendable, CaseIterable {
    /// Every row must pass the rule.
    case all
    /// At least one row must pass the rule.
    case any
    /// No row may pass the rule.
    case none
}

/// One condition of a `where` list: a property and one comparison. A row without the property does not match.
package struct RowCondition: Sendable {
    /// The property tested, in the allow-list's spelling.
    package var property: String
    /// The comparison it must pass.
    package var comparison: Comparison

    /// Whether a row matches.
    func matches(_ row: FactRecord, scanTime: Timestamp?) -> Bool {
        guard let data = row[property] else { return false }
        return comparison.resolved(in: row).test(data, scanTime: scanTime) == .holds
    }
}

/// Which rows of a list of records a check looks at: those that match every condition. Shared by the row leaves
/// (`exchange`, `exchangeCountOf`); any list of records (``FactRecord``) can be selected this way.
package struct RowSelection: Sendable {
    /// The conditions, all of which must hold; empty selects every row.
    package var conditions: [RowCondition]

    /// The rows that match every condition, in order.
    func select(_ rows: [FactRecord], scanTime: Timestamp?) -> [FactRecord] {
        conditions.isEmpty
            ? rows : rows.filter { row in conditions.allSatisfy { $0.matches(row, scanTime: scanTime) } }
    }

    /// The conditions in words for evidence: ` where Enabled true and TransportRole "HubTransport"`.
    var description: String {
        conditions.isEmpty
            ? "" : " where " + conditions.map { "\($0.property) \($0.comparison)" }.joined(separator: " and ")
    }
}

/// Reads one property of the rows an allow-listed Exchange cmdlet returned and applies a rule to each row left
/// after `where`, e.g. `{"exchange": "ReceiveConnector", "property": "MaxMessageSize", "where": [{"property":
/// "Enabled", "equals": true}], "require": "all", "atMost": 26214400}`.
///
/// A row without the property (null) gives `whenAbsent` (default `Unknown`). When no row is left the check gives
/// `whenNoneFound`. A call that failed, or a stage that did not run, is `Unknown` with the error in the evidence.
/// An answer cut at the key's row limit decides only what the rows seen prove (a failing row of `all`, a passing
/// row of `any` or `none`); anything else is `Unknown`, since a row past the limit could change it.
package final class ExchangeCheck: Sendable {
    /// The stage key read.
    package let fact: ExchangeFact
    /// The property tested, in the allow-list's spelling.
    package let property: String
    /// Which rows are looked at.
    package let selection: RowSelection
    /// All, any or none of the rows must pass the rule.
    package let quantifier: RowQuantifier
    /// How each row's verdict follows from its value.
    package let rule: ValueRule
    /// The status when no row is left.
    package let whenNoneFound: Status
    /// The status of a row without the property; nil: `Unknown`.
    package let whenAbsent: Status?

    /// Creates an Exchange row check.
    package init(
        fact: ExchangeFact, property: String, selection: RowSelection, quantifier: RowQuantifier, rule: ValueRule,
        whenNoneFound: Status, whenAbsent: Status? = nil
    ) {
        self.whenAbsent = whenAbsent
        self.fact = fact
        self.property = property
        self.selection = selection
        self.quantifier = quantifier
        self.rule = rule
        self.whenNoneFound = whenNoneFound
    }
}

/// Counts the rows an allow-listed Exchange cmdlet returned that match `where`, and applies a numeric rule to the
/// count, e.g. `{"exchangeCountOf": "SendConnector", "where": [{"property": "Enabled", "equals": true}], "atLeast":
/// 1}`. A failed call or stage is `Unknown`.
package final class ExchangeCountCheck: Sendable {
    /// The stage key read.
    package let fact: ExchangeFact
    /// Which rows are counted.
    package let selection: RowSelection
    /// How the verdict follows from the count.
    package let rule: ValueRule

    /// Creates an Exchange count check.
    package init(fact: ExchangeFact, selection: RowSelection, rule: ValueRule) {
        self.fact = fact
        self.selection = selection
        self.rule = rule
    }
}

/// What a host's facts say about one stage key, for evaluation.
package enum ExchangeAnswer: Sendable {
    /// The rows.
    case rows([FactRecord])
    /// The first ``ExchangeFact/rowLimit`` rows of more: a row past them could change the verdict.
    case truncated([FactRecord])
    /// The call failed.
    case factError(ExchangeError)
    /// The stage ran no cmdlet.
    case stageError(ExchangeError)
    /// The key was not read (a snapshot without it).
    case notRead

    /// What a snapshot says about one key.
    init(_ snapshot: ExchangeSnapshot, _ fact: ExchangeFact) {
        if let stageError = snapshot.stageError {
            self = .stageError(stageError)
            return
        }
        switch snapshot.state(of: fact) {
        case .rows(let rows): self = .rows(rows)
        case .truncated(let rows): self = .truncated(rows)
        case .error(let error): self = .factError(error)
        case nil: self = .notRead
        }
    }
}

// MARK: - Decoding

extension Check {
    /// The fields of the row leaves.
    static let exchangeFieldNames = ["exchange", "exchangeCountOf"]

    /// An allow-listed stage key named by `field`, or nil with a problem naming the allow-list.
    static func decodeExchangeFact(
        _ reader: inout JSONObjectReader, _ field: String, problems: inout [DecodingProblem]
    ) -> ExchangeFact? {
        guard let json = reader.take(field), let text = JSONRead.string(json, reader.path(of: field), &problems) else {
            return nil
        }
        if let fact = ExchangeFact.named(text) { return fact }
        problems.append(
            notAllowListed(
                "Exchange stage key", text, known: ExchangeFact.allowed.map(\.key), position: json.position,
                field: reader.path(of: field)))
        return nil
    }

    /// An allow-listed property of `fact` named by `json`, or nil with a problem naming the key's properties.
    static func decodeExchangeProperty(
        _ json: JSONValue, path: String, of fact: ExchangeFact, problems: inout [DecodingProblem]
    ) -> String? {
        guard let text = JSONRead.string(json, path, &problems) else { return nil }
        if let property = fact.property(text) { return property }
        problems.append(
            notAllowListed(
                "property of Exchange \(fact.key)", text, known: fact.properties, position: json.position, field: path))
        return nil
    }

    /// Decodes `"where": [{"property": NAME, <one comparison>}, ...]`; valid and empty when absent.
    static func decodeWhere(
        _ reader: inout JSONObjectReader, fact: ExchangeFact?, catalogs: [String: VersionCatalog],
        problems: inout [DecodingProblem]
    ) -> RowSelection? {
        guard let json = reader.take("where") else { return RowSelection(conditions: []) }
        let path = reader.path(of: "where")
        guard let items = JSONRead.array(json, path, &problems) else { return nil }
        var conditions: [RowCondition] = []
        var valid = true
        for (index, item) in items.enumerated() {
            guard var itemReader = JSONObjectReader(item, path: "\(path)[\(index)]", problems: &problems) else {
                valid = false
                continue
            }
            var property: String?
            if let propertyJSON = itemReader.require("property", problems: &problems), let fact {
                property = decodeExchangeProperty(
                    propertyJSON, path: itemReader.path(of: "property"), of: fact, problems: &problems)
            }
            let (comparisons, comparisonsValid) = decodeComparisons(
                &itemReader, catalogs: catalogs, problems: &problems)
            itemReader.reportUnknownFields(knownNames: ["property"] + comparisonNames, problems: &problems)
            if comparisonsValid, comparisons.count != 1 {
                problems.append(
                    DecodingProblem(
                        position: item.position, field: itemReader.path,
                        message: "a condition has one property and one comparison (one of "
                            + "\(comparisonNames.joined(separator: ", "))); found \(comparisons.count)"))
                valid = false
                continue
            }
            guard let property, comparisonsValid, let comparison = comparisons.first,
                case .require(let checked) = checkRowComparisons(
                    .require([comparison]), reader: itemReader, rowsOf: fact, problems: &problems),
                let comparison = checked.first
            else {
                valid = false
                continue
            }
            conditions.append(RowCondition(property: property, comparison: comparison))
        }
        return valid ? RowSelection(conditions: conditions) : nil
    }

    /// Decodes `{"exchange": KEY, "property": NAME, "where": [...], "require": "all" | "any" | "none", <rule>,
    /// "whenNoneFound": STATUS}`.
    static func decodeExchange(
        _ reader: inout JSONObjectReader, catalogs: [String: VersionCatalog], problems: inout [DecodingProblem]
    ) -> Check? {
        let fact = decodeExchangeFact(&reader, "exchange", problems: &problems)
        var property: String?
        if let json = reader.require("property", problems: &problems), let fact {
            property = decodeExchangeProperty(json, path: reader.path(of: "property"), of: fact, problems: &problems)
        }
        let selection = decodeWhere(&reader, fact: fact, catalogs: catalogs, problems: &problems)
        let quantifier = decodeCase(&reader, "require", as: RowQuantifier.self, problems: &problems)
        let rule = decodeRule(&reader, allowsPresence: false, catalogs: catalogs, problems: &problems, rowsOf: fact)
        let whenNoneFound = decodeStatus(&reader, "whenNoneFound", problems: &problems)
        let whenAbsent = decodeStatus(&reader, "whenAbsent", problems: &problems)
        guard let fact, let property, let selection, let quantifier, let rule, whenNoneFound.isValid,
            whenAbsent.isValid
        else {
            return nil
        }
        return .exchange(
            ExchangeCheck(
                fact: fact, property: property, selection: selection, quantifier: quantifier, rule: rule,
                whenNoneFound: whenNoneFound.value ?? .unknown, whenAbsent: whenAbsent.value))
    }

    /// Decodes `{"exchangeCountOf": KEY, "where": [...], <rule>}`.
    static func decodeExchangeCount(
        _ reader: inout JSONObjectReader, catalogs: [String: VersionCatalog], problems: inout [DecodingProblem]
    ) -> Check? {
        let fact = decodeExchangeFact(&reader, "exchangeCountOf", problems: &problems)
        let selection = decodeWhere(&reader, fact: fact, catalogs: catalogs, problems: &problems)
        let rule = decodeRule(&reader, allowsPresence: false, catalogs: catalogs, problems: &problems)
        guard let fact, let selection, let rule else { return nil }
        return .exchangeCount(ExchangeCountCheck(fact: fact, selection: selection, rule: rule))
    }
}

// MARK: - Evaluation

/// Why an Exchange leaf had no rows to decide on.
package enum ExchangeSummary: Sendable {
    /// The stage ran no cmdlet.
    case stageError(ExchangeError)
    /// The call failed.
    case factError(ExchangeError)
    /// The key was not read.
    case notRead
    /// The call returned this many rows, none left after `where`.
    case noneSelected(rowCount: Int)
    /// This many more rows passed the rule and are not listed one by one.
    case morePassed(Int)
    /// The answer stopped at the key's row limit, so the rows seen do not decide the check.
    case truncated(limit: Int)
}

extension ExchangeCheck {
    /// The most passing rows an `all` check lists one by one; the rest are counted in one line.
    static let listedPassingRows = 10

    func evaluate(_ answer: ExchangeAnswer, scanTime: Timestamp?, findings: inout [Finding]) -> NodeOutcome {
        let rows: [FactRecord]
        var truncated = false
        switch answer {
        case .rows(let list): rows = list
        case .truncated(let list):
            rows = list
            truncated = true
        case .factError(let error):
            findings.append(.exchangeSummary(self, .factError(error), .unknown))
            return NodeOutcome(status: .unknown, nothingSet: false)
        case .stageError(let error):
            findings.append(.exchangeSummary(self, .stageError(error), .unknown))
            return NodeOutcome(status: .unknown, nothingSet: false)
        case .notRead:
            findings.append(.exchangeSummary(self, .notRead, .unknown))
            return NodeOutcome(status: .unknown, nothingSet: false)
        }
        let selected = selection.select(rows, scanTime: scanTime)
        if selected.isEmpty, truncated {
            findings.append(.exchangeSummary(self, .truncated(limit: fact.rowLimit), .unknown))
            return NodeOutcome(status: .unknown, nothingSet: false)
        }
        if selected.isEmpty {
            findings.append(.exchangeSummary(self, .noneSelected(rowCount: rows.count), whenNoneFound))
            return NodeOutcome(status: whenNoneFound, nothingSet: true)
        }
        var tally = StatusTally()
        var unlistedPasses = 0
        var listedPasses = 0
        for row in selected {
            let label = fact.rowIdentity.flatMap { row[$0]?.textValue }
            let outcome: Finding.RuleOutcome =
                row[property].map { rule.resolved(in: row).apply(to: $0, scanTime: scanTime) } ?? whenAbsent.map(
                    Finding.RuleOutcome.absent) ?? .undecided
            let status = outcome.status
            tally.add(status)
            switch (quantifier, status) {
            case (.any, .pass), (.none, .pass):
                // One passing row decides `any` and `none`: it is the evidence.
                findings.append(.exchangeRow(self, row: label, row[property], outcome))
                return NodeOutcome(status: quantifier == .any ? .pass : .fail, nothingSet: false)
            case (.all, .pass):
                if listedPasses < Self.listedPassingRows {
                    listedPasses += 1
                    findings.append(.exchangeRow(self, row: label, row[property], outcome))
                } else {
                    unlistedPasses += 1
                }
            default:
                findings.append(.exchangeRow(self, row: label, row[property], outcome))
            }
        }
        if unlistedPasses > 0 { findings.append(.exchangeSummary(self, .morePassed(unlistedPasses), .pass)) }
        let combinator: CheckGroup.Combinator =
            switch quantifier {
            case .all: .all
            case .any: .any
            case .none: .none
            }
        let status = tally.combined(combinator)
        // A failing row of `all` stands whatever the unseen rows say (`any` and `none` returned on their deciding
        // row above); any other verdict could be changed by them.
        if truncated, !(quantifier == .all && status == .fail) {
            findings.append(.exchangeSummary(self, .truncated(limit: fact.rowLimit), .unknown))
            return NodeOutcome(status: .unknown, nothingSet: false)
        }
        return NodeOutcome(status: status, nothingSet: false)
    }
}

extension ExchangeCountCheck {
    func evaluate(_ answer: ExchangeAnswer, scanTime: Timestamp?, findings: inout [Finding]) -> NodeOutcome {
        switch answer {
        case .rows(let rows):
            let count = selection.select(rows, scanTime: scanTime).count
            let outcome = rule.apply(to: .dword(UInt32(clamping: count)), scanTime: scanTime)
            findings.append(.exchangeCount(self, .counted(count), outcome))
            return NodeOutcome(status: outcome.status, nothingSet: false)
        case .truncated(let rows):
            // The true count is this or more: no rule on a count is decided by a lower bound alone.
            let count = selection.select(rows, scanTime: scanTime).count
            findings.append(.exchangeCount(self, .atLeast(count, limit: fact.rowLimit), .undecided))
        case .factError(let error):
            findings.append(.exchangeCount(self, .factError(error), .undecided))
        case .stageError(let error):
            findings.append(.exchangeCount(self, .stageError(error), .undecided))
        case .notRead:
            findings.append(.exchangeCount(self, .notRead, .undecided))
        }
        return NodeOutcome(status: .unknown, nothingSet: false)
    }
}

/// What an Exchange count saw.
package enum ExchangeCountObservation: Sendable {
    /// This many rows matched.
    case counted(Int)
    /// At least this many rows matched: the answer stopped at the key's row limit.
    case atLeast(Int, limit: Int)
    /// The call failed.
    case factError(ExchangeError)
    /// The stage ran no cmdlet.
    case stageError(ExchangeError)
    /// The key was not read.
    case notRead
}

// MARK: - Evidence

extension Finding {
    /// Why there is no row, in words, for the summary and count lines.
    private static func unavailable(_ key: String, stage: ExchangeError?, fact: ExchangeError?) -> String {
        if let stage, stage.errorClass == ExchangeError.organizationNotCollected {
            return ": not collected: \(stage.message)"
        }
        if let stage { return ": not collected: the Exchange stage failed (\(stage.description))" }
        if let fact { return ": the call failed (\(fact.description))" }
        return ": not collected (the snapshot has no \(key))"
    }

    /// The evidence of the Exchange findings.
    static func exchangeEvidence(_ finding: Finding) -> Evidence? {
        switch finding {
        case .exchangeRow(let check, let row, let data, let outcome):
            let subject = FactLocation.exchangeProperty(key: check.fact.key, row: row, property: check.property)
            guard let data else {
                return Evidence(
                    subject: subject, observed: ": not set", observation: "not set",
                    required: [describe(outcome, rule: check.rule)], result: outcome.status)
            }
            return Evidence(
                subject: subject, value: .text(renderRecordValue(data)), observed: " = " + renderRecordValue(data),
                observation: "set", required: [describe(outcome, rule: check.rule)], result: outcome.status)
        case .exchangeSummary(let check, let summary, let status):
            let subject = FactLocation.exchangeFact(check.fact.key)
            let seen: String
            var observation = "not set"
            switch summary {
            case .stageError(let error):
                seen = unavailable(check.fact.key, stage: error, fact: nil)
                observation = error.errorClass
            case .factError(let error):
                seen = unavailable(check.fact.key, stage: nil, fact: error)
                observation = error.errorClass
            case .notRead:
                seen = unavailable(check.fact.key, stage: nil, fact: nil)
                observation = "not collected"
            case .noneSelected(let count):
                seen = ": \(count == 1 ? "1 row" : "\(count) rows"), none\(check.selection.description)"
                observation = "no row"
            case .truncated(let limit):
                seen = ": the answer stops at the key's limit of \(limit) rows; a row past it could change the verdict"
                observation = "truncated"
            case .morePassed(let count):
                return Evidence(
                    subject: subject,
                    observed: ": \(count) more \(count == 1 ? "row" : "rows")\(check.selection.description) with "
                        + "\(check.property) passing", observation: "set", required: [describe(check.rule)],
                    result: status)
            }
            return Evidence(
                subject: subject, observed: seen, observation: observation,
                required: ["\(describe(check.rule)); counts as \(status)"], result: status)
        case .exchangeCount(let check, let observation, let outcome):
            let subject = FactLocation.exchangeFact(check.fact.key)
            switch observation {
            case .counted(let count):
                return Evidence(
                    subject: subject, value: .count(UInt64(count)),
                    observed: ": \(count == 1 ? "1 row" : "\(count) rows")\(check.selection.description)",
                    observation: "set", required: [describe(outcome, rule: check.rule)], result: outcome.status)
            case .atLeast(let count, let limit):
                return Evidence(
                    subject: subject,
                    observed: ": at least \(count == 1 ? "1 row" : "\(count) rows")\(check.selection.description) "
                        + "(the answer stops at the key's limit of \(limit) rows)", observation: "truncated",
                    required: ["\(describe(check.rule)); so Unknown"], result: outcome.status)
            case .factError(let error):
                return Evidence(
                    subject: subject, observed: unavailable(check.fact.key, stage: nil, fact: error),
                    observation: error.errorClass, required: ["\(describe(check.rule)); so Unknown"],
                    result: outcome.status)
            case .stageError(let error):
                return Evidence(
                    subject: subject, observed: unavailable(check.fact.key, stage: error, fact: nil),
                    observation: error.errorClass, required: ["\(describe(check.rule)); so Unknown"],
                    result: outcome.status)
            case .notRead:
                return Evidence(
                    subject: subject, observed: unavailable(check.fact.key, stage: nil, fact: nil),
                    observation: "not collected", required: ["\(describe(check.rule)); so Unknown"],
                    result: outcome.status)
            }
        default:
            return nil
        }
    }

    /// A row's value as the stage reports it: text in quotes, numbers, lists; no registry type.
    private static func renderRecordValue(_ data: RegistryData) -> String {
        switch data {
        case .string(let text), .expandString(let text): quoted(text)
        case .multiString(let items): "[" + items.map(quoted).joined(separator: ", ") + "]"
        case .dword(let number): "\(number)"
        case .qword(let number): "\(number)"
        case .binary, .none: "(no data)"
        }
    }
}
