/// A JSON value the simulator writes: the probe's answers and its response document.
enum ResponseJSON {
    /// `null`.
    case null
    /// A non-negative integer.
    case integer(UInt64)
    /// `true` or `false`.
    case bool(Bool)
    /// A string.
    case string(String)
    /// A string whose content is these bytes, written unchanged even when they are not UTF-8 (the nonUTF8 fault).
    case rawString([UInt8])
    /// An array.
    case array([ResponseJSON])
    /// An object, members in order.
    case object([ResponseJSONMember])

    /// An object from `name: value` pairs, in order: `.members(["state": .string("exists")])`.
    static func members(_ pairs: KeyValuePairs<String, ResponseJSON>) -> ResponseJSON {
        .object(pairs.map { ResponseJSONMember($0.key, $0.value) })
    }

    /// The compact JSON text, as Windows PowerShell 5.1's `ConvertTo-Json -Compress` writes it.
    ///
    /// Like 5.1, it escapes `<`, `>`, `&` and `'` as `\u003c`, `\u003e`, `\u0026` and `\u0027`, and control
    /// characters as `\b \f \n \r \t` or `\u00XX`; other text is written as UTF-8.
    var bytes: [UInt8] {
        var output: [UInt8] = []
        write(into: &output)
        return output
    }

    /// Appends the compact JSON text of this value.
    private func write(into output: inout [UInt8]) {
        switch self {
        case .null:
            output.append(contentsOf: "null".utf8)
        case .integer(let number):
            output.append(contentsOf: String(number).utf8)
        case .bool(let flag):
            output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .string(let text):
            Self.writeString(Array(text.utf8), into: &output)
        case .rawString(let bytes):
            Self.writeString(bytes, into: &output)
        case .array(let items):
            output.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                item.write(into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                Self.writeString(Array(member.name.utf8), into: &output)
                output.append(UInt8(ascii: ":"))
                member.value.write(into: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// Appends a quoted, escaped JSON string whose content is the given bytes.
    private static func writeString(_ bytes: [UInt8], into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): output.append(contentsOf: #"\\"#.utf8)
            case 0x08: output.append(contentsOf: #"\b"#.utf8)
            case 0x0C: output.append(contentsOf: #"\f"#.utf8)
            case 0x0A: output.append(contentsOf: #"\n"#.utf8)
            case 0x0D: output.append(contentsOf: #"\r"#.utf8)
            case 0x09: output.append(contentsOf: #"\t"#.utf8)
            case 0x00..<0x20, UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"), UInt8(ascii: "'"):
                output.append(contentsOf: #"\u00"#.utf8)
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0x0F)])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    /// Lowercase hexadecimal digits, as ConvertTo-Json writes `\u` escapes.
    private static let hexDigits = Array("0123456789abcdef".utf8)
}

/// One member of a ``ResponseJSON`` object.
struct ResponseJSONMember {
    /// The member's name.
    var name: String
    /// The member's value.
    var value: ResponseJSON

    /// A member from its name and value.
    init(_ name: String, _ value: ResponseJSON) {
        self.name = name
        self.value = value
    }
}
