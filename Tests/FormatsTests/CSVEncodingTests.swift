import Testing
import Values

@testable import Formats

@Suite("CSV encodings")
struct CSVEncodingTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        let encoding: TextEncoding
        let expected: String
        var testDescription: String { name }
    }

    // Each input is "n\n" + a value; the bytes are written out by hand from the encodings' tables.
    static let cases: [Case] = [
        Case(name: "UTF-8", bytes: [0x6E, 0x0A, 0x47, 0xC3, 0xBC, 0x6E], encoding: .utf8, expected: "Gün"),
        Case(
            name: "UTF-8 with BOM", bytes: [0xEF, 0xBB, 0xBF, 0x6E, 0x0A, 0x47, 0xC3, 0xBC, 0x6E], encoding: .utf8,
            expected: "Gün"),
        Case(
            name: "automatic, UTF-8 BOM", bytes: [0xEF, 0xBB, 0xBF, 0x6E, 0x0A, 0xC3, 0x9F], encoding: .automatic,
            expected: "ß"),
        Case(name: "ISO-8859-1", bytes: [0x6E, 0x0A, 0x47, 0xFC, 0x6E], encoding: .isoLatin1, expected: "Gün"),
        Case(
            name: "ISO-8859-1 keeps 0x80 as a C1 control", bytes: [0x6E, 0x0A, 0x80, 0xD7], encoding: .isoLatin1,
            expected: "\u{80}×"),
        Case(
            name: "Windows-1252 high block", bytes: [0x6E, 0x0A, 0x80, 0x20, 0x84, 0x93, 0x94, 0x96, 0x9F, 0xE4],
            encoding: .windows1252, expected: "€ „“”–Ÿä"),
        Case(
            name: "UTF-16 LE with BOM", bytes: [0xFF, 0xFE, 0x6E, 0x00, 0x0A, 0x00, 0x47, 0x00, 0xFC, 0x00, 0xAC, 0x20],
            encoding: .utf16, expected: "Gü€"),
        Case(
            name: "UTF-16 BE with BOM", bytes: [0xFE, 0xFF, 0x00, 0x6E, 0x00, 0x0A, 0x00, 0x47, 0x20, 0xAC],
            encoding: .utf16, expected: "G€"),
        Case(
            name: "UTF-16 LE surrogate pair", bytes: [0xFF, 0xFE, 0x6E, 0x00, 0x0A, 0x00, 0x3D, 0xD8, 0x00, 0xDE],
            encoding: .automatic, expected: "😀"),
        Case(
            name: "UTF-16 BE without BOM, declared", bytes: [0x00, 0x6E, 0x00, 0x0A, 0x00, 0xE4],
            encoding: .utf16BigEndian, expected: "ä"),
    ]

    @Test("Decodes", arguments: cases)
    func decodes(testCase: Case) throws {
        for trickle in [false, true] {
            let records = try readCSV(testCase.bytes, CSVDialect(encoding: testCase.encoding), trickle: trickle)
            #expect(records == [["n": .string(testCase.expected)]])
        }
    }

    @Test("Semicolon-separated Latin-1 with CRLF and quoted delimiter")
    func germanExport() throws {
        // "Nr;Name\r\n1;\"Müller; Söhne\"\r\n" in ISO-8859-1 (ü = 0xFC, ö = 0xF6)
        var bytes = Array("Nr;Name\r\n1;\"M".utf8)
        bytes += [0xFC] + Array("ller; S".utf8) + [0xF6] + Array("hne\"\r\n".utf8)
        let records = try readCSV(bytes, .excelGerman)
        #expect(records == [["Nr": "1", "Name": "Müller; Söhne"]])
    }

    @Test("Invalid UTF-8 becomes U+FFFD instead of failing")
    func invalidUTF8() throws {
        let records = try readCSV([0x6E, 0x0A, 0x41, 0xFF, 0x42], CSVDialect(encoding: .utf8))
        #expect(records == [["n": "A\u{FFFD}B"]])
    }

    @Test("Encoding names from configuration")
    func names() {
        #expect(TextEncoding(name: "ISO-8859-1") == .isoLatin1)
        #expect(TextEncoding(name: "windows-1252") == .windows1252)
        #expect(TextEncoding(name: "UTF-8") == .utf8)
        #expect(TextEncoding(name: "UTF-16LE") == .utf16LittleEndian)
        #expect(TextEncoding(name: "EBCDIC") == nil)
    }
}
