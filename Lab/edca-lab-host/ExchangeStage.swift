import EDCACore

/// The probe's Exchange stage, answered from the snapshot's `exchange` member (docs/probe-protocol.md §6).
enum ExchangeStage {
    /// The answer to one `exchange` read: the stage error when the stage ran no cmdlet, else the key's rows or error.
    /// A host whose snapshot has no `exchange` member has no Exchange management tools.
    static func answer(_ fact: ExchangeFact, from snapshot: ExchangeSnapshot) -> ResponseJSON {
        if snapshot.isEmpty {
            return stageError(
                ExchangeError(
                    errorClass: "exchange.not-installed", message: "no Exchange management snap-in registered"))
        }
        if let error = snapshot.stageError { return stageError(error) }
        switch snapshot.state(of: fact) {
        case .rows(let rows):
            return .members(["rows": .array(rows.map { row(fact, $0) })])
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
