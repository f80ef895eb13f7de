/// One problem found in an inventory file: where it is, which field, and what is wrong.
package struct InventoryProblem: Sendable, Hashable, CustomStringConvertible {
    /// The inventory file's path as given to `Inventory.load(path:)` or `Inventory.parse(yaml:file:)`.
    package var file: String
    /// The line, from 1; 0 when the problem concerns the whole file (it could not be read).
    package var line: Int
    /// The column, from 1; 0 when the problem concerns the whole file.
    package var column: Int
    /// The field's path from the document root, such as `groups.site-a.hosts[1].port`.
    package var field: String
    /// What is wrong, and what was expected.
    package var message: String

    /// Creates a problem.
    package init(file: String, line: Int, column: Int, field: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.message = message
    }

    /// `file:line:column: field: message`.
    package var description: String {
        "\(file):\(line):\(column): \(field): \(message)"
    }
}

/// Every problem found in an inventory, reported together so that one run shows them all.
package struct InventoryError: Error, Sendable, CustomStringConvertible {
    /// The problems, in the order they appear in the file.
    package var problems: [InventoryProblem]
    /// Whether the file could not be read at all (missing, unreadable, not UTF-8), rather than being malformed.
    package var isUnreadable: Bool

    /// Creates an error from its problems.
    package init(problems: [InventoryProblem], isUnreadable: Bool = false) {
        self.problems = problems
        self.isUnreadable = isUnreadable
    }

    /// One problem per line, each `file:line:column: field: message`.
    package var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}
