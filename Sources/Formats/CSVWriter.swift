public import Values

/// Writes JSON objects as CSV rows in a dialect, quoting only where the dialect needs it (or always).
///
/// Values become text as a person would expect in a spreadsheet: strings as they are, numbers in JSON notation,
/// booleans as `true`/`false`, `null` as an empty unquoted field, arrays and objects as compact JSON.
public struct CSVWriter {
    /// The dialect the writer was created with.
    public let dialect: CSVDialect
    /// The column order; taken from the first record's keys when not given.
    public private(set) var columns: [String]?
    /// Number of data rows written so far.
    public private(set) var rowCount = 0

    private var output: EncodedOutput
    private var headerWritten: Bool
    private let delimiter: UInt8
    private let quote: UInt8?
    private let backslash: Bool

    /// Creates a writer; `columns` fixes the column order (otherwise the first record's keys decide).
    public init(sink: any ByteSink, dialect: CSVDialect = .rfc4180, columns: [String]? = nil) throws(FormatError) {
        try dialect.validate()
        self.dialect = dialect
        self.output = EncodedOutput(
            sink: sink, encoding: dialect.encoding, format: .csv, byteOrderMark: dialect.writeByteOrderMark)
        self.delimiter = UInt8(dialect.delimiter.value)
        self.quote = dialect.quote.map { UInt8($0.value) }
        self.backslash = dialect.escape == .backslash
        if case .columns(let names) = dialect.header, columns == nil {
            self.columns = names
        } else {
            self.columns = columns
        }
        self.headerWritten = dialect.header != .firstRow
    }

    /// Writes one record; it must be an object. Missing columns are written as null, unknown keys are ignored.
    public mutating func write(_ record: JSONValue) throws(FormatError) {
        guard case .object(let object) = record else {
            throw FormatError(
                .notAnObject, format: .csv, line: rowCount + 1,
                message: "a CSV record must be an object, got \(record.typeName)",
                fix: "map each entity to an object of column values before writing")
        }
        if columns == nil { columns = object.keys }
        try writeHeaderIfNeeded()
        let values = columns!.map { object[$0] ?? .null }
        try writeFields(values)
    }

    /// Writes one row of values in column order (the header, if any, is written first).
    public mutating func writeRow(_ values: [JSONValue]) throws(FormatError) {
        try writeHeaderIfNeeded()
        try writeFields(values)
    }

    /// Writes the header (if the dialect has one and it was not written yet) and flushes everything to the sink.
    public mutating func finish() throws(FormatError) {
        if columns != nil { try writeHeaderIfNeeded() }
        try output.flush()
        try output.sink.flush()
    }

    private mutating func writeHeaderIfNeeded() throws(FormatError) {
        guard !headerWritten else { return }
        headerWritten = true
        guard let columns else { return }
        try writeLine(columns.map { JSONValue.string($0) }, line: 1)
    }

    private mutating func writeFields(_ values: [JSONValue]) throws(FormatError) {
        rowCount += 1
        try writeLine(values, line: rowCount + (dialect.header == .firstRow ? 1 : 0))
        try output.flushIfFull()
    }

    private mutating func writeLine(_ values: [JSONValue], line: Int) throws(FormatError) {
        for (index, value) in values.enumerated() {
            if index > 0 { output.appendASCII(delimiter) }
            let text: String
            switch value {
            case .null: continue
            case .string(let string): text = string
            case .number(let number): text = JSONNumberFormatter.format(number)
            case .bool(let flag): text = flag ? "true" : "false"
            case .array, .object: text = JSONSerializer.serialize(value)
            }
            let field = columns.flatMap { index < $0.count ? $0[index] : nil }
            try writeField(text, line: line, field: field)
        }
        switch dialect.lineEnding {
        case .lf: output.appendASCII(0x0A)
        case .cr: output.appendASCII(0x0D)
        case .crlf:
            output.appendASCII(0x0D)
            output.appendASCII(0x0A)
        }
    }

    private func needsQuoting(_ text: String) -> Bool {
        if dialect.quoting == .always { return true }
        if text.isEmpty { return dialect.emptyAsNull }
        let utf8 = text.utf8
        if dialect.trimWhitespace, let first = utf8.first, let last = utf8.last,
            first == 0x20 || first == 0x09 || last == 0x20 || last == 0x09
        {
            return true
        }
        for byte in utf8
        where byte == delimiter || byte == 0x0A || byte == 0x0D || byte == quote
            || (backslash && byte == UInt8(ascii: "\\"))
        {
            return true
        }
        return false
    }

    private mutating func writeField(_ text: String, line: Int, field: String?) throws(FormatError) {
        guard needsQuoting(text) else {
            try output.append(text, line: line, field: field)
            return
        }
        guard let quote else {
            guard backslash else {
                throw FormatError(
                    .unencodable, format: .csv, line: line, field: field,
                    message: "the value contains the delimiter or a line break but the dialect has no quote character",
                    fix: "set a quote character or use backslash escaping")
            }
            try output.append(escaped(text, quote: nil), line: line, field: field)
            return
        }
        output.appendASCII(quote)
        if text.utf8.contains(quote) || (backslash && text.utf8.contains(UInt8(ascii: "\\"))) {
            try output.append(escaped(text, quote: quote), line: line, field: field)
        } else {
            try output.append(text, line: line, field: field)
        }
        output.appendASCII(quote)
    }

    /// The text with quotes doubled, or with backslash escapes (inside quotes only quote and backslash need one;
    /// without quotes also the delimiter and line breaks).
    private func escaped(_ text: String, quote: UInt8?) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 8)
        for byte in text.utf8 {
            if let quote, byte == quote {
                bytes.append(backslash ? UInt8(ascii: "\\") : quote)
                bytes.append(quote)
            } else if backslash && byte == UInt8(ascii: "\\") {
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            } else if backslash && quote == nil && byte == delimiter {
                bytes.append(contentsOf: [UInt8(ascii: "\\"), byte])
            } else if backslash && quote == nil && byte == 0x0A {
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            } else if backslash && quote == nil && byte == 0x0D {
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
