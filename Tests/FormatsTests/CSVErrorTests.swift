import Testing
import Values

@testable import Formats

@Suite("CSV errors")
struct CSVErrorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let text: String
        let dialect: CSVDialect
        let code: FormatError.Code
        let line: Int
        let column: Int?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        // The quote opens at line 3, column 3 and is never closed.
        Case(
            name: "unterminated quote", text: "a,b\n1,2\n3,\"open\n4,5\n", dialect: .rfc4180,
            code: .unterminatedQuote, line: 3, column: 3),
        // After the closing quote of "x" (line 2, columns 1-3) comes `y` at column 4.
        Case(
            name: "text after closing quote", text: "a\n\"x\"y\n", dialect: .rfc4180, code: .textAfterQuote,
            line: 2, column: 4),
        // The multi-line field makes the bad quote sit on physical line 3.
        Case(
            name: "text after quote, after a multi-line field", text: "a,b\r\n\"1\r\n2\",\"x\"z\r\n",
            dialect: .rfc4180, code: .textAfterQuote, line: 3, column: 7),
        // Row 2 (line 2) has 3 fields; the extra one starts at column 5.
        Case(
            name: "too many fields", text: "a,b\n1,2,3\n", dialect: .rfc4180, code: .raggedRow, line: 2, column: 5),
        Case(name: "too few fields", text: "a,b\n1,2\n3\n", dialect: .rfc4180, code: .raggedRow, line: 3, column: nil),
        // Blank and skipped lines still count.
        Case(
            name: "line numbers count skipped and blank lines", text: "title\na,b\n\n1\n",
            dialect: CSVDialect(skipLines: 1), code: .raggedRow, line: 4, column: nil),
        Case(
            name: "unterminated quote with backslash escape", text: "a\n\"x\\\"\n",
            dialect: CSVDialect(escape: .backslash), code: .unterminatedQuote, line: 2, column: 1),
    ]

    @Test("Errors name line and column", arguments: cases)
    func errors(testCase: Case) {
        for trickle in [false, true] {
            let error = formatError { _ = try readCSV(testCase.text, testCase.dialect, trickle: trickle) }
            #expect(error?.code == testCase.code)
            #expect(error?.line == testCase.line)
            #expect(error?.column == testCase.column)
            #expect(error?.format == .csv)
        }
    }

    @Test("The message names place and fix in one line")
    func message() {
        let error = formatError { _ = try readCSV("a,b\n1,\"x\n") }
        #expect(
            error?.description
                == "CSV error at line 2, column 3: quoted field is not closed before the end of the input "
                + "(add the closing quote, or double quotes inside the field)")
    }

    @Test(
        "Unusable dialects fail before reading",
        arguments: [
            CSVDialect(delimiter: "€"), CSVDialect(delimiter: "\n"), CSVDialect(delimiter: ",", quote: ","),
            CSVDialect(quote: "\\", escape: .backslash), CSVDialect(skipLines: -1),
        ])
    func invalidDialect(dialect: CSVDialect) {
        let error = formatError { _ = try CSVReader(source: MemoryByteSource("a"), dialect: dialect) }
        #expect(error?.code == .invalidOption)
        let writerError = formatError { _ = try CSVWriter(sink: MemoryByteSink(), dialect: dialect) }
        #expect(writerError?.code == .invalidOption)
    }

    @Test("A field larger than maxFieldBytes fails at its opening quote instead of buffering the file")
    func fieldLimit() {
        let text = "a,b\n1,\"" + String(repeating: "x", count: 100) + "\n"
        for trickle in [false, true] {
            let error = formatError { _ = try readCSV(text, CSVDialect(maxFieldBytes: 50), trickle: trickle) }
            if trickle {
                #expect(error?.code == .fieldTooLarge)
                #expect(error?.line == 2)
                #expect(error?.column == 3)
            } else {
                // One chunk holds the whole input, so the quote is found unterminated first.
                #expect(error?.code == .unterminatedQuote)
            }
        }
        let unquoted = formatError {
            _ = try readCSV("a\n" + String(repeating: "y", count: 100), CSVDialect(maxFieldBytes: 50), trickle: true)
        }
        #expect(unquoted?.code == .fieldTooLarge)
        #expect(unquoted?.column == 1)
    }

    @Test("A missing file is an I/O error")
    func missingFile() {
        let error = formatError { _ = try FileByteSource(path: "/nonexistent/formats/file.csv") }
        #expect(error?.code == .io)
        #expect(error?.format == .io)
        let sinkError = formatError { _ = try FileByteSink(path: "/nonexistent/formats/out.csv") }
        #expect(sinkError?.code == .io)
    }
}
