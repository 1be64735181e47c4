import Testing
import Values

@testable import Formats

@Suite("Fixed-width")
struct FixedWidthTests {
    func read(_ text: String, _ format: FixedWidthFormat) throws -> [JSONValue] {
        try read(Array(text.utf8), format)
    }

    func read(_ bytes: [UInt8], _ format: FixedWidthFormat, trickle: Bool = false) throws -> [JSONValue] {
        let source: any ByteSource = trickle ? TrickleByteSource(bytes) : MemoryByteSource(bytes)
        var reader = try FixedWidthReader(source: source, format: format)
        var records: [JSONValue] = []
        while let record = try reader.next() { records.append(record) }
        return records
    }

    static let stock = FixedWidthFormat(
        records: .discriminated(
            start: 1, length: 1,
            kinds: [
                FixedWidthRecordKind(
                    code: "H", name: "header",
                    layout: FixedWidthLayout([
                        FixedWidthField("name", start: 2, length: 20),
                        FixedWidthField("created", start: 22, length: 12, type: .date(format: "yyyyMMddHHmm")),
                    ])),
                FixedWidthRecordKind(
                    code: "D", name: "detail",
                    layout: FixedWidthLayout([
                        FixedWidthField("article", start: 2, length: 8),
                        FixedWidthField("warehouse", start: 10, length: 3),
                        FixedWidthField("quantity", start: 13, length: 8, type: .integer, sign: .trailing),
                        FixedWidthField("date", start: 21, length: 8, type: .date(format: "yyyyMMdd")),
                    ])),
                FixedWidthRecordKind(
                    code: "T", name: "trailer",
                    layout: FixedWidthLayout([
                        FixedWidthField("count", start: 2, length: 6, type: .integer),
                        FixedWidthField("sum", start: 8, length: 10, type: .integer),
                    ])),
            ]))

    @Test("Record kinds by discriminator, trailing sign, dates to ISO, zero-padded text kept")
    func recordKinds() throws {
        let text =
            "HLAGERBESTAND        202611280200\r\nD00010000RTM0000337-20261128\r\nD00010001AMS0000130 20261128\r\n"
            + "T0000020000000467\r\n"
        let records = try read(text, Self.stock)
        #expect(
            records == [
                ["_type": "header", "name": "LAGERBESTAND", "created": "2026-11-28T02:00:00"],
                ["_type": "detail", "article": "00010000", "warehouse": "RTM", "quantity": -337, "date": "2026-11-28"],
                ["_type": "detail", "article": "00010001", "warehouse": "AMS", "quantity": 130, "date": "2026-11-28"],
                ["_type": "trailer", "count": 2, "sum": 467],
            ])
    }

    struct NumberCase: Sendable, CustomTestStringConvertible {
        let text: String
        let type: FieldType
        let sign: SignHandling
        let expected: JSONValue
        var testDescription: String { "'\(text)' as \(type)" }
    }

    static let numbers: [NumberCase] = [
        // PIC 9(7)V99: nine digits, the last two after the implied point.
        NumberCase(text: "000012345", type: .impliedDecimal(places: 2), sign: .leading, expected: 123.45),
        NumberCase(text: "-00012345", type: .impliedDecimal(places: 2), sign: .leading, expected: -123.45),
        NumberCase(text: "00012345-", type: .impliedDecimal(places: 3), sign: .trailing, expected: -12.345),
        NumberCase(text: "000000000", type: .impliedDecimal(places: 2), sign: .leading, expected: 0),
        NumberCase(text: "   1234,5", type: .decimal(separator: .comma), sign: .leading, expected: 1234.5),
        NumberCase(text: " 1.234,56", type: .decimal(separator: .comma), sign: .leading, expected: 1234.56),
        NumberCase(text: "-1,234.56", type: .decimal(separator: .point), sign: .leading, expected: -1234.56),
        NumberCase(text: "000000042", type: .integer, sign: .unsigned, expected: 42),
        NumberCase(text: "      +42", type: .integer, sign: .leading, expected: 42),
        NumberCase(text: "         ", type: .integer, sign: .leading, expected: nil),
    ]

    @Test("Number types", arguments: numbers)
    func numberTypes(testCase: NumberCase) throws {
        let format = FixedWidthFormat(
            records: .single(
                FixedWidthLayout([FixedWidthField("n", start: 1, length: 9, type: testCase.type, sign: testCase.sign)])),
            skipBlankLines: false)
        #expect(try read(testCase.text, format) == [["n": testCase.expected]])
    }

    @Test(
        "Date formats",
        arguments: [
            ("20261128", "yyyyMMdd", "2026-11-28"), ("28112026", "ddMMyyyy", "2026-11-28"),
            ("28.11.26", "dd.MM.yy", "2026-11-28"), ("29.02.2024", "dd.MM.yyyy", "2024-02-29"),
        ])
    func dates(text: String, pattern: String, expected: String) throws {
        #expect(try FieldType.date(format: pattern).parse(text) == .string(expected))
    }

    @Test("Positions count characters in Latin-1 and UTF-8")
    func characters() throws {
        let format = FixedWidthFormat(
            records: .single(
                FixedWidthLayout([
                    FixedWidthField("name", start: 1, length: 6), FixedWidthField("code", start: 7, length: 2),
                ])), encoding: .isoLatin1)
        // "Müller" + "DE" in ISO-8859-1: ü is the single byte 0xFC.
        let latin1: [UInt8] = [0x4D, 0xFC, 0x6C, 0x6C, 0x65, 0x72, 0x44, 0x45, 0x0A]
        #expect(try read(latin1, format, trickle: true) == [["name": "Müller", "code": "DE"]])
        var utf8 = format
        utf8.encoding = .utf8
        #expect(try read("Grüße DE\n", utf8) == [["name": "Grüße", "code": "DE"]])
    }

    @Test("Justification and padding are trimmed on the padded side")
    func padding() throws {
        let format = FixedWidthFormat(
            records: .single(
                FixedWidthLayout([
                    FixedWidthField("left", start: 1, length: 5, padding: "*"),
                    FixedWidthField("right", start: 6, length: 5, justification: .right, padding: "_"),
                    FixedWidthField("raw", start: 11, length: 4, trim: false),
                ])))
        #expect(try read("ab***__xy_ z  \n", format) == [["left": "ab", "right": "xy_", "raw": " z  "]])
    }

    @Test("Short lines may be padded; blank lines are skipped")
    func shortLines() throws {
        var format = FixedWidthFormat(
            records: .single(
                FixedWidthLayout([
                    FixedWidthField("a", start: 1, length: 2), FixedWidthField("b", start: 3, length: 4),
                ])), allowShortLines: true)
        #expect(try read("xxy\n\n   \nzz\n", format) == [["a": "xx", "b": "y"], ["a": "zz", "b": ""]])
        format.allowShortLines = false
        let error = formatError { _ = try read("xxyyyy\nxxy\n", format) }
        #expect(error?.code == .lineTooShort)
        #expect(error?.line == 2)
        #expect(error?.field == "b")
        #expect(error?.column == 4)
    }

    @Test("Unknown record types, bad numbers and bad dates name line and field")
    func errors() {
        let unknown = formatError { _ = try read("D00010000RTM0000337-20261128\nX123\n", Self.stock) }
        #expect(unknown?.code == .unknownRecordType)
        #expect(unknown?.line == 2)
        #expect(unknown?.column == 1)
        let number = formatError { _ = try read("\nD00010000RTM00003x7-20261128\n", Self.stock) }
        #expect(number?.code == .invalidNumber)
        #expect(number?.line == 2)
        #expect(number?.field == "quantity")
        #expect(number?.column == 13)
        let date = formatError { _ = try read("D00010000RTM0000337-20261332\n", Self.stock) }
        #expect(date?.code == .invalidDate)
        #expect(date?.field == "date")
        #expect(
            date?.description
                == "Fixed-width error at line 1, column 21, field 'date': '20261332' is not a valid date "
                + "(correct the value or the field's type and position)")
    }

    @Test("Inconsistent layouts fail up front")
    func invalidLayout() {
        let bad = FixedWidthFormat(records: .single(FixedWidthLayout([FixedWidthField("a", start: 0, length: 2)])))
        #expect(formatError { _ = try FixedWidthReader(source: MemoryByteSource(""), format: bad) }?.code == .invalidOption)
        let codes = FixedWidthFormat(
            records: .discriminated(
                start: 1, length: 2, kinds: [FixedWidthRecordKind(code: "H", name: "h", layout: FixedWidthLayout([]))]))
        #expect(formatError { _ = try FixedWidthWriter(sink: MemoryByteSink(), format: codes) }?.code == .invalidOption)
    }

    @Test("Writer pads, justifies, signs and formats implied decimals; reader reads it back")
    func writerRoundTrip() throws {
        let format = FixedWidthFormat(
            records: .discriminated(
                start: 1, length: 1,
                kinds: [
                    FixedWidthRecordKind(
                        code: "D", name: "detail",
                        layout: FixedWidthLayout([
                            FixedWidthField("name", start: 2, length: 8),
                            FixedWidthField("amount", start: 10, length: 9, type: .impliedDecimal(places: 2)),
                            FixedWidthField("qty", start: 19, length: 6, type: .integer, sign: .trailing),
                            FixedWidthField(
                                "price", start: 25, length: 8, type: .decimal(separator: .comma, places: 2),
                                justification: .right, padding: " "),
                            FixedWidthField("day", start: 33, length: 8, type: .date(format: "ddMMyyyy")),
                        ])),
                    FixedWidthRecordKind(
                        code: "T", name: "trailer",
                        layout: FixedWidthLayout([FixedWidthField("count", start: 2, length: 4, type: .integer)])),
                ]), encoding: .isoLatin1, lineEnding: .lf)
        let records: [JSONValue] = [
            ["_type": "detail", "name": "Süß", "amount": 123.45, "qty": -7, "price": 1234.5, "day": "2026-11-28"],
            ["_type": "detail", "name": "x", "amount": -0.5, "qty": 12, "price": 0.05, "day": nil],
            ["_type": "trailer", "count": 2],
        ]
        let sink = MemoryByteSink()
        var writer = try FixedWidthWriter(sink: sink, format: format)
        for record in records { try writer.write(record) }
        try writer.finish()
        // Süß: S 0xFC 0xDF in Latin-1, left-justified in 8 characters.
        let expected: [UInt8] =
            [0x44, 0x53, 0xFC, 0xDF] + Array("     00001234500007- 1234,5028112026\n".utf8)
            + Array("Dx       -0000005000012     0,05        \nT0002\n".utf8)
        #expect(sink.bytes == expected)
        #expect(try read(sink.bytes, format) == records)
    }

    @Test("Writer errors: value too long, unknown kind, wrong type, unencodable")
    func writerErrors() throws {
        let format = FixedWidthFormat(
            records: .single(
                FixedWidthLayout([
                    FixedWidthField("a", start: 1, length: 3), FixedWidthField("n", start: 4, length: 3, type: .integer),
                ])), encoding: .isoLatin1)
        var writer = try FixedWidthWriter(sink: MemoryByteSink(), format: format)
        #expect(formatError { try writer.write(["a": "abcd"]) }?.code == .valueTooLong)
        #expect(formatError { try writer.write(["n": "x"]) }?.code == .invalidNumber)
        #expect(formatError { try writer.write(["n": 1.5]) }?.code == .invalidNumber)
        #expect(formatError { try writer.write(["a": "€"]) }?.code == .unencodable)
        #expect(formatError { try writer.write("text") }?.code == .notAnObject)
        var kinds = try FixedWidthWriter(sink: MemoryByteSink(), format: Self.stock)
        #expect(formatError { try kinds.write(["_type": "footer"]) }?.code == .unknownRecordType)
    }
}
