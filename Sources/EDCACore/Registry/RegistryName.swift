/// A registry key path or value name that compares as Windows compares it: ignoring case.
///
/// The name keeps its original spelling for display. Comparison and hashing use a folded form, made by
/// upper-casing each Unicode scalar that has a one-scalar upper case (as Windows' own table does), so
/// `.NetFramework` and `.NETFramework` are the same name. The hash is computed once, which keeps lookups
/// in large snapshots cheap.
package struct RegistryName: Sendable, Hashable, CustomStringConvertible {
    /// The name as written.
    package let text: String
    /// The case-folded form used for comparison.
    package let folded: String
    private let foldedHash: Int

    /// Creates a name from its text.
    package init(_ text: String) {
        self.text = text
        self.folded = Self.fold(text)
        self.foldedHash = folded.hashValue
    }

    package var description: String { text }

    package static func == (lhs: RegistryName, rhs: RegistryName) -> Bool {
        lhs.foldedHash == rhs.foldedHash && lhs.folded == rhs.folded
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(foldedHash)
    }

    /// Whether two strings name the same registry entry.
    package static func sameName(_ lhs: String, _ rhs: String) -> Bool {
        fold(lhs) == fold(rhs)
    }

    private static func fold(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            return String(decoding: text.utf8.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }, as: UTF8.self)
        }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let upper = scalar.properties.uppercaseMapping.unicodeScalars
            if upper.count == 1, let single = upper.first {
                scalars.append(single)
            } else {
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }
}

/// The path of a registry key, such as `HKLM\SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters`.
package struct RegistryPath: Sendable, Hashable, CustomStringConvertible {
    /// The hive abbreviations a path may start with.
    package static let hives: Set<String> = ["HKLM", "HKCU", "HKCR", "HKU", "HKCC"]

    /// The path as a comparable name.
    package let name: RegistryName

    /// Creates a path after checking its shape; see ``problem(with:)``.
    package init?(_ text: String) {
        guard Self.problem(with: text) == nil else { return nil }
        self.name = RegistryName(text)
    }

    private init(unchecked text: String) {
        self.name = RegistryName(text)
    }

    /// The path as written.
    package var text: String { name.text }
    package var description: String { name.text }

    /// Why a text is not a registry key path, or nil when it is one.
    ///
    /// A path starts with a hive abbreviation (`HKLM`, ...), separates keys with `\`, and has no empty
    /// component and no trailing `\`.
    package static func problem(with text: String) -> String? {
        let parts = text.split(separator: "\\", omittingEmptySubsequences: false)
        guard let hive = parts.first, hives.contains(hive.uppercased()) else {
            return "a key path starts with a hive abbreviation (HKLM, HKCU, HKCR, HKU or HKCC) and uses \\ as separator"
        }
        if parts.dropFirst().contains(where: \.isEmpty) {
            return text.hasSuffix("\\") ? "a key path has no trailing \\" : "a key path has no empty component (\\\\)"
        }
        return nil
    }

    /// Whether the path is a hive root such as `HKLM`.
    package var isHiveRoot: Bool { !text.utf8.contains(UInt8(ascii: "\\")) }

    /// The key one level up, or nil for a hive root.
    package var parent: RegistryPath? {
        guard let separator = lastSeparator else { return nil }
        return RegistryPath(unchecked: String(text[..<separator]))
    }

    /// The last component of the path: the key's own name.
    package var leafName: String {
        guard let separator = lastSeparator else { return text }
        return String(text[text.index(after: separator)...])
    }

    /// Where the last `\` is. An ASCII path is searched byte by byte (reading a probe's answer builds parents of
    /// every key, and searching by `Character` was most of that); any other by `Character`, as ``problem(with:)``
    /// splits it.
    private var lastSeparator: String.Index? {
        let text = self.text
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.utf8.lastIndex(of: UInt8(ascii: "\\")) }
        return text.lastIndex(of: "\\")
    }

}
