import EDCACore
import EDCAJSON

/// A version made of dot-separated numbers, such as an Exchange build `15.2.1748.43`.
///
/// It reads like .NET's `System.Version`: two to four decimal components. Versions compare component by
/// component, a missing component counting as 0, so `15.2` equals `15.2.0.0`.
package struct DottedVersion: Sendable, Comparable, CustomStringConvertible {
    /// The components, most significant first.
    package let components: [UInt64]

    /// Parses `text` after trimming blanks; `nil` unless it is two to four dot-separated decimal numbers.
    package init?(_ text: String) {
        let trimmed = text.trimmingBlanks()
        let parts = trimmed.split(separator: ".", omittingEmptySubsequences: false)
        guard (2...4).contains(parts.count) else { return nil }
        var components: [UInt64] = []
        for part in parts {
            guard !part.isEmpty, part.utf8.count <= 19, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                let number = UInt64(part)
            else { return nil }
            components.append(number)
        }
        self.components = components
    }

    /// Creates a version from its components.
    package init(components: [UInt64]) {
        self.components = components
    }

    package var description: String {
        components.map(String.init).joined(separator: ".")
    }

    package static func < (left: DottedVersion, right: DottedVersion) -> Bool {
        for index in 0..<max(left.components.count, right.components.count) {
            let leftPart = index < left.components.count ? left.components[index] : 0
            let rightPart = index < right.components.count ? right.components[index] : 0
            if leftPart != rightPart { return leftPart < rightPart }
        }
        return false
    }

    package static func == (left: DottedVersion, right: DottedVersion) -> Bool {
        !(left < right) && !(right < left)
    }
}
