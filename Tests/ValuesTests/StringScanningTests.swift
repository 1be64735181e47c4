import Testing
import Values

/// The parser and serializer scan string contents eight bytes at a time; a special byte must be found at every
/// offset of a word and in the bytes after the last whole word.
@Suite struct StringScanningTests {
    static let specials: [(text: String, json: String)] = [
        ("\"", #"\""#), ("\\", #"\\"#), ("\n", #"\n"#), ("\u{1}", #"\u0001"#), ("é", "é"), ("€", "€"), ("\u{7F}", "\u{7F}"),
    ]

    @Test(arguments: 0..<20)
    func findsSpecialBytesAtEveryOffset(offset: Int) throws {
        let prefix = String(repeating: "a", count: offset)
        let suffix = String(repeating: "z", count: 19 - offset)
        for special in Self.specials {
            let text = prefix + special.text + suffix
            let json = "\"" + prefix + special.json + suffix + "\""
            #expect(JSONSerializer.serialize(.string(text)) == json)
            #expect(try JSONParser.parse(json) == .string(text))
        }
    }

    @Test(arguments: 0..<20)
    func rejectsRawControlCharactersAtEveryOffset(offset: Int) {
        let bytes = Array("\"".utf8) + Array(repeating: UInt8(ascii: "a"), count: offset) + [0x01] + Array("bc\"".utf8)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(bytes) }
    }

    @Test func rejectsMalformedUTF8AfterLongASCIIRuns() {
        let bytes = Array("\"".utf8) + Array(repeating: UInt8(ascii: "a"), count: 17) + [0xC3] + Array("\"".utf8)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(bytes) }
    }
}
