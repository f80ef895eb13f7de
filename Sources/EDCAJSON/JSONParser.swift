/// A strict RFC 8259 JSON parser that records where every value starts.
///
/// It works on UTF-8 bytes without Foundation, never recurses (nesting is kept on an explicit stack and limited
/// by `maxDepth`), and reports the first problem with its line and column.
package enum JSONParser {
    /// Parses one complete JSON text (RFC 8259), rejecting anything else.
    ///
    /// - Parameters:
    ///   - bytes: The UTF-8 text; a byte-order mark is rejected.
    ///   - maxDepth: How many arrays and objects may nest inside each other.
    package static func parse(_ bytes: [UInt8], maxDepth: Int = 256) throws(JSONSyntaxError) -> JSONValue {
        var scanner = JSONScanner(bytes: bytes, maxDepth: maxDepth)
        return try scanner.parseDocument()
    }

    /// Parses one complete JSON text (RFC 8259) given as a string, rejecting anything else.
    package static func parse(_ text: String, maxDepth: Int = 256) throws(JSONSyntaxError) -> JSONValue {
        try parse(Array(text.utf8), maxDepth: maxDepth)
    }
}

/// The UTF-8 bytes the parser looks for.
private enum Byte {
    /// Horizontal tab, whitespace.
    static let tab: UInt8 = 0x09
    /// Line feed, whitespace that ends a line.
    static let lineFeed: UInt8 = 0x0A
    /// Carriage return, whitespace.
    static let carriageReturn: UInt8 = 0x0D
    /// Space, whitespace.
    static let space: UInt8 = 0x20
    /// `"`, which starts and ends a string.
    static let quote: UInt8 = 0x22
    /// `'`, which JSON does not use.
    static let apostrophe: UInt8 = 0x27
    /// `+`, allowed after an exponent marker.
    static let plus: UInt8 = 0x2B
    /// `,`, which separates elements and members.
    static let comma: UInt8 = 0x2C
    /// `-`, a number's sign.
    static let minus: UInt8 = 0x2D
    /// `.`, a number's decimal point.
    static let period: UInt8 = 0x2E
    /// `/`, which starts a comment in languages that are not JSON.
    static let slash: UInt8 = 0x2F
    /// `0`.
    static let zero: UInt8 = 0x30
    /// `9`.
    static let nine: UInt8 = 0x39
    /// `:`, which follows a member name.
    static let colon: UInt8 = 0x3A
    /// `E`, an exponent marker.
    static let uppercaseE: UInt8 = 0x45
    /// `[`, which opens an array.
    static let openBracket: UInt8 = 0x5B
    /// `\`, which starts an escape.
    static let backslash: UInt8 = 0x5C
    /// `]`, which closes an array.
    static let closeBracket: UInt8 = 0x5D
    /// `_`, part of a word in error messages.
    static let underscore: UInt8 = 0x5F
    /// `b`, the backspace escape.
    static let lowercaseB: UInt8 = 0x62
    /// `e`, an exponent marker.
    static let lowercaseE: UInt8 = 0x65
    /// `f`, the form feed escape.
    static let lowercaseF: UInt8 = 0x66
    /// `n`, the line feed escape.
    static let lowercaseN: UInt8 = 0x6E
    /// `r`, the carriage return escape.
    static let lowercaseR: UInt8 = 0x72
    /// `t`, the tab escape.
    static let lowercaseT: UInt8 = 0x74
    /// `u`, the UTF-16 code unit escape.
    static let lowercaseU: UInt8 = 0x75
    /// `{`, which opens an object.
    static let openBrace: UInt8 = 0x7B
    /// `}`, which closes an object.
    static let closeBrace: UInt8 = 0x7D

    /// Whether a byte is an ASCII decimal digit.
    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= zero && byte <= nine
    }

    /// Whether a byte is an ASCII letter.
    static func isLetter(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A
    }

    /// Whether a byte belongs to a word (letters, digits, underscore) quoted whole in error messages.
    static func isWordByte(_ byte: UInt8) -> Bool {
        isLetter(byte) || isDigit(byte) || byte == underscore
    }

    /// The value of an ASCII hexadecimal digit, or nil for any other byte.
    static func hexDigitValue(_ byte: UInt8) -> UInt16? {
        switch byte {
        case zero...nine: UInt16(byte - zero)
        case 0x41...0x46: UInt16(byte - 0x41 + 10)
        case 0x61...0x66: UInt16(byte - 0x61 + 10)
        default: nil
        }
    }
}

/// An array or object whose closing bracket the parser has not reached yet.
private struct OpenContainer {
    /// Whether this is an object (otherwise an array).
    var isObject: Bool
    /// Where the opening bracket is.
    var position: SourcePosition
    /// The elements read so far, for an array.
    var elements: [JSONValue] = []
    /// The members read so far, for an object.
    var members: [JSONMember] = []
    /// The name of the object member whose value is being read.
    var pendingName = ""
    /// Where the name of the object member whose value is being read is.
    var pendingNamePosition: SourcePosition
}

/// The parser's cursor over the bytes, with the bookkeeping that turns a byte offset into a line and column.
private struct JSONScanner {
    /// The whole text, as UTF-8.
    let bytes: [UInt8]
    /// How many arrays and objects may nest inside each other.
    let maxDepth: Int
    /// The offset of the next byte to read.
    var index = 0
    /// The 1-based line of `index`.
    var line = 1
    /// The offset where the current line starts.
    var lineStart = 0
    /// How many bytes on the current line before `index` continue a multi-byte character (do not count as columns).
    var continuationBytesOnLine = 0

    /// Creates a scanner at the start of a text.
    init(bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    /// The position of the next byte to read.
    var position: SourcePosition { position(at: index) }

    /// The position of a byte on the current line at or after `index` with only ASCII between.
    func position(at offset: Int) -> SourcePosition {
        SourcePosition(line: line, column: offset - lineStart - continuationBytesOnLine + 1)
    }

    // MARK: Document and containers

    /// Parses the whole text as exactly one value surrounded by optional whitespace.
    mutating func parseDocument() throws(JSONSyntaxError) -> JSONValue {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            throw JSONSyntaxError(
                message: "the document starts with a UTF-8 byte-order mark (bytes EF BB BF)",
                position: position,
                hint: "save the file as UTF-8 without a byte-order mark"
            )
        }
        skipWhitespace()
        if index == bytes.count {
            throw JSONSyntaxError(message: "the document is empty", position: SourcePosition(line: 1, column: 1))
        }
        var openContainers: [OpenContainer] = []
        while true {
            // Read one value; a non-empty array or object only opens here, and its first element comes next.
            guard var value = try parseValueOrOpenContainer(into: &openContainers) else { continue }
            // Hand the finished value to its container, closing every container it completes.
            while true {
                guard let innermost = openContainers.indices.last else {
                    try expectEndOfInput()
                    return value
                }
                skipWhitespace()
                let anotherFollows: Bool
                if openContainers[innermost].isObject {
                    let member = JSONMember(
                        name: openContainers[innermost].pendingName,
                        namePosition: openContainers[innermost].pendingNamePosition,
                        value: value
                    )
                    openContainers[innermost].members.append(member)
                    anotherFollows = try continueObject(&openContainers[innermost])
                } else {
                    openContainers[innermost].elements.append(value)
                    anotherFollows = try continueArray()
                }
                if anotherFollows { break }
                let container = openContainers.removeLast()
                let kind: JSONValue.Kind = container.isObject ? .object(container.members) : .array(container.elements)
                value = JSONValue(kind: kind, position: container.position)
            }
        }
    }

    /// Reads a complete scalar or empty container, or opens a non-empty container and returns nil.
    mutating func parseValueOrOpenContainer(
        into openContainers: inout [OpenContainer]
    ) throws(JSONSyntaxError) -> JSONValue? {
        skipWhitespace()
        guard index < bytes.count else { throw unexpected(expecting: "a value") }
        let start = position
        switch bytes[index] {
        case Byte.openBrace:
            try checkDepth(openContainers.count + 1, at: start)
            index += 1
            skipWhitespace()
            if index < bytes.count && bytes[index] == Byte.closeBrace {
                index += 1
                return JSONValue(kind: .object([]), position: start)
            }
            let (name, namePosition) = try parseMemberName(expecting: "a string member name or '}'")
            openContainers.append(
                OpenContainer(isObject: true, position: start, pendingName: name, pendingNamePosition: namePosition)
            )
            return nil
        case Byte.openBracket:
            try checkDepth(openContainers.count + 1, at: start)
            index += 1
            skipWhitespace()
            if index < bytes.count && bytes[index] == Byte.closeBracket {
                index += 1
                return JSONValue(kind: .array([]), position: start)
            }
            openContainers.append(OpenContainer(isObject: false, position: start, pendingNamePosition: start))
            return nil
        case Byte.quote:
            return JSONValue(kind: .string(try parseString()), position: start)
        case Byte.minus, Byte.zero...Byte.nine:
            return JSONValue(kind: .number(try parseNumber()), position: start)
        case let byte where Byte.isLetter(byte):
            return JSONValue(kind: try parseLiteralWord(), position: start)
        default:
            throw unexpected(expecting: "a value")
        }
    }

    /// Fails when opening a container would nest deeper than `maxDepth`.
    func checkDepth(_ depth: Int, at start: SourcePosition) throws(JSONSyntaxError) {
        if depth > maxDepth {
            throw JSONSyntaxError(message: "nesting deeper than \(maxDepth) levels", position: start)
        }
    }

    /// After an object member: reads `,` and the next name and colon (returning true), or `}` (returning false).
    mutating func continueObject(_ object: inout OpenContainer) throws(JSONSyntaxError) -> Bool {
        guard index < bytes.count else { throw unexpected(expecting: "',' or '}' after an object member") }
        switch bytes[index] {
        case Byte.comma:
            let commaPosition = position
            index += 1
            skipWhitespace()
            if index < bytes.count && bytes[index] == Byte.closeBrace {
                throw JSONSyntaxError(message: "trailing comma after the last object member", position: commaPosition)
            }
            let (name, namePosition) = try parseMemberName(expecting: "a string member name after ','")
            object.pendingName = name
            object.pendingNamePosition = namePosition
            return true
        case Byte.closeBrace:
            index += 1
            return false
        default:
            throw unexpected(expecting: "',' or '}' after an object member")
        }
    }

    /// After an array element: reads `,` (returning true) or `]` (returning false).
    mutating func continueArray() throws(JSONSyntaxError) -> Bool {
        guard index < bytes.count else { throw unexpected(expecting: "',' or ']' after an array element") }
        switch bytes[index] {
        case Byte.comma:
            let commaPosition = position
            index += 1
            skipWhitespace()
            if index < bytes.count && bytes[index] == Byte.closeBracket {
                throw JSONSyntaxError(message: "trailing comma after the last array element", position: commaPosition)
            }
            return true
        case Byte.closeBracket:
            index += 1
            return false
        default:
            throw unexpected(expecting: "',' or ']' after an array element")
        }
    }

    /// Reads a member name and the colon after it, with the whitespace around them.
    mutating func parseMemberName(
        expecting expectation: String
    ) throws(JSONSyntaxError) -> (name: String, position: SourcePosition) {
        guard index < bytes.count && bytes[index] == Byte.quote else { throw unexpected(expecting: expectation) }
        let namePosition = position
        let name = try parseString()
        skipWhitespace()
        guard index < bytes.count && bytes[index] == Byte.colon else {
            throw unexpected(expecting: "':' after an object member name")
        }
        index += 1
        return (name, namePosition)
    }

    /// Fails unless only whitespace follows the top-level value.
    mutating func expectEndOfInput() throws(JSONSyntaxError) {
        skipWhitespace()
        if index < bytes.count {
            throw unexpected(expecting: "end of input after the top-level value")
        }
    }

    /// Skips spaces, tabs, carriage returns and line feeds, counting lines.
    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case Byte.space, Byte.tab, Byte.carriageReturn:
                index += 1
            case Byte.lineFeed:
                index += 1
                line += 1
                lineStart = index
                continuationBytesOnLine = 0
            default:
                return
            }
        }
    }

    // MARK: Scalars

    /// Reads `true`, `false` or `null`; any other word is an error that quotes the whole word.
    mutating func parseLiteralWord() throws(JSONSyntaxError) -> JSONValue.Kind {
        var end = index
        while end < bytes.count && Byte.isWordByte(bytes[end]) {
            end += 1
        }
        let word = bytes[index..<end]
        let kind: JSONValue.Kind
        if word.elementsEqual("true".utf8) {
            kind = .bool(true)
        } else if word.elementsEqual("false".utf8) {
            kind = .bool(false)
        } else if word.elementsEqual("null".utf8) {
            kind = .null
        } else {
            throw unexpected(expecting: "a value")
        }
        index = end
        return kind
    }

    /// Reads a number, rejecting leading zeros and a missing integer, fraction or exponent digit.
    mutating func parseNumber() throws(JSONSyntaxError) -> JSONNumber {
        let start = index
        if bytes[index] == Byte.minus {
            index += 1
        }
        guard index < bytes.count && Byte.isDigit(bytes[index]) else {
            throw unexpected(expecting: "a digit after '-'")
        }
        if bytes[index] == Byte.zero {
            if index + 1 < bytes.count && Byte.isDigit(bytes[index + 1]) {
                throw JSONSyntaxError(message: "leading zeros are not allowed in numbers", position: position)
            }
            index += 1
        } else {
            skipDigits()
        }
        if index < bytes.count && bytes[index] == Byte.period {
            index += 1
            guard index < bytes.count && Byte.isDigit(bytes[index]) else {
                throw unexpected(expecting: "a digit after the decimal point")
            }
            skipDigits()
        }
        if index < bytes.count && (bytes[index] == Byte.lowercaseE || bytes[index] == Byte.uppercaseE) {
            index += 1
            if index < bytes.count && (bytes[index] == Byte.plus || bytes[index] == Byte.minus) {
                index += 1
            }
            guard index < bytes.count && Byte.isDigit(bytes[index]) else {
                throw unexpected(expecting: "a digit in the exponent")
            }
            skipDigits()
        }
        return JSONNumber(literal: String(decoding: bytes[start..<index], as: UTF8.self))
    }

    /// Skips a run of ASCII digits.
    mutating func skipDigits() {
        while index < bytes.count && Byte.isDigit(bytes[index]) {
            index += 1
        }
    }

    /// Reads a string starting at its opening quote, validating UTF-8 and decoding escapes.
    mutating func parseString() throws(JSONSyntaxError) -> String {
        let openingQuote = position
        index += 1
        var runStart = index
        // Only strings with escapes are copied; the others are decoded straight from the bytes.
        var unescaped: [UInt8] = []
        var hasEscapes = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == Byte.quote {
                let text: String
                if hasEscapes {
                    unescaped.append(contentsOf: bytes[runStart..<index])
                    text = String(decoding: unescaped, as: UTF8.self)
                } else {
                    text = String(decoding: bytes[runStart..<index], as: UTF8.self)
                }
                index += 1
                return text
            } else if byte == Byte.backslash {
                hasEscapes = true
                unescaped.append(contentsOf: bytes[runStart..<index])
                try parseEscape(into: &unescaped)
                runStart = index
            } else if byte < 0x20 {
                throw JSONSyntaxError(
                    message: "unescaped control character \(Self.codePoint(UInt32(byte))) in a string",
                    position: position
                )
            } else if byte < 0x80 {
                index += 1
            } else {
                guard let length = utf8SequenceLength(at: index) else { throw invalidUTF8() }
                index += length
                continuationBytesOnLine += length - 1
            }
        }
        throw JSONSyntaxError(message: "unterminated string that starts at \(openingQuote)", position: position)
    }

    /// Decodes the escape at `index` (a backslash) into UTF-8 and moves past it.
    ///
    /// A backslash at the very end moves to the end, so the caller reports an unterminated string.
    mutating func parseEscape(into unescaped: inout [UInt8]) throws(JSONSyntaxError) {
        guard index + 1 < bytes.count else {
            index = bytes.count
            return
        }
        let escaped = bytes[index + 1]
        let decoded: UInt8
        switch escaped {
        case Byte.quote, Byte.backslash, Byte.slash: decoded = escaped
        case Byte.lowercaseB: decoded = 0x08
        case Byte.lowercaseF: decoded = 0x0C
        case Byte.lowercaseN: decoded = Byte.lineFeed
        case Byte.lowercaseR: decoded = Byte.carriageReturn
        case Byte.lowercaseT: decoded = Byte.tab
        case Byte.lowercaseU:
            let scalar = try parseUnicodeEscape()
            Unicode.UTF8.encode(scalar) { unescaped.append($0) }
            return
        default:
            if escaped >= 0x80 && utf8SequenceLength(at: index + 1) == nil {
                throw invalidUTF8(at: index + 1)
            }
            throw JSONSyntaxError(
                message: "invalid escape: \(describe(at: index + 1, wholeWord: false)) after a backslash",
                position: position
            )
        }
        unescaped.append(decoded)
        index += 2
    }

    /// Decodes a `\uXXXX` escape at `index`, or a surrogate pair of two, and moves past it.
    mutating func parseUnicodeEscape() throws(JSONSyntaxError) -> Unicode.Scalar {
        let unit = try hexCodeUnit(escapeAt: index)
        switch unit {
        case 0xD800...0xDBFF:
            let nextEscape = index + 6
            guard
                nextEscape + 1 < bytes.count,
                bytes[nextEscape] == Byte.backslash,
                bytes[nextEscape + 1] == Byte.lowercaseU
            else {
                throw JSONSyntaxError(
                    message: "lone UTF-16 high surrogate '\(escapeText(at: index))' is not followed by a low surrogate",
                    position: position
                )
            }
            let low = try hexCodeUnit(escapeAt: nextEscape)
            guard (0xDC00...0xDFFF).contains(low) else {
                throw JSONSyntaxError(
                    message: "UTF-16 high surrogate '\(escapeText(at: index))' is followed by "
                        + "'\(escapeText(at: nextEscape))', which is not a low surrogate",
                    position: position
                )
            }
            let value = 0x10000 + (UInt32(unit - 0xD800) << 10) + UInt32(low - 0xDC00)
            index += 12
            return Unicode.Scalar(value) ?? "\u{FFFD}"
        case 0xDC00...0xDFFF:
            throw JSONSyntaxError(
                message: "lone UTF-16 low surrogate '\(escapeText(at: index))' has no high surrogate before it",
                position: position
            )
        default:
            index += 6
            return Unicode.Scalar(unit) ?? "\u{FFFD}"
        }
    }

    /// Reads the four hex digits of the `\u` escape whose backslash is at `offset` (on the current line).
    func hexCodeUnit(escapeAt offset: Int) throws(JSONSyntaxError) -> UInt16 {
        var unit: UInt16 = 0
        for digitOffset in offset + 2..<offset + 6 {
            guard digitOffset < bytes.count, let digit = Byte.hexDigitValue(bytes[digitOffset]) else {
                throw JSONSyntaxError(
                    message: "invalid \\u escape: expected four hexadecimal digits after '\\u'",
                    position: position(at: offset)
                )
            }
            unit = unit << 4 | digit
        }
        return unit
    }

    /// The source text of the complete `\uXXXX` escape at `offset`.
    func escapeText(at offset: Int) -> String {
        String(decoding: bytes[offset..<min(offset + 6, bytes.count)], as: UTF8.self)
    }

    // MARK: UTF-8 and error messages

    /// The length of the well-formed UTF-8 sequence at `offset`, or nil when it is not well-formed.
    func utf8SequenceLength(at offset: Int) -> Int? {
        func continues(_ position: Int, within range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool {
            position < bytes.count && range.contains(bytes[position])
        }
        switch bytes[offset] {
        case 0x00...0x7F:
            return 1
        case 0xC2...0xDF:
            return continues(offset + 1) ? 2 : nil
        case 0xE0:
            return continues(offset + 1, within: 0xA0...0xBF) && continues(offset + 2) ? 3 : nil
        case 0xE1...0xEC, 0xEE...0xEF:
            return continues(offset + 1) && continues(offset + 2) ? 3 : nil
        case 0xED:
            return continues(offset + 1, within: 0x80...0x9F) && continues(offset + 2) ? 3 : nil
        case 0xF0:
            return continues(offset + 1, within: 0x90...0xBF) && continues(offset + 2) && continues(offset + 3)
                ? 4 : nil
        case 0xF1...0xF3:
            return continues(offset + 1) && continues(offset + 2) && continues(offset + 3) ? 4 : nil
        case 0xF4:
            return continues(offset + 1, within: 0x80...0x8F) && continues(offset + 2) && continues(offset + 3)
                ? 4 : nil
        default:
            return nil
        }
    }

    /// The error for the malformed UTF-8 sequence starting at `offset` (on the current line).
    func invalidUTF8(at offset: Int? = nil) -> JSONSyntaxError {
        let offset = offset ?? index
        let hex = String(bytes[offset], radix: 16, uppercase: true)
        return JSONSyntaxError(
            message: "invalid UTF-8 byte 0x\(hex.count < 2 ? "0" + hex : hex)",
            position: position(at: offset),
            hint: "save the file as UTF-8"
        )
    }

    /// The error for an unexpected character (or end of input) at `index`, where `expectation` should be.
    func unexpected(expecting expectation: String) -> JSONSyntaxError {
        guard index < bytes.count else {
            return JSONSyntaxError(message: "expected \(expectation), found end of input", position: position)
        }
        let byte = bytes[index]
        if byte == 0xC2 && index + 1 < bytes.count && bytes[index + 1] == 0xA0 {
            return JSONSyntaxError(
                message: "U+00A0 no-break space is not allowed outside strings",
                position: position,
                hint: "replace no-break spaces with ordinary spaces, for example with: "
                    + #"sed -i 's/\xc2\xa0/ /g' FILE"#
            )
        }
        if byte >= 0x80 && utf8SequenceLength(at: index) == nil {
            return invalidUTF8()
        }
        let hint: String? =
            switch byte {
            case Byte.slash: "JSON does not allow comments"
            case Byte.apostrophe: "JSON strings and member names use double quotes"
            default: nil
            }
        return JSONSyntaxError(
            message: "expected \(expectation), found \(describe(at: index, wholeWord: true))",
            position: position,
            hint: hint
        )
    }

    /// Shows the well-formed character at `offset` for a message: quoted when printable, as U+XXXX otherwise.
    ///
    /// With `wholeWord`, a letter, digit or underscore is shown with the rest of its word, like 'NaN'.
    func describe(at offset: Int, wholeWord: Bool) -> String {
        let byte = bytes[offset]
        if wholeWord && Byte.isWordByte(byte) {
            let longestShown = 24
            var end = offset
            while end < bytes.count && Byte.isWordByte(bytes[end]) && end - offset < longestShown {
                end += 1
            }
            let isCut = end < bytes.count && Byte.isWordByte(bytes[end])
            return "'\(String(decoding: bytes[offset..<end], as: UTF8.self))\(isCut ? "..." : "")'"
        }
        if byte == Byte.apostrophe {
            return "\"'\""
        }
        if byte >= 0x20 && byte < 0x7F {
            return "'\(Character(Unicode.Scalar(byte)))'"
        }
        let length = utf8SequenceLength(at: offset) ?? 1
        let text = String(decoding: bytes[offset..<offset + length], as: UTF8.self)
        guard let scalar = text.unicodeScalars.first else { return Self.codePoint(UInt32(byte)) }
        let codePoint = Self.codePoint(scalar.value)
        return Self.isPrintable(scalar) ? "'\(text)' (\(codePoint))" : codePoint
    }

    /// Whether a non-ASCII scalar shows as a visible character on its own.
    static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .spaceSeparator, .lineSeparator,
            .paragraphSeparator, .nonspacingMark, .spacingMark, .enclosingMark:
            false
        default:
            true
        }
    }

    /// A code point written as U+XXXX, with at least four hexadecimal digits.
    static func codePoint(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
