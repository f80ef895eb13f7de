package import EDCAJSON

/// Why the Exchange stage, or one of its calls, gave no rows: a stable class and the message the server gave.
package struct ExchangeError: Sendable, Hashable {
    /// The stage's error classes: the stage did not run any cmdlet.
    package static let stageClasses = [
        "exchange.not-installed", "exchange.no-network-credentials", "exchange.load-failed", "exchange.timeout",
    ]
    /// One call's error classes: that key has no rows, the others may.
    package static let factClasses = ["denied", "failed", "timeout", "malformed"]
    /// The class of the stage error a key-authenticated logon gets on a Mailbox server.
    package static let noNetworkCredentials = "exchange.no-network-credentials"
    /// What to do about ``noNetworkCredentials``, as evidence and the scan's host error say it.
    package static let noNetworkCredentialsRemedy =
        "the SSH logon has no network credential (key authentication carries none to Active Directory); scan this "
        + "host with Kerberos with delegation (auth: kerberos)"

    /// The class: one of ``stageClasses`` or ``factClasses``.
    package var errorClass: String
    /// The server's message, for the reader.
    package var message: String

    /// Creates an error.
    package init(errorClass: String, message: String) {
        self.errorClass = errorClass
        self.message = message
    }

    /// The error in words: its class, the message, and for a missing network credential the remedy.
    package var description: String {
        var text = errorClass + (message.isEmpty ? "" : ": \(message)")
        if errorClass == Self.noNetworkCredentials { text += " (\(Self.noNetworkCredentialsRemedy))" }
        return text
    }

    /// Decodes `{"class": CLASS, "message": TEXT}` with a class from `allowedClasses`.
    package static func decode(
        _ value: JSONValue, field: String, allowedClasses: [String], problems: inout [DecodingProblem]
    ) -> ExchangeError? {
        guard var reader = JSONObjectReader(value, path: field, problems: &problems) else { return nil }
        defer { reader.reportUnknownFields(knownNames: ["class", "message"], problems: &problems) }
        let errorClass = reader.require("class", problems: &problems).flatMap {
            JSONRead.string($0, reader.path(of: "class"), &problems)
        }
        let message = reader.take("message").flatMap { JSONRead.string($0, reader.path(of: "message"), &problems) }
        guard let errorClass else { return nil }
        guard allowedClasses.contains(errorClass) else {
            problems.append(
                DecodingProblem(
                    position: value.position, field: reader.path(of: "class"),
                    message: "unknown error class \"\(errorClass)\"; expected one of "
                        + allowedClasses.joined(separator: ", ")))
            return nil
        }
        return ExchangeError(errorClass: errorClass, message: message ?? "")
    }

    /// The error as `{"class": ..., "message": ...}`.
    package func jsonDocument() -> JSONOutput {
        .object([("class", .string(errorClass)), ("message", .string(message))])
    }
}

/// What a host says about one stage key: the rows (possibly none), or that call's error.
package enum ExchangeFactState: Sendable, Hashable {
    /// The rows the cmdlet returned, each with the allow-listed properties that are set.
    case rows([FactRecord])
    /// The first ``ExchangeFact/rowLimit`` rows of more: the cmdlet returned more than the key's limit, and the
    /// rows past it were not answered.
    case truncated([FactRecord])
    /// The call failed; the other keys may have rows.
    case error(ExchangeError)
}

/// The Exchange stage's answers on one host (snapshot member `exchange`): the stage's own error, when it ran no
/// cmdlet, and what each stage key answered. A key the snapshot does not list was not read.
package struct ExchangeSnapshot: Sendable {
    /// Why the stage ran no cmdlet (not installed, no network credential, load failure, timeout); nil when it ran.
    package var stageError: ExchangeError?
    private var facts: [String: (key: String, state: ExchangeFactState)] = [:]

    /// Creates an empty snapshot.
    package init() {}

    /// Whether nothing was recorded.
    package var isEmpty: Bool { stageError == nil && facts.isEmpty }

    /// Records what the host says about one key.
    package mutating func set(_ fact: ExchangeFact, _ state: ExchangeFactState) {
        facts[fact.key.lowercased()] = (fact.key, state)
    }

    /// What the snapshot says about one key, or nil when it was not read.
    package func state(of fact: ExchangeFact) -> ExchangeFactState? {
        facts[fact.key.lowercased()]?.state
    }

    /// The keys recorded, sorted.
    package var keys: [String] { facts.values.map(\.key).sorted() }

    /// Decodes the `exchange` member: `{"stage": {"error": ERROR}, "facts": {KEY: {"rows": [ROW]} | {"rows": [ROW],
    /// "truncated": true} | {"error": ERROR}}}`, every key and property on the allow-list.
    ///
    /// - Throws: ``SnapshotError`` listing every key or property outside the allow-list and every malformed value.
    package init(document: JSONValue) throws(SnapshotError) {
        var problems: [DecodingProblem] = []
        guard var reader = JSONObjectReader(document, path: "exchange", problems: &problems) else {
            throw SnapshotError(problems: problems)
        }
        var snapshot = ExchangeSnapshot()
        if let stage = reader.take("stage"),
            var stageReader = JSONObjectReader(
                stage, path: reader.path(of: "stage"), problems: &problems)
        {
            if let error = stageReader.require("error", problems: &problems) {
                snapshot.stageError = ExchangeError.decode(
                    error, field: stageReader.path(of: "error"), allowedClasses: ExchangeError.stageClasses,
                    problems: &problems)
            }
            stageReader.reportUnknownFields(knownNames: ["error"], problems: &problems)
        }
        if let factsDocument = reader.take("facts") {
            if case .object(let members) = factsDocument.kind {
                for member in members {
                    let field = "exchange.facts.\(member.name)"
                    guard let fact = ExchangeFact.named(member.name) else {
                        problems.append(
                            DecodingProblem(
                                position: member.namePosition, field: field,
                                message: "not an allow-listed Exchange stage key; expected one of "
                                    + ExchangeFact.allowed.map(\.key).joined(separator: ", ")))
                        continue
                    }
                    if let state = Self.decodeState(member.value, of: fact, field: field, problems: &problems) {
                        snapshot.set(fact, state)
                    }
                }
            } else {
                problems.append(
                    JSONRead.mismatch(
                        factsDocument, "exchange.facts", expected: "an object whose members are stage keys"))
            }
        }
        reader.reportUnknownFields(knownNames: ["stage", "facts"], problems: &problems)
        if !problems.isEmpty { throw SnapshotError(problems: problems) }
        self = snapshot
    }

    /// Decodes one key's answer: `{"rows": [...]}`, `{"rows": [...], "truncated": true}` (at most the key's
    /// ``ExchangeFact/rowLimit`` rows) or `{"error": {"class": ..., "message": ...}}`.
    package static func decodeState(
        _ value: JSONValue, of fact: ExchangeFact, field: String, problems: inout [DecodingProblem]
    ) -> ExchangeFactState? {
        guard var reader = JSONObjectReader(value, path: field, problems: &problems) else { return nil }
        defer { reader.reportUnknownFields(knownNames: ["rows", "truncated", "error"], problems: &problems) }
        let before = problems.count
        if let error = reader.take("error") {
            if reader.has("rows") || reader.has("truncated") {
                problems.append(
                    DecodingProblem(
                        position: value.position, field: field, message: "give either 'rows' or 'error', not both"))
                return nil
            }
            return ExchangeError.decode(
                error, field: reader.path(of: "error"), allowedClasses: ExchangeError.factClasses, problems: &problems
            ).map(ExchangeFactState.error)
        }
        guard let rowsDocument = reader.require("rows", problems: &problems),
            let items = JSONRead.array(rowsDocument, reader.path(of: "rows"), &problems)
        else { return nil }
        let truncated = reader.take("truncated").flatMap { JSONRead.bool($0, reader.path(of: "truncated"), &problems) }
        if items.count > fact.rowLimit {
            problems.append(
                DecodingProblem(
                    position: rowsDocument.position, field: reader.path(of: "rows"),
                    message: "\(items.count) rows, over the key's limit of \(fact.rowLimit)"))
            return nil
        }
        let rows = FactRecords.decode(
            items, field: "\(field).rows", owner: fact.key, properties: fact.properties, named: fact.property,
            problems: &problems)
        guard problems.count == before else { return nil }
        return truncated == true ? .truncated(rows) : .rows(rows)
    }

    /// The snapshot as the `exchange` member, keys sorted.
    package func jsonDocument() -> JSONOutput {
        var members: [(String, JSONOutput)] = []
        if let stageError { members.append(("stage", .object([("error", stageError.jsonDocument())]))) }
        let factMembers: [(String, JSONOutput)] = facts.sorted { $0.key < $1.key }.map { _, entry in
            switch entry.state {
            case .rows(let rows):
                return (entry.key, .object([("rows", .array(rows.map(Self.output)))]))
            case .truncated(let rows):
                return (entry.key, .object([("rows", .array(rows.map(Self.output))), ("truncated", .bool(true))]))
            case .error(let error):
                return (entry.key, .object([("error", error.jsonDocument())]))
            }
        }
        if !factMembers.isEmpty || stageError == nil { members.append(("facts", .object(factMembers))) }
        return .object(members)
    }

    /// One row as a JSON object, properties sorted.
    package static func output(_ row: FactRecord) -> JSONOutput {
        .object(
            row.sorted { $0.key < $1.key }.map { name, data in
                let value: JSONOutput =
                    switch data {
                    case .dword(let number): .unsigned(UInt64(number))
                    case .qword(let number): .unsigned(number)
                    case .string(let text), .expandString(let text): .string(text)
                    case .multiString(let texts): .array(texts.map(JSONOutput.string))
                    case .binary, .none: .null
                    }
                return (name, value)
            })
    }
}
