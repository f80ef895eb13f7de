/// A forward-only reader over one JSON text that builds only what its caller asks for: members it is not asked
/// about are skipped (checked, not stored). The spool decoder reads a few dozen members out of lines of several
/// kilobytes, mostly evidence, so skipping is most of the work.
struct JSONCursor {
    /// Why the text cannot be read, with the member path where it happened.
    struct Problem: Error {
        var message: String
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    /// A cursor at the start of `bytes`, which must outlive it.
    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    private static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while index < bytes.count,
            bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09
        {
            index += 1
        }
    }

    private func problem(_ text: String, _ path: String) -> Problem {
        Problem(message: path.isEmpty ? "not JSON: \(text) at byte \(index + 1)" : "\(path): \(text)")
    }

    /// Checks that nothing but white space follows the value read.
    mutating func end() throws(Problem) {
        skipWhitespace()
        if index != bytes.count {
            throw Problem(message: "not JSON: unexpected text after the event at byte \(index + 1)")
        }
    }

    /// Reads an object, calling `member` with each member's name; `member` must read or skip the value.
    mutating func object(
        _ path: String, _ member: (inout JSONCursor, String) throws(Problem) -> Void
    ) throws(Problem) {
        skipWhitespace()
        guard current == UInt8(ascii: "{") else { throw problem("expected an object", path) }
        index += 1
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            index += 1
            return
        }
        while true {
            skipWhitespace()
            guard current == Self.quote else { throw problem("expected a member name", path) }
            let name = try rawString(path)
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw problem("expected ':' after a member name", path) }
            index += 1
            try member(&self, name)
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                return
            default: throw problem("expected ',' or '}' in an object", path)
            }
        }
    }

    /// Reads an array, calling `element` for each element; `element` must read or skip it.
    mutating func array(_ path: String, _ element: (inout JSONCursor) throws(Problem) -> Void) throws(Problem) {
        skipWhitespace()
        guard current == UInt8(ascii: "[") else { throw problem("expected an array", path) }
        index += 1
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            index += 1
            return
        }
        while true {
            try element(&self)
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                return
            default: throw problem("expected ',' or ']' in an array", path)
            }
        }
    }

    /// Reads a string, or nil for `null`.
    mutating func string(_ path: String) throws(Problem) -> String? {
        skipWhitespace()
        if try null() { return nil }
        guard current == Self.quote else { throw problem("expected a string", path) }
        return try rawString(path)
    }

    /// Reads an array of strings.
    mutating func strings(_ path: String) throws(Problem) -> [String] {
        var result: [String] = []
        try array(path) { (cursor: inout JSONCursor) throws(Problem) in
            guard let text = try cursor.string(path) else { throw cursor.problem("expected a string", path) }
            result.append(text)
        }
        return result
    }

    /// Reads an integer, or nil for `null`.
    mutating func integer(_ path: String) throws(Problem) -> Int64? {
        skipWhitespace()
        if try null() { return nil }
        let start = index
        if current == UInt8(ascii: "-") { index += 1 }
        var value: Int64 = 0
        var digits = 0
        while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            let (times, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = times.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
            guard !overflowA, !overflowB else { throw problem("integer out of range", path) }
            value = sum
            digits += 1
            index += 1
        }
        if let byte = current, byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            throw problem("expected an integer", path)
        }
        guard digits > 0 else {
            index = start
            throw problem("expected an integer", path)
        }
        return bytes[start] == UInt8(ascii: "-") ? -value : value
    }

    /// Reads `true` or `false`, or nil for `null`.
    mutating func bool(_ path: String) throws(Problem) -> Bool? {
        skipWhitespace()
        if try null() { return nil }
        if literal("true") { return true }
        if literal("false") { return false }
        throw problem("expected true or false", path)
    }

    /// Reads whether the next value is `null` (and consumes it).
    mutating func isNull() throws(Problem) -> Bool {
        skipWhitespace()
        return try null()
    }

    private mutating func null() throws(Problem) -> Bool { literal("null") }

    private mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        let matches = word.withUTF8Buffer { text in
            (0..<count).allSatisfy { bytes[index + $0] == text[$0] }
        }
        if matches { index += count }
        return matches
    }

    /// Skips one value of any kind, checking its syntax.
    mutating func skip(_ path: String) throws(Problem) {
        skipWhitespace()
        switch current {
        case UInt8(ascii: "{"):
            try object(path) { (cursor: inout JSONCursor, _: String) throws(Problem) in try cursor.skip(path) }
        case UInt8(ascii: "["): try array(path) { (cursor: inout JSONCursor) throws(Problem) in try cursor.skip(path) }
        case Self.quote: try skipString(path)
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            guard literal("true") || literal("false") || literal("null") else { throw problem("unexpected text", path) }
        default:
            let start = index
            while let byte = current,
                (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
                    || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e")
                    || byte == UInt8(ascii: "E")
            {
                index += 1
            }
            if index == start { throw problem(current == nil ? "unexpected end" : "unexpected text", path) }
        }
    }

    private mutating func skipString(_ path: String) throws(Problem) {
        index += 1
        while let byte = current {
            index += 1
            if byte == Self.quote { return }
            if byte == Self.backslash { index += 1 }
        }
        throw problem("unterminated string", path)
    }

    /// Reads a string at its opening quote, decoding escapes.
    private mutating func rawString(_ path: String) throws(Problem) -> String {
        index += 1
        let start = index
        while let byte = current, byte != Self.quote, byte != Self.backslash { index += 1 }
        guard let stop = current else { throw problem("unterminated string", path) }
        if stop == Self.quote {
            index += 1
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index - 1]), as: UTF8.self)
        }
        var scalars = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while let byte = current {
            index += 1
            if byte == Self.quote { return String(decoding: scalars, as: UTF8.self) }
            guard byte == Self.backslash else {
                scalars.append(byte)
                continue
            }
            guard let escaped = current else { break }
            index += 1
            switch escaped {
            case UInt8(ascii: "n"): scalars.append(0x0A)
            case UInt8(ascii: "t"): scalars.append(0x09)
            case UInt8(ascii: "r"): scalars.append(0x0D)
            case UInt8(ascii: "b"): scalars.append(0x08)
            case UInt8(ascii: "f"): scalars.append(0x0C)
            case UInt8(ascii: "u"):
                var code = try hex4(path)
                if (0xD800..<0xDC00).contains(code), current == Self.backslash, index + 1 < bytes.count,
                    bytes[index + 1] == UInt8(ascii: "u")
                {
                    index += 2
                    let low = try hex4(path)
                    code = 0x10000 + ((code - 0xD800) << 10) + (low &- 0xDC00)
                }
                scalars.append(contentsOf: Array(String(Unicode.Scalar(code).map(Character.init) ?? "\u{FFFD}").utf8))
            default: scalars.append(escaped)
            }
        }
        throw problem("unterminated string", path)
    }

    private mutating func hex4(_ path: String) throws(Problem) -> UInt32 {
        guard index + 4 <= bytes.count else { throw problem("bad \\u escape", path) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw problem("bad \\u escape", path)
            }
            value = value * 16 + digit
            index += 1
        }
        return value
    }
}
