/// Identifiers for spool events: stable finding uids from a small hash, and random event ids.
package enum SpoolIdentifier {
    /// A stable 128-bit identifier, as 32 lowercase hex digits, of `host|control`: the same host and control give
    /// the same finding uid on every run, on every machine (two FNV-1a 64 hashes with different offset bases).
    package static func findingUID(host: String, control: String) -> String {
        stableHex(host.lowercased() + "|" + control)
    }

    /// A stable identifier of an inventory host (`device.uid`, 16 hex digits): the same host name, in any case,
    /// gives the same uid on every run and machine; distinct from its finding uids.
    package static func deviceUID(host: String) -> String {
        String(stableHex("device|" + host.lowercased()).prefix(16))
    }

    /// Two FNV-1a 64-bit hashes of the text's UTF-8 bytes, as 32 hex digits. Not cryptographic: only stable.
    package static func stableHex(_ text: String) -> String {
        let prime: UInt64 = 0x0000_0100_0000_01B3
        var first: UInt64 = 0xCBF2_9CE4_8422_2325
        var second: UInt64 = 0x8422_2325_CBF2_9CE4
        for byte in text.utf8 {
            first = (first ^ UInt64(byte)) &* prime
            second = (second ^ UInt64(byte)) &* prime
            second = (second ^ (second >> 29)) &* prime
        }
        return hex(first, second)
    }

    /// A fresh random 128-bit identifier as 32 hex digits, for event and run ids.
    package static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return hex(generator.next(), generator.next())
    }

    /// The number as 16 lowercase hex digits.
    static func hex(_ number: UInt64) -> String {
        String(unsafeUninitializedCapacity: 16) { buffer in
            writeHex(number, to: buffer, at: 0)
            return 16
        }
    }

    /// The two numbers as 32 lowercase hex digits, written into one string (every event carries such ids).
    static func hex(_ first: UInt64, _ second: UInt64) -> String {
        String(unsafeUninitializedCapacity: 32) { buffer in
            writeHex(first, to: buffer, at: 0)
            writeHex(second, to: buffer, at: 16)
            return 32
        }
    }

    private static func writeHex(_ number: UInt64, to buffer: UnsafeMutableBufferPointer<UInt8>, at start: Int) {
        let digits: StaticString = "0123456789abcdef"
        for position in 0..<16 {
            let nibble = Int((number >> UInt64(60 - 4 * position)) & 0xF)
            buffer[start + position] = digits.utf8Start[nibble]
        }
    }
}
