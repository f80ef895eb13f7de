/// JSON made pure ASCII: every character above U+007F written as a `\uXXXX` escape (two for characters beyond
/// U+FFFF), so that no console code page on the server can change the request (`docs/probe-protocol.md` §3).
enum ASCIIJSON {
    /// The same JSON document with its non-ASCII characters escaped. Such characters only occur inside strings,
    /// where the escape means the same character.
    static func escaping(_ json: [UInt8]) -> [UInt8] {
        guard json.contains(where: { $0 > 0x7F }) else { return json }
        let digits = Array("0123456789abcdef".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(json.count + json.count / 4)
        for unit in String(decoding: json, as: UTF8.self).utf16 {
            if unit <= 0x7F {
                output.append(UInt8(unit))
                continue
            }
            output += Array(#"\u"#.utf8)
            for shift in [12, 8, 4, 0] { output.append(digits[Int((unit >> UInt16(shift)) & 0xF)]) }
        }
        return output
    }
}
