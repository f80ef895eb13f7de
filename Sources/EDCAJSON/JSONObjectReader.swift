/// One problem found while turning a JSON document into typed values: where, which field, and what was expected.
package struct DecodingProblem: Sendable, Equatable, CustomStringConvertible {
    /// Where in the document the problem is, when known.
    package var position: SourcePosition?
    /// The field's path from the document root, such as `check.all[1].equals`; empty for the document itself.
    package var field: String
    /// What is wrong, and what was expected.
    package var message: String

    /// Creates a problem.
    package init(position: SourcePosition?, field: String, message: String) {
        self.position = position
        self.field = field
        self.message = message
    }

    /// `line:column: field: message`, leaving out the parts that are unknown.
    package var description: String {
        var parts: [String] = []
        if let position { parts.append(position.description) }
        if !field.isEmpty { parts.append(field) }
        parts.append(message)
        return parts.joined(separator: ": ")
    }
}

/// A JSON object being decoded: members are taken by name, and the members left at the end are reported as
/// unknown fields, with a suggestion when one is close to a known name.
package struct JSONObjectReader {
    /// The object's path, used as the prefix of every problem.
    package let path: String
    /// Where the object starts.
    package let position: SourcePosition
    private var members: [String: JSONMember] = [:]
    private var order: [String] = []

    /// Starts reading `value` as an object, or reports that it is not one and returns nil.
    package init?(_ value: JSONValue, path: String, problems: inout [DecodingProblem]) {
        guard case .object(let list) = value.kind else {
            problems.append(
                DecodingProblem(
                    position: value.position, field: path, message: "expected an object, found \(value.typeName)"))
            return nil
        }
        self.path = path
        self.position = value.position
        for member in list {
            if members[member.name] != nil {
                problems.append(
                    DecodingProblem(
                        position: member.namePosition, field: Self.join(path, member.name),
                        message: "duplicate field"))
                continue
            }
            members[member.name] = member
            order.append(member.name)
        }
    }

    /// The path of a member of this object.
    package func path(of name: String) -> String { Self.join(path, name) }

    /// Whether the object has a member with this exact name (not yet taken).
    package func has(_ name: String) -> Bool { members[name] != nil }

    /// The names of the members not yet taken, in document order.
    package var remainingNames: [String] { order.filter { members[$0] != nil } }

    /// Takes the member with this name, if present.
    package mutating func take(_ name: String) -> JSONValue? {
        members.removeValue(forKey: name)?.value
    }

    /// Takes a required member, reporting its absence.
    package mutating func require(_ name: String, problems: inout [DecodingProblem]) -> JSONValue? {
        guard let value = take(name) else {
            problems.append(DecodingProblem(position: position, field: path(of: name), message: "missing field"))
            return nil
        }
        return value
    }

    /// Reports every member not taken as an unknown field, suggesting the closest of `knownNames`.
    package func reportUnknownFields(knownNames: [String], problems: inout [DecodingProblem]) {
        for name in remainingNames {
            guard let member = members[name] else { continue }
            var message = "unknown field"
            if knownNames.contains(name) {
                message = "field not allowed here"
            } else if let suggestion = closestName(to: name, among: knownNames) {
                message += " (did you mean '\(suggestion)'?)"
            }
            problems.append(DecodingProblem(position: member.namePosition, field: path(of: name), message: message))
        }
    }

    /// A member's path below `path`.
    package static func join(_ path: String, _ name: String) -> String {
        path.isEmpty ? name : path + "." + name
    }
}

/// Typed readings of JSON values that report a problem and return nil when the type is wrong.
package enum JSONRead {
    /// The value as a string, or a type problem.
    package static func string(_ value: JSONValue, _ path: String, _ problems: inout [DecodingProblem]) -> String? {
        if case .string(let text) = value.kind { return text }
        problems.append(mismatch(value, path, expected: "a string"))
        return nil
    }

    /// The value as a string with something other than blanks in it, or a problem.
    package static func nonEmptyString(_ value: JSONValue, _ path: String, _ problems: inout [DecodingProblem])
        -> String?
    {
        guard let text = string(value, path, &problems) else { return nil }
        if text.trimmingBlanks().isEmpty {
            problems.append(DecodingProblem(position: value.position, field: path, message: "must not be empty"))
            return nil
        }
        return text
    }

    /// The value as true or false, or a type problem.
    package static func bool(_ value: JSONValue, _ path: String, _ problems: inout [DecodingProblem]) -> Bool? {
        if case .bool(let flag) = value.kind { return flag }
        problems.append(mismatch(value, path, expected: "true or false"))
        return nil
    }

    /// The value as an integer, or a type problem.
    package static func integer(_ value: JSONValue, _ path: String, _ problems: inout [DecodingProblem]) -> Int64? {
        if case .number(let number) = value.kind, let integer = number.integerValue { return integer }
        problems.append(mismatch(value, path, expected: "an integer"))
        return nil
    }

    /// The value as an array, or a type problem.
    package static func array(_ value: JSONValue, _ path: String, _ problems: inout [DecodingProblem]) -> [JSONValue]? {
        if case .array(let items) = value.kind { return items }
        problems.append(mismatch(value, path, expected: "an array"))
        return nil
    }

    /// An array of strings, each non-empty and, ignoring case, unique.
    package static func stringList(_ value: JSONValue, _ path: String, _ problems: inout [DecodingProblem]) -> [String]?
    {
        guard let items = array(value, path, &problems) else { return nil }
        var result: [String] = []
        var seen: Set<String> = []
        var valid = true
        for (index, item) in items.enumerated() {
            let itemPath = "\(path)[\(index)]"
            guard let text = nonEmptyString(item, itemPath, &problems) else {
                valid = false
                continue
            }
            if !seen.insert(text.lowercased()).inserted {
                problems.append(
                    DecodingProblem(position: item.position, field: itemPath, message: "duplicate '\(text)'"))
                valid = false
            }
            result.append(text)
        }
        return valid ? result : nil
    }

    /// The problem "expected X, found Y" for a value of the wrong type.
    package static func mismatch(_ value: JSONValue, _ path: String, expected: String) -> DecodingProblem {
        DecodingProblem(position: value.position, field: path, message: "expected \(expected), found \(value.typeName)")
    }
}

/// The known name closest to a misspelled one, when it is close enough to be a likely typo.
package func closestName(to name: String, among knownNames: [String]) -> String? {
    let lowered = name.lowercased()
    var best: (name: String, distance: Int)?
    for candidate in knownNames {
        let distance = editDistance(lowered, candidate.lowercased())
        if distance <= max(2, candidate.count / 3), distance < (best?.distance ?? Int.max) {
            best = (candidate, distance)
        }
    }
    return best?.name
}

private func editDistance(_ lhs: String, _ rhs: String) -> Int {
    let left = Array(lhs.unicodeScalars)
    let right = Array(rhs.unicodeScalars)
    if left.isEmpty { return right.count }
    var previous = Array(0...right.count)
    var current = previous
    for i in 1...left.count {
        current[0] = i
        for j in stride(from: 1, through: right.count, by: 1) {
            let cost = left[i - 1] == right[j - 1] ? 0 : 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        }
        swap(&previous, &current)
    }
    return previous[right.count]
}

extension String {
    /// The string without leading and trailing spaces, tabs and line breaks.
    package func trimmingBlanks() -> Substring {
        let scalars = unicodeScalars
        let isBlank: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = scalars.firstIndex(where: { !isBlank($0) }),
            let last = scalars.lastIndex(where: { !isBlank($0) })
        else {
            return ""
        }
        return Substring(scalars[first...last])
    }
}
