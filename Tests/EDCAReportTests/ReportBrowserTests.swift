import EDCAAgent
import EDCATestSupport
import Foundation
import Testing

/// The generated page in a real browser: Debian's Chromium, headless, driven over the DevTools protocol, loading
/// the file from a file:// URL as a user opening the attachment would.
@Suite("The report page in headless Chromium")
struct ReportBrowserTests {
    /// Writes the known spool's report with the repository's template and returns its path.
    static func writeReport(in directory: TemporaryDirectory) throws -> String {
        let (spool, controls) = try KnownSpool.write(to: directory)
        let output = directory.path + "/report.html"
        try ReportFiles.writeReport(
            ReportSource(spoolDirectory: spool, runID: nil, controlsDirectory: controls),
            templateDirectory: repositoryRoot + "/ReportTemplate", output: output)
        return output
    }

    @Test func thePageWorksInChromium() throws {
        let directory = try TemporaryDirectory()
        let page = try Self.writeReport(in: directory)
        let browser = try HeadlessChromium()
        defer { browser.quit() }
        try browser.navigate(URL(fileURLWithPath: page).absoluteString)
        func strings(_ expression: String) throws -> [String] { try browser.evaluate(expression) as? [String] ?? [] }
        func number(_ expression: String) throws -> Int { try browser.evaluate(expression) as? Int ?? -1 }
        let matrixHosts = "[...document.querySelectorAll('#matrix-table tbody th.host')].map(e => e.textContent)"
        let shownControls =
            "[...document.querySelectorAll('#findings-body details.control')].map(e => e.dataset.control)"

        // The matrix has one row per host with verdicts, worst first; the unreached host is listed with its class.
        #expect(try strings(matrixHosts) == ["h2", "h3", "h1"])
        #expect(try number("document.querySelectorAll('#matrix-table thead th.control').length") == 4)
        #expect(
            try strings(
                "[...document.querySelectorAll('#matrix-table tbody tr:first-child td.cell')].map(e => e.textContent)")
                == ["F", "U", "\u{b7}", "S"])
        #expect(
            try browser.evaluate("document.querySelector('#unreached-body').textContent.includes('timeout')") as? Bool
                == true)
        // Scores as computed: total 13/41 = 32%, NIS2 0%.
        #expect(
            try strings(
                "[...document.querySelectorAll('.card')].map(c => c.dataset.framework + ' ' + c.querySelector('text').textContent)"
            ) == ["Total 32%", "BSI 33%", "CIS 33%", "NIS2 0%"])
        // A title with markup in it is text, not markup.
        #expect(
            try browser.evaluate("document.querySelector('#findings-body .title').textContent.includes('</script><b>')")
                as? Bool == true)
        #expect(try number("document.querySelectorAll('#findings-body .title b').length") == 0)

        // A filter changes what is shown: framework NIS2 leaves control 004; status Pass leaves the hosts with a Pass.
        try browser.evaluate("document.querySelector('input[data-filter=framework][value=NIS2]').click()")
        #expect(try strings(shownControls) == ["EDCA-TST-004"])
        #expect(try number("document.querySelectorAll('#matrix-table thead th.control').length") == 1)
        try browser.evaluate("document.querySelector('#clear-filters').click()")
        #expect(try strings(shownControls).count == 4)
        try browser.evaluate("document.querySelector('input[data-filter=status][value=Pass]').click()")
        #expect(try strings(matrixHosts) == ["h3", "h1"])
        try browser.evaluate("document.querySelector('#clear-filters').click()")

        // Search finds a control by id and by words of its title.
        let search =
            "(q => { const s = document.querySelector('#search'); s.value = q; s.dispatchEvent(new Event('input')); })"
        try browser.evaluate("\(search)('EDCA-TST-002')")
        #expect(try strings(shownControls) == ["EDCA-TST-002"])
        try browser.evaluate("\(search)('control C is')")
        #expect(try strings(shownControls) == ["EDCA-TST-003"])
        try browser.evaluate("\(search)('')")

        // A control's detail shows one evidence row per host that has a verdict shown, and its script.
        try browser.evaluate("document.querySelector('details[data-control=\"EDCA-TST-001\"] summary').click()")
        #expect(
            try strings(
                "[...document.querySelectorAll('details[data-control=\"EDCA-TST-001\"] .evidence tbody td:first-child')].map(e => e.textContent)"
            ) == ["h2", "h3", "h1"])
        #expect(
            try browser.evaluate(
                "document.querySelector('details[data-control=\"EDCA-TST-001\"] pre').textContent.includes('Set-ItemProperty')"
            ) as? Bool == true)

        // Dark mode switches the theme and the colours.
        let background = "getComputedStyle(document.body).backgroundColor"
        let before = try browser.evaluate(background) as? String
        let themeBefore = try browser.evaluate("document.documentElement.dataset.theme") as? String
        try browser.evaluate("document.querySelector('#theme-toggle').click()")
        let themeAfter = try browser.evaluate("document.documentElement.dataset.theme") as? String
        #expect(Set([themeBefore, themeAfter]) == Set(["light", "dark"]))
        #expect(try browser.evaluate(background) as? String != before)

        // No console error, no uncaught exception, nothing loaded from elsewhere.
        #expect(browser.errors == [])
        #expect(try number("performance.getEntriesByType('resource').length") == 0)
    }
}
