import EDCAJSON

/// The data of one registry value, typed as Windows stores it.
package enum RegistryData: Sendable, Hashable {
    /// `REG_DWORD`: an unsigned 32-bit number.
    case dword(UInt32)
    /// `REG_QWORD`: an unsigned 64-bit number.
    case qword(UInt64)
    /// `REG_SZ`: a string.
    case string(String)
    /// `REG_EXPAND_SZ`: a string with unexpanded `%VARIABLE%` references, as stored.
    case expandString(String)
    /// `REG_MULTI_SZ`: a list of strings.
    case multiString([String])
    /// `REG_BINARY`: raw bytes.
    case binary([UInt8])
    /// `REG_NONE`: a value with no data.
    case none

    /// The Windows name of the value's type, such as `REG_DWORD`.
    package var typeName: String {
        switch self {
        case .dword: "REG_DWORD"
        case .qword: "REG_QWORD"
        case .string: "REG_SZ"
        case .expandString: "REG_EXPAND_SZ"
        case .multiString: "REG_MULTI_SZ"
        case .binary: "REG_BINARY"
        case .none: "REG_NONE"
        }
    }

    /// The data as a number, as a check that compares numbers reads it.
    ///
    /// DWORD and QWORD data are numbers as stored. A `REG_SZ` or `REG_EXPAND_SZ` string converts when it holds,
    /// after trimming blanks, a decimal number or a `0x` hexadecimal number; this covers policies that tools
    /// write as strings (`"1"`). Any other data has no numeric reading.
    package var numericValue: UInt64? {
        switch self {
        case .dword(let number): UInt64(number)
        case .qword(let number): number
        case .string(let text), .expandString(let text): Self.parseNumber(text)
        case .multiString, .binary, .none: nil
        }
    }

    /// The data as text, for checks that compare strings; only `REG_SZ` and `REG_EXPAND_SZ` have one.
    package var textValue: String? {
        switch self {
        case .string(let text), .expandString(let text): text
        default: nil
        }
    }

    private static func parseNumber(_ text: String) -> UInt64? {
        let trimmed = text.trimmingBlanks()
        if trimmed.isEmpty { return nil }
        let lowered = trimmed.lowercased()
        if lowered.hasPrefix("0x") {
            return UInt64(lowered.dropFirst(2), radix: 16)
        }
        return UInt64(trimmed, radix: 10)
    }
}

/// One named value of a registry key.
package struct RegistryValue: Sendable, Hashable {
    /// The value's name as stored; `""` is the key's default value.
    package var name: String
    /// The value's typed data.
    package var data: RegistryData

    /// Creates a value.
    package init(name: String, data: RegistryData) {
        self.name = name
        self.data = data
    }
}
