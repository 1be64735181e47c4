import Foundation
import Testing
import Values

@testable import Formats

@Suite("CSV reader")
struct CSVReaderTests {
    @Test("RFC 4180 basics: header keys, quoted delimiter, doubled quote, embedded newline")
    func rfc4180() throws {
        let text = "id,name,note\r\n1,\"Smith, John\",\"say \"\"hi\"\"\"\r\n2,Ann,\"two\r\nlines\"\r\n"
        for trickle in [false, true] {
            let records = try readCSV(text, trickle: trickle)
            #expect(
                records == [
                    ["id": "1", "name": "Smith, John", "note": "say \"hi\""],
                    ["id": "2", "name": "Ann", "note": "two\r\nlines"],
                ])
        }
    }

    @Test("Delimiters", arguments: [",", ";", "\t", "|"] as [Unicode.Scalar])
    func delimiters(delimiter: Unicode.Scalar) throws {
        let d = String(delimiter)
        let text = "a\(d)b\n1\(d)\"x\(d)y\"\n"
        let records = try readCSV(text, CSVDialect(delimiter: delimiter))
        #expect(records == [["a": "1", "b": .string("x\(d)y")]])
    }

    @Test("Line endings LF, CRLF and CR, with and without a final line break", arguments: ["\n", "\r\n", "\r"])
    func lineEndings(ending: String) throws {
        for final in ["", ending] {
            let text = "a,b\(ending)1,2\(ending)3,4\(final)"
            let records = try readCSV(text, trickle: true)
            #expect(records == [["a": "1", "b": "2"], ["a": "3", "b": "4"]])
        }
    }

    @Test("A custom quote character")
    func customQuote() throws {
        let records = try readCSV("a,b\n'x,y','it''s'\n", CSVDialect(quote: "'"))
        #expect(records == [["a": "x,y", "b": "it's"]])
    }

    @Test("No quote character: quotes are ordinary text")
    func noQuote() throws {
        let records = try readCSV("a,b\n\"x,y\"\n", CSVDialect(quote: nil))
        #expect(records == [["a": "\"x", "b": "y\""]])
    }

    @Test("Backslash escaping inside and outside quotes")
    func backslash() throws {
        let text = #"a,b,c"# + "\n" + #""say \"hi\"",x\,y,"back\\slash\ttab""# + "\n"
        let records = try readCSV(text, CSVDialect(escape: .backslash), trickle: true)
        #expect(records == [["a": "say \"hi\"", "b": "x,y", "c": "back\\slash\ttab"]])
    }

    @Test("Explicit column names: the first row is data")
    func explicitColumns() throws {
        let records = try readCSV("1,2\n3,4\n", CSVDialect(header: .columns(["x", "y"])))
        #expect(records == [["x": "1", "y": "2"], ["x": "3", "y": "4"]])
    }

    @Test("No header: keys column1, column2 …")
    func noHeader() throws {
        let records = try readCSV("1,2\n", CSVDialect(header: .none))
        #expect(records == [["column1": "1", "column2": "2"]])
    }

    @Test("Duplicate and empty header names get distinct keys")
    func duplicateHeaders() throws {
        var reader = try CSVReader(source: MemoryByteSource("a,a,\n1,2,3\n"))
        let record = try reader.next()
        #expect(record == ["a": "1", "a_2": "2", "column3": "3"])
        #expect(reader.columns == ["a", "a", ""])
    }

    @Test("Skip leading lines, whatever their line endings and content")
    func skipLines() throws {
        let text = "Export of 2026-11-28\r\n\"unbalanced, quote\r\n\rname\r\nAnn\r\n"
        let records = try readCSV(text, CSVDialect(skipLines: 3), trickle: true)
        #expect(records == [["name": "Ann"]])
    }

    @Test("Blank lines are skipped by default and are one-field rows when not")
    func blankLines() throws {
        #expect(try readCSV("a\n\n1\n\r\n2\n") == [["a": "1"], ["a": "2"]])
        let kept = try readCSV("a\n\n1\n", CSVDialect(skipBlankLines: false))
        #expect(kept == [["a": ""], ["a": "1"]])
    }

    @Test("Trim whitespace around unquoted fields and around quotes, never inside quotes")
    func trim() throws {
        let text = "a , b\n  1 ,  \" x \"  \n"
        #expect(try readCSV(text, CSVDialect(trimWhitespace: true)) == [["a": "1", "b": " x "]])
        #expect(try readCSV("a,b\n 1 , 2\n") == [["a": " 1 ", "b": " 2"]])
    }

    @Test("Trimming keeps tabs when tab is the delimiter")
    func trimTabDelimited() throws {
        let records = try readCSV("a\tb\tc\n 1 \t\t3\n", CSVDialect(delimiter: "\t", trimWhitespace: true))
        #expect(records == [["a": "1", "b": "", "c": "3"]])
    }

    @Test("emptyAsNull: unquoted empty is null, quoted empty stays a string")
    func emptyAsNull() throws {
        let records = try readCSV("a,b,c\n,\"\",x\n", CSVDialect(emptyAsNull: true))
        #expect(records == [["a": nil, "b": "", "c": "x"]])
        #expect(try readCSV("a,b\n,\"\"\n") == [["a": "", "b": ""]])
    }

    @Test("A trailing delimiter is an empty last field")
    func trailingDelimiter() throws {
        #expect(try readCSV("a,b\n1,") == [["a": "1", "b": ""]])
    }

    @Test("Ragged rows may be padded and truncated")
    func raggedAllowed() throws {
        let records = try readCSV("a,b\n1\n1,2,3\n", CSVDialect(raggedRows: .padOrTruncate))
        #expect(records == [["a": "1", "b": ""], ["a": "1", "b": "2"]])
        let nulls = try readCSV("a,b\n1\n", CSVDialect(emptyAsNull: true, raggedRows: .padOrTruncate))
        #expect(nulls == [["a": "1", "b": nil]])
    }

    @Test("Rows without header have as many keys as fields")
    func noHeaderRagged() throws {
        let records = try readCSV("1\n1,2\n", CSVDialect(header: .none))
        #expect(records == [["column1": "1"], ["column1": "1", "column2": "2"]])
    }

    @Test("nextRow gives the values in column order")
    func nextRow() throws {
        var reader = try CSVReader(source: MemoryByteSource("b,a\n1,2\n"))
        #expect(try reader.nextRow() == ["1", "2"])
        #expect(try reader.nextRow() == nil)
        #expect(reader.columns == ["b", "a"])
        #expect(reader.rowCount == 1)
    }

    @Test("Empty input has no records")
    func emptyInput() throws {
        #expect(try readCSV("").isEmpty)
        #expect(try readCSV("a,b\r\n").isEmpty)
    }

    @Test("Multi-byte UTF-8 split across chunk boundaries decodes once per field")
    func utf8AcrossChunks() throws {
        let records = try readCSV("name\n\"Grüße, 東京 🚀\"\n", trickle: true)
        #expect(records == [["name": "Grüße, 東京 🚀"]])
    }

    @Test("Reads a file through FileByteSource")
    func fileSource() throws {
        let path = "/tmp/formats-csv-\(UInt32.random(in: 0...UInt32.max)).csv"
        let sink = try FileByteSink(path: path)
        try sink.write(Array("a;b\r\n1;2\r\n".utf8)[...])
        var reader = try CSVReader(source: FileByteSource(path: path), dialect: CSVDialect(delimiter: ";"))
        #expect(try reader.next() == ["a": "1", "b": "2"])
        #expect(try reader.next() == nil)
        try FileManager.default.removeItem(atPath: path)
    }
}
