/// A JSON document to print, with members in the order given (reports read better that way than sorted).
///
/// Not `indirect`: arrays and objects already hold their elements on the heap, and an indirect enum boxes every
/// case, so each string and number of an event cost an allocation, reference counting and a free (a scan builds
/// and renders about 40 events per host).
package enum JSONOutput: Sendable {
    /// A string.
    case string(String)
    /// An integer.
    case integer(Int64)
    /// An unsigned integer that may exceed Int64 (REG_QWORD data).
    case unsigned(UInt64)
    /// A number kept as its literal text.
    case literal(String)
    /// true or false.
    case bool(Bool)
    /// null.
    case null
    /// An array.
    case array([JSONOutput])
    /// An object, members in order.
    case object([(String, JSONOutput)])

    /// Converts a parsed document back to output form, for showing a control's `check` as written.
    package init(_ value: JSONValue) {
        switch value.kind {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .number(let number): self = .literal(number.literal)
        case .string(let text): self = .string(text)
        case .array(let items): self = .array(items.map(JSONOutput.init))
        case .object(let members): self = .object(members.map { ($0.name, JSONOutput($0.value)) })
        }
    }

    /// The document as text, indented by two spaces per level, ending without a newline.
    package func rendered() -> String {
        var output: [UInt8] = []
        write(to: &output, indent: "")
        return String(decoding: output, as: UTF8.self)
    }

    /// The document on one line, without spaces: the form of an NDJSON line.
    package func compactRendered() -> String {
        String(decoding: compactBytes(), as: UTF8.self)
    }

    /// ``compactRendered()`` as UTF-8 bytes.
    package func compactBytes() -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(1024)
        write(to: &output, indent: nil)
        return output
    }

    // The writer appends UTF-8 bytes rather than Strings: a scan renders every spool event and every probe payload
    // (which carries the whole probe script), and appending a String scalar by scalar was most of that cost.

    /// Writes the value; `indent` nil writes it compact, on one line.
    private func write(to output: inout [UInt8], indent: String?) {
        switch self {
        case .string(let text): Self.writeString(text, to: &output)
        case .integer(let number): output.append(contentsOf: String(number).utf8)
        case .unsigned(let number): output.append(contentsOf: String(number).utf8)
        case .literal(let text): output.append(contentsOf: text.utf8)
        case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .null: output.append(contentsOf: "null".utf8)
        case .array(let items):
            Self.writeContainer(
                items.count, open: UInt8(ascii: "["), close: UInt8(ascii: "]"), to: &output, indent: indent
            ) { index, output, inner in
                items[index].write(to: &output, indent: inner)
            }
        case .object(let members):
            Self.writeContainer(
                members.count, open: UInt8(ascii: "{"), close: UInt8(ascii: "}"), to: &output, indent: indent
            ) { index, output, inner in
                Self.writeString(members[index].0, to: &output)
                output.append(UInt8(ascii: ":"))
                if inner != nil { output.append(UInt8(ascii: " ")) }
                members[index].1.write(to: &output, indent: inner)
            }
        }
    }

    /// Writes `count` entries between `open` and `close`, separated by commas, each on its own indented line
    /// unless compact.
    private static func writeContainer(
        _ count: Int, open: UInt8, close: UInt8, to output: inout [UInt8], indent: String?,
        entry: (Int, inout [UInt8], String?) -> Void
    ) {
        output.append(open)
        guard count > 0 else {
            output.append(close)
            return
        }
        let inner = indent.map { $0 + "  " }
        for index in 0..<count {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            if let inner {
                output.append(UInt8(ascii: "\n"))
                output.append(contentsOf: inner.utf8)
            }
            entry(index, &output, inner)
        }
        if let indent {
            output.append(UInt8(ascii: "\n"))
            output.append(contentsOf: indent.utf8)
        }
        output.append(close)
    }

    /// Writes a string literal: `"` and `\` escaped, control characters, DEL, U+2028 and U+2029 as escapes
    /// (`\n`, `\u007f`, `\u2028`), everything else as its UTF-8 bytes, copied in runs.
    private static func writeString(_ text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var runStart = 0
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                // Printable ASCII other than `"` and `\` (most bytes) needs no more than this test.
                if byte >= 0x20, byte < 0x7F, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
                    index += 1
                    continue
                }
                var length = 1
                let escape: String
                switch byte {
                case UInt8(ascii: "\""): escape = "\\\""
                case UInt8(ascii: "\\"): escape = "\\\\"
                case UInt8(ascii: "\n"): escape = "\\n"
                case UInt8(ascii: "\r"): escape = "\\r"
                case UInt8(ascii: "\t"): escape = "\\t"
                case 0x00..<0x20, 0x7F: escape = "\\u00" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16)
                case 0xE2
                where index + 2 < bytes.count && bytes[index + 1] == 0x80
                    && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9):
                    // U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR
                    escape = bytes[index + 2] == 0xA8 ? "\\u2028" : "\\u2029"
                    length = 3
                default:
                    index += 1
                    continue
                }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                output.append(contentsOf: escape.utf8)
                index += length
                runStart = index
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
        }
        output.append(UInt8(ascii: "\""))
    }
}
