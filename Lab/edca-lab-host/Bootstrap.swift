import EDCACore
import EDCAJSON

/// The bootstrap (the decoded `-EncodedCommand` text), emulated: the simulator cannot run its PowerShell, so it
/// checks that the text does what docs/probe-protocol.md §2 requires and then does the same with standard input,
/// on a Windows host that may run under the FIPS policy, in Constrained Language Mode or with PowerShell 2.0.
struct Bootstrap {
    /// The probe script's SHA-256 that the bootstrap embeds, as written.
    let embeddedHash: String
    /// Whether the bootstrap says that PowerShell before 3.0 is too old before it needs ConvertFrom-Json.
    let checksPowerShellVersion: Bool
    /// Whether the bootstrap hashes with .NET's managed SHA-256, which throws under the FIPS policy.
    let hashesWithManagedSHA256: Bool
    /// Whether the bootstrap has a Constrained Language path: it branches on the language mode and hashes with
    /// Get-FileHash there (no hash object is allowed in that mode).
    let hasConstrainedLanguagePath: Bool

    /// How deep the payload's JSON may nest; the payload is a shallow object.
    static let payloadDepthLimit = 64

    /// The failures the bootstrap and the probe must frame (`edca-probe: CODE: MESSAGE`), each as a quoted code.
    static let framedCodes = [
        "no-input", "bad-request", "script-rejected", "powershell-too-old", "fips", "constrained-language",
    ]

    /// Checks a decoded bootstrap: exactly one 64-hex-digit string, in single quotes (the script hash); standard
    /// input read with `$input`; a framed message for each of ``framedCodes``; never a nested `-Command -` or
    /// `-File -`.
    ///
    /// - Throws: The simulator's ``Refusal`` naming what is missing.
    init(text: String) throws(Refusal) {
        let hashes = Self.hexRuns(ofLength: 64, in: text)
        guard hashes.count == 1, let hash = hashes.first else {
            throw Refusal.simulator(
                "the bootstrap must embed exactly one 64-hex-digit string (the script hash); found \(hashes.count)")
        }
        guard hash.quoted else {
            throw Refusal.simulator("the bootstrap's script hash must be in single quotes")
        }
        let lowered = text.lowercased()
        guard lowered.contains("$input") else {
            throw Refusal.simulator(
                "the bootstrap must read standard input with $input (the only way in Constrained Language Mode)")
        }
        if Self.readsCommandsFromStandardInput(lowered) {
            throw Refusal.simulator("the bootstrap uses '-Command -' or '-File -' (REPL semantics)")
        }
        for code in Self.framedCodes where !lowered.contains("'\(code)'") {
            throw Refusal.simulator("the bootstrap must frame every failure: no 'edca-probe: \(code)' message")
        }
        embeddedHash = hash.text
        checksPowerShellVersion = lowered.contains("$psversiontable.psversion.major -lt 3")
        hashesWithManagedSHA256 = ["sha256]::create(", "sha256managed", "hashalgorithm]::create("].contains {
            lowered.contains($0)
        }
        hasConstrainedLanguagePath =
            lowered.contains("$executioncontext.sessionstate.languagemode") && lowered.contains("get-filehash")
    }

    /// The payload the bootstrap hands to the script: standard input parsed as one JSON object whose `script`
    /// has the embedded hash, on a host that behaves as `windows` says.
    ///
    /// - Throws: A ``Refusal`` with the bootstrap's framed line and exit status 3, or what Windows prints when
    ///   the bootstrap cannot say it.
    func payload(from input: [UInt8], on windows: WindowsHost = WindowsHost()) throws(Refusal) -> [JSONMember] {
        if windows.powerShellVersion < 3 {
            guard checksPowerShellVersion else {
                throw Refusal.windows(
                    "The term 'ConvertFrom-Json' is not recognized as the name of a cmdlet, function, script file, "
                        + "or operable program.", status: 1)
            }
            throw Refusal.framed(
                "powershell-too-old", "this is PowerShell \(windows.powerShellVersion).0, which has no ConvertFrom-Json"
            )
        }
        if windows.constrainedLanguage && !hasConstrainedLanguagePath {
            throw Refusal.windows(
                "New-Object : Cannot create type. Only core types are supported in this language mode.", status: 1)
        }
        if input.allSatisfy({ [0x20, 0x09, 0x0D, 0x0A].contains($0) }) {
            throw Refusal.framed("no-input", "standard input was empty")
        }
        let document: JSONValue
        do {
            document = try JSONParser.parse(input, maxDepth: Self.payloadDepthLimit)
        } catch {
            throw Refusal.framed("bad-request", "standard input is not valid JSON: \(error)")
        }
        if let duplicate = Self.firstDuplicateName(in: document) {
            throw Refusal.framed(
                "bad-request",
                "Cannot convert the JSON string because a dictionary that was converted from the string contains "
                    + "the duplicated keys '\(duplicate.first)' and '\(duplicate.second)'.")
        }
        guard case .object(let members) = document.kind,
            let scriptMember = members.first(where: { $0.name == "script" }),
            case .string(let script) = scriptMember.value.kind
        else {
            throw Refusal.framed("bad-request", #"standard input is not a JSON object with a "script" string"#)
        }
        if windows.fips && hashesWithManagedSHA256 {
            throw Refusal.framed(
                "fips",
                "This implementation is not part of the Windows Platform FIPS validated cryptographic algorithms.")
        }
        // Constrained Language hashes an ASCII copy, and refuses a script that is not ASCII.
        let ascii = script.utf8.allSatisfy { $0 < 0x80 }
        // PowerShell's -ne ignores case, so the bootstrap's comparison does too.
        guard Encodings.sha256Hex(Array(script.utf8)) == embeddedHash.uppercased(),
            ascii || !windows.constrainedLanguage
        else {
            throw Refusal.framed("script-rejected", "the script does not have the hash this bootstrap expects")
        }
        if windows.constrainedLanguage && !Self.hasConstrainedLanguagePath(script: script) {
            throw Refusal.windows(
                "Cannot invoke method. Method invocation is supported only on core types in this language mode.",
                status: 1)
        }
        return members
    }

    /// Whether a probe script can answer in Constrained Language Mode: it branches on the language mode and
    /// reads through the registry provider's cmdlets there.
    static func hasConstrainedLanguagePath(script: String) -> Bool {
        let lowered = script.lowercased()
        return lowered.contains("$executioncontext.sessionstate.languagemode") && lowered.contains("get-item")
            && lowered.contains("get-itempropertyvalue") && lowered.contains("get-childitem")
    }

    /// A maximal run of hexadecimal digits, and whether single quotes enclose it.
    private struct HexRun {
        /// The digits.
        let text: String
        /// Whether a `'` is right before and right after the digits.
        let quoted: Bool
    }

    /// The maximal runs of exactly `length` hexadecimal digits in a text.
    private static func hexRuns(ofLength length: Int, in text: String) -> [HexRun] {
        let bytes = Array(text.utf8)
        let quote = UInt8(ascii: "'")
        var runs: [HexRun] = []
        var index = 0
        while index < bytes.count {
            guard isHexDigit(bytes[index]) else {
                index += 1
                continue
            }
            let start = index
            while index < bytes.count && isHexDigit(bytes[index]) { index += 1 }
            guard index - start == length else { continue }
            let quoted = start > 0 && bytes[start - 1] == quote && index < bytes.count && bytes[index] == quote
            runs.append(HexRun(text: String(decoding: bytes[start..<index], as: UTF8.self), quoted: quoted))
        }
        return runs
    }

    /// Whether a byte is an ASCII hexadecimal digit.
    private static func isHexDigit(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"),
            UInt8(ascii: "A")...UInt8(ascii: "F"):
            true
        default:
            false
        }
    }

    /// Whether lowercased PowerShell text starts a PowerShell that reads commands from standard input: a `-Command`
    /// or `-File` parameter (or an abbreviation) followed by a lone `-`.
    private static func readsCommandsFromStandardInput(_ lowered: String) -> Bool {
        let words = lowered.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" })
        for (word, next) in zip(words, words.dropFirst()) where next == "-" || next == "'-'" || next == "\"-\"" {
            guard word.count >= 2, word.first == "-" else { continue }
            let name = word.dropFirst()
            if "command".hasPrefix(name) || "file".hasPrefix(name) { return true }
        }
        return false
    }

    /// Two member names of one object that differ at most in case (ConvertFrom-Json's duplicate keys), if any.
    private static func firstDuplicateName(in value: JSONValue) -> (first: String, second: String)? {
        switch value.kind {
        case .object(let members):
            var seen: [String: String] = [:]
            for member in members {
                let folded = member.name.lowercased()
                if let earlier = seen[folded] { return (earlier, member.name) }
                seen[folded] = member.name
            }
            for member in members {
                if let duplicate = firstDuplicateName(in: member.value) { return duplicate }
            }
            return nil
        case .array(let items):
            for item in items {
                if let duplicate = firstDuplicateName(in: item) { return duplicate }
            }
            return nil
        case .null, .bool, .number, .string:
            return nil
        }
    }
}
