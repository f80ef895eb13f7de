package import EDCAJSON

/// A service's name (not its display name), compared ignoring case as Windows compares it. Service names are
/// ASCII letters, digits, `_`, `.` and `-` (``ServiceSnapshot/problem(withName:)``).
package struct ServiceName: Sendable, Hashable, CustomStringConvertible {
    /// The name as written.
    package let text: String
    /// The lower-cased form used for comparison.
    package let folded: String

    /// Creates a name from its text.
    package init(_ text: String) {
        self.text = text
        self.folded = text.lowercased()
    }

    package var description: String { text }

    package static func == (lhs: ServiceName, rhs: ServiceName) -> Bool { lhs.folded == rhs.folded }

    package func hash(into hasher: inout Hasher) { hasher.combine(folded) }
}

/// What Windows reports for one service or kernel driver (`Win32_BaseService`).
package struct ServiceFacts: Sendable, Hashable {
    /// The run state as Windows names it: `Running`, `Stopped`, `Paused`, ...
    package var state: String
    /// The start mode as Windows names it: `Auto`, `Manual`, `Disabled`, `Boot`, `System`.
    package var startMode: String

    /// Creates the facts of one service.
    package init(state: String, startMode: String) {
        self.state = state
        self.startMode = startMode
    }
}

/// What a host says about one service.
package enum ServiceState: Sendable, Hashable {
    /// The service is installed.
    case present(ServiceFacts)
    /// No service of that name is installed.
    case absent
    /// The service exists but its configuration cannot be read by the probe's account.
    case denied
}

/// The services read on a host, by name (names compare ignoring case). A service a snapshot does not list is not
/// installed.
package struct ServiceSnapshot: Sendable {
    /// The fields of a service a check may name, in the order they are written.
    package static let fieldNames = ["state", "startMode"]

    private var entries: [String: (name: String, state: ServiceState)] = [:]

    /// Creates an empty snapshot.
    package init() {}

    /// Whether no service was recorded.
    package var isEmpty: Bool { entries.isEmpty }

    /// Records what the host says about one service.
    package mutating func set(_ name: String, _ state: ServiceState) {
        entries[name.lowercased()] = (name, state)
    }

    /// What the snapshot says about a service: recorded, or absent.
    package func state(of name: String) -> ServiceState {
        entries[name.lowercased()]?.state ?? .absent
    }

    /// Decodes the `services` member of a snapshot: `{"NAME": {"state": "Running", "startMode": "Auto"}}`, with
    /// `"absent"` for a service that is not installed and `null` for one that cannot be read.
    ///
    /// - Throws: ``SnapshotError`` listing every malformed service.
    package init(document: JSONValue) throws(SnapshotError) {
        var problems: [DecodingProblem] = []
        guard case .object(let members) = document.kind else {
            throw SnapshotError(problems: [
                JSONRead.mismatch(document, "services", expected: "an object whose members are service names")
            ])
        }
        var snapshot = ServiceSnapshot()
        for member in members {
            let field = "services.\(member.name)"
            if let problem = Self.problem(withName: member.name) {
                problems.append(DecodingProblem(position: member.namePosition, field: field, message: problem))
                continue
            }
            if let state = Self.decodeState(member.value, field: field, problems: &problems) {
                snapshot.set(member.name, state)
            }
        }
        if !problems.isEmpty { throw SnapshotError(problems: problems) }
        self = snapshot
    }

    /// Decodes one service: an object with `state` and `startMode`, `"absent"`, or `null` (unreadable).
    package static func decodeState(
        _ value: JSONValue, field: String, problems: inout [DecodingProblem]
    ) -> ServiceState? {
        switch value.kind {
        case .null: return .denied
        case .string("absent"): return .absent
        case .object:
            let problemsBefore = problems.count
            guard var reader = JSONObjectReader(value, path: field, problems: &problems) else { return nil }
            let state = reader.require("state", problems: &problems).flatMap {
                JSONRead.nonEmptyString($0, reader.path(of: "state"), &problems)
            }
            let startMode = reader.require("startMode", problems: &problems).flatMap {
                JSONRead.nonEmptyString($0, reader.path(of: "startMode"), &problems)
            }
            reader.reportUnknownFields(knownNames: fieldNames, problems: &problems)
            guard let state, let startMode, problems.count == problemsBefore else { return nil }
            return .present(ServiceFacts(state: state, startMode: startMode))
        default:
            problems.append(
                JSONRead.mismatch(
                    value, field,
                    expected: "an object with state and startMode, \"absent\", or null for an unreadable service"))
            return nil
        }
    }

    /// Why a text is not a service name, or nil: Windows service names are letters, digits, `_`, `.` and `-`.
    package static func problem(withName name: String) -> String? {
        let allowed = name.unicodeScalars.allSatisfy { scalar in
            (scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)))
                || scalar == "_" || scalar == "." || scalar == "-"
        }
        if name.isEmpty || name.count > 256 || !allowed {
            return "a service name is 1 to 256 letters, digits, '_', '.' or '-', found \"\(name)\""
        }
        return nil
    }

    /// The snapshot as the `services` member, sorted by name ignoring case.
    package func jsonDocument() -> JSONOutput {
        .object(
            entries.sorted { $0.key < $1.key }.map { _, entry in
                let value: JSONOutput =
                    switch entry.state {
                    case .present(let facts):
                        .object([("state", .string(facts.state)), ("startMode", .string(facts.startMode))])
                    case .absent: .string("absent")
                    case .denied: .null
                    }
                return (entry.name, value)
            })
    }
}
