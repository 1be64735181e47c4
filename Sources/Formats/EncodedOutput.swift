/// The writers' shared output stage: encodes text into the chosen encoding and hands the sink 64 KiB at a time.
struct EncodedOutput {
    let sink: any ByteSink
    let encoding: TextEncoding
    let format: FormatError.Format
    /// Encoded bytes not yet handed to the sink; UTF-8 writers may append to it directly.
    var buffer: [UInt8] = []
    private let flushThreshold: Int

    init(sink: any ByteSink, encoding: TextEncoding, format: FormatError.Format, byteOrderMark: Bool) {
        self.sink = sink
        self.encoding = encoding == .automatic ? .utf8 : encoding
        self.format = format
        self.flushThreshold = defaultChunkSize
        buffer.reserveCapacity(defaultChunkSize + 1024)
        if byteOrderMark { buffer.append(contentsOf: self.encoding.byteOrderMark) }
    }

    /// True when ASCII bytes can be appended as they are (everything but UTF-16).
    var isASCIICompatible: Bool {
        encoding != .utf16 && encoding != .utf16BigEndian && encoding != .utf16LittleEndian
    }

    /// Appends ASCII syntax (delimiters, tags, line endings).
    mutating func appendASCII(_ byte: UInt8) {
        if isASCIICompatible {
            buffer.append(byte)
        } else if encoding == .utf16LittleEndian {
            buffer.append(byte)
            buffer.append(0)
        } else {
            buffer.append(0)
            buffer.append(byte)
        }
    }

    /// Appends ASCII syntax given as a string literal.
    mutating func appendASCII(_ text: StaticString) {
        text.withUTF8Buffer { bytes in
            for byte in bytes { appendASCII(byte) }
        }
    }

    /// Appends text, failing when the encoding cannot represent a character.
    mutating func append(_ text: String, line: Int?, field: String?) throws(FormatError) {
        if encoding == .utf8 {
            buffer.append(contentsOf: text.utf8)
            return
        }
        if let bad = encoding.append(text, to: &buffer) {
            let hex = String(bad.value, radix: 16, uppercase: true)
            throw FormatError(
                .unencodable, format: format, line: line, field: field,
                message: "character U+\(hex) cannot be written in \(encoding)",
                fix: "write UTF-8 or UTF-16, or replace the character before writing")
        }
    }

    /// Hands the buffer to the sink once it is large enough; called after each record.
    mutating func flushIfFull() throws(FormatError) {
        if buffer.count >= flushThreshold { try flush() }
    }

    /// Hands everything buffered to the sink.
    mutating func flush() throws(FormatError) {
        guard !buffer.isEmpty else { return }
        try sink.write(buffer[...])
        buffer.removeAll(keepingCapacity: true)
    }
}
