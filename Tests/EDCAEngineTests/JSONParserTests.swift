import Testing

@testable import EDCACore
@testable import EDCAEngine
@testable import EDCAJSON

/// Tests for the strict, position-tracking JSON parser.
@Suite struct JSONParserTests {
    // MARK: Valid documents

    @Test(arguments: [
        ("null", "null"), ("true", "boolean"), ("false", "boolean"), ("-1.5", "number"), (#""text""#, "string"),
        ("[]", "array"), ("{}", "object"),
    ])
    func topLevelValueOfEveryKind(text: String, typeName: String) throws {
        let value = try JSONParser.parse(" \t\r\n  \(text) \t\r\n")
        #expect(value.typeName == typeName)
        #expect(value.position == SourcePosition(line: 2, column: 3))
    }

    @Test func scalarKindsCarryTheirContents() throws {
        let value = try JSONParser.parse(#"[null, true, false, 7, "s"]"#)
        let items = try #require(elements(of: value))
        #expect(items.count == 5)
        guard case .null = items[0].kind else {
            Issue.record("expected null, got \(items[0].typeName)")
            return
        }
        guard case .bool(true) = items[1].kind, case .bool(false) = items[2].kind else {
            Issue.record("expected true and false, got \(items[1].kind) and \(items[2].kind)")
            return
        }
        #expect(number(of: items[3])?.literal == "7")
        #expect(string(of: items[4]) == "s")
    }

    @Test func multiLineDocumentRecordsWhereEveryValueAndNameStarts() throws {
        let text = #"""
            {
              "name": "edca",
              "count": 3,
              "ok": true,
              "nothing": null,
              "list": [1, -2.5e3, "x"],
              "nested": {"deep": {}}
            }
            """#
        let root = try JSONParser.parse(text)
        #expect(root.position == SourcePosition(line: 1, column: 1))
        let rootMembers = try #require(members(of: root))
        #expect(rootMembers.map(\.name) == ["name", "count", "ok", "nothing", "list", "nested"])
        #expect(rootMembers.map(\.namePosition.line) == [2, 3, 4, 5, 6, 7])
        #expect(rootMembers.allSatisfy { $0.namePosition.column == 3 })
        #expect(rootMembers.map(\.value.position.description) == ["2:11", "3:12", "4:9", "5:14", "6:11", "7:13"])
        #expect(rootMembers.map(\.value.typeName) == ["string", "number", "boolean", "null", "array", "object"])
        #expect(string(of: rootMembers[0].value) == "edca")

        let list = try #require(elements(of: rootMembers[4].value))
        #expect(list.map(\.position.description) == ["6:12", "6:15", "6:23"])
        #expect(number(of: list[1])?.literal == "-2.5e3")
        #expect(string(of: list[2]) == "x")

        let nested = try #require(members(of: rootMembers[5].value))
        #expect(nested.map(\.name) == ["deep"])
        #expect(nested[0].namePosition == SourcePosition(line: 7, column: 14))
        #expect(nested[0].value.position == SourcePosition(line: 7, column: 22))
        #expect(members(of: nested[0].value)?.isEmpty == true)
    }

    @Test func crLfCountsAsOneLineBreak() throws {
        let root = try JSONParser.parse("{\r\n  \"a\": 1,\r\n  \"b\": [\r\n    2\r\n  ]\r\n}\r\n")
        let rootMembers = try #require(members(of: root))
        #expect(rootMembers.map(\.namePosition.description) == ["2:3", "3:3"])
        #expect(rootMembers.map(\.value.position.description) == ["2:8", "3:8"])
        #expect(elements(of: rootMembers[1].value)?.first?.position == SourcePosition(line: 4, column: 5))
    }

    @Test func columnsCountUnicodeScalarsNotBytes() throws {
        let value = try JSONParser.parse("[\"é😀\u{A0}\", 1, \"ü\",\n \"日本\", 2]")
        let items = try #require(elements(of: value))
        #expect(items.map(\.position.description) == ["1:2", "1:9", "1:12", "2:2", "2:8"])
        #expect(string(of: items[0]) == "é😀\u{A0}")
        #expect(string(of: items[3]) == "日本")
    }

    @Test func duplicateMembersAreKeptInSourceOrder() throws {
        let root = try JSONParser.parse(#"{"a": 1, "b": 2, "a": 3}"#)
        let rootMembers = try #require(members(of: root))
        #expect(rootMembers.map(\.name) == ["a", "b", "a"])
        #expect(rootMembers.map { number(of: $0.value)?.literal } == ["1", "2", "3"])
        #expect(rootMembers.map(\.namePosition.description) == ["1:2", "1:10", "1:18"])
    }

    @Test func escapedMemberNamesAreDecoded() throws {
        let root = try JSONParser.parse(#"{"a\u0062\"c": true}"#)
        #expect(members(of: root)?.map(\.name) == ["ab\"c"])
    }

    @Test func byteAndStringEntryPointsAgree() throws {
        let text = #"{"k": [1, "two", null]}"#
        let fromBytes = try JSONParser.parse(Array(text.utf8))
        let fromString = try JSONParser.parse(text)
        let bytesList = try #require(members(of: fromBytes)?.first?.value)
        let stringList = try #require(members(of: fromString)?.first?.value)
        #expect(elements(of: bytesList)?.map(\.position) == elements(of: stringList)?.map(\.position))
        #expect(elements(of: bytesList)?.map(\.typeName) == ["number", "string", "null"])
    }

    // MARK: Numbers

    /// Number literals with their expected unsigned value, integer value and integer-ness.
    static let numberCases: [(String, UInt64?, Int64?, Bool)] = [
        ("0", UInt64(0), Int64(0), true),
        ("-0", nil, 0, true),
        ("42", 42, 42, true),
        ("-42", nil, -42, true),
        ("18446744073709551615", UInt64.max, nil, true),
        ("18446744073709551616", nil, nil, true),
        ("9223372036854775807", 9_223_372_036_854_775_807, Int64.max, true),
        ("-9223372036854775808", nil, Int64.min, true),
        ("-9223372036854775809", nil, nil, true),
        ("1.5", nil, nil, false),
        ("-0.25", nil, nil, false),
        ("10.0", nil, nil, false),
        ("1e3", nil, nil, false),
        ("2E-7", nil, nil, false),
        ("-1.0e+10", nil, nil, false),
    ]

    @Test(arguments: numberCases)
    func numbersKeepTheirLiteralAndExactIntegerValues(
        literal: String,
        unsignedValue: UInt64?,
        integerValue: Int64?,
        isInteger: Bool
    ) throws {
        let parsed = try #require(number(of: try JSONParser.parse(literal)))
        #expect(parsed.literal == literal)
        #expect(parsed.description == literal)
        #expect(parsed.unsignedValue == unsignedValue)
        #expect(parsed.integerValue == integerValue)
        #expect(parsed.isInteger == isInteger)
    }

    @Test func uint64MaxStaysExactInsideADocument() throws {
        let root = try JSONParser.parse(#"{"size": 18446744073709551615, "over": 18446744073709551616}"#)
        let rootMembers = try #require(members(of: root))
        #expect(number(of: rootMembers[0].value)?.unsignedValue == 18_446_744_073_709_551_615)
        #expect(number(of: rootMembers[1].value)?.unsignedValue == nil)
        #expect(number(of: rootMembers[1].value)?.literal == "18446744073709551616")
    }

    @Test func numbersCompareByLiteral() {
        #expect(JSONNumber(literal: "1") == JSONNumber(literal: "1"))
        #expect(JSONNumber(literal: "1") != JSONNumber(literal: "1.0"))
    }

    // MARK: Strings

    @Test(arguments: [
        (#""\"""#, "\""),
        (#""\\""#, "\\"),
        (#""\/""#, "/"),
        (#""\b\f\n\r\t""#, "\u{08}\u{0C}\n\r\t"),
        (#""\u0041\u00e9\u20AC""#, "Aé€"),
        (#""\u0000""#, "\u{0}"),
        (#""\ud83d\ude00""#, "😀"),
        (#""\uD83D\uDE00 and \uDBFF\uDFFF""#, "😀 and \u{10FFFF}"),
        (#""a\u00A0b""#, "a\u{A0}b"),
        ("\"raw é 😀 \u{A0} \u{2028}\"", "raw é 😀 \u{A0} \u{2028}"),
        (#""start \"quoted\" \\ 😀 \ud83d\ude00 end""#, "start \"quoted\" \\ 😀 😀 end"),
        (#""""#, ""),
    ])
    func escapesAreDecoded(text: String, decoded: String) throws {
        #expect(string(of: try JSONParser.parse(text)) == decoded)
    }

    @Test(arguments: [
        (#""\ud83d""#, #"lone UTF-16 high surrogate '\ud83d' is not followed by a low surrogate"#, 1, 2),
        (#"["ok", "x\ud83dy"]"#, #"lone UTF-16 high surrogate '\ud83d' is not followed by a low surrogate"#, 1, 10),
        (#""\ude00""#, #"lone UTF-16 low surrogate '\ude00' has no high surrogate before it"#, 1, 2),
        (#""\ude00\ud83d""#, #"lone UTF-16 low surrogate '\ude00' has no high surrogate before it"#, 1, 2),
        (
            #""\ud83d\u0041""#,
            #"UTF-16 high surrogate '\ud83d' is followed by '\u0041', which is not a low surrogate"#, 1, 2
        ),
        (#""\ud83d\uZZZZ""#, #"invalid \u escape: expected four hexadecimal digits after '\u'"#, 1, 8),
    ])
    func unpairedSurrogatesAreErrors(text: String, message: String, line: Int, column: Int) {
        #expect(syntaxError(text) == JSONSyntaxError(message: message, position: .init(line: line, column: column)))
    }

    // MARK: Syntax errors

    @Test(arguments: [
        // Trailing commas point at the comma.
        ("[1, 2,]", "trailing comma after the last array element", 1, 6),
        (#"{"a": 1,}"#, "trailing comma after the last object member", 1, 8),
        ("{\n    \"a\": 1,\n}", "trailing comma after the last object member", 2, 11),
        // Missing or misplaced punctuation.
        (#"{"a" 1}"#, "expected ':' after an object member name, found '1'", 1, 6),
        (#"{"a":1,"a"}"#, "expected ':' after an object member name, found '}'", 1, 11),
        ("[1 2]", "expected ',' or ']' after an array element, found '2'", 1, 4),
        (#"{"a": 1 "b": 2}"#, #"expected ',' or '}' after an object member, found '"'"#, 1, 9),
        (#"{"a": 1 x}"#, "expected ',' or '}' after an object member, found 'x'", 1, 9),
        ("{1: 2}", "expected a string member name or '}', found '1'", 1, 2),
        (#"{"a":1, 2}"#, "expected a string member name after ',', found '2'", 1, 9),
        ("{a: 1}", "expected a string member name or '}', found 'a'", 1, 2),
        ("[}", "expected a value, found '}'", 1, 2),
        ("]", "expected a value, found ']'", 1, 1),
        ("[1,,2]", "expected a value, found ','", 1, 4),
        // Unexpected end of input points just past the last character.
        ("[1,", "expected a value, found end of input", 1, 4),
        ("[1,\n", "expected a value, found end of input", 2, 1),
        ("[1", "expected ',' or ']' after an array element, found end of input", 1, 3),
        (#"{"a":"#, "expected a value, found end of input", 1, 6),
        ("{", "expected a string member name or '}', found end of input", 1, 2),
        ("-", "expected a digit after '-', found end of input", 1, 2),
        // Strings.
        (#"["abc"#, "unterminated string that starts at 1:2", 1, 6),
        ("[\"ab\\", "unterminated string that starts at 1:2", 1, 6),
        ("{\"a\": \"x\n\"}", "unescaped control character U+000A in a string", 1, 9),
        ("\"a\tb\"", "unescaped control character U+0009 in a string", 1, 3),
        ("\"\u{1F}\"", "unescaped control character U+001F in a string", 1, 2),
        (#""\x""#, "invalid escape: 'x' after a backslash", 1, 2),
        (#""\'""#, #"invalid escape: "'" after a backslash"#, 1, 2),
        (#""\u12G4""#, #"invalid \u escape: expected four hexadecimal digits after '\u'"#, 1, 2),
        (#""\u12""#, #"invalid \u escape: expected four hexadecimal digits after '\u'"#, 1, 2),
        // Numbers.
        ("01", "leading zeros are not allowed in numbers", 1, 1),
        ("[-012]", "leading zeros are not allowed in numbers", 1, 3),
        ("00", "leading zeros are not allowed in numbers", 1, 1),
        ("1.", "expected a digit after the decimal point, found end of input", 1, 3),
        ("1.e5", "expected a digit after the decimal point, found 'e5'", 1, 3),
        ("1e", "expected a digit in the exponent, found end of input", 1, 3),
        ("[1e+]", "expected a digit in the exponent, found ']'", 1, 5),
        (".5", "expected a value, found '.'", 1, 1),
        ("+1", "expected a value, found '+'", 1, 1),
        ("[NaN]", "expected a value, found 'NaN'", 1, 2),
        ("Infinity", "expected a value, found 'Infinity'", 1, 1),
        ("-Infinity", "expected a digit after '-', found 'Infinity'", 1, 2),
        // Literals.
        ("tru", "expected a value, found 'tru'", 1, 1),
        ("[True]", "expected a value, found 'True'", 1, 2),
        ("nulls", "expected a value, found 'nulls'", 1, 1),
        ("[undefined_value_with_a_long_name]", "expected a value, found 'undefined_value_with_a_l...'", 1, 2),
        // Trailing garbage.
        ("{} x", "expected end of input after the top-level value, found 'x'", 1, 4),
        ("[1] [2]", "expected end of input after the top-level value, found '['", 1, 5),
        ("{}\n\n  }", "expected end of input after the top-level value, found '}'", 3, 3),
        // Empty documents.
        ("", "the document is empty", 1, 1),
        (" \n\t\r\n ", "the document is empty", 1, 1),
        // Only space, tab, line feed and carriage return are whitespace.
        ("\u{0C}[]", "expected a value, found U+000C", 1, 1),
        ("[1,\u{2028}2]", "expected a value, found U+2028", 1, 4),
        ("[1,\u{FEFF}2]", "expected a value, found U+FEFF", 1, 4),
        ("{“a”: 1}", "expected a string member name or '}', found '“' (U+201C)", 1, 2),
        // Columns after multi-byte characters and line breaks.
        (#"["é", x]"#, "expected a value, found 'x'", 1, 7),
        (#"["😀😀", x]"#, "expected a value, found 'x'", 1, 8),
        ("[1,\r\n 2,\r\n x]", "expected a value, found 'x'", 3, 2),
        ("[1,\r x]", "expected a value, found 'x'", 1, 6),
    ])
    func syntaxErrorsNameTheProblemAndItsPosition(text: String, message: String, line: Int, column: Int) {
        #expect(syntaxError(text) == JSONSyntaxError(message: message, position: .init(line: line, column: column)))
    }

    @Test func commentsAndSingleQuotesGetAHint() {
        #expect(
            syntaxError("{\"a\": 1 // note\n}")
                == JSONSyntaxError(
                    message: "expected ',' or '}' after an object member, found '/'",
                    position: .init(line: 1, column: 9),
                    hint: "JSON does not allow comments"
                )
        )
        #expect(
            syntaxError("{'a': 1}")
                == JSONSyntaxError(
                    message: #"expected a string member name or '}', found "'""#,
                    position: .init(line: 1, column: 2),
                    hint: "JSON strings and member names use double quotes"
                )
        )
    }

    // MARK: Encoding

    /// Malformed UTF-8 texts with the byte reported and its line and column.
    static let invalidUTF8Cases: [([UInt8], String, Int, Int)] = [
        ([0x22, 0xFF, 0x22], "0xFF", 1, 2),
        ([0x5B, 0x22, 0xC3, 0xA9, 0xC3, 0x28, 0x22, 0x5D], "0xC3", 1, 4),
        ([0x22, 0x63, 0x61, 0x66, 0xE9, 0x22], "0xE9", 1, 5),
        ([0x22, 0xC0, 0xAF, 0x22], "0xC0", 1, 2),
        ([0x22, 0xED, 0xA0, 0x80, 0x22], "0xED", 1, 2),
        ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], "0xF4", 1, 2),
        ([0x22, 0xF5, 0x80, 0x80, 0x80, 0x22], "0xF5", 1, 2),
        ([0x22, 0xE2, 0x82], "0xE2", 1, 2),
        ([0x22, 0x5C, 0xFF, 0x22], "0xFF", 1, 3),
        ([0x5B, 0x31, 0x2C, 0x20, 0xFF, 0x5D], "0xFF", 1, 5),
        ([0x7B, 0x7D, 0x0A, 0x80], "0x80", 2, 1),
        ([0xFE, 0xFF, 0x00, 0x7B, 0x00, 0x7D], "0xFE", 1, 1),
    ]

    @Test(arguments: invalidUTF8Cases)
    func invalidUTF8IsAnErrorNamingThePosition(bytes: [UInt8], byteName: String, line: Int, column: Int) {
        #expect(
            syntaxError(bytes)
                == JSONSyntaxError(
                    message: "invalid UTF-8 byte \(byteName)",
                    position: .init(line: line, column: column),
                    hint: "save the file as UTF-8"
                )
        )
    }

    @Test func fourByteCharactersDecode() throws {
        let value = try JSONParser.parse([0x22, 0xF0, 0x9F, 0x98, 0x80, 0xF4, 0x8F, 0xBF, 0xBF, 0x22])
        #expect(string(of: value) == "😀\u{10FFFF}")
    }

    @Test(arguments: [[0xEF, 0xBB, 0xBF, 0x7B, 0x7D], Array("\u{FEFF}{}".utf8), [0xEF, 0xBB, 0xBF]] as [[UInt8]])
    func byteOrderMarkIsRejectedWithAHint(bytes: [UInt8]) {
        let error = syntaxError(bytes)
        #expect(
            error
                == JSONSyntaxError(
                    message: "the document starts with a UTF-8 byte-order mark (bytes EF BB BF)",
                    position: .init(line: 1, column: 1),
                    hint: "save the file as UTF-8 without a byte-order mark"
                )
        )
    }

    // MARK: No-break spaces pasted from a web page

    /// The hint given for every U+00A0 outside a string.
    static let noBreakSpaceHint =
        #"replace no-break spaces with ordinary spaces, for example with: sed -i 's/\xc2\xa0/ /g' FILE"#

    @Test func noBreakSpaceIndentationIsExplained() {
        let pasted = """
            {
            \u{A0}\u{A0}"id": "EDCA-SEC-043",
            \u{A0}\u{A0}"title": "SMB packet signing is required on server and client"
            }

            """
        let error = syntaxError(pasted)
        #expect(
            error
                == JSONSyntaxError(
                    message: "U+00A0 no-break space is not allowed outside strings",
                    position: .init(line: 2, column: 1),
                    hint: Self.noBreakSpaceHint
                )
        )
        #expect(
            error?.description
                == "2:1: U+00A0 no-break space is not allowed outside strings (\(Self.noBreakSpaceHint))"
        )
    }

    @Test(arguments: [
        ("{\"a\":\u{A0}1}", 1, 6),
        ("{\"a\"\u{A0}: 1}", 1, 5),
        ("[1\u{A0}]", 1, 3),
        ("[1,\n  \u{A0}2]", 2, 3),
        ("{\"é\": 1}\u{A0}", 1, 9),
        ("-\u{A0}1", 1, 2),
        ("\u{A0}", 1, 1),
    ])
    func noBreakSpaceOutsideStringsIsExplainedWherever(text: String, line: Int, column: Int) {
        #expect(
            syntaxError(text)
                == JSONSyntaxError(
                    message: "U+00A0 no-break space is not allowed outside strings",
                    position: .init(line: line, column: column),
                    hint: Self.noBreakSpaceHint
                )
        )
    }

    @Test func noBreakSpaceInsideStringsIsText() throws {
        let root = try JSONParser.parse("{\"a\u{A0}b\": \"\u{A0}x\u{A0}\"}")
        #expect(members(of: root)?.first?.name == "a\u{A0}b")
        #expect(members(of: root).flatMap { string(of: $0[0].value) } == "\u{A0}x\u{A0}")
    }

    @Test func whitespaceIsOnlySpaceTabLineFeedAndCarriageReturn() throws {
        let value = try JSONParser.parse(" \t\r\n[ \t\r\n1 \t\r\n, \t\r\n2 \t\r\n] \t\r\n")
        #expect(elements(of: value)?.map(\.position.description) == ["3:1", "5:1"])
    }

    // MARK: Nesting depth

    @Test(.timeLimit(.minutes(1)))
    func tenThousandLevelsFailWithTheDepthErrorInsteadOfCrashing() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(
            syntaxError(deep)
                == JSONSyntaxError(message: "nesting deeper than 256 levels", position: .init(line: 1, column: 257))
        )
    }

    @Test func twoHundredFiftySixLevelsAreAllowedByDefault() throws {
        let deep = String(repeating: "[", count: 256) + String(repeating: "]", count: 256)
        var value = try JSONParser.parse(deep)
        var depth = 1
        while let inner = elements(of: value)?.first {
            value = inner
            depth += 1
        }
        #expect(depth == 256)
        #expect(value.position == SourcePosition(line: 1, column: 256))
        #expect(elements(of: value)?.isEmpty == true)
    }

    @Test func twoHundredFiftySevenLevelsAreTooDeep() {
        let deep = String(repeating: "[", count: 257) + String(repeating: "]", count: 257)
        #expect(
            syntaxError(deep)
                == JSONSyntaxError(message: "nesting deeper than 256 levels", position: .init(line: 1, column: 257))
        )
    }

    @Test(arguments: [(4, nil), (3, "1:12")] as [(Int, String?)])
    func objectsAndArraysBothCountTowardsTheDepth(maxDepth: Int, errorPosition: String?) {
        let error = syntaxError(#"{"a":[{"b":[]}]}"#, maxDepth: maxDepth)
        #expect(error?.position.description == errorPosition)
        #expect(error.map { $0.message == "nesting deeper than \(maxDepth) levels" } ?? true)
    }

    @Test func aDepthLimitOfZeroAllowsOnlyScalars() {
        #expect(syntaxError("1", maxDepth: 0) == nil)
        #expect(
            syntaxError(" {}", maxDepth: 0)
                == JSONSyntaxError(message: "nesting deeper than 0 levels", position: .init(line: 1, column: 2))
        )
    }

    @Test func deepNestingWithinAHigherLimitParsesWithoutRecursion() throws {
        let deep = String(repeating: "[", count: 2_000) + "7" + String(repeating: "]", count: 2_000)
        var value = try JSONParser.parse(deep, maxDepth: 2_000)
        while let inner = elements(of: value)?.first {
            value = inner
        }
        #expect(number(of: value)?.literal == "7")
        #expect(value.position == SourcePosition(line: 1, column: 2_001))
    }

    // MARK: Descriptions

    @Test func descriptionsReadLikeCompilerDiagnostics() {
        #expect(SourcePosition(line: 3, column: 14).description == "3:14")
        #expect(JSONSyntaxError(message: "bad", position: .init(line: 2, column: 1)).description == "2:1: bad")
        #expect(
            JSONSyntaxError(message: "bad", position: .init(line: 2, column: 1), hint: "fix it").description
                == "2:1: bad (fix it)"
        )
    }
}

// MARK: Helpers

/// The error parsing a text throws, or nil when it parses.
private func syntaxError(_ text: String, maxDepth: Int = 256) -> JSONSyntaxError? {
    syntaxError(Array(text.utf8), maxDepth: maxDepth)
}

/// The error parsing UTF-8 bytes throws, or nil when they parse.
private func syntaxError(_ bytes: [UInt8], maxDepth: Int = 256) -> JSONSyntaxError? {
    do {
        _ = try JSONParser.parse(bytes, maxDepth: maxDepth)
        return nil
    } catch {
        return error
    }
}

/// The elements of an array value, or nil for any other kind.
private func elements(of value: JSONValue) -> [JSONValue]? {
    guard case .array(let items) = value.kind else { return nil }
    return items
}

/// The members of an object value, or nil for any other kind.
private func members(of value: JSONValue) -> [JSONMember]? {
    guard case .object(let objectMembers) = value.kind else { return nil }
    return objectMembers
}

/// The text of a string value, or nil for any other kind.
private func string(of value: JSONValue) -> String? {
    guard case .string(let text) = value.kind else { return nil }
    return text
}

/// The number of a number value, or nil for any other kind.
private func number(of value: JSONValue) -> JSONNumber? {
    guard case .number(let parsed) = value.kind else { return nil }
    return parsed
}
