/// A 1-based line and column in a source text; the column counts Unicode scalars, not bytes.
package struct SourcePosition: Sendable, Hashable, CustomStringConvertible {
    /// The 1-based line number; lines are split on LF.
    package var line: Int
    /// The 1-based column, counted in Unicode scalars from the start of the line.
    package var column: Int

    /// Creates a position from a 1-based line and column.
    package init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// The position as `line:column`, the way compilers print it.
    package var description: String { "\(line):\(column)" }
}

/// A JSON number kept as its literal text, so integers up to UInt64.max stay exact.
///
/// Two numbers are equal when their literals are equal, so `1` and `1.0` differ.
package struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The number exactly as written in the source, for example `-12.5e3`.
    package var literal: String

    /// Creates a number from its JSON literal text.
    package init(literal: String) {
        self.literal = literal
    }

    /// The value of a plain non-negative integer literal (no minus, fraction or exponent) that fits in UInt64.
    package var unsignedValue: UInt64? {
        let digits = literal.utf8
        guard !digits.isEmpty, digits.allSatisfy(Self.isDigit) else { return nil }
        return UInt64(literal)
    }

    /// The value of an integer literal (optional minus, no fraction or exponent) that fits in Int64.
    package var integerValue: Int64? {
        let digits = literal.utf8.first == Self.minus ? literal.utf8.dropFirst() : literal.utf8[...]
        guard !digits.isEmpty, digits.allSatisfy(Self.isDigit) else { return nil }
        return Int64(literal)
    }

    /// Whether the literal has no fraction and no exponent.
    package var isInteger: Bool {
        !literal.utf8.contains { $0 == Self.decimalPoint || $0 == Self.lowercaseE || $0 == Self.uppercaseE }
    }

    /// The literal text.
    package var description: String { literal }

    /// The byte of `-` in UTF-8.
    private static let minus = UInt8(ascii: "-")
    /// The byte of `.` in UTF-8.
    private static let decimalPoint = UInt8(ascii: ".")
    /// The byte of `e` in UTF-8.
    private static let lowercaseE = UInt8(ascii: "e")
    /// The byte of `E` in UTF-8.
    private static let uppercaseE = UInt8(ascii: "E")

    /// Whether a UTF-8 byte is an ASCII decimal digit.
    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}

/// One parsed JSON value with the position where it starts.
package struct JSONValue: Sendable {
    /// What a JSON value is, with its contents.
    package enum Kind: Sendable {
        /// The literal `null`.
        case null
        /// The literal `true` or `false`.
        case bool(Bool)
        /// A number, kept as its literal text.
        case number(JSONNumber)
        /// A string, with its escapes decoded.
        case string(String)
        /// An array, with its elements in source order.
        case array([JSONValue])
        /// An object, with its members in source order, duplicates included.
        case object([JSONMember])
    }

    /// What the value is.
    package var kind: Kind
    /// Where the value's first character is.
    package var position: SourcePosition

    /// Creates a value of a kind starting at a position.
    package init(kind: Kind, position: SourcePosition) {
        self.kind = kind
        self.position = position
    }

    /// The JSON name of the value's type, for error messages: "null", "boolean", "number", "string", "array"
    /// or "object".
    package var typeName: String {
        switch kind {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

/// One member of a JSON object, in source order; duplicates are kept (callers decide what a duplicate means).
package struct JSONMember: Sendable {
    /// The member name, with its escapes decoded.
    package var name: String
    /// Where the member name's opening quote is.
    package var namePosition: SourcePosition
    /// The member's value.
    package var value: JSONValue

    /// Creates a member from its name, the name's position and its value.
    package init(name: String, namePosition: SourcePosition, value: JSONValue) {
        self.name = name
        self.namePosition = namePosition
        self.value = value
    }
}

/// Why a text is not valid JSON, and where.
package struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, for example "expected ',' or '}' after an object member, found 'x'".
    package var message: String
    /// Where the offending character is; just past the last character for an unexpected end of input.
    package var position: SourcePosition
    /// Extra advice on how to fix the text, when there is any.
    package var hint: String?

    /// Creates an error from a message, a position and optional advice.
    package init(message: String, position: SourcePosition, hint: String? = nil) {
        self.message = message
        self.position = position
        self.hint = hint
    }

    /// The error as `line:column: message`, followed by ` (hint)` when there is a hint.
    package var description: String {
        let located = "\(position): \(message)"
        guard let hint else { return located }
        return "\(located) (\(hint))"
    }
}
