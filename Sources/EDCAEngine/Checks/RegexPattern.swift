import EDCACore
import EDCAJSON

/// A regular expression from a check, compiled once when the control loads.
///
/// Matching searches the whole string (like PowerShell's `-match`) and is case-sensitive unless the pattern
/// starts with `(?i)`.
///
/// Matching is bounded, because Swift's `Regex` backtracks without limit and registry strings come from the hosts
/// scanned. A pattern is refused when it loads if it repeats a group that holds a repetition or an alternation
/// (`(a+)+`, `(a|ab)*`: exponential time), holds a back-reference, or if its repetitions could need more than
/// ``maxSteps`` backtracking steps on a string of ``maxTextLength`` characters (see ``worstCaseSteps(_:)``). A
/// longer string is not matched at all: the comparison is `Unknown`.
///
/// `@unchecked Sendable`: `Regex` is a value whose compiled program is immutable once built (its lazy lowering is
/// published atomically, which is why `Regex<Substring>` is `Sendable`); only the type-erased output type,
/// `AnyRegexOutput`, lacks the conformance, and this type never hands matches out.
package final class RegexPattern: @unchecked Sendable {
    /// The longest string a pattern is matched against, in characters.
    package static let maxTextLength = 4096
    /// The most backtracking steps a pattern may need, in the worst case, on a string of ``maxTextLength``.
    package static let maxSteps: UInt64 = 1 << 24

    /// The pattern as written in the control file.
    package let source: String
    private let regex: Regex<AnyRegexOutput>
    /// Outcomes already found, by text. A fleet's hosts hold the same texts (product names, GUIDs) again and again,
    /// and one match costs 0.3 to 5 µs where a lookup costs tens of nanoseconds (Benchmarks/README.md). Only short
    /// texts are kept, at most `rememberedLimit` of them; the table is emptied when full.
    private let remembered = LockedTable<String, Bool>()
    private static let rememberedLimit = 4096
    private static let rememberedTextBytes = 256

    /// Why a valid pattern is refused: matching it could take too long.
    package struct UnboundedPattern: Error, CustomStringConvertible {
        /// What is wrong and how to fix it.
        package var description: String
    }

    /// Compiles a pattern.
    /// - Throws: the compiler's error when the pattern is not a valid regular expression, or ``UnboundedPattern``.
    package init(_ source: String) throws {
        self.source = source
        self.regex = try Regex(source)
        let steps = try Self.worstCaseSteps(source)
        guard steps <= Self.maxSteps else {
            throw UnboundedPattern(
                description:
                    "matching could take up to \(steps) steps on a \(Self.maxTextLength)-character string "
                    + "(the limit is \(Self.maxSteps)): drop a leading or trailing .* (the pattern may match anywhere), "
                    + "anchor it with ^, or bound a repetition (\\d{1,5} instead of \\d+)")
        }
    }

    /// Whether the pattern matches somewhere in `text`, or `wrongType` when `text` is longer than
    /// ``maxTextLength``.
    package func test(_ text: String) -> Comparison.Outcome {
        // Counting UTF-8 bytes is constant time; characters are counted only when the bytes are over the limit.
        guard text.utf8.count <= Self.maxTextLength || text.count <= Self.maxTextLength else {
            return .wrongType(expected: "a string of at most \(Self.maxTextLength) characters to match")
        }
        return isFound(in: text) ? .holds : .fails
    }

    /// Whether the pattern matches somewhere in `text`.
    private func isFound(in text: String) -> Bool {
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

    /// An upper bound on the backtracking steps of a search for `source` in a string of ``maxTextLength``
    /// characters: the product of the number of counts each repetition can try (`*`, `+` and `{n,}` up to one per
    /// character of the string), times the number of alternatives, times the start positions when the pattern is not
    /// anchored with `^` or `\A`.
    /// - Throws: ``UnboundedPattern`` for the shapes whose cost grows exponentially with the string: a repeated
    ///   group that holds a repetition or an alternation, and back-references.
    package static func worstCaseSteps(_ source: String) throws(UnboundedPattern) -> UInt64 {
        var scanner = PatternScanner(Array(source))
        let flags = scanner.leadingFlags()
        let anchored = scanner.atAnchor && !flags.contains("m")
        let top = try scanner.sequence()
        let starts = anchored && !top.hasBranches ? 1 : UInt64(maxTextLength)
        return top.steps.multipliedReportingOverflow(by: starts).overflow ? .max : top.steps * starts
    }
}

/// A light reading of a pattern's structure (groups, classes, escapes, repetitions): just what bounds its cost.
/// The pattern is already known to be valid.
private struct PatternScanner {
    /// What a piece of the pattern costs and holds.
    struct Shape {
        var steps: UInt64 = 1
        var hasRepetition = false
        var hasAlternation = false
        /// Whether this level itself has alternatives (`a|b`), as opposed to a group inside it.
        var hasBranches = false
        /// Whether this is a lookaround, `(?=...)`, `(?!...)`, `(?<=...)` or `(?<!...)`: atomic, so its cost adds to
        /// the sequence's instead of multiplying it.
        var isLookaround = false
    }

    let characters: [Character]
    var index = 0

    init(_ characters: [Character]) {
        self.characters = characters
    }

    private var current: Character? { index < characters.count ? characters[index] : nil }

    /// Whether the pattern continues with `^` or `\A`.
    var atAnchor: Bool {
        current == "^" || (current == "\\" && index + 1 < characters.count && characters[index + 1] == "A")
    }

    /// Skips leading flag groups such as `(?i)` and returns their letters.
    mutating func leadingFlags() -> String {
        var flags = ""
        while current == "(", index + 1 < characters.count, characters[index + 1] == "?",
            let close = flagGroupEnd(from: index)
        {
            flags += String(characters[(index + 2)..<close])
            index = close + 1
        }
        return flags
    }

    /// The index of the `)` closing a flag-only group `(?i)` that starts at `start`, if it is one.
    private func flagGroupEnd(from start: Int) -> Int? {
        var end = start + 2
        while end < characters.count, characters[end].isLetter || characters[end] == "-" || characters[end] == "^" {
            end += 1
        }
        return end < characters.count && characters[end] == ")" && end > start + 2 ? end : nil
    }

    /// Reads alternatives up to an unmatched `)` or the end.
    ///
    /// A branch costs the product of its pieces' counts; a lookaround in it costs its own steps each time the pieces
    /// before it backtrack to it, and nothing more, because the engine never backtracks into a lookaround.
    mutating func sequence() throws(RegexPattern.UnboundedPattern) -> Shape {
        var total = Shape(steps: 0)
        var branch = Shape()
        var lookarounds: UInt64 = 0
        var hasBranches = false
        while let character = current, character != ")" {
            if character == "|" {
                index += 1
                hasBranches = true
                branch.steps = Self.sum(branch.steps, lookarounds)
                total = Self.alternative(total, branch)
                total.hasAlternation = true
                branch = Shape()
                lookarounds = 0
                continue
            }
            let start = index
            let atom = try self.atom()
            var piece = atom
            if let (most, choices) = quantifier() {
                if most > 1, atom.hasRepetition || atom.hasAlternation {
                    let group = String(characters[start..<index])
                    throw RegexPattern.UnboundedPattern(
                        description:
                            "the repeated group \(group) holds a repetition or an alternation, which can take "
                            + "exponential time on a string that does not match; use a character class or one "
                            + "repetition instead")
                }
                piece.steps = Self.product(atom.steps, choices)
                piece.hasRepetition = true
            }
            if atom.isLookaround {
                lookarounds = Self.sum(lookarounds, Self.product(branch.steps, atom.steps))
            } else {
                branch.steps = Self.product(branch.steps, piece.steps)
            }
            branch.hasRepetition = branch.hasRepetition || piece.hasRepetition
            branch.hasAlternation = branch.hasAlternation || piece.hasAlternation
        }
        branch.steps = Self.sum(branch.steps, lookarounds)
        var shape = Self.alternative(total, branch)
        shape.hasBranches = hasBranches
        return shape
    }

    private static func alternative(_ total: Shape, _ branch: Shape) -> Shape {
        Shape(
            steps: sum(total.steps, branch.steps), hasRepetition: total.hasRepetition || branch.hasRepetition,
            hasAlternation: total.hasAlternation || branch.hasAlternation)
    }

    private static func sum(_ lhs: UInt64, _ rhs: UInt64) -> UInt64 {
        let (sum, overflow) = lhs.addingReportingOverflow(rhs)
        return overflow ? .max : sum
    }

    private static func product(_ lhs: UInt64, _ rhs: UInt64) -> UInt64 {
        let (product, overflow) = lhs.multipliedReportingOverflow(by: rhs)
        return overflow ? .max : product
    }

    /// Reads one atom: a group, a class, an escape or a character.
    private mutating func atom() throws(RegexPattern.UnboundedPattern) -> Shape {
        guard let character = current else { return Shape() }
        index += 1
        switch character {
        case "\\":
            try escape()
            return Shape()
        case "[":
            skipClass()
            return Shape()
        case "(":
            if current == "?", let close = flagGroupEnd(from: index - 1) {
                index = close + 1
                return Shape()
            }
            let isLookaround = skipGroupPrefix()
            var inner = try sequence()
            if current == ")" { index += 1 }
            inner.isLookaround = isLookaround
            return inner
        default:
            return Shape()
        }
    }

    /// Reads the rest of an escape after its `\`, refusing back-references.
    private mutating func escape() throws(RegexPattern.UnboundedPattern) {
        guard let character = current else { return }
        index += 1
        let next = current
        let isBackReference =
            (character.isNumber && character != "0")
            || (character == "k" && (next == "<" || next == "'" || next == "{"))
            || (character == "g" && (next == "{" || next == "<" || next == "'" || next?.isNumber == true))
        if isBackReference {
            throw RegexPattern.UnboundedPattern(
                description: "back-references (\\\(character)) can take exponential time and are not supported")
        }
        if next == "{", "xupPN".contains(character) {
            while let character = current, character != "}" { index += 1 }
            index += 1
        }
    }

    /// Skips a character class after its `[`, with nested classes and escapes.
    private mutating func skipClass() {
        var depth = 1
        if current == "^" { index += 1 }
        if current == "]" { index += 1 }
        while let character = current, depth > 0 {
            index += 1
            switch character {
            case "\\": index += 1
            case "[": depth += 1
            case "]": depth -= 1
            default: break
            }
        }
    }

    /// Skips what follows `(` before a group's contents (`?:`, `?=`, `?<name>`, `?'name'`, `?P<name>`, ...) and
    /// tells whether the group is a lookaround.
    private mutating func skipGroupPrefix() -> Bool {
        guard current == "?" else { return false }
        index += 1
        guard let character = current else { return false }
        switch character {
        case "=", "!":
            index += 1
            return true
        case "<" where index + 1 < characters.count && "=!".contains(characters[index + 1]):
            index += 2
            return true
        case "<", "'", "P":
            let close: Character = character == "'" ? "'" : ">"
            while let character = current, character != close { index += 1 }
            index += 1
        case "#":
            while let character = current, character != ")" { index += 1 }
        default:
            // `:`, `>`, `|`, or flags followed by `:` as in `(?i:...)`.
            while let character = current, character.isLetter || character == "-" { index += 1 }
            index += 1
        }
        return false
    }

    /// Reads a quantifier, if one follows, and returns the most times it lets its atom run and how many counts it
    /// can try; an unbounded one runs at most once per character of the longest string matched.
    private mutating func quantifier() -> (most: UInt64, choices: UInt64)? {
        let unbounded = UInt64(RegexPattern.maxTextLength)
        let bounds: (least: UInt64, most: UInt64)
        switch current {
        case "*", "+":
            bounds = (0, unbounded)
            index += 1
        case "?":
            bounds = (0, 1)
            index += 1
        case "{":
            guard let (least, most, end) = braces(from: index) else { return nil }
            bounds = (min(least, unbounded), min(most ?? unbounded, unbounded))
            index = end
        default:
            return nil
        }
        if current == "?" || current == "+" { index += 1 }  // lazy or possessive
        return (bounds.most, min(bounds.most - min(bounds.least, bounds.most) + 1, unbounded))
    }

    /// The bounds of `{n}`, `{n,}`, `{n,m}` or `{,m}` at `start` (`nil` upper bound when unbounded) and the index
    /// after it, or `nil` when the brace is a literal.
    private func braces(from start: Int) -> (UInt64, UInt64?, Int)? {
        var end = start + 1
        var numbers: [String] = [""]
        while end < characters.count, characters[end] != "}" {
            let character = characters[end]
            if character == "," {
                numbers.append("")
            } else if character.isASCII, character.isNumber {
                numbers[numbers.count - 1].append(character)
            } else if character != " " {
                return nil
            }
            end += 1
        }
        guard end < characters.count, numbers.count <= 2, numbers != [""], numbers != ["", ""] else { return nil }
        let large = UInt64(RegexPattern.maxTextLength)
        let least = numbers[0].isEmpty ? 0 : UInt64(numbers[0]) ?? large
        let upper = numbers.count == 1 ? numbers[0] : numbers[1]
        return (least, upper.isEmpty ? nil : UInt64(upper) ?? large, end + 1)
    }
}
