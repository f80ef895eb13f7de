import EDCACore
import EDCAJSON

/// The probe's Exchange stage, answered from the snapshot's `exchange` member (docs/probe-protocol.md §6).
enum ExchangeStage {
    /// The stage's own bound, as the probe script has it (`$exchangeStageSeconds`).
    static let stageSeconds = 300.0
    /// One call's bound, as the probe script has it (`$exchangeCallSeconds`); the `exchangeCallSeconds` fault
    /// shortens it so that a test of a hanging call does not wait a minute.
    static let callSeconds = 60.0
    /// How long a call past its bound is given to stop (`$exchangeStopSeconds`).
    static let stopSeconds = 5.0

    /// The stage's faults, from the host's `faults` object (docs/lab-host.md).
    struct Faults {
        /// The fault names.
        static let names = [
            "exchangeStage", "exchangeLoadSeconds", "exchangeDeniedKeys", "exchangeHangingKeys", "exchangeStuckKeys",
            "exchangeCallSeconds", "exchangeBulkRows",
        ]
        /// The stage errors `exchangeStage` may name, with the message a server gives.
        static let stageErrors: [String: ExchangeError] = [
            "notInstalled": ExchangeError(
                errorClass: "exchange.not-installed", message: "no Exchange management snap-in registered"),
            "loadFailed": ExchangeError(
                errorClass: "exchange.load-failed",
                message: "The type initializer for 'Microsoft.Exchange.Data.Directory.Globals' threw an exception."),
            "noNetworkCredential": ExchangeError(
                errorClass: "exchange.no-network-credentials",
                message: "Active Directory refused the logon's token (0x80072020)"),
        ]

        /// The stage error every Exchange read answers, when set.
        var stageError: ExchangeError?
        /// Seconds the snap-in takes to load (only when the stage gets that far).
        var loadSeconds = 0.0
        /// Keys whose call RBAC (or the directory's permissions) denies.
        var deniedKeys: [ExchangeFact] = []
        /// How the calls behave in time and size: hanging and stuck calls, the call bound, bulk rows.
        var calls = Calls()

        /// Reads one fault member.
        mutating func read(_ name: String, _ value: JSONValue, _ field: String) throws(Refusal) {
            switch name {
            case "exchangeStage":
                let text = try LabJSON.string(value, field)
                guard let error = Self.stageErrors[text] else {
                    throw Refusal.lab(
                        "\(field): expected one of \(Self.stageErrors.keys.sorted().joined(separator: ", ")), found \(text)"
                    )
                }
                stageError = error
            case "exchangeLoadSeconds":
                loadSeconds = Double(try LabJSON.integer(value, in: 0...3600, field))
            case "exchangeHangingKeys":
                calls.hanging = try Self.keys(value, field)
            case "exchangeStuckKeys":
                calls.stuck = try Self.keys(value, field)
            case "exchangeCallSeconds":
                calls.callSeconds = Double(try LabJSON.integer(value, in: 1...60, field))
            case "exchangeBulkRows":
                guard case .object(let members) = value.kind else {
                    throw Refusal.lab("\(field): expected an object of stage keys and row counts")
                }
                for member in members {
                    guard let fact = ExchangeFact.named(member.name) else {
                        throw Refusal.lab("\(field): not an allow-listed Exchange stage key: \(member.name)")
                    }
                    calls.bulkRows[fact] = try LabJSON.integer(
                        member.value, in: 0...1_000_000, field + "." + member.name)
                }
            default:
                deniedKeys = try Self.keys(value, field)
            }
        }

        private static func keys(_ value: JSONValue, _ field: String) throws(Refusal) -> [ExchangeFact] {
            try edca_lab_host.Faults.strings(value, field).map { (text) throws(Refusal) -> ExchangeFact in
                guard let fact = ExchangeFact.named(text) else {
                    throw Refusal.lab("\(field): not an allow-listed Exchange stage key: \(text)")
                }
                return fact
            }
        }

        /// Applies the faults that change what the snapshot says: the stage error, the denied calls.
        func apply(to snapshot: inout ExchangeSnapshot) {
            for fact in deniedKeys {
                snapshot.set(
                    fact,
                    .error(
                        ExchangeError(
                            errorClass: "denied",
                            message: "Active Directory operation failed: the user has insufficient access rights "
                                + "to read \(fact.cmdlet)'s objects.")))
            }
            if let stageError { snapshot.stageError = stageError }
        }
    }

    /// Loads the snap-in as the stage does, once, before the first Exchange read: nothing when the stage stops
    /// earlier (not installed, no network credential), Constrained Language as a load failure, else a wait of
    /// `seconds`, cut at the stage's bound (the lesser of ``stageSeconds`` and what is left of the probe's
    /// deadline), where the stage answers `exchange.timeout`.
    static func load(
        _ snapshot: inout ExchangeSnapshot, seconds: Double, constrainedLanguage: Bool, secondsLeft: Double
    ) {
        if snapshot.isEmpty { return }
        if let error = snapshot.stageError, error.errorClass != "exchange.load-failed" { return }
        if constrainedLanguage {
            snapshot.stageError = ExchangeError(
                errorClass: "exchange.load-failed",
                message: "the stage needs Full Language mode (a runspace of its own)")
            return
        }
        let bound = max(1, min(stageSeconds, secondsLeft))
        HostIO.sleep(milliseconds: Int(min(seconds, bound) * 1000))
        if seconds > bound {
            snapshot.stageError = ExchangeError(
                errorClass: "exchange.timeout", message: "no answer within \(Int(bound)) s")
        }
    }

    /// How the calls behave in time and size (the faults `exchangeHangingKeys`, `exchangeStuckKeys`,
    /// `exchangeCallSeconds`, `exchangeBulkRows`).
    struct Calls {
        /// Calls that give no answer within their bound and stop when the stage stops them.
        var hanging: [ExchangeFact] = []
        /// Calls that give no answer within their bound and do not stop: the runspace stays busy.
        var stuck: [ExchangeFact] = []
        /// The bound of one call.
        var callSeconds = ExchangeStage.callSeconds
        /// Keys that answer this many rows: the snapshot's rows, repeated and numbered.
        var bulkRows: [ExchangeFact: Int] = [:]
    }

    /// The calls of one probe run, in order, as the stage runs them in its one runspace: once a call is stuck,
    /// every later call is answered "not run".
    struct Session {
        let calls: Calls
        /// The key whose call did not stop.
        private(set) var stuckOn: ExchangeFact?

        init(_ calls: Calls) { self.calls = calls }

        /// The answer to one `exchange` read, waiting as a hanging or stuck call would.
        mutating func answer(_ fact: ExchangeFact, from snapshot: ExchangeSnapshot) -> ResponseJSON {
            if snapshot.isEmpty || snapshot.stageError != nil { return ExchangeStage.answer(fact, from: snapshot) }
            if let stuckOn {
                return .members([
                    "error": errorObject(
                        ExchangeError(
                            errorClass: "timeout",
                            message: "not run: the stage timed out on \(stuckOn.key), whose call did not stop"))
                ])
            }
            let isStuck = calls.stuck.contains(fact)
            if isStuck || calls.hanging.contains(fact) {
                HostIO.sleep(milliseconds: Int(calls.callSeconds * 1000))
                if isStuck {
                    HostIO.sleep(milliseconds: Int(stopSeconds * 1000))
                    stuckOn = fact
                }
                return .members([
                    "error": errorObject(
                        ExchangeError(errorClass: "timeout", message: "no answer within \(Int(calls.callSeconds)) s"))
                ])
            }
            return ExchangeStage.answer(fact, from: snapshot, rowCount: calls.bulkRows[fact])
        }
    }

    /// The answer to one `exchange` read: the stage error when the stage ran no cmdlet, else the key's rows or error.
    /// A host whose snapshot has no `exchange` member has no Exchange management tools. With `rowCount`, the key
    /// answers that many rows (the snapshot's, repeated and numbered); like the stage, never more than the key's
    /// ``ExchangeFact/rowLimit``, marked truncated when there were more.
    static func answer(_ fact: ExchangeFact, from snapshot: ExchangeSnapshot, rowCount: Int? = nil) -> ResponseJSON {
        if snapshot.isEmpty {
            return stageError(
                ExchangeError(
                    errorClass: "exchange.not-installed", message: "no Exchange management snap-in registered"))
        }
        if let error = snapshot.stageError { return stageError(error) }
        switch snapshot.state(of: fact) {
        case .rows(let rows), .truncated(let rows):
            let all = rowCount.map { bulk(rows, fact, count: $0) } ?? rows
            let answered = ResponseJSON.array(all.prefix(fact.rowLimit).map { row(fact, $0) })
            if all.count > fact.rowLimit { return .members(["rows": answered, "truncated": .bool(true)]) }
            return .members(["rows": answered])
        case .error(let error):
            return .members(["error": errorObject(error)])
        case nil:
            return .members([
                "error": errorObject(
                    ExchangeError(errorClass: "failed", message: "the lab snapshot has no rows for \(fact.key)"))
            ])
        }
    }

    /// `{"stageError": {"class": ..., "message": ...}}`.
    static func stageError(_ error: ExchangeError) -> ResponseJSON {
        .members(["stageError": errorObject(error)])
    }

    /// `count` rows made of `rows` repeated, copy `n` with `n` before the `@` of every address and after the row's
    /// identity, so that a large organisation's mailboxes are told apart.
    private static func bulk(_ rows: [FactRecord], _ fact: ExchangeFact, count: Int) -> [FactRecord] {
        guard !rows.isEmpty else { return [] }
        return (0..<count).map { index in
            var copy = rows[index % rows.count]
            for (name, data) in copy {
                guard case .string(let text) = data else { continue }
                if let at = text.firstIndex(of: "@") {
                    copy[name] = .string(text[..<at] + "\(index)" + text[at...])
                } else if name == fact.rowIdentity {
                    copy[name] = .string(text + " \(index)")
                }
            }
            return copy
        }
    }

    private static func errorObject(_ error: ExchangeError) -> ResponseJSON {
        .members(["class": .string(error.errorClass), "message": .string(error.message)])
    }

    /// One row as the stage writes it: every allow-listed property, null when not set, in the allow-list's order.
    private static func row(_ fact: ExchangeFact, _ row: FactRecord) -> ResponseJSON {
        .object(
            fact.properties.map { name in
                let value: ResponseJSON =
                    switch row[name] {
                    case .dword(let number)?: .integer(UInt64(number))
                    case .qword(let number)?: .integer(number)
                    case .string(let text)?, .expandString(let text)?: .string(text)
                    case .multiString(let texts)?: .array(texts.map(ResponseJSON.string))
                    case .binary?, .none?, nil: .null
                    }
                return ResponseJSONMember(name, value)
            })
    }
}
