import EDCAProbe

/// The PowerShell texts edca-agent runs on servers, as files, for review, allowlisting and the grammar check
/// (`edca-agent powershell DIR`, `scripts/check-powershell`).
package enum PowerShellTexts {
    /// Each text with its file name: the bootstrap (the `-EncodedCommand` text) and the probe script.
    package static let files: [(name: String, text: String)] = [
        ("bootstrap.ps1", ProbeScripts.bootstrap), ("probe.ps1", ProbeScripts.probe),
    ]

    /// The SHA-256 of a text's UTF-8 bytes, in uppercase hexadecimal, as the bootstrap checks the probe's.
    package static func sha256(of text: String) -> String {
        ProbeScripts.sha256(of: text)
    }
}
