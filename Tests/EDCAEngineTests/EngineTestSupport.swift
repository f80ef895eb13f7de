import Testing

@testable import EDCACore
@testable import EDCAEngine
@testable import EDCAJSON

/// Helpers shared by the engine tests: small control documents, inline snapshots, and evaluation.
///
/// Snapshot and check fragments are written as JSON, so a key path is spelled with escaped backslashes
/// (`HKLM\\SOFTWARE\\EDCA\\Test`); evidence shows it with single ones (`HKLM\SOFTWARE\EDCA\Test`).

/// The key most tests read, as JSON text and as evidence shows it.
enum TestKey {
    /// The path inside a JSON string.
    static let json = #"HKLM\\SOFTWARE\\EDCA\\Test"#
    /// The path as evidence prints it.
    static let shown = #"HKLM\SOFTWARE\EDCA\Test"#
}

/// A minimal valid control document (id EDCA-TST-001) around a `check`, one member per line.
///
/// Members sit on lines 2 to 15 in this order, so positions in problems are predictable: `check` is on line 15
/// and its value starts at column 12 when written on one line.
struct ControlDocument {
    /// The members, in document order, as raw JSON.
    var members: [(name: String, json: String)]

    /// Creates the document.
    init(check: String, roles: [String] = ["Mailbox", "Edge"]) {
        members = [
            ("id", #""EDCA-TST-001""#),
            ("title", #""Test control""#),
            ("description", #""A control used by the engine tests.""#),
            ("verify", "true"),
            ("subject", #""Server""#),
            ("category", #""Platform Security""#),
            ("severity", #""Medium""#),
            ("severityWeight", "5"),
            ("frameworks", #"["CIS"]"#),
            ("references", #"[{"name": "Doc", "url": "https://example.com/doc"}]"#),
            ("remediation", #"{"automatable": false, "description": "Fix it.", "scriptTemplate": ""}"#),
            ("considerations", #""""#),
            ("roles", "[" + roles.map { "\"\($0)\"" }.joined(separator: ", ") + "]"),
            ("check", check),
        ]
    }

    /// Replaces the JSON of a member (or adds it at the end).
    mutating func set(_ name: String, _ json: String) {
        if let index = members.firstIndex(where: { $0.name == name }) {
            members[index].json = json
        } else {
            members.append((name, json))
        }
    }

    /// Removes a member.
    mutating func remove(_ name: String) {
        members.removeAll { $0.name == name }
    }

    /// Renames a member, keeping its place and value.
    mutating func rename(_ name: String, to newName: String) {
        if let index = members.firstIndex(where: { $0.name == name }) {
            members[index].name = newName
        }
    }

    /// The document text.
    var text: String {
        "{\n" + members.map { "  \"\($0.name)\": \($0.json)" }.joined(separator: ",\n") + "\n}\n"
    }
}

/// Decodes a control whose check is `check`, recording the problems as an issue when it does not decode.
func makeControl(check: String, roles: [String] = ["Mailbox", "Edge"]) throws -> Control {
    try decodeControl(ControlDocument(check: check, roles: roles).text)
}

/// Decodes a control document, recording the problems as an issue when it does not decode.
func decodeControl(_ text: String) throws -> Control {
    do {
        return try Control(json: Array(text.utf8))
    } catch {
        Issue.record("control did not decode:\n\(error.problems.map(\.description).joined(separator: "\n"))")
        throw error
    }
}

/// The problems reported for a control document; empty when it decodes.
func controlProblems(_ text: String) -> [DecodingProblem] {
    do {
        _ = try Control(json: Array(text.utf8))
        return []
    } catch {
        return error.problems
    }
}

/// Decodes a snapshot, recording the problems as an issue when it does not load.
func makeSnapshot(_ json: String) throws -> RegistrySnapshot {
    do {
        return try RegistrySnapshot(json: Array(json.utf8))
    } catch {
        Issue.record("snapshot did not load:\n\(error.description)")
        throw error
    }
}

/// The problems reported for a snapshot document; empty when it loads.
func snapshotProblems(_ json: String) -> [DecodingProblem] {
    do {
        _ = try RegistrySnapshot(json: Array(json.utf8))
        return []
    } catch {
        return error.problems
    }
}

/// Evaluates a control with this check on this snapshot, for a host of this role.
func evaluate(check: String, on snapshot: String, role: ExchangeRole = .mailbox) throws -> Verdict {
    try makeControl(check: check).evaluate(on: try makeSnapshot(snapshot), role: role)
}

/// A value check on `Setting` of ``TestKey`` with the given rule members (`"equals": 1`, ...).
func settingCheck(_ rule: String) -> String {
    #"{"key": "\#(TestKey.json)", "value": "Setting", \#(rule)}"#
}

/// A snapshot whose ``TestKey`` holds `Setting` with this datum (`{"type": ..., "data": ...}`).
func snapshotWithSetting(_ datum: String) -> String {
    #"{"\#(TestKey.json)": {"Setting": \#(datum)}}"#
}

/// A `{"type": ..., "data": ...}` datum.
func datum(_ type: String, _ data: String) -> String {
    #"{"type": "\#(type)", "data": \#(data)}"#
}

/// A REG_DWORD datum.
func dword(_ number: UInt32) -> String {
    datum("REG_DWORD", "\(number)")
}

/// A REG_SZ datum.
func regSZ(_ text: String) -> String {
    datum("REG_SZ", "\"\(text)\"")
}

/// Where the first occurrence of `needle` starts in `text`, counted as the JSON parser counts (1-based line,
/// column in Unicode scalars).
func position(of needle: String, in text: String) -> SourcePosition? {
    guard let range = text.firstRange(of: needle) else { return nil }
    var line = 1
    var column = 1
    for scalar in text.unicodeScalars[..<range.lowerBound] {
        if scalar == "\n" {
            line += 1
            column = 1
        } else {
            column += 1
        }
    }
    return SourcePosition(line: line, column: column)
}
