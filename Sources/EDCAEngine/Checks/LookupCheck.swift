package import EDCACore
import EDCAJSON

/// Looks up each value one fact gives (a **key**) in the rows of another fact and judges what it finds, e.g. the
/// volume that holds each database file:
///
/// ```json
/// {"lookup": {"exchange": "MailboxDatabase", "properties": ["EdbFilePath", "LogFolderPath"]},
///  "in": {"cim": "Win32_Volume", "match": "Name", "by": "pathPrefix"},
///  "property": "BlockSize", "require": "all", "equals": 65536}
/// ```
///
/// The keys come from the rows of a stage key (every item of a list property) or from one registry value. Each key
/// is looked up in the `in` tables, in order, by the `match` property: equal ignoring case, or (`"by":
/// "pathPrefix"`) the row whose `match` is the longest folder prefix of the key (a volume's mount point). `then`
/// follows the found row into one more table. The test is one of: a rule on a `property` of the row found; the
/// number of `distinct` values of a property over the rows found for each source row; `notSameRowAs`, the row found
/// for another source's value must differ; or, with none of them, being found. A key not found gives
/// `whenNotFound` (default `Unknown`); no key at all gives `whenNoneFound` (default `Unknown`); an unreadable
/// fact is `Unknown`.
package final class LookupCheck: Sendable {
    /// Where the keys come from.
    package enum Source: Sendable {
        /// The named properties of the rows of a stage key left after `where`.
        case exchange(ExchangeFact, properties: [String], selection: RowSelection)
        /// One registry value, with a folder name appended when `append` is set (`MsiInstallPath` + `Logging`).
        case registry(RegistryPath, RegistryName, append: String?)

        /// The read that answers it.
        var read: FactRead {
            switch self {
            case .exchange(let fact, _, _): .exchange(fact)
            case .registry(let key, let name, _): .value(key, name)
            }
        }

        /// Where the source's fact lives, for evidence about the fact itself.
        var location: FactLocation {
            switch self {
            case .exchange(let fact, _, _): .exchangeFact(fact.key)
            case .registry(let key, let name, _): .registryValue(key, name)
            }
        }

        /// The source in words: `Exchange MailboxDatabase EdbFilePath`, `HKLM\...\Setup MsiInstallPath + Logging`.
        var description: String {
            switch self {
            case .exchange(let fact, let properties, let selection):
                "Exchange \(fact.key) \(properties.joined(separator: ", "))\(selection.description)"
            case .registry(let key, let name, let append):
                "\(key) \(name)" + (append.map { " + \\\($0)" } ?? "")
            }
        }
    }

    /// A table keys are looked up in: the rows of a stage key or the instances of a CIM class.
    package struct Table: Sendable {
        /// The fact whose rows are searched.
        package enum Rows: Sendable {
            /// An allow-listed stage key.
            case exchange(ExchangeFact)
            /// An allow-listed CIM class.
            case cim(CimClass)
        }

        /// The fact searched.
        package var rows: Rows
        /// The property compared with the key.
        package var match: String
        /// Whether the key is matched as a path (the longest folder prefix) rather than as equal text.
        package var byPathPrefix: Bool

        /// The read that answers it.
        var read: FactRead {
            switch rows {
            case .exchange(let fact): .exchange(fact)
            case .cim(let cimClass): .cim(cimClass)
            }
        }

        /// The table's name in evidence: `Win32_Volume`, `Exchange ExchangeServer.All`.
        var name: String {
            switch rows {
            case .exchange(let fact): "Exchange \(fact.key)"
            case .cim(let cimClass): cimClass.name
            }
        }

        /// Where the table's fact lives, for evidence about the fact itself.
        var location: FactLocation {
            switch rows {
            case .exchange(let fact): .exchangeFact(fact.key)
            case .cim(let cimClass): .cimClass(cimClass.name)
            }
        }

        /// The allow-listed spelling of a property of the rows, or nil.
        func property(_ text: String) -> String? {
            switch rows {
            case .exchange(let fact): fact.property(text)
            case .cim(let cimClass): cimClass.property(text)
            }
        }

        /// The allow-listed properties of the rows.
        var properties: [String] {
            switch rows {
            case .exchange(let fact): fact.properties
            case .cim(let cimClass): cimClass.properties
            }
        }

        /// A found row's name in evidence: its key property (CIM) or identity (Exchange), else its `match`.
        func label(of row: FactRecord) -> String {
            let naming: String? =
                switch rows {
                case .exchange(let fact): fact.rowIdentity
                case .cim(let cimClass): cimClass.keyProperty
                }
            return naming.flatMap { row[$0].flatMap(LookupCheck.text) } ?? row[match].flatMap(LookupCheck.text) ?? "?"
        }

        /// The rows ready to search: matched by equal text, they are indexed once by their folded `match` values
        /// (the first row of a value wins), so that thousands of keys cost one dictionary lookup each.
        func prepare(_ rows: [FactRecord]) -> Searchable {
            guard !byPathPrefix else { return Searchable(rows: rows, index: [:]) }
            var index: [String: FactRecord] = [:]
            for row in rows {
                for text in LookupCheck.texts(row[match]) where index[text.lowercased()] == nil {
                    index[text.lowercased()] = row
                }
            }
            return Searchable(rows: rows, index: index)
        }

        /// The row that `key` matches, or nil.
        func find(_ key: String, in searchable: Searchable) -> FactRecord? {
            let folded = key.lowercased()
            guard byPathPrefix else { return searchable.index[folded] }
            let path = Self.folder(folded)
            var best: (row: FactRecord, length: Int)?
            for row in searchable.rows {
                for mount in LookupCheck.texts(row[match]) {
                    let prefix = Self.folder(mount.lowercased())
                    if path.hasPrefix(prefix), prefix.count > (best?.length ?? 0) { best = (row, prefix.count) }
                }
            }
            return best?.row
        }

        /// A path ending with one backslash, so that `D:\DB` is under `D:\` and `D:\DB\` but not under `D:\D`.
        private static func folder(_ path: String) -> String {
            path.hasSuffix("\\") ? path : path + "\\"
        }
    }

    /// A table's rows, with their index by folded `match` value when they are matched by equal text.
    struct Searchable {
        var rows: [FactRecord]
        var index: [String: FactRecord]
        /// The row limit the answer stopped at, when it was truncated: a key not found may be past it.
        var truncatedAt: Int? = nil
    }

    /// One more table the found row leads to: its `from` property looked up in `table`.
    package struct Hop: Sendable {
        /// The property of the row found first whose value is looked up.
        package var from: String
        /// Where it is looked up.
        package var table: Table
        /// The status when it is not found.
        package var whenNotFound: Status
    }

    /// What is judged about each key.
    package enum Test: Sendable {
        /// Being found: found passes.
        case found
        /// A rule on a property of the row found (a row without it gives `whenAbsent`, default `Unknown`).
        case property(String, ValueRule, whenAbsent: Status?)
        /// A rule on the number of distinct values of a property over the rows found for each source row's keys.
        case distinct(String, ValueRule)
        /// The row found must not be the one found (in the same tables) for this source's value.
        case notSameRowAs(Source)
    }

    /// Where the keys come from.
    package let source: Source
    /// The tables searched, in order; the first that has the key gives the row.
    package let tables: [Table]
    /// One more table the found row leads to, if any.
    package let hop: Hop?
    /// What is judged.
    package let test: Test
    /// All, any or none of the keys (for `distinct`: of the source rows) must pass.
    package let quantifier: RowQuantifier
    /// The status of a key not found in `tables`.
    package let whenNotFound: Status
    /// The status when the source gives no key.
    package let whenNoneFound: Status

    /// Creates a lookup.
    package init(
        source: Source, tables: [Table], hop: Hop?, test: Test, quantifier: RowQuantifier, whenNotFound: Status,
        whenNoneFound: Status
    ) {
        self.source = source
        self.tables = tables
        self.hop = hop
        self.test = test
        self.quantifier = quantifier
        self.whenNotFound = whenNotFound
        self.whenNoneFound = whenNoneFound
    }

    /// Every read the lookup needs, in the order ``evaluate(_:scanTime:findings:)`` expects their answers: the
    /// source, the tables, the hop's table, the other source of `notSameRowAs`.
    var reads: [FactRead] {
        var reads = [source.read] + tables.map(\.read)
        if let hop { reads.append(hop.table.read) }
        if case .notSameRowAs(let other) = test { reads.append(other.read) }
        return reads
    }

    /// The texts of a datum: a string, each item of a list, a number in decimal.
    static func texts(_ data: RegistryData?) -> [String] {
        switch data {
        case .string(let text)?, .expandString(let text)?: [text]
        case .multiString(let items)?: items.filter { !$0.isEmpty }
        case .dword(let number)?: ["\(number)"]
        case .qword(let number)?: ["\(number)"]
        default: []
        }
    }

    /// The one text of a datum, or nil.
    static func text(_ data: RegistryData) -> String? {
        let all = texts(data)
        return all.count == 1 ? all[0] : nil
    }
}

// MARK: - Evaluation

/// One key looked up: where it came from, what it led to, and the status it gave.
package struct LookupTrace: Sendable {
    /// Where the key was read.
    package var subject: FactLocation
    /// The key (for `distinct`: the keys of one source row, as a list in brackets).
    package var key: String
    /// The rows found, in words (`Win32_Volume[D:\]`), in the order they were followed.
    package var found: [String]
    /// The datum tested (a property's value, a count), when one was.
    package var value: RegistryData?
    /// How the rule judged ``value``, when it did.
    package var outcome: Finding.RuleOutcome?
    /// Why the key gave its status when no rule decided: `not found in Win32_Volume`.
    package var note: String?
    /// The status it gave.
    package var status: Status
}

/// What a lookup saw, for evidence.
package enum LookupObservation: Sendable {
    /// One key and what it led to.
    case key(LookupTrace)
    /// A fact the lookup needs could not be read; the text says why.
    case unavailable(FactLocation, why: String, observation: String)
    /// The source gave no key.
    case noKey
    /// This many more keys gave this status and are not listed one by one.
    case more(Int, Status)
    /// The source's answer stopped at this row limit, so keys past it were not judged.
    case truncated(FactLocation, limit: Int)
}

extension LookupCheck {
    /// The most passing keys listed one by one; the rest are counted in one line.
    static let listedPassingKeys = 10
    /// The most keys of another status (Fail, Unknown) listed one by one: a thousand users allowed remote
    /// PowerShell are shown as twenty and a count.
    static let listedOtherKeys = 20

    /// A key with where it came from.
    private struct Key {
        var subject: FactLocation
        var text: String
        var row: Int
    }

    /// The keys a source gives, or why it gives none.
    private enum Keys {
        /// The keys, and the row limit the source's answer stopped at when it was truncated.
        case keys([Key], truncatedAt: Int?)
        case unavailable(FactLocation, why: String, observation: String)
    }

    private func keys(of source: Source, _ answer: HostFacts.Answer, scanTime: Timestamp?) -> Keys {
        switch (source, answer) {
        case (.exchange(let fact, let properties, let selection), .exchange(let exchange)):
            let rows: [FactRecord]
            var truncatedAt: Int?
            switch exchange {
            case .rows(let list): rows = list
            case .truncated(let list):
                rows = list
                truncatedAt = fact.rowLimit
            case .factError(let error):
                return .unavailable(
                    .exchangeFact(fact.key), why: "the call failed (\(error.description))",
                    observation: error.errorClass)
            case .stageError(let error):
                return .unavailable(
                    .exchangeFact(fact.key), why: "not collected: the Exchange stage failed (\(error.description))",
                    observation: error.errorClass)
            case .notRead:
                return .unavailable(
                    .exchangeFact(fact.key), why: "not collected (the snapshot has no \(fact.key))",
                    observation: "not collected")
            }
            var keys: [Key] = []
            for (number, row) in selection.select(rows, scanTime: scanTime).enumerated() {
                let label = fact.rowIdentity.flatMap { row[$0]?.textValue }
                for property in properties {
                    let subject = FactLocation.exchangeProperty(key: fact.key, row: label, property: property)
                    keys += Self.texts(row[property]).map { Key(subject: subject, text: $0, row: number) }
                }
            }
            return .keys(keys, truncatedAt: truncatedAt)
        case (.registry(let key, let name, let append), .value(let fact)):
            let subject = FactLocation.registryValue(key, name)
            switch fact {
            case .present(let data):
                guard let text = data.textValue, !text.isEmpty else { return .keys([], truncatedAt: nil) }
                guard let append else { return .keys([Key(subject: subject, text: text, row: 0)], truncatedAt: nil) }
                let folder = text.hasSuffix("\\") ? text : text + "\\"
                return .keys([Key(subject: subject, text: folder + append, row: 0)], truncatedAt: nil)
            case .valueAbsent, .keyAbsent: return .keys([], truncatedAt: nil)
            case .denied:
                return .unavailable(subject, why: "cannot be read (access denied)", observation: "access denied")
            }
        default:
            preconditionFailure("answer of the wrong kind")
        }
    }

    /// The rows of a table, or why there are none to search. A CIM class that does not exist has no rows.
    private static func rows(of table: Table, _ answer: HostFacts.Answer) -> Result<Searchable, Unavailable> {
        let notCollected = Unavailable(
            location: table.location, why: "not collected (the snapshot does not have it)", observation: "not collected"
        )
        switch answer {
        case .cim(.instances(let instances)?): return .success(table.prepare(instances))
        case .cim(.absent?): return .success(table.prepare([]))
        case .cim(.denied?):
            return .failure(
                Unavailable(
                    location: table.location, why: "cannot be read (access denied)", observation: "access denied"))
        case .cim(nil): return .failure(notCollected)
        case .exchange(.rows(let rows)): return .success(table.prepare(rows))
        case .exchange(.truncated(let rows)):
            var searchable = table.prepare(rows)
            if case .exchange(let fact) = table.rows { searchable.truncatedAt = fact.rowLimit }
            return .success(searchable)
        case .exchange(.factError(let error)):
            return .failure(
                Unavailable(
                    location: table.location, why: "the call failed (\(error.description))",
                    observation: error.errorClass))
        case .exchange(.stageError(let error)):
            return .failure(
                Unavailable(
                    location: table.location, why: "not collected: the Exchange stage failed (\(error.description))",
                    observation: error.errorClass))
        case .exchange(.notRead): return .failure(notCollected)
        default:
            preconditionFailure("answer of the wrong kind")
        }
    }

    /// A table that cannot be searched: where, why, and the observation in a few words.
    private struct Unavailable: Error {
        var location: FactLocation
        var why: String
        var observation: String
    }

    /// The first table that has the key, with the row found, or nil.
    private func find(_ key: String, in searched: [Searchable]) -> (table: Table, row: FactRecord)? {
        for (table, rows) in zip(tables, searched) {
            if let row = table.find(key, in: rows) { return (table, row) }
        }
        return nil
    }

    /// Evaluates the lookup on the answers to ``reads``, in that order.
    func evaluate(_ answers: [HostFacts.Answer], scanTime: Timestamp?, findings: inout [Finding]) -> NodeOutcome {
        let sourceKeys: [Key]
        let sourceTruncatedAt: Int?
        switch keys(of: source, answers[0], scanTime: scanTime) {
        case .keys(let list, let truncatedAt):
            sourceKeys = list
            sourceTruncatedAt = truncatedAt
        case .unavailable(let location, let why, let observation):
            findings.append(.lookup(self, .unavailable(location, why: why, observation: observation), .unknown))
            return NodeOutcome(status: .unknown, nothingSet: false)
        }
        if sourceKeys.isEmpty, let limit = sourceTruncatedAt {
            findings.append(.lookup(self, .truncated(source.location, limit: limit), .unknown))
            return NodeOutcome(status: .unknown, nothingSet: false)
        }
        if sourceKeys.isEmpty {
            findings.append(.lookup(self, .noKey, whenNoneFound))
            return NodeOutcome(status: whenNoneFound, nothingSet: true)
        }
        // Every table must be readable: a key's row could be in any of them.
        var searched: [Searchable] = []
        var hopRows = Searchable(rows: [], index: [:])
        var unreadable = false
        let tableAnswers = Array(answers[1...tables.count])
        for (table, answer) in zip(tables, tableAnswers) {
            switch Self.rows(of: table, answer) {
            case .success(let rows): searched.append(rows)
            case .failure(let problem):
                unreadable = true
                findings.append(
                    .lookup(
                        self, .unavailable(problem.location, why: problem.why, observation: problem.observation),
                        .unknown))
            }
        }
        if let hop {
            switch Self.rows(of: hop.table, answers[tables.count + 1]) {
            case .success(let rows): hopRows = rows
            case .failure(let problem):
                unreadable = true
                findings.append(
                    .lookup(
                        self, .unavailable(problem.location, why: problem.why, observation: problem.observation),
                        .unknown))
            }
        }
        var otherKeys: [Key] = []
        if case .notSameRowAs(let other) = test {
            switch keys(of: other, answers[answers.count - 1], scanTime: scanTime) {
            case .keys(let list, _): otherKeys = list
            case .unavailable(let location, let why, let observation):
                unreadable = true
                findings.append(.lookup(self, .unavailable(location, why: why, observation: observation), .unknown))
            }
        }
        if unreadable { return NodeOutcome(status: .unknown, nothingSet: false) }

        var traces: [LookupTrace] = []
        if case .distinct(let property, let rule) = test {
            let byRow = Dictionary(grouping: sourceKeys, by: \.row).sorted { $0.key < $1.key }
            for (_, keys) in byRow {
                traces.append(distinct(keys, property: property, rule: rule, searched: searched, hopRows: hopRows))
            }
        } else {
            for key in sourceKeys {
                traces.append(judge(key, searched: searched, hopRows: hopRows, otherKeys: otherKeys))
            }
        }
        let outcome = combine(traces, findings: &findings)
        // A failing key of `all`, or the key that decided `any` or `none`, stands whatever the keys past the
        // source's row limit say; any other verdict could be changed by them.
        let decided: Bool =
            switch (quantifier, outcome.status) {
            case (.all, .fail), (.any, .pass), (.none, .fail): true
            default: false
            }
        if let limit = sourceTruncatedAt, !decided {
            findings.append(.lookup(self, .truncated(source.location, limit: limit), .unknown))
            return NodeOutcome(status: .unknown, nothingSet: false)
        }
        return outcome
    }

    /// Follows one key to its final row: the row, the rows found in words, or the status and note when it stops.
    private func follow(
        _ key: String, searched: [Searchable], hopRows: Searchable
    ) -> (row: FactRecord?, found: [String], stop: (Status, String)?) {
        guard let first = find(key, in: searched) else {
            let names = tables.map(\.name).joined(separator: " or ")
            if let limit = searched.compactMap(\.truncatedAt).max() {
                return (nil, [], (.unknown, "not found in \(names), whose answer stops at \(limit) rows"))
            }
            return (nil, [], (whenNotFound, "not found in " + names))
        }
        let (table, row) = first
        var found = ["\(table.name)[\(table.label(of: row))]"]
        guard let hop else { return (row, found, nil) }
        guard let next = row[hop.from].flatMap(Self.text) else {
            return (nil, found, (.unknown, "\(table.name)[\(table.label(of: row))] has no \(hop.from)"))
        }
        guard let hopRow = hop.table.find(next, in: hopRows) else {
            let missing = "\(hop.from) \(quoted(next)) not found in \(hop.table.name)"
            if let limit = hopRows.truncatedAt {
                return (nil, found, (.unknown, missing + ", whose answer stops at \(limit) rows"))
            }
            return (nil, found, (hop.whenNotFound, missing))
        }
        found.append("\(hop.table.name)[\(hop.table.label(of: hopRow))]")
        return (hopRow, found, nil)
    }

    private func judge(
        _ key: Key, searched: [Searchable], hopRows: Searchable, otherKeys: [Key]
    ) -> LookupTrace {
        var trace = LookupTrace(subject: key.subject, key: key.text, found: [], status: .unknown)
        let (row, found, stop) = follow(key.text, searched: searched, hopRows: hopRows)
        trace.found = found
        if let stop {
            trace.status = stop.0
            trace.note = stop.1
            return trace
        }
        guard let row else { return trace }
        switch test {
        case .found:
            trace.status = .pass
        case .property(let property, let rule, let whenAbsent):
            let outcome: Finding.RuleOutcome =
                row[property].map { rule.apply(to: $0) } ?? whenAbsent.map(Finding.RuleOutcome.absent) ?? .undecided
            trace.value = row[property]
            trace.outcome = outcome
            trace.status = outcome.status
            if row[property] == nil { trace.note = "\(property) not set" }
        case .notSameRowAs(let other):
            guard let otherKey = otherKeys.first else {
                trace.note = "\(other.description) is not set, so there is nothing to compare with"
                return trace
            }
            let (otherRow, otherFound, _) = follow(otherKey.text, searched: searched, hopRows: hopRows)
            guard let otherRow else {
                trace.note = "\(otherKey.subject) \(quoted(otherKey.text)) is not found, so Unknown"
                return trace
            }
            let same = row == otherRow
            trace.status = same ? .fail : .pass
            trace.note =
                "\(same ? "the same row as" : "another row than") \(otherKey.subject) \(quoted(otherKey.text)) → "
                + otherFound.joined(separator: " → ")
        case .distinct:
            preconditionFailure("distinct lookups are judged per source row")
        }
        return trace
    }

    private func distinct(
        _ keys: [Key], property: String, rule: ValueRule, searched: [Searchable], hopRows: Searchable
    ) -> LookupTrace {
        var trace = LookupTrace(
            subject: keys[0].subject, key: "[" + keys.map { quoted($0.text) }.joined(separator: ", ") + "]", found: [],
            status: .unknown)
        var values: [String] = []
        var stops: [(Status, String)] = []
        for key in keys {
            let (row, _, stop) = follow(key.text, searched: searched, hopRows: hopRows)
            if let stop {
                stops.append((stop.0, "\(quoted(key.text)) \(stop.1)"))
                continue
            }
            guard let row, let value = row[property].flatMap(Self.text) else {
                stops.append((.unknown, "\(quoted(key.text)) has no \(property)"))
                continue
            }
            if !values.contains(where: { $0.lowercased() == value.lowercased() }) { values.append(value) }
        }
        trace.found = [values.map(quoted).joined(separator: ", ")]
        if let stop = stops.first(where: { $0.0 != .pass }) {
            trace.status = stop.0
            trace.note = stops.map(\.1).joined(separator: "; ")
            return trace
        }
        let count = RegistryData.dword(UInt32(clamping: values.count))
        let outcome = rule.apply(to: count)
        trace.value = count
        trace.outcome = outcome
        trace.status = outcome.status
        return trace
    }

    /// Combines the keys' statuses by the quantifier, listing each key (passing keys of `all`: the first ten).
    private func combine(_ traces: [LookupTrace], findings: inout [Finding]) -> NodeOutcome {
        var tally = StatusTally()
        var listed: [Status: Int] = [:]
        var unlisted: [Status: Int] = [:]
        for trace in traces {
            tally.add(trace.status)
            switch (quantifier, trace.status) {
            case (.any, .pass), (.none, .pass):
                findings.append(.lookup(self, .key(trace), trace.status))
                return NodeOutcome(status: quantifier == .any ? .pass : .fail, nothingSet: false)
            default:
                let limit = trace.status == .pass ? Self.listedPassingKeys : Self.listedOtherKeys
                if listed[trace.status, default: 0] < limit {
                    listed[trace.status, default: 0] += 1
                    findings.append(.lookup(self, .key(trace), trace.status))
                } else {
                    unlisted[trace.status, default: 0] += 1
                }
            }
        }
        for status in [Status.fail, .unknown, .pass] {
            if let count = unlisted[status] { findings.append(.lookup(self, .more(count, status), status)) }
        }
        let combinator: CheckGroup.Combinator =
            switch quantifier {
            case .all: .all
            case .any: .any
            case .none: .none
            }
        return NodeOutcome(status: tally.combined(combinator), nothingSet: false)
    }
}

// MARK: - Evidence

extension LookupCheck {
    /// What the test requires, in words: `required: 65536`, `required: found`.
    var requirement: String {
        switch test {
        case .found: "required: found"
        case .property(let property, let rule, _): "\(property) \(Finding.describe(rule))"
        case .distinct(let property, let rule): "distinct \(property) values \(Finding.describe(rule))"
        case .notSameRowAs(let other): "required: another row than for \(other.description)"
        }
    }
}

extension Finding {
    /// The evidence of a lookup finding.
    static func lookupEvidence(_ check: LookupCheck, _ observation: LookupObservation, _ status: Status) -> Evidence {
        switch observation {
        case .key(let trace):
            var observed = " = " + quoted(trace.key)
            if case .distinct = check.test { observed = " = " + trace.key }
            if case .registry(_, _, let append?) = check.source { observed = " + \\\(append)" + observed }
            if !trace.found.isEmpty {
                observed += " → " + trace.found.joined(separator: " → ")
            }
            var required = check.requirement
            if let value = trace.value {
                switch check.test {
                case .property(let property, _, _): observed += " \(property) = " + render(value)
                case .distinct(let property, _): observed += " (\(render(value)) distinct \(property))"
                default: break
                }
            }
            if let outcome = trace.outcome, case .property(let property, let rule, _) = check.test {
                required = "\(property) " + describe(outcome, rule: rule)
            } else if let outcome = trace.outcome, case .distinct(let property, let rule) = check.test {
                required = "distinct \(property) values " + describe(outcome, rule: rule)
            }
            if let note = trace.note { observed += " (\(note))" }
            return Evidence(
                subject: trace.subject, value: .text(trace.key), observed: observed, observation: "set",
                required: [required + "; gives \(trace.status)"], result: trace.status)
        case .unavailable(let location, let why, let observation):
            return Evidence(
                subject: location, observed: ": " + why, observation: observation,
                required: ["needed to look up \(check.source.description); so Unknown"], result: status)
        case .noKey:
            return Evidence(
                subject: nil, observed: "\(check.source.description): no value to look up, which counts as \(status)",
                result: status)
        case .truncated(let location, let limit):
            return Evidence(
                subject: location,
                observed: ": the answer stops at the key's limit of \(limit) rows, so the values past it are not "
                    + "judged", observation: "truncated", required: ["so Unknown"], result: status)
        case .more(let count, let status):
            return Evidence(
                subject: nil,
                observed: "\(count) more \(count == 1 ? "value" : "values") of \(check.source.description) "
                    + "\(count == 1 ? "gives" : "give") \(status), not listed",
                result: status)
        }
    }

    private static func render(_ data: RegistryData) -> String {
        switch data {
        case .string(let text), .expandString(let text): quoted(text)
        case .multiString(let items): "[" + items.map(quoted).joined(separator: ", ") + "]"
        case .dword(let number): "\(number)"
        case .qword(let number): "\(number)"
        case .binary, .none: "(no data)"
        }
    }
}

// MARK: - Decoding

extension LookupCheck {
    /// The fields of a lookup leaf beyond those other leaves share (`property`, `require`, `whenAbsent`,
    /// `whenNoneFound`, the comparisons).
    static let fieldNames = ["lookup", "in", "then", "distinct", "notSameRowAs", "whenNotFound"]
}

extension Check {
    /// Decodes `{"lookup": SOURCE, "in": TABLE | [TABLE, ...], "then": HOP, "require": "all" | "any" | "none",
    /// <test>, "whenNotFound": STATUS, "whenNoneFound": STATUS}`.
    static func decodeLookup(
        _ reader: inout JSONObjectReader, catalogs: [String: VersionCatalog], problems: inout [DecodingProblem]
    ) -> Check? {
        let source = reader.take("lookup").flatMap {
            decodeLookupSource($0, path: reader.path(of: "lookup"), catalogs: catalogs, problems: &problems)
        }
        var tables: [LookupCheck.Table]?
        if let json = reader.require("in", problems: &problems) {
            let path = reader.path(of: "in")
            if case .array(let items) = json.kind {
                let decoded = items.enumerated().compactMap { index, item in
                    decodeLookupTable(item, path: "\(path)[\(index)]", problems: &problems)
                }
                if items.isEmpty {
                    problems.append(
                        DecodingProblem(
                            position: json.position, field: path, message: "list at least one table to look up in"))
                }
                tables = decoded.count == items.count && !items.isEmpty ? decoded : nil
            } else {
                tables = decodeLookupTable(json, path: path, problems: &problems).map { [$0] }
            }
        }
        var hop: LookupCheck.Hop?
        var hopValid = true
        if let json = reader.take("then") {
            if var hopReader = JSONObjectReader(json, path: reader.path(of: "then"), problems: &problems) {
                let table = decodeLookupTable(&hopReader, problems: &problems)
                var from: String?
                if let fromJSON = hopReader.require("from", problems: &problems),
                    let text = JSONRead.string(fromJSON, hopReader.path(of: "from"), &problems)
                {
                    from = tableProperty(
                        text, of: tables ?? [], json: fromJSON, path: hopReader.path(of: "from"), problems: &problems)
                }
                let whenNotFound = decodeStatus(&hopReader, "whenNotFound", problems: &problems)
                hopReader.reportUnknownFields(
                    knownNames: lookupTableFields + ["from", "whenNotFound"], problems: &problems)
                if let table, let from, whenNotFound.isValid {
                    hop = LookupCheck.Hop(from: from, table: table, whenNotFound: whenNotFound.value ?? .unknown)
                }
            }
            hopValid = hop != nil
        }
        let finalTables = hop.map { [$0.table] } ?? tables ?? []
        let quantifier = decodeCase(&reader, "require", as: RowQuantifier.self, problems: &problems)
        let test = decodeLookupTest(&reader, finalTables: finalTables, catalogs: catalogs, problems: &problems)
        let whenNotFound = decodeStatus(&reader, "whenNotFound", problems: &problems)
        let whenNoneFound = decodeStatus(&reader, "whenNoneFound", problems: &problems)
        guard let source, let tables, hopValid, let quantifier, let test, whenNotFound.isValid, whenNoneFound.isValid
        else { return nil }
        return .lookup(
            LookupCheck(
                source: source, tables: tables, hop: hop, test: test, quantifier: quantifier,
                whenNotFound: whenNotFound.value ?? .unknown, whenNoneFound: whenNoneFound.value ?? .unknown))
    }

    /// The test: `property` with a rule, `distinct` with a numeric rule, `notSameRowAs`, or none (being found).
    private static func decodeLookupTest(
        _ reader: inout JSONObjectReader, finalTables: [LookupCheck.Table], catalogs: [String: VersionCatalog],
        problems: inout [DecodingProblem]
    ) -> LookupCheck.Test? {
        let tests = ["property", "distinct", "notSameRowAs"].filter(reader.has)
        if tests.count > 1 {
            problems.append(
                DecodingProblem(
                    position: reader.position, field: reader.path,
                    message: "a lookup tests one thing: 'property', 'distinct' or 'notSameRowAs'; found "
                        + tests.joined(separator: " and ")))
            return nil
        }
        switch tests.first {
        case "property"?, "distinct"?:
            let field = tests[0]
            var property: String?
            if let json = reader.take(field), let text = JSONRead.string(json, reader.path(of: field), &problems) {
                property = tableProperty(
                    text, of: finalTables, json: json, path: reader.path(of: field), problems: &problems)
            }
            let rule = decodeRule(&reader, allowsPresence: false, catalogs: catalogs, problems: &problems)
            if field == "distinct" {
                guard let property, let rule else { return nil }
                return .distinct(property, rule)
            }
            let whenAbsent = decodeStatus(&reader, "whenAbsent", problems: &problems)
            guard let property, let rule, whenAbsent.isValid else { return nil }
            return .property(property, rule, whenAbsent: whenAbsent.value)
        case "notSameRowAs"?:
            guard let json = reader.take("notSameRowAs"),
                let other = decodeLookupSource(
                    json, path: reader.path(of: "notSameRowAs"), catalogs: catalogs, problems: &problems)
            else { return nil }
            return .notSameRowAs(other)
        default:
            if let other = comparisonNames.first(where: reader.has) {
                problems.append(
                    DecodingProblem(
                        position: reader.position, field: reader.path(of: other),
                        message: "a comparison needs the 'property' (or 'distinct') it tests"))
                return nil
            }
            return .found
        }
    }

    /// The allow-listed spelling of a property that every table has, or nil with a problem.
    private static func tableProperty(
        _ text: String, of tables: [LookupCheck.Table], json: JSONValue, path: String,
        problems: inout [DecodingProblem]
    ) -> String? {
        guard !tables.isEmpty else { return nil }
        for table in tables where table.property(text) == nil {
            problems.append(
                notAllowListed(
                    "property of \(table.name)", text, known: table.properties, position: json.position, field: path))
            return nil
        }
        return tables[0].property(text)
    }

    /// Decodes a source: `{"exchange": KEY, "property": P | "properties": [P, ...], "where": [...]}` or
    /// `{"key": REGISTRY KEY, "value": NAME, "append": FOLDER}`.
    private static func decodeLookupSource(
        _ json: JSONValue, path: String, catalogs: [String: VersionCatalog], problems: inout [DecodingProblem]
    ) -> LookupCheck.Source? {
        guard var reader = JSONObjectReader(json, path: path, problems: &problems) else { return nil }
        defer {
            reader.reportUnknownFields(
                knownNames: ["exchange", "property", "properties", "where", "key", "value", "append"],
                problems: &problems)
        }
        if reader.has("exchange") {
            let fact = decodeExchangeFact(&reader, "exchange", problems: &problems)
            var names: [JSONValue] = []
            var namesPath = reader.path(of: "property")
            if let single = reader.take("property") {
                names = [single]
            } else if let list = reader.take("properties") {
                namesPath = reader.path(of: "properties")
                names = JSONRead.array(list, namesPath, &problems) ?? []
            }
            if names.isEmpty {
                problems.append(
                    DecodingProblem(
                        position: json.position, field: path,
                        message: "name the 'property' (or 'properties') whose values are looked up"))
            }
            let properties = names.compactMap { name in
                fact.flatMap { decodeExchangeProperty(name, path: namesPath, of: $0, problems: &problems) }
            }
            let selection = decodeWhere(&reader, fact: fact, catalogs: catalogs, problems: &problems)
            guard let fact, !names.isEmpty, properties.count == names.count, let selection else { return nil }
            return .exchange(fact, properties: properties, selection: selection)
        }
        guard reader.has("key") else {
            problems.append(
                DecodingProblem(
                    position: json.position, field: path,
                    message: "a lookup's source is an 'exchange' key with its 'property', or a registry 'key' and "
                        + "'value'"))
            return nil
        }
        let key = decodePath(&reader, "key", problems: &problems)
        var name: RegistryName?
        if let json = reader.require("value", problems: &problems),
            let text = JSONRead.string(json, reader.path(of: "value"), &problems)
        {
            name = RegistryName(text)
        }
        var append: String?
        var appendValid = true
        if let json = reader.take("append") {
            append = JSONRead.string(json, reader.path(of: "append"), &problems)
            if let text = append, text.isEmpty || text.contains("..") || text.hasPrefix("\\") {
                problems.append(
                    DecodingProblem(
                        position: json.position, field: reader.path(of: "append"),
                        message: "a folder name below the value's path, such as \"Logging\""))
                appendValid = false
            }
            appendValid = appendValid && append != nil
        }
        guard let key, let name, appendValid else { return nil }
        return .registry(key, name, append: append)
    }

    /// Decodes a table from its own object: `{"exchange": KEY | "cim": CLASS, "match": P, "by": "equals" |
    /// "pathPrefix"}`.
    private static func decodeLookupTable(
        _ json: JSONValue, path: String, problems: inout [DecodingProblem]
    ) -> LookupCheck.Table? {
        guard var reader = JSONObjectReader(json, path: path, problems: &problems) else { return nil }
        defer { reader.reportUnknownFields(knownNames: lookupTableFields, problems: &problems) }
        return decodeLookupTable(&reader, problems: &problems)
    }

    /// The fields of a table.
    private static let lookupTableFields = ["exchange", "cim", "match", "by"]

    /// Decodes the fields of a table from a reader (a hop's reader holds its own fields too).
    private static func decodeLookupTable(
        _ reader: inout JSONObjectReader, problems: inout [DecodingProblem]
    ) -> LookupCheck.Table? {
        var rows: LookupCheck.Table.Rows?
        switch (reader.has("exchange"), reader.has("cim")) {
        case (true, false):
            rows = decodeExchangeFact(&reader, "exchange", problems: &problems).map { .exchange($0) }
        case (false, true):
            rows = decodeCimClass(&reader, "cim", problems: &problems).map { .cim($0) }
        default:
            problems.append(
                DecodingProblem(
                    position: reader.position, field: reader.path,
                    message: "a table is one 'exchange' stage key or one 'cim' class"))
        }
        var match: String?
        if let matchJSON = reader.require("match", problems: &problems),
            let text = JSONRead.string(matchJSON, reader.path(of: "match"), &problems), let rows
        {
            let table = LookupCheck.Table(rows: rows, match: text, byPathPrefix: false)
            match = tableProperty(
                text, of: [table], json: matchJSON, path: reader.path(of: "match"), problems: &problems)
        }
        var byPathPrefix = false
        var byValid = true
        if let byJSON = reader.take("by"), let text = JSONRead.string(byJSON, reader.path(of: "by"), &problems) {
            switch text {
            case "equals": byPathPrefix = false
            case "pathPrefix": byPathPrefix = true
            default:
                byValid = false
                problems.append(
                    DecodingProblem(
                        position: byJSON.position, field: reader.path(of: "by"),
                        message: "expected \"equals\" or \"pathPrefix\", found \"\(text)\""))
            }
        }
        guard let rows, let match, byValid else { return nil }
        return LookupCheck.Table(rows: rows, match: match, byPathPrefix: byPathPrefix)
    }
}
