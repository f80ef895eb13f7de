/// A plain-text table with a header row, columns padded to their widest cell; the last column is not padded.
package struct TextTable: Sendable {
    /// The column titles.
    package var header: [String]
    /// The rows, each with one cell per column.
    package var rows: [[String]] = []

    /// Creates an empty table with these column titles.
    package init(header: [String]) {
        self.header = header
    }

    /// The table as lines of text.
    package func rendered() -> String {
        let all = [header] + rows
        var widths = Array(repeating: 0, count: header.count)
        for row in all {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        return all.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(to: widths[index])
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}

/// A count with its noun, singular or plural: "1 control", "2 controls".
package func countNoun(_ count: Int, _ noun: String) -> String {
    count == 1 ? "1 \(noun)" : "\(count) \(noun)s"
}

extension String {
    /// The string padded with spaces on the right to at least `width` characters.
    func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
