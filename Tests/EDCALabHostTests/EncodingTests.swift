import EDCACore
import EDCAJSON
import Testing

@testable import edca_lab_host

/// SHA-256 against the FIPS 180-4 example vectors and padding boundaries, and base64 as .NET decodes it.
@Suite struct EncodingTests {
    @Test(arguments: [
        ("", "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"),
        ("abc", "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248D6A61D20638B8E5C026930C3E6039A33CE45964FF2167F6ECEDD419DB06C1"
        ),
        (
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrst"
                + "nopqrstu",
            "CF5B16A778AF8380036CE59E7B0492370B249B11E8F07A51AFAC45037AFEE9D1"
        ),
    ])
    func sha256StandardVectors(message: String, digest: String) {
        #expect(Encodings.sha256Hex(Array(message.utf8)) == digest)
    }

    /// Lengths around the 55/56/64-byte padding boundaries, checked against another implementation.
    @Test(arguments: [
        (55, "9F4390F8D30C2DD92EC9F095B65E2B9AE9B0A925A5258E241C9F1E910F734318"),
        (56, "B35439A4AC6F0948B6D6F9E3C6AF0F5F590CE20F1BDE7090EF7970686EC6738A"),
        (57, "F13B2D724659EB3BF47F2DD6AF1ACCC87B81F09F59F2B75E5C0BED6589DFE8C6"),
        (63, "7D3E74A05D7DB15BCE4AD9EC0658EA98E3F06EEECF16B4C6FFF2DA457DDC2F34"),
        (64, "FFE054FE7AE0CB6DC65C3AF9B61D5209F439851DB43D0BA5997337DF154668EB"),
        (65, "635361C48BB9EAB14198E76EA8AB7F1A41685D6AD62AA9146D301D4F17EB0AE0"),
        (119, "31EBA51C313A5C08226ADF18D4A359CFDFD8D2E816B13F4AF952F7EA6584DCFB"),
        (120, "2F3D335432C70B580AF0E8E1B3674A7C020D683AA5F73AAAEDFDC55AF904C21C"),
        (1_000_000, "CDC76E5C9914FB9281A1C7E284D73E67F1809A48A497200E046D39CCC7112CD0"),
    ])
    func sha256PaddingBoundaries(length: Int, digest: String) {
        #expect(Encodings.sha256Hex([UInt8](repeating: UInt8(ascii: "a"), count: length)) == digest)
    }

    /// The bootstrap hashes the script's UTF-8 bytes, so non-ASCII text hashes as its UTF-8 encoding (C3 A9).
    @Test func sha256HashesUTF8Bytes() {
        #expect(
            Encodings.sha256Hex(Array("é".utf8))
                == "4A99557E4033C3539DE2EB65472017CAD5F9557F7A0625A09F1C3F6E2BA69C4C")
    }

    @Test(arguments: [
        ("", [UInt8]()), ("YQ==", [0x61]), ("YWI=", [0x61, 0x62]), ("YWJj", [0x61, 0x62, 0x63]),
        ("YW Jj\r\n", [0x61, 0x62, 0x63]), ("+/8=", [0xFB, 0xFF]),
    ])
    func base64Decodes(text: String, bytes: [UInt8]) {
        #expect(Encodings.base64Decode(text) == bytes)
    }

    @Test(arguments: ["YQ", "YQ=", "YQ===", "Y===", "YW=j", "YWJj!", "YW-j", "YWJjZ"])
    func base64RejectsWhatDotNetRejects(text: String) {
        #expect(Encodings.base64Decode(text) == nil)
    }
}
