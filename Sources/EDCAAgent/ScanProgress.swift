/// How far a scan has come: hosts done of all, how many failed, the rate over the time really elapsed since the
/// scan started, and the time left at that rate.
///
/// A value that the session updates as each host finishes, with the time elapsed by its clock; tests give it
/// durations of their own.
package struct ScanProgress: Sendable, Equatable, CustomStringConvertible {
    /// The hosts of the scan.
    package let total: Int
    /// Hosts finished, scanned or not.
    package private(set) var done = 0
    /// Hosts finished without being scanned (interrupted ones included).
    package private(set) var failed = 0
    /// Time from the scan's start to the last host finished.
    package private(set) var elapsed: Duration = .zero

    /// A scan of `total` hosts, none finished.
    package init(total: Int) {
        self.total = total
    }

    /// Counts one host finished `elapsed` after the scan started.
    package mutating func hostFinished(failed hostFailed: Bool, after elapsed: Duration) {
        done += 1
        if hostFailed { failed += 1 }
        self.elapsed = max(self.elapsed, elapsed)
    }

    /// Hosts per second over the elapsed time; nil before the first host finishes.
    package var hostsPerSecond: Double? {
        let seconds = Self.seconds(elapsed)
        guard done > 0, seconds > 0 else { return nil }
        return Double(done) / seconds
    }

    /// The time the hosts not yet finished should take at the current rate; nil while there is no rate.
    package var remaining: Duration? {
        guard let rate = hostsPerSecond else { return nil }
        return .seconds(Double(total - done) / rate)
    }

    /// `3/10 hosts, 1 failed, 2.5 hosts/s, about 3 s left`; the rate and estimate appear once a host finished.
    package var description: String {
        var text = "\(done)/\(total) hosts, \(failed) failed"
        if let rate = hostsPerSecond {
            text += ", " + Self.oneDecimal(rate) + " hosts/s"
        }
        if let remaining, done < total {
            text += ", about " + Self.approximate(remaining) + " left"
        }
        return text
    }

    /// A duration as a person reads an estimate: `40 s`, `3 min 05 s`, `2 h 10 min`.
    package static func approximate(_ duration: Duration) -> String {
        let seconds = Int(self.seconds(duration).rounded(.up))
        if seconds < 60 { return "\(seconds) s" }
        if seconds < 3600 { return "\(seconds / 60) min \(twoDigits(seconds % 60)) s" }
        return "\(seconds / 3600) h \(twoDigits(seconds % 3600 / 60)) min"
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private static func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
