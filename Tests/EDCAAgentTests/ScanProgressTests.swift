import EDCAAgent
import Testing

/// The progress line a person watches: counts, a rate over the real elapsed time, and the time left.
@Suite("Scan progress")
struct ScanProgressTests {
    @Test("Before any host finishes there is no rate and no estimate")
    func nothingFinished() {
        let progress = ScanProgress(total: 10)

        #expect(progress.hostsPerSecond == nil)
        #expect(progress.remaining == nil)
        #expect(progress.description == "0/10 hosts, 0 failed")
    }

    /// The demo lab once showed "1000.0 hosts/s" after its first host and "4000.0 hosts/s" after its fourth: the
    /// elapsed time was cut to whole seconds, so any host finished within the first second divided by 0.001 s.
    @Test("The rate counts the fractions of a second: 1 host after 0.5 s is 2 hosts/s, 4 after 1.6 s are 2.5")
    func rateOverRealElapsedTime() {
        var progress = ScanProgress(total: 10)

        progress.hostFinished(failed: false, after: .milliseconds(500))
        #expect(nearly(progress.hostsPerSecond, 2))
        #expect(nearly(progress.remaining, .milliseconds(4500)))
        #expect(progress.description == "1/10 hosts, 0 failed, 2.0 hosts/s, about 5 s left")

        progress.hostFinished(failed: true, after: .milliseconds(900))
        progress.hostFinished(failed: false, after: .milliseconds(1200))
        progress.hostFinished(failed: false, after: .milliseconds(1600))
        #expect(nearly(progress.hostsPerSecond, 2.5))
        #expect(nearly(progress.remaining, .milliseconds(2400)))
        #expect(progress.description == "4/10 hosts, 1 failed, 2.5 hosts/s, about 3 s left")
    }

    @Test("The estimate follows the rate: 20 of 200 hosts in 60 s leave about 9 minutes")
    func estimateAtScale() {
        var progress = ScanProgress(total: 200)
        for second in 1...20 { progress.hostFinished(failed: second % 10 == 0, after: .seconds(second * 3)) }

        #expect(nearly(progress.remaining, .seconds(540)))
        #expect(progress.description == "20/200 hosts, 2 failed, 0.3 hosts/s, about 9 min 00 s left")
    }

    @Test("A host reported late never moves the clock back")
    func elapsedNeverShrinks() {
        var progress = ScanProgress(total: 3)
        progress.hostFinished(failed: false, after: .seconds(2))
        progress.hostFinished(failed: false, after: .seconds(1))

        #expect(progress.elapsed == .seconds(2))
        #expect(nearly(progress.hostsPerSecond, 1))
    }

    @Test("Once every host is done the line gives the rate and no time left")
    func finished() {
        var progress = ScanProgress(total: 2)
        progress.hostFinished(failed: false, after: .seconds(1))
        progress.hostFinished(failed: true, after: .seconds(4))

        #expect(progress.description == "2/2 hosts, 1 failed, 0.5 hosts/s")
    }

    @Test(
        "Estimates read as a person says them",
        arguments: [
            (Duration.milliseconds(200), "1 s"), (.seconds(40), "40 s"), (.seconds(185), "3 min 05 s"),
            (.seconds(7800), "2 h 10 min"),
        ])
    func approximateDurations(duration: Duration, text: String) {
        #expect(ScanProgress.approximate(duration) == text)
    }
}

/// Whether a rate is within a millionth of the expected one.
private func nearly(_ rate: Double?, _ expected: Double) -> Bool {
    rate.map { abs($0 - expected) < 1e-6 } ?? false
}

/// Whether a duration is within a microsecond of the expected one.
private func nearly(_ duration: Duration?, _ expected: Duration) -> Bool {
    duration.map { $0 - expected < .microseconds(1) && expected - $0 < .microseconds(1) } ?? false
}
