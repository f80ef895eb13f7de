/// Why a probe run printed no response: what the bootstrap or probe said in its framed stderr line
/// (`edca-probe: CODE: MESSAGE`, `docs/probe-protocol.md` §2.3), else what PowerShell or the server said.
///
/// Each reason is its own ``ProbeError/Code`` with a message that names the remedy and quotes the first lines of
/// stderr, so that a per-host error says what to do without a trip to the server.
enum ProbeRefusal {
    /// How many lines of stderr a message quotes.
    static let quotedLines = 5

    /// The error for a run without a framed response in its output.
    static func error(standardOutput: [UInt8], standardError: [UInt8], exitStatus: Int32?) -> ProbeError {
        let lines = ProbeDiagnostics.lines(ofStandardError: standardError)
        let stderr = lines.isEmpty ? "" : "; stderr: " + ProbeDiagnostics.joined(lines.prefix(quotedLines))
        let status = exitStatus.map { "exit status \($0)" } ?? "no exit status (killed or disconnected)"
        if let framed = lines.lazy.compactMap(framedLine).first {
            return ProbeError(code: framed.code, message: remedy(for: framed.code, said: framed.message) + stderr)
        }
        if let code = recognized(lines.joined(separator: "\n")) {
            return ProbeError(code: code, message: remedy(for: code, said: nil) + stderr)
        }
        if standardOutput.isEmpty && standardError.isEmpty {
            return ProbeError(code: .blocked, message: remedy(for: .blocked, said: status))
        }
        return ProbeError(
            code: .noResponse, message: "no probe response for this run in the output (\(status))\(stderr)")
    }

    /// The codes a framed line may carry, by their text.
    private static let framedCodes: [String: ProbeError.Code] = [
        "script-rejected": .scriptRejected, "no-input": .noInput, "bad-request": .badRequest,
        "powershell-too-old": .powerShellTooOld, "fips": .fips, "constrained-language": .constrainedLanguage,
    ]

    /// The code and message of a framed line: `edca-probe: CODE: MESSAGE`, anywhere in the line (PowerShell's
    /// error view may put the command's name before it).
    static func framedLine(_ line: String) -> (code: ProbeError.Code, message: String)? {
        guard let marker = line.firstRange(of: "edca-probe: ") else { return nil }
        let rest = line[marker.upperBound...]
        guard let colon = rest.firstRange(of: ": "), let code = framedCodes[String(rest[..<colon.lowerBound])] else {
            return nil
        }
        return (code, String(rest[colon.upperBound...]).trimmingCharacters())
    }

    /// A reason recognized in what Windows or PowerShell wrote when the bootstrap could not say it itself.
    private static func recognized(_ text: String) -> ProbeError.Code? {
        let lowered = text.lowercased()
        if lowered.contains("language mode") || lowered.contains("only core types are supported") {
            return .constrainedLanguage
        }
        if lowered.contains("blocked by group policy") || lowered.contains("blocked by your system administrator") {
            return .blocked
        }
        if lowered.contains("convertfrom-json") && lowered.contains("not recognized") { return .powerShellTooOld }
        if lowered.contains("fips validated cryptographic algorithms") { return .fips }
        return nil
    }

    /// What happened and what to do about it.
    private static func remedy(for code: ProbeError.Code, said: String?) -> String {
        let detail = said.map { " (\($0))" } ?? ""
        switch code {
        case .scriptRejected:
            return "the server refused the probe script: its SHA-256 is not the one the bootstrap expects\(detail); "
                + "something changed the request on its way, or the agent's bootstrap and script disagree"
        case .noInput:
            return "powershell.exe read an empty standard input\(detail); check that the server's OpenSSH passes "
                + "stdin to the command (no ForceCommand wrapper or DefaultShell that swallows it)"
        case .badRequest:
            return "the probe refused its request\(detail); the request was changed on its way or this agent and "
                + "the protocol disagree: compare with edca-agent probe HOST --print-script"
        case .powerShellTooOld:
            return "the server's PowerShell is too old for the probe\(detail); install Windows Management "
                + "Framework 5.1 (Windows PowerShell 5.1)"
        case .fips:
            return "the server's FIPS policy refused the SHA-256 the bootstrap uses\(detail); check that the "
                + "Microsoft Enhanced RSA and AES Cryptographic Provider is present (the probe does not need FIPS off)"
        case .constrainedLanguage:
            return "PowerShell runs in Constrained Language Mode (AppLocker or WDAC) and refused something the "
                + "probe did\(detail); allow the probe as README \"Least privilege\" says, and report the stderr lines"
        case .blocked:
            return "powershell.exe printed nothing and ended\(detail); security software (AppLocker, WDAC, an "
                + "EDR) likely blocked or killed it: allow the constant command line (edca-agent probe HOST "
                + "--print-script)"
        case .noResponse, .malformedResponse, .requestTooLarge, .pastDeadline:
            return "the probe failed\(detail)"
        }
    }
}
