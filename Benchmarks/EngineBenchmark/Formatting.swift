/// Number formatting for the report, without Foundation.
enum Format {
    /// An integer with thousands separators: `2,000,000`.
    static func grouped(_ number: Int) -> String {
        let digits = String(number.magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index).isMultiple(of: 3) { result.append(",") }
            result.append(digit)
        }
        return number < 0 ? "-" + result : result
    }

    /// A rate rounded to a whole number, with thousands separators.
    static func rate(_ value: Double) -> String {
        guard value.isFinite else { return "n/a" }
        return grouped(Int(value.rounded()))
    }

    /// A non-negative number with a fixed count of decimals: `fixed(1.2345, 2)` is `1.23`.
    static func fixed(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return "n/a" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = Int((value.magnitude * scale).rounded())
        let whole = scaled / Int(scale)
        let fraction = String(scaled % Int(scale))
        let sign = value < 0 && scaled != 0 ? "-" : ""
        guard decimals > 0 else { return sign + String(whole) }
        return sign + String(whole) + "." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }

    /// A share of a whole as a percentage with one decimal: `42.0%`.
    static func percent(_ part: Int, of whole: Int) -> String {
        whole == 0 ? "-" : fixed(100 * Double(part) / Double(whole), 1) + "%"
    }

    /// A byte count in MiB with one decimal.
    static func mebibytes(_ bytes: Int) -> String {
        fixed(Double(bytes) / 1_048_576, 1) + " MiB"
    }

    /// Text padded with spaces on the left to `width` columns (for numbers).
    static func right(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }

    /// Text padded with spaces on the right to `width` columns (for labels).
    static func left(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }
}

/// The median of some numbers (the mean of the middle two for an even count).
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    let middle = sorted.count / 2
    return sorted.count.isMultiple(of: 2) ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle]
}
