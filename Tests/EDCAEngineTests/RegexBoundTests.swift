import Testing

@testable import EDCACore
@testable import EDCAEngine
@testable import EDCAJSON

@Suite("Regular expressions are matched in bounded time")
struct RegexBoundTests {
    @Test(
        "Patterns a control needs load, with their worst-case steps on a 4096-character string",
        arguments: [
            (#"^TLS 1\.[23]$"#, 1),
            (#"(?i)^tls 1\.[23]$"#, 1),
            ("RC4", 4096),
            ("RC4|DES", 2 * 4096),
            (".*", 4096 * 4096),
            (#"(?i)tls\s*1\.2"#, 4096 * 4096),
            (#"^\d+\.\d+$"#, 4096 * 4096),
            (#"^\d+\.\d{1,5}\.\d{1,5}$"#, 4096 * 25),
            ("^(?:TLS|SSL)? ?x", 8),
            ("^(?:ab){2,3}c", 2),
            (#"^[a-z\]]+\p{L}"#, 4096),
            ("(?m)^a", 4096),
            ("^a{", 1),
            (#"(?i)^(?=.*visual c\+\+)(?=.*2012)(?=.*x64)"#, 3 * 4096 + 1),
            (#"(?i)^(?!.*2012)(?=.*visual c\+\+)(?=.*2013)(?=.*x64)"#, 4 * 4096 + 1),
            ("(?i)^(8c5e7fda|db310065)$", 2),
        ] as [(String, UInt64)])
    func boundedPatternsLoad(pattern: String, steps: UInt64) throws {
        #expect(try RegexPattern.worstCaseSteps(pattern) == steps)
        _ = try RegexPattern(pattern)
    }

    @Test(
        "Patterns that backtrack exponentially are refused when the control loads",
        arguments: [
            "(a+)+$", "(a*)*b", "^(a|aa)+$", #"(\w+\s?)*$"#, "(?:a|b){2,}c", "((ab)*)+", #"(a)\1"#, #"(?<x>a)\k<x>"#,
        ])
    func exponentialPatternsAreRefused(pattern: String) {
        #expect(throws: RegexPattern.UnboundedPattern.self) { try RegexPattern(pattern) }
    }

    @Test(
        "Patterns whose repetitions multiply past the step limit are refused",
        arguments: [".*foo.*", "a*a*b", #"^\d+\.\d+\.\d+$"#, #"\s+x\s+"#])
    func costlyPatternsAreRefused(pattern: String) throws {
        #expect(try RegexPattern.worstCaseSteps(pattern) > RegexPattern.maxSteps)
        #expect(throws: RegexPattern.UnboundedPattern.self) { try RegexPattern(pattern) }
    }

    @Test("A control with (a+)+$ is refused at the pattern's position, with the group and the reason")
    func refusalNamesThePattern() throws {
        let text = ControlDocument(check: settingCheck(#""matches": "(a+)+$""#)).text
        let problems = controlProblems(text)
        let problem = try #require(problems.first)
        #expect(problems.count == 1)
        #expect(problem.field == "check.matches")
        #expect(problem.position == position(of: #""(a+)+$""#, in: text))
        #expect(
            problem.message
                == "invalid regular expression: the repeated group (a+)+ holds a repetition or an alternation, which "
                + "can take exponential time on a string that does not match; use a character class or one repetition "
                + "instead")
    }

    @Test("A string longer than 4096 characters is not matched: Unknown, and the evidence says why")
    func longStringIsUnknown() throws {
        let long = String(repeating: "a", count: RegexPattern.maxTextLength) + "b"
        let verdict = try evaluate(check: settingCheck(#""matches": "b$""#), on: snapshotWithSetting(regSZ(long)))
        #expect(verdict.status == .unknown)
        #expect(
            verdict.evidenceLines.first?.hasSuffix("not a string of at most 4096 characters to match, so Unknown")
                == true)
        let fits = String(long.dropFirst())
        let pass = try evaluate(check: settingCheck(#""matches": "b$""#), on: snapshotWithSetting(regSZ(fits)))
        #expect(pass.status == .pass)
    }
}
