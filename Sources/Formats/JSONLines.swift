public import Values

/// Reads JSON Lines (one JSON value per line, https://jsonlines.org); blank lines are skipped.
public struct JSONLinesReader {
    private var lines: LineReader
    /// Number of values returned so far.
    public private(set) var count = 0

    /// Creates a reader; `maxLineBytes` bounds the memory one line may take (64 MiB by default).
    public init(source: any ByteSource, encoding: TextEncoding = .automatic, maxLineBytes: Int = 64 << 20) {
        lines = LineReader(source: source, encoding: encoding, maxLineBytes: maxLineBytes, format: .jsonLines)
    }

    /// The next value, or nil at the end of the input; a line that is not one JSON value fails naming the line.
    public mutating func next() throws(FormatError) -> JSONValue? {
        while try lines.next() {
            if lines.line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            do {
                let value = try JSONParser.parse(lines.line)
                count += 1
                return value
            } catch {
                throw FormatError(
                    .invalidJSON, format: .jsonLines, line: lines.lineNumber, column: error.column,
                    message: error.message, fix: "put exactly one complete JSON value on each line")
            }
        }
        return nil
    }
}

/// Writes JSON Lines: each value compact on its own line, UTF-8, LF line endings.
public struct JSONLinesWriter {
    private var output: EncodedOutput
    /// Number of values written so far.
    public private(set) var count = 0

    /// Creates a writer appending to the sink.
    public init(sink: any ByteSink) {
        output = EncodedOutput(sink: sink, encoding: .utf8, format: .jsonLines, byteOrderMark: false)
    }

    /// Appends one value as one line.
    public mutating func write(_ value: JSONValue) throws(FormatError) {
        JSONSerializer.write(value, into: &output.buffer)
        output.buffer.append(0x0A)
        count += 1
        try output.flushIfFull()
    }

    /// Flushes everything to the sink.
    public mutating func finish() throws(FormatError) {
        try output.flush()
        try output.sink.flush()
    }
}
