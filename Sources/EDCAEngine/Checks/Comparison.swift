package import EDCACore
import EDCAJSON

/// One test of a registry value's data, as written in a check (`equals`, `atLeast`, `bitsSet`, ...).
package indirect enum Comparison: Sendable {
    /// The number equals the operand (`"equals": 1`).
    case equalsNumber(UInt64)
    /// The boolean (stored as 1 or 0) equals the operand (`"equals": true`).
    case equalsBool(Bool)
    /// The string equals the operand exactly (`"equals": "Value"`).
    case equalsText(String)
    /// The number is one of the operands.
    case oneOfNumbers([UInt64])
    /// The string is exactly one of the operands.
    case oneOfTexts([String])
    /// The number is at least the operand.
    case atLeast(UInt64)
    /// The number is at most the operand.
    case atMost(UInt64)
    /// The number is greater than the operand.
    case greaterThan(UInt64)
    /// The number is less than the operand.
    case lessThan(UInt64)
    /// The number lies in the closed range.
    case between(UInt64, UInt64)
    /// The string equals the operand, ignoring case.
    case equalsIgnoringCase(String)
    /// The string contains a match of the regular expression.
    case matches(RegexPattern)
    /// The `REG_MULTI_SZ` list has an item equal to the operand, ignoring case.
    case contains(String)
    /// The string (or an item of the list) starts with the operand, ignoring case.
    case startsWith(String)
    /// The string (or an item of the list) contains the operand, ignoring case.
    case containsText(String)
    /// The `REG_MULTI_SZ` list has no item other than empty strings (`true`), or has one (`false`).
    case emptyList(Bool)
    /// The list has at least this many non-empty items (`"itemsAtLeast": 2`: a database with two copies).
    case itemsAtLeast(UInt64)
    /// The value equals another property of the same row, ignoring case (numbers as numbers): `"sameAsProperty":
    /// "PrimarySmtpAddress"`. Row leaves (`exchange`) resolve it row by row (``resolved(in:)``); elsewhere it
    /// cannot be tested.
    case sameAsProperty(String)
    /// The number is less than another property of the same row, `Unlimited` being larger than any number:
    /// `"lessThanProperty": "ProhibitSendReceiveQuota"`. Resolved row by row like ``sameAsProperty(_:)``.
    case lessThanProperty(String)
    /// The string is not the host name of the URL in any of these properties of the same row, ignoring case:
    /// `"notHostOfProperty": ["InternalUrl", "ExternalUrl"]` (a download host name must not be the host that serves
    /// Outlook on the web). A property the row does not have, or a value with no host, has no host to collide with.
    /// Resolved row by row like ``sameAsProperty(_:)``.
    case notHostOfProperty([String])
    /// The string is none of the operands, ignoring case (what ``notHostOfProperty(_:)`` resolves to).
    case noneOfIgnoringCase([String])
    /// A row comparison resolved against one row: the property named and the comparison with its value, or nil
    /// when the row does not have the property (which cannot be tested).
    case againstProperty(String, Comparison?)
    /// Every bit of the mask is set.
    case bitsSet(UInt64)
    /// Every bit of the mask is clear.
    case bitsClear(UInt64)
    /// The string is a version (``DottedVersion``) at least the operand; `catalogEntry` names where the operand
    /// came from (`exchange-builds: ExchangeSE`) when it was read from a ``VersionCatalog``.
    case versionAtLeast(DottedVersion, catalogEntry: String?)
    /// The string is an ISO 8601 date (``Timestamp``) earlier than the operand (`"dateBefore": {"daysFromScan": 30}`:
    /// a certificate expiring within 30 days of the scan).
    case dateBefore(DateOperand)
    /// The string is an ISO 8601 date later than the operand (`"dateAfter": "scanTime"`: not yet expired).
    case dateAfter(DateOperand)

    /// The date a date comparison compares with: fixed, or relative to the scan time, which the engine takes from
    /// the host's facts (``HostFacts/scanTime``), never from its own clock.
    package enum DateOperand: Sendable, Equatable, CustomStringConvertible {
        /// A fixed instant (`"2027-01-01"`, `"2027-01-01T00:00:00Z"`).
        case fixed(Timestamp)
        /// The scan time moved by a number of days (`"scanTime"` is 0; `{"daysFromScan": -90}` is 90 days before).
        case scanTime(plusDays: Int64)

        /// The instant, given the scan time; nil when it is relative and there is no scan time.
        func resolved(scanTime: Timestamp?) -> Timestamp? {
            switch self {
            case .fixed(let instant): instant
            case .scanTime(let days): scanTime?.adding(days: days)
            }
        }

        package var description: String {
            switch self {
            case .fixed(let instant): instant.description
            case .scanTime(0): "the scan time"
            case .scanTime(let days) where days > 0: "the scan time + \(days) day\(days == 1 ? "" : "s")"
            case .scanTime(let days): "the scan time - \(-days) day\(days == -1 ? "" : "s")"
            }
        }
    }

    /// The outcome of testing one datum.
    package enum Outcome: Sendable, Equatable {
        /// The datum passes the test.
        case holds
        /// The datum fails the test.
        case fails
        /// The datum's type cannot be tested this way; the text says what was expected.
        case wrongType(expected: String)
        /// The test compares with the scan time, and the facts carry none (a snapshot saved by an older agent).
        case noScanTime
    }

    /// Tests one datum. Numeric tests read `REG_SZ` numbers as numbers (``RegistryData/numericValue``), and the
    /// text `Unlimited` (an Exchange limit that is not set) as larger than any number; date tests compare with
    /// `scanTime` when their operand is relative to it.
    package func test(_ data: RegistryData, scanTime: Timestamp? = nil) -> Outcome {
        switch self {
        case .dateBefore(let operand): date(data, operand, scanTime) { $0 < $1 }
        case .dateAfter(let operand): date(data, operand, scanTime) { $0 > $1 }
        case .equalsNumber(let operand): number(data) { $0 == operand }
        case .equalsBool(let operand):
            if let value = data.numericValue, value <= 1 {
                (value == 1) == operand ? .holds : .fails
            } else {
                .wrongType(expected: "a boolean")
            }
        case .oneOfNumbers(let operands): number(data) { operands.contains($0) }
        case .atLeast(let operand): number(data, unlimited: .holds) { $0 >= operand }
        case .atMost(let operand): number(data) { $0 <= operand }
        case .greaterThan(let operand): number(data, unlimited: .holds) { $0 > operand }
        case .lessThan(let operand): number(data) { $0 < operand }
        case .between(let low, let high): number(data) { $0 >= low && $0 <= high }
        case .bitsSet(let mask): number(data, unlimited: .wrongType(expected: "a number")) { $0 & mask == mask }
        case .bitsClear(let mask): number(data, unlimited: .wrongType(expected: "a number")) { $0 & mask == 0 }
        case .equalsText(let operand): text(data) { $0 == operand }
        case .oneOfTexts(let operands): text(data) { operands.contains($0) }
        case .equalsIgnoringCase(let operand): text(data) { RegistryName.sameName($0, operand) }
        case .matches(let pattern): data.textValue.map(pattern.test) ?? text(data) { _ in false }
        case .versionAtLeast(let operand, _):
            if let version = data.textValue.flatMap(DottedVersion.init) {
                version >= operand ? .holds : .fails
            } else {
                .wrongType(expected: "a version such as \"15.2.1748.43\" (REG_SZ)")
            }
        case .startsWith(let operand): texts(data) { $0.lowercased().hasPrefix(operand.lowercased()) }
        case .containsText(let operand): texts(data) { $0.lowercased().contains(operand.lowercased()) }
        case .contains(let operand):
            if case .multiString(let items) = data {
                items.contains { RegistryName.sameName($0, operand) } ? .holds : .fails
            } else {
                .wrongType(expected: "a REG_MULTI_SZ list")
            }
        case .emptyList(let mustBeEmpty):
            if case .multiString(let items) = data {
                items.allSatisfy(\.isEmpty) == mustBeEmpty ? .holds : .fails
            } else {
                .wrongType(expected: "a REG_MULTI_SZ list")
            }
        case .sameAsProperty(let name), .lessThanProperty(let name):
            .wrongType(expected: "a row whose \(name) it is compared with (row leaves only)")
        case .notHostOfProperty(let names):
            .wrongType(
                expected: "a row whose \(names.joined(separator: " and ")) it is compared with (row leaves only)")
        case .noneOfIgnoringCase(let operands):
            text(data) { value in !operands.contains { RegistryName.sameName($0, value) } }
        case .againstProperty(let name, let resolved):
            resolved?.test(data, scanTime: scanTime) ?? .wrongType(expected: "\(name) set on the same row")
        case .itemsAtLeast(let minimum):
            if case .multiString(let items) = data {
                items.filter { !$0.isEmpty }.count >= minimum ? .holds : .fails
            } else {
                .wrongType(expected: "a REG_MULTI_SZ list")
            }
        }
    }

    /// Tests a number; the text `Unlimited` (ignoring case) is larger than any number, so it gives `unlimited`
    /// (which holds only for `atLeast` and `greaterThan`).
    private func number(
        _ data: RegistryData, unlimited: Outcome = .fails, _ predicate: (UInt64) -> Bool
    ) -> Outcome {
        guard let value = data.numericValue else {
            if let text = data.textValue, RegistryName.sameName(text, "Unlimited") { return unlimited }
            return .wrongType(expected: "a number")
        }
        return predicate(value) ? .holds : .fails
    }

    private func date(
        _ data: RegistryData, _ operand: DateOperand, _ scanTime: Timestamp?,
        _ predicate: (Timestamp, Timestamp) -> Bool
    ) -> Outcome {
        guard let value = data.textValue.flatMap(Timestamp.init(iso8601:)) else {
            return .wrongType(expected: "an ISO 8601 date such as \"2027-03-01T12:00:00Z\"")
        }
        guard let bound = operand.resolved(scanTime: scanTime) else { return .noScanTime }
        return predicate(value, bound) ? .holds : .fails
    }

    /// Tests a string, or each item of a list (holding when one item does).
    private func texts(_ data: RegistryData, _ predicate: (String) -> Bool) -> Outcome {
        if case .multiString(let items) = data { return items.contains(where: predicate) ? .holds : .fails }
        return text(data, predicate)
    }

    private func text(_ data: RegistryData, _ predicate: (String) -> Bool) -> Outcome {
        guard let value = data.textValue else { return .wrongType(expected: "a string (REG_SZ or REG_EXPAND_SZ)") }
        return predicate(value) ? .holds : .fails
    }
}

extension Comparison: CustomStringConvertible {
    /// The requirement in words, as evidence shows it: `1`, `one of 1, 2`, `>= 528040`, `bits 0x20000000 set`.
    package var description: String {
        switch self {
        case .equalsNumber(let operand): "\(operand)"
        case .equalsBool(let operand): "\(operand)"
        case .equalsText(let operand): quoted(operand)
        case .oneOfNumbers(let operands): "one of " + operands.map(String.init).joined(separator: ", ")
        case .oneOfTexts(let operands): "one of " + operands.map(quoted).joined(separator: ", ")
        case .atLeast(let operand): ">= \(operand)"
        case .atMost(let operand): "<= \(operand)"
        case .greaterThan(let operand): "> \(operand)"
        case .lessThan(let operand): "< \(operand)"
        case .between(let low, let high): "\(low)..\(high)"
        case .equalsIgnoringCase(let operand): "\(quoted(operand)) (ignoring case)"
        case .matches(let pattern): "matches /\(pattern.source)/"
        case .contains(let operand): "a list containing \(quoted(operand)) (ignoring case)"
        case .startsWith(let operand): "starting with \(quoted(operand)) (ignoring case)"
        case .containsText(let operand): "text containing \(quoted(operand)) (ignoring case)"
        case .emptyList(true): "an empty list"
        case .emptyList(false): "a list with at least one item"
        case .sameAsProperty(let name): "the same as \(name) (ignoring case)"
        case .lessThanProperty(let name): "< \(name)"
        case .notHostOfProperty(let names): "not the host of \(names.joined(separator: " or ")) (ignoring case)"
        case .noneOfIgnoringCase([]): "any text"
        case .noneOfIgnoringCase(let operands):
            "not " + operands.map(quoted).joined(separator: " nor ") + " (ignoring case)"
        case .againstProperty(let name, let resolved?): "\(resolved) (\(name))"
        case .againstProperty(let name, nil): "compared with \(name), which the row does not have"
        case .itemsAtLeast(let minimum): "a list with at least \(minimum) item\(minimum == 1 ? "" : "s")"
        case .bitsSet(let mask): "bits \(hex(mask)) set"
        case .bitsClear(let mask): "bits \(hex(mask)) clear"
        case .versionAtLeast(let operand, let entry?): "version >= \(operand) (\(entry))"
        case .versionAtLeast(let operand, nil): "version >= \(operand)"
        case .dateBefore(let operand): "a date before \(operand)"
        case .dateAfter(let operand): "a date after \(operand)"
        }
    }
}

/// A number in hexadecimal, as bit masks are written: `0x20000000`.
func hex(_ number: UInt64) -> String {
    "0x" + String(number, radix: 16, uppercase: false)
}

/// A string in double quotes, for evidence.
func quoted(_ text: String) -> String {
    "\"" + text + "\""
}

extension Comparison {
    /// The comparison with a row's other properties filled in: `sameAsProperty` and `lessThanProperty` become a
    /// comparison with that row's value; every other comparison is returned unchanged.
    package func resolved(in row: FactRecord) -> Comparison {
        switch self {
        case .sameAsProperty(let name):
            guard let other = row[name] else { return .againstProperty(name, nil) }
            if let number = other.numericValue { return .againstProperty(name, .equalsNumber(number)) }
            return .againstProperty(name, other.textValue.map(Comparison.equalsIgnoringCase))
        case .lessThanProperty(let name):
            guard let other = row[name] else { return .againstProperty(name, nil) }
            if let number = other.numericValue { return .againstProperty(name, .lessThan(number)) }
            // Below `Unlimited` is any number (`Unlimited` itself is not below it).
            if let text = other.textValue, RegistryName.sameName(text, "Unlimited") {
                return .againstProperty(name, .atMost(.max))
            }
            return .againstProperty(name, nil)
        case .notHostOfProperty(let names):
            let hosts = names.compactMap { row[$0]?.textValue.flatMap(Self.host(ofURL:)) }
            return .againstProperty(names.joined(separator: ", "), .noneOfIgnoringCase(hosts))
        default: return self
        }
    }

    /// The host name of an absolute URL (`https://mail.contoso.com:443/owa` gives `mail.contoso.com`), or nil when
    /// the text has no `scheme://` or an empty host.
    static func host(ofURL text: String) -> String? {
        let characters = Array(text)
        guard let colon = characters.indices.first(where: { characters[$0...].starts(with: "://") }) else {
            return nil
        }
        var authority = Substring(String(characters[(colon + 3)...])).prefix { !"/?#".contains($0) }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        let host: Substring =
            if authority.hasPrefix("[") {
                authority.prefix { $0 != "]" }.dropFirst()
            } else {
                authority.prefix { $0 != ":" }
            }
        return host.isEmpty ? nil : String(host)
    }
}

extension ValueRule {
    /// The rule with its row comparisons resolved against one row (``Comparison/resolved(in:)``).
    package func resolved(in row: FactRecord) -> ValueRule {
        switch self {
        case .require(let comparisons): .require(comparisons.map { $0.resolved(in: row) })
        case .cases(let cases, let otherwise):
            .cases(
                cases.map {
                    CheckCase(
                        comparisons: $0.comparisons.map { $0.resolved(in: row) }, status: $0.status,
                        note: $0.note)
                }, otherwise: otherwise)
        case .presence: self
        }
    }
}
