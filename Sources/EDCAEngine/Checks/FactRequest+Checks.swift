package import EDCACore

extension FactRequest {
    /// Creates the request of a set of checks: every read of every check, merged.
    package init(checks: [Check]) {
        self.init(reads: checks.lazy.flatMap(\.reads))
    }
}
