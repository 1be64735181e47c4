/// Splits decoded input into lines (LF, CRLF or CR), for the line-oriented formats (JSON Lines, fixed-width).
struct LineReader {
    private var input: DecodedInput
    private let maxLineBytes: Int
    private let format: FormatError.Format
    /// The current line's bytes (UTF-8, without the line break).
    private(set) var line: [UInt8] = []
    /// 1-based number of the current line.
    private(set) var lineNumber = 0
    private var pendingLF = false

    init(source: any ByteSource, encoding: TextEncoding, maxLineBytes: Int, format: FormatError.Format) {
        self.input = DecodedInput(source: source, encoding: encoding)
        self.maxLineBytes = maxLineBytes
        self.format = format
        line.reserveCapacity(256)
    }

    /// The encoding in effect (resolved from a byte order mark once reading started).
    var encoding: TextEncoding { input.encoding }

    /// Reads the next line into `line`; false at the end of the input.
    mutating func next() throws(FormatError) -> Bool {
        line.removeAll(keepingCapacity: true)
        var sawAnything = false
        while true {
            if !input.hasBytes {
                guard try input.refill() else {
                    if sawAnything {
                        lineNumber += 1
                        return true
                    }
                    return false
                }
            }
            if pendingLF {
                pendingLF = false
                if input.buffer[input.position] == 0x0A {
                    input.position += 1
                    continue
                }
            }
            sawAnything = true
            let chunk = input.buffer
            let start = input.position
            let stop = chunk.withUnsafeBufferPointer { bytes -> Int in
                var i = start
                while i < bytes.count && bytes[i] != 0x0A && bytes[i] != 0x0D { i += 1 }
                return i
            }
            line.append(contentsOf: chunk[start..<stop])
            input.position = stop
            if line.count > maxLineBytes {
                throw FormatError(
                    .invalidOption, format: format, line: lineNumber + 1,
                    message: "line is longer than \(maxLineBytes) bytes",
                    fix: "check the line endings and the encoding, or raise maxLineBytes")
            }
            if stop < chunk.count {
                pendingLF = chunk[stop] == 0x0D
                input.position += 1
                lineNumber += 1
                return true
            }
        }
    }
}
