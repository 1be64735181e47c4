public import Values

/// Streams the rows of a CSV file as JSON objects keyed by column name, one chunk of input in memory at a time.
///
/// Fields are always strings (or `null` with `emptyAsNull`); typing them is the mapping's job, or use
/// `FieldType.parse` for decimal commas and dates. The parser is a byte state machine that survives chunk
/// boundaries anywhere, including inside a quoted field or between CR and LF.
public struct CSVReader {
    private enum State: UInt8 {
        case fieldStart, unquoted, unquotedEscape, quoted, quotedEscape, quoteInQuoted, afterQuoted
    }

    /// The dialect the reader was created with.
    public let dialect: CSVDialect
    /// The column names (read from the file for `.firstRow`), available after the first `next()`.
    public private(set) var columns: [String] = []
    /// Number of data rows returned so far.
    public private(set) var rowCount = 0

    private var input: DecodedInput
    private let delimiter: UInt8
    private let quote: UInt8
    private let hasQuote: Bool
    private let backslash: Bool
    /// The byte that stops the unquoted-field scan besides delimiter and line breaks (the delimiter itself when
    /// there is no escape character, which costs nothing).
    private let unquotedStop: UInt8
    private let quotedStop: UInt8
    private let trimTab: Bool

    private var state = State.fieldStart
    private var field: [UInt8] = []
    private var row: [JSONValue] = []
    private var rowStarted = false
    private var pendingLF = false
    private var headerDone = false
    private var started = false
    private var line = 1
    private var lineStart = 0
    private var rowLine = 1
    private var fieldStart = 0
    private var quoteLine = 1
    private var quoteColumn = 1
    private var extraFieldColumn = 0
    private var keys: [String] = []

    /// Creates a reader; a dialect with unusable syntax characters fails here.
    public init(source: any ByteSource, dialect: CSVDialect = .rfc4180) throws(FormatError) {
        try dialect.validate()
        self.dialect = dialect
        self.input = DecodedInput(source: source, encoding: dialect.encoding)
        self.delimiter = UInt8(dialect.delimiter.value)
        self.hasQuote = dialect.quote != nil
        self.quote = UInt8(dialect.quote?.value ?? 0)
        self.backslash = dialect.escape == .backslash
        self.unquotedStop = backslash ? UInt8(ascii: "\\") : delimiter
        self.quotedStop = backslash ? UInt8(ascii: "\\") : quote
        self.trimTab = dialect.delimiter != "\t"
        field.reserveCapacity(256)
        switch dialect.header {
        case .firstRow: break
        case .columns(let names):
            columns = names
            keys = Self.uniqueKeys(names)
            headerDone = true
        case .none: headerDone = true
        }
    }

    /// The next row as an object keyed by column name, or nil at the end of the input.
    public mutating func next() throws(FormatError) -> JSONValue? {
        guard let values = try nextRow() else { return nil }
        if keys.count < values.count {
            for i in keys.count..<values.count { keys.append("column\(i + 1)") }
        }
        // Keys are unique already (uniqueKeys): the object is built in one piece, and rows with all columns share the
        // key array's storage.
        let rowKeys = keys.count == values.count ? keys : Array(keys[0..<values.count])
        return .object(JSONObject(uniqueKeys: rowKeys, values: values))
    }

    /// The next data row as field values in column order (checked against the header), or nil at the end.
    public mutating func nextRow() throws(FormatError) -> [JSONValue]? {
        if !started {
            started = true
            try skipLeadingLines()
        }
        if !headerDone {
            headerDone = true
            guard try readRow() else { return nil }
            columns = row.enumerated().map { index, value in value.stringValue ?? "column\(index + 1)" }
            keys = Self.uniqueKeys(columns)
        }
        guard try readRow() else { return nil }
        rowCount += 1
        if !columns.isEmpty && row.count != columns.count {
            if dialect.raggedRows == .error {
                let tooMany = row.count > columns.count
                throw FormatError(
                    .raggedRow, format: .csv, line: rowLine,
                    column: tooMany ? extraFieldColumn : nil,
                    message: "row has \(row.count) fields but there are \(columns.count) columns",
                    fix: "quote fields that contain the delimiter, or set raggedRows to .padOrTruncate")
            }
            if row.count > columns.count {
                row.removeLast(row.count - columns.count)
            } else {
                let pad: JSONValue = dialect.emptyAsNull ? .null : .string("")
                row.append(contentsOf: repeatElement(pad, count: columns.count - row.count))
            }
        }
        return row
    }

    /// Keys for an object: duplicates get `_2`, `_3` … so no column silently overwrites another.
    static func uniqueKeys(_ names: [String]) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for (index, name) in names.enumerated() {
            var key = name.isEmpty ? "column\(index + 1)" : name
            if seen.contains(key) {
                var suffix = 2
                while seen.contains("\(key)_\(suffix)") { suffix += 1 }
                key = "\(key)_\(suffix)"
            }
            seen.insert(key)
            result.append(key)
        }
        return result
    }

    private mutating func skipLeadingLines() throws(FormatError) {
        var remaining = dialect.skipLines
        while remaining > 0 {
            if !input.hasBytes {
                guard try input.refill() else { return }
            }
            let byte = input.buffer[input.position]
            if pendingLF {
                pendingLF = false
                if byte == 0x0A {
                    input.position += 1
                    lineStart = input.offset
                    continue
                }
            }
            input.position += 1
            if byte == 0x0A || byte == 0x0D {
                remaining -= 1
                line += 1
                lineStart = input.offset
                pendingLF = byte == 0x0D
            }
        }
    }

    /// Reads one row into `row`; false at the end of the input.
    private mutating func readRow() throws(FormatError) -> Bool {
        row.removeAll(keepingCapacity: true)
        rowStarted = false
        state = .fieldStart
        while true {
            if !input.hasBytes {
                guard try input.refill() else { return try finishAtEnd() }
            }
            let chunk = input.buffer
            let done = try chunk.withUnsafeBufferPointer { (bytes) throws(FormatError) -> Bool in try scan(bytes) }
            if done { return true }
        }
    }

    private mutating func finishAtEnd() throws(FormatError) -> Bool {
        switch state {
        case .quoted, .quotedEscape:
            throw FormatError(
                .unterminatedQuote, format: .csv, line: quoteLine, column: quoteColumn,
                message: "quoted field is not closed before the end of the input",
                fix: "add the closing quote, or double quotes inside the field")
        case .quoteInQuoted, .afterQuoted:
            endField(quoted: true)
        case .unquoted:
            endField(quoted: false)
        case .unquotedEscape:
            field.append(UInt8(ascii: "\\"))
            endField(quoted: false)
        case .fieldStart:
            guard rowStarted else { return false }
            endField(quoted: false)
        }
        state = .fieldStart
        return true
    }

    private func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte == 0x09 && trimTab) }

    /// Consumes bytes of the current chunk; true when a row is complete.
    private mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>) throws(FormatError) -> Bool {
        var i = input.position
        let n = bytes.count
        let base = input.bufferOffset
        defer { input.position = i }
        while i < n {
            let byte = bytes[i]
            switch state {
            case .fieldStart:
                if pendingLF {
                    pendingLF = false
                    if byte == 0x0A {
                        i += 1
                        lineStart = base + i
                        continue
                    }
                }
                if !rowStarted {
                    if (byte == 0x0A || byte == 0x0D) && dialect.skipBlankLines {
                        i += 1
                        newLine(byte, next: base + i)
                        continue
                    }
                    rowStarted = true
                    rowLine = line
                }
                fieldStart = base + i
                if byte == quote && hasQuote {
                    state = .quoted
                    quoteLine = line
                    quoteColumn = base + i - lineStart + 1
                    i += 1
                } else if byte == delimiter {
                    endField(quoted: false)
                    i += 1
                } else if byte == 0x0A || byte == 0x0D {
                    endField(quoted: false)
                    i += 1
                    newLine(byte, next: base + i)
                    return true
                } else if dialect.trimWhitespace && isSpace(byte) {
                    i += 1
                } else {
                    state = .unquoted
                }
            case .unquoted:
                var j = i
                while j < n {
                    let c = bytes[j]
                    if c == delimiter || c == 0x0A || c == 0x0D || c == unquotedStop { break }
                    j += 1
                }
                guard j < n else {
                    field.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<j]))
                    i = j
                    try checkFieldSize()
                    break
                }
                let stop = bytes[j]
                let complete = stop == delimiter || stop == 0x0A || stop == 0x0D
                if complete && field.isEmpty {
                    // The whole field is in this chunk: decode it straight from the chunk, no copy.
                    finishField(UnsafeBufferPointer(rebasing: bytes[i..<j]), quoted: false)
                } else {
                    field.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<j]))
                    if complete { endField(quoted: false) }
                }
                i = j + 1
                if stop == delimiter {
                    state = .fieldStart
                } else if complete {
                    state = .fieldStart
                    newLine(stop, next: base + i)
                    return true
                } else {
                    state = .unquotedEscape
                }
            case .unquotedEscape:
                appendEscaped(byte, at: base + i)
                i += 1
                state = .unquoted
            case .quoted:
                var j = i
                while j < n {
                    let c = bytes[j]
                    if c == quote || c == quotedStop || c == 0x0A || c == 0x0D { break }
                    j += 1
                }
                if j > i { field.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<j])) }
                i = j
                guard j < n else {
                    try checkFieldSize()
                    break
                }
                let stop = bytes[j]
                i += 1
                if stop == quote {
                    state = backslash ? .afterQuoted : .quoteInQuoted
                } else if stop == 0x0A || stop == 0x0D {
                    countLineInField(stop, next: base + i)
                    field.append(stop)
                } else {
                    state = .quotedEscape
                }
            case .quotedEscape:
                appendEscaped(byte, at: base + i)
                i += 1
                state = .quoted
            case .quoteInQuoted:
                if byte == quote {
                    field.append(quote)
                    i += 1
                    state = .quoted
                } else {
                    state = .afterQuoted
                }
            case .afterQuoted:
                if byte == delimiter {
                    endField(quoted: true)
                    i += 1
                    state = .fieldStart
                } else if byte == 0x0A || byte == 0x0D {
                    endField(quoted: true)
                    i += 1
                    state = .fieldStart
                    newLine(byte, next: base + i)
                    return true
                } else if dialect.trimWhitespace && isSpace(byte) {
                    i += 1
                } else {
                    throw FormatError(
                        .textAfterQuote, format: .csv, line: line, column: base + i - lineStart + 1,
                        message: "unexpected character after the closing quote of a field",
                        fix: dialect.escape == .doubledQuote
                            ? "write a quote inside a quoted field as two quotes (\"\")"
                            : "write a quote inside a quoted field as \\\"")
                }
            }
        }
        return false
    }

    /// Called when a field continues into the next chunk: an unclosed quote in a huge file must not buffer it all.
    private func checkFieldSize() throws(FormatError) {
        guard field.count > dialect.maxFieldBytes else { return }
        let quoted = state == .quoted || state == .quotedEscape || state == .quoteInQuoted
        throw FormatError(
            .fieldTooLarge, format: .csv, line: quoted ? quoteLine : line,
            column: quoted ? quoteColumn : fieldStart - lineStart + 1,
            message: "field is larger than \(dialect.maxFieldBytes) bytes",
            fix: quoted ? "check for a quote that is never closed" : "raise maxFieldBytes if the field is genuine")
    }

    /// A backslash escape: the common control escapes, else the character itself.
    private mutating func appendEscaped(_ byte: UInt8, at offset: Int) {
        switch byte {
        case UInt8(ascii: "n"): field.append(0x0A)
        case UInt8(ascii: "r"): field.append(0x0D)
        case UInt8(ascii: "t"): field.append(0x09)
        case 0x0A, 0x0D:
            countLineInField(byte, next: offset + 1)
            field.append(byte)
        default: field.append(byte)
        }
    }

    /// Counts a line break inside a quoted field; LF right after CR belongs to the same break.
    private mutating func countLineInField(_ byte: UInt8, next: Int) {
        if byte == 0x0D || field.last != 0x0D { line += 1 }
        lineStart = next
    }

    private mutating func newLine(_ byte: UInt8, next: Int) {
        line += 1
        lineStart = next
        pendingLF = byte == 0x0D
    }

    private mutating func endField(quoted: Bool) {
        field.withUnsafeBufferPointer { bytes in finishField(bytes, quoted: quoted) }
        field.removeAll(keepingCapacity: true)
    }

    /// Turns field bytes into a value: the one place a field is decoded to a `String`.
    private mutating func finishField(_ bytes: UnsafeBufferPointer<UInt8>, quoted: Bool) {
        if row.count == columns.count { extraFieldColumn = fieldStart - lineStart + 1 }
        var end = bytes.count
        if dialect.trimWhitespace && !quoted {
            while end > 0 && isSpace(bytes[end - 1]) { end -= 1 }
        }
        if end == 0 && !quoted && dialect.emptyAsNull {
            row.append(.null)
        } else {
            row.append(.string(String(decoding: UnsafeBufferPointer(rebasing: bytes[0..<end]), as: UTF8.self)))
        }
    }
}
