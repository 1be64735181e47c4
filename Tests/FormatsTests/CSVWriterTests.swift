import Testing
import Values

@testable import Formats

@Suite("CSV writer")
struct CSVWriterTests {
    func write(_ records: [JSONValue], _ dialect: CSVDialect = .rfc4180) throws -> MemoryByteSink {
        let sink = MemoryByteSink()
        var writer = try CSVWriter(sink: sink, dialect: dialect)
        for record in records { try writer.write(record) }
        try writer.finish()
        return sink
    }

    @Test("Quotes only where needed, doubles quotes, CRLF by default")
    func asNeeded() throws {
        let sink = try write([["a": "plain", "b": "x,y", "c": "say \"hi\"", "d": "two\nlines"]])
        #expect(sink.text == "a,b,c,d\r\nplain,\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n")
    }

    @Test("Always quoting leaves null unquoted")
    func always() throws {
        let sink = try write([["a": "1", "b": nil]], CSVDialect(quoting: .always, lineEnding: .lf))
        #expect(sink.text == "\"a\",\"b\"\n\"1\",\n")
    }

    @Test("Value kinds: numbers, booleans, null, nested JSON")
    func kinds() throws {
        let sink = try write([["n": 1.5, "i": 42, "t": true, "z": nil, "o": ["k": [1, 2]]]], CSVDialect(lineEnding: .lf))
        #expect(sink.text == "n,i,t,z,o\n1.5,42,true,,\"{\"\"k\"\":[1,2]}\"\n")
    }

    @Test("Line endings", arguments: [CSVDialect.LineEnding.lf, .crlf, .cr])
    func lineEndings(ending: CSVDialect.LineEnding) throws {
        let sink = try write([["a": "1"]], CSVDialect(lineEnding: ending))
        #expect(sink.text == "a\(ending.rawValue)1\(ending.rawValue)")
    }

    @Test("Semicolon, Latin-1, BOM-less: ü is one byte 0xFC")
    func latin1() throws {
        let sink = try write([["Name": "Gün;x"]], CSVDialect(delimiter: ";", encoding: .isoLatin1, lineEnding: .lf))
        #expect(sink.bytes == Array("Name\n\"G".utf8) + [0xFC] + Array("n;x\"\n".utf8))
    }

    @Test("Windows-1252 writes € as 0x80; Latin-1 cannot")
    func windows1252() throws {
        let sink = try write([["p": "5 €"]], CSVDialect(header: .none, encoding: .windows1252, lineEnding: .lf))
        #expect(sink.bytes == [0x35, 0x20, 0x80, 0x0A])
        let error = formatError { _ = try write([["p": "5 €"]], CSVDialect(encoding: .isoLatin1)) }
        #expect(error?.code == .unencodable)
        #expect(error?.line == 2)
        #expect(error?.field == "p")
    }

    @Test("UTF-16 LE with BOM")
    func utf16() throws {
        let dialect = CSVDialect(header: .none, encoding: .utf16LittleEndian, lineEnding: .lf, writeByteOrderMark: true)
        let sink = try write([["a": "€"]], dialect)
        #expect(sink.bytes == [0xFF, 0xFE, 0xAC, 0x20, 0x0A, 0x00])
    }

    @Test("UTF-8 with BOM")
    func utf8BOM() throws {
        let sink = try write([["a": "1"]], CSVDialect(header: .none, lineEnding: .lf, writeByteOrderMark: true))
        #expect(sink.bytes == [0xEF, 0xBB, 0xBF, 0x31, 0x0A])
    }

    @Test("Backslash escaping, with and without a quote character")
    func backslash() throws {
        let quoted = try write(
            [["a": "say \"hi\" \\ ok"]], CSVDialect(escape: .backslash, header: .none, lineEnding: .lf))
        #expect(quoted.text == #""say \"hi\" \\ ok""# + "\n")
        let bare = try write(
            [["a": "x,y\nz"]], CSVDialect(quote: nil, escape: .backslash, header: .none, lineEnding: .lf))
        #expect(bare.text == #"x\,y\nz"# + "\n")
    }

    @Test("No quote and no escape cannot write a delimiter")
    func unwritable() {
        let error = formatError { _ = try write([["a": "x,y"]], CSVDialect(quote: nil)) }
        #expect(error?.code == .unencodable)
    }

    @Test("emptyAsNull quotes empty strings; trimWhitespace quotes padded values")
    func preservingQuotes() throws {
        let sink = try write(
            [["a": "", "b": nil, "c": " x"]], CSVDialect(trimWhitespace: true, emptyAsNull: true, lineEnding: .lf))
        #expect(sink.text == "a,b,c\n\"\",,\" x\"\n")
    }

    @Test("Explicit columns order values and fill gaps; non-objects are rejected")
    func columns() throws {
        let sink = MemoryByteSink()
        var writer = try CSVWriter(sink: sink, dialect: CSVDialect(lineEnding: .lf), columns: ["b", "a"])
        try writer.write(["a": "1", "b": "2", "c": "ignored"])
        try writer.write(["a": "3"])
        #expect(formatError { try writer.write([1, 2]) }?.code == .notAnObject)
        try writer.finish()
        #expect(sink.text == "b,a\n2,1\n,3\n")
    }

    @Test("A header-only file when nothing is written but columns are known")
    func headerOnly() throws {
        let sink = MemoryByteSink()
        var writer = try CSVWriter(sink: sink, dialect: CSVDialect(lineEnding: .lf), columns: ["x"])
        try writer.finish()
        #expect(sink.text == "x\n")
    }

    static let roundTripDialects: [CSVDialect] = [
        .rfc4180,
        CSVDialect(delimiter: ";", encoding: .isoLatin1),
        CSVDialect(delimiter: "\t", quoting: .always, lineEnding: .lf),
        CSVDialect(delimiter: "|", quote: "'", lineEnding: .cr),
        CSVDialect(escape: .backslash, encoding: .windows1252),
        CSVDialect(quote: nil, escape: .backslash, lineEnding: .lf),
        CSVDialect(trimWhitespace: true, emptyAsNull: true, encoding: .utf16LittleEndian, writeByteOrderMark: true),
        CSVDialect(encoding: .utf8, writeByteOrderMark: true),
    ]

    @Test("Writer → reader round trip", arguments: roundTripDialects)
    func roundTrip(dialect: CSVDialect) throws {
        let records: [JSONValue] = [
            ["name": "Müller; Söhne, \"GmbH\"", "note": "line1\r\nline2\nline3\rline4", "empty": ""],
            ["name": "  padded  ", "note": "back\\slash 'single' |pipe|\ttab", "empty": "x"],
            ["name": "Straße ×Ø", "note": "", "empty": "ÿ"],
        ]
        let sink = try write(records, dialect)
        for trickle in [false, true] {
            #expect(try readCSV(sink.bytes, dialect, trickle: trickle) == records)
        }
    }
}
