import Synchronization

/// A regular expression from a check, compiled once when the control loads.
///
/// Matching searches the whole string (like PowerShell's `-match`) and is case-sensitive unless the pattern
/// starts with `(?i)`.
///
/// `@unchecked Sendable`: `Regex` is a value whose compiled program is immutable once built (its lazy lowering is
/// published atomically, which is why `Regex<Substring>` is `Sendable`); only the type-erased output type,
/// `AnyRegexOutput`, lacks the conformance, and this type never hands matches out.
package final class RegexPattern: @unchecked Sendable {
    /// The pattern as written in the control file.
    package let source: String
    private let regex: Regex<AnyRegexOutput>
    /// Outcomes already found, by text. A fleet's hosts hold the same texts (product names, GUIDs) again and again,
    /// and one match costs 0.3 to 5 µs where a lookup costs tens of nanoseconds (Benchmarks/README.md). Only short
    /// texts are kept, at most `rememberedLimit` of them; the table is emptied when full.
    private let remembered = Mutex<[String: Bool]>([:])
    private static let rememberedLimit = 4096
    private static let rememberedTextBytes = 256

    /// Compiles a pattern.
    /// - Throws: the compiler's error when the pattern is not a valid regular expression.
    package init(_ source: String) throws {
        self.source = source
        self.regex = try Regex(source)
    }

    /// Whether the pattern matches somewhere in `text`.
    package func isFound(in text: String) -> Bool {
        let remembers = text.utf8.count <= Self.rememberedTextBytes
        if remembers, let known = remembered.withLock({ $0[text] }) { return known }
        // `firstMatch` searches like `contains` but measures about a third faster; matching cannot throw here
        // because the pattern has no custom components.
        let found = (try? regex.firstMatch(in: text)) != nil
        if remembers {
            remembered.withLock { table in
                if table.count >= Self.rememberedLimit { table.removeAll(keepingCapacity: true) }
                table[text] = found
            }
        }
        return found
    }
}
