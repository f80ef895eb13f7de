/// A JSON document under construction, written out as text for the engine's own decoders to read.
///
/// The benchmark builds controls and snapshots as text on purpose: they enter the engine exactly as files do,
/// through `Control(json:)` and `RegistrySnapshot(json:)`.
enum JSONNode {
    /// An object; members keep their order.
    case object([(String, JSONNode)])
    /// An array.
    case array([JSONNode])
    /// A string.
    case string(String)
    /// A non-negative integer.
    case number(UInt64)
    /// `true` or `false`.
    case bool(Bool)
    /// `null`.
    case null

    /// The document as compact JSON text.
    var text: String {
        var output = ""
        write(to: &output)
        return output
    }

    /// Appends the document as compact JSON text.
    func write(to output: inout String) {
        switch self {
        case .object(let members):
            output.append("{")
            for (index, member) in members.enumerated() {
                if index > 0 { output.append(",") }
                Self.writeString(member.0, to: &output)
                output.append(":")
                member.1.write(to: &output)
            }
            output.append("}")
        case .array(let items):
            output.append("[")
            for (index, item) in items.enumerated() {
                if index > 0 { output.append(",") }
                item.write(to: &output)
            }
            output.append("]")
        case .string(let text):
            Self.writeString(text, to: &output)
        case .number(let number):
            output.append(String(number))
        case .bool(let flag):
            output.append(flag ? "true" : "false")
        case .null:
            output.append("null")
        }
    }

    /// Appends a string literal, escaping quotes, backslashes and control characters.
    static func writeString(_ text: String, to output: inout String) {
        output.append("\"")
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output.append("\\\"")
            case "\\": output.append("\\\\")
            case "\n": output.append("\\n")
            case "\r": output.append("\\r")
            case "\t": output.append("\\t")
            default:
                if scalar.value < 0x20 {
                    let digits = String(scalar.value, radix: 16)
                    output.append("\\u" + String(repeating: "0", count: 4 - digits.count) + digits)
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output.append("\"")
    }
}
