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

    /// Compiles a pattern.
    /// - Throws: the compiler's error when the pattern is not a valid regular expression.
    package init(_ source: String) throws {
        self.source = source
        self.regex = try Regex(source)
    }

    /// Whether the pattern matches somewhere in `text`.
    package func isFound(in text: String) -> Bool {
        // `firstMatch` searches like `contains` but measures about a third faster; matching cannot throw here
        // because the pattern has no custom components.
        (try? regex.firstMatch(in: text)) != nil
    }
}
