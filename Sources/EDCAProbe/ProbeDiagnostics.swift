/// Turns what powershell.exe wrote on stderr into a short readable line, for error messages and logs.
///
/// PowerShell serializes errors and progress records on a redirected stderr as CLIXML (`#< CLIXML` followed by
/// `<Objs ...>` blocks, text escaped as `_xHHHH_`). Only the error strings (`<S S="Error">`) are kept.
package enum ProbeDiagnostics {
    /// The longest summary returned.
    static let maxLength = 500

    /// Stderr as one line: the decoded CLIXML error strings, or the text itself; invalid UTF-8 is replaced.
    package static func summary(ofStandardError bytes: [UInt8]) -> String {
        joined(lines(ofStandardError: bytes))
    }

    /// Stderr's non-empty lines, trimmed: the lines of the decoded CLIXML error strings, or of the text itself.
    static func lines(ofStandardError bytes: [UInt8]) -> [String] {
        let text = String(decoding: bytes, as: UTF8.self)
        let blocks = text.contains("#< CLIXML") ? errorStrings(inCLIXML: text) : [text]
        return blocks.flatMap { $0.split(whereSeparator: \.isNewline) }.map { String($0).trimmingCharacters() }
            .filter { !$0.isEmpty }
    }

    /// Lines as one line, `|` between them, at most ``maxLength`` characters.
    static func joined(_ lines: some Sequence<String>) -> String {
        let joined = lines.joined(separator: " | ")
        return joined.count > maxLength ? String(joined.prefix(maxLength)) + "…" : joined
    }

    /// The decoded contents of every `<S S="Error">...</S>` element.
    static func errorStrings(inCLIXML text: String) -> [String] {
        var result: [String] = []
        var rest = Substring(text)
        let open = #"<S S="Error">"#
        while let start = rest.firstRange(of: open) {
            let afterOpen = rest[start.upperBound...]
            guard let close = afterOpen.firstRange(of: "</S>") else { break }
            result.append(decodeEscapes(String(afterOpen[..<close.lowerBound])))
            rest = afterOpen[close.upperBound...]
        }
        return result
    }

    /// Decodes CLIXML's `_xHHHH_` escapes and the XML entities PowerShell writes.
    static func decodeEscapes(_ text: String) -> String {
        var output = ""
        var index = text.startIndex
        while index < text.endIndex {
            let rest = text[index...]
            // `index(_:offsetBy:limitedBy:)` walks at most 6 characters; counting `rest` would walk to the end of
            // the text at every `_x` and make a hostile stderr of `_x_x_x...` take quadratic time.
            if rest.hasPrefix("_x"), let hexEnd = text.index(index, offsetBy: 6, limitedBy: text.endIndex),
                hexEnd < text.endIndex
            {
                let hexStart = text.index(index, offsetBy: 2)
                if text[hexEnd] == "_", let code = UInt32(text[hexStart..<hexEnd], radix: 16),
                    let scalar = Unicode.Scalar(code)
                {
                    output.unicodeScalars.append(scalar)
                    index = text.index(after: hexEnd)
                    continue
                }
            }
            output.append(text[index])
            index = text.index(after: index)
        }
        let entities = [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&apos;", "'"), ("&amp;", "&")]
        return entities.reduce(output) { $0.replacing($1.0, with: $1.1) }
    }
}

extension String {
    /// The string without leading and trailing white space.
    func trimmingCharacters() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
