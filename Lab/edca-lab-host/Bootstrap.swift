import EDCACore
import EDCAJSON

/// The bootstrap (the decoded `-EncodedCommand` text), emulated: the simulator cannot run its PowerShell, so it
/// checks that the text does what docs/probe-protocol.md §2 requires and then does the same with standard input.
struct Bootstrap {
    /// The probe script's SHA-256 that the bootstrap embeds, as written.
    let embeddedHash: String

    /// How deep the payload's JSON may nest; the payload is a shallow object.
    static let payloadDepthLimit = 64

    /// Checks a decoded bootstrap: exactly one 64-hex-digit string, in single quotes (the script hash); standard
    /// input read to the end with `[Console]::In.ReadToEnd()` or `OpenStandardInput()` and `ReadToEnd`; never a
    /// nested `-Command -` or `-File -`.
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
        guard lowered.contains("readtoend"),
            lowered.contains("[console]::in") || lowered.contains("openstandardinput")
        else {
            throw Refusal.simulator(
                "the bootstrap must read all of standard input ([Console]::In.ReadToEnd() or OpenStandardInput)")
        }
        if Self.readsCommandsFromStandardInput(lowered) {
            throw Refusal.simulator("the bootstrap uses '-Command -' or '-File -' (REPL semantics)")
        }
        embeddedHash = hash.text
    }

    /// The payload the bootstrap hands to the script: standard input parsed as one JSON object whose `script`
    /// has the embedded hash.
    ///
    /// - Throws: A ``Refusal`` with exit status 1 for input that is not a JSON object with a `script` string,
    ///   or the bootstrap's own `edca-probe: script hash mismatch` with exit status 3.
    func payload(from input: [UInt8]) throws(Refusal) -> [JSONMember] {
        let document: JSONValue
        do {
            document = try JSONParser.parse(input, maxDepth: Self.payloadDepthLimit)
        } catch {
            throw Refusal.simulator("standard input is not valid JSON: \(error)")
        }
        if let duplicate = Self.firstDuplicateName(in: document) {
            throw Refusal.simulator(
                "the payload contains the duplicated keys '\(duplicate.first)' and '\(duplicate.second)' "
                    + "(ConvertFrom-Json refuses them)")
        }
        guard case .object(let members) = document.kind else {
            throw Refusal.simulator("the payload must be a JSON object, found \(document.typeName)")
        }
        guard let scriptMember = members.first(where: { $0.name == "script" }),
            case .string(let script) = scriptMember.value.kind
        else {
            throw Refusal.simulator("the payload has no \"script\" string")
        }
        let actual = Encodings.sha256Hex(Array(script.utf8))
        // PowerShell's -ne ignores case, so the bootstrap's comparison does too.
        guard actual == embeddedHash.uppercased() else {
            throw Refusal.windows("edca-probe: script hash mismatch", status: 3)
        }
        return members
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
