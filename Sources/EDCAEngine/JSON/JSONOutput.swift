/// A JSON document to print, with members in the order given (reports read better that way than sorted).
package indirect enum JSONOutput: Sendable {
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
        var output = ""
        write(to: &output, indent: "")
        return output
    }

    /// The document on one line, without spaces: the form of an NDJSON line.
    package func compactRendered() -> String {
        var output = ""
        write(to: &output, indent: nil)
        return output
    }

    /// Writes the value; `indent` nil writes it compact, on one line.
    private func write(to output: inout String, indent: String?) {
        switch self {
        case .string(let text): Self.writeString(text, to: &output)
        case .integer(let number): output += String(number)
        case .unsigned(let number): output += String(number)
        case .literal(let text): output += text
        case .bool(let flag): output += flag ? "true" : "false"
        case .null: output += "null"
        case .array(let items):
            writeContainer(items.map { (nil, $0) }, open: "[", close: "]", to: &output, indent: indent)
        case .object(let members):
            writeContainer(members.map { ($0.0, $0.1) }, open: "{", close: "}", to: &output, indent: indent)
        }
    }

    private func writeContainer(
        _ entries: [(String?, JSONOutput)], open: String, close: String, to output: inout String, indent: String?
    ) {
        guard !entries.isEmpty else {
            output += open + close
            return
        }
        output += open
        let inner = indent.map { $0 + "  " }
        for (index, (name, value)) in entries.enumerated() {
            if index > 0 { output += "," }
            if let inner { output += "\n" + inner }
            if let name {
                Self.writeString(name, to: &output)
                output += indent == nil ? ":" : ": "
            }
            value.write(to: &output, indent: inner)
        }
        if let indent { output += "\n" + indent }
        output += close
    }

    private static func writeString(_ text: String, to output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _
            where scalar.value < 0x20 || scalar.value == 0x7F || scalar.value == 0x2028 || scalar.value == 0x2029:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}
