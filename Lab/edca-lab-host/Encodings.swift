import Crypto
import Foundation

/// The two encodings the simulated powershell.exe needs, from well-kept libraries rather than our own code.
enum Encodings {
    /// The SHA-256 of `bytes` (swift-crypto) as 64 uppercase hexadecimal digits, the form PowerShell's
    /// `[BitConverter]::ToString(...).Replace('-', '')` gives.
    static func sha256Hex(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { byte in
            let text = String(byte, radix: 16, uppercase: true)
            return byte < 16 ? "0" + text : text
        }.joined()
    }

    /// The bytes a base64 text encodes, or nil when .NET's `Convert.FromBase64String` would reject it.
    ///
    /// Like .NET, blanks (space, tab, CR, LF) are ignored and `=` may only end the text, at most twice (Foundation
    /// on Linux accepts `YQ===` and `YW=j`); Foundation's decoder checks the rest: the alphabet `A-Z a-z 0-9 + /`
    /// and a multiple of four characters.
    static func base64Decode(_ text: String) -> [UInt8]? {
        let blanks: Set<UInt8> = [UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n")]
        let compact = text.utf8.filter { !blanks.contains($0) }
        let padding = compact.reversed().prefix { $0 == UInt8(ascii: "=") }.count
        guard padding <= 2, !compact.dropLast(padding).contains(UInt8(ascii: "=")) else { return nil }
        return Data(base64Encoded: Data(compact)).map { [UInt8]($0) }
    }
}
