public import Values

/// Streams fixed-width records line by line, converting each field by its type.
public struct FixedWidthReader {
    /// The format the reader was created with.
    public let format: FixedWidthFormat
    /// Number of records returned so far.
    public private(set) var count = 0
    private var lines: LineReader
    private var scalarOffsets: [Int] = []

    /// Creates a reader; an inconsistent layout fails here.
    public init(source: any ByteSource, format: FixedWidthFormat) throws(FormatError) {
        try format.validate()
        self.format = format
        self.lines = LineReader(source: source, encoding: format.encoding, maxLineBytes: 1 << 20, format: .fixedWidth)
    }

    /// The next record, or nil at the end of the input.
    public mutating func next() throws(FormatError) -> JSONValue? {
        while try lines.next() {
            let line = lines.line
            if format.skipBlankLines && line.allSatisfy({ $0 == 0x20 }) { continue }
            // Positions count characters: for ASCII lines that is bytes, otherwise index the scalar starts once.
            scalarOffsets.removeAll(keepingCapacity: true)
            if line.contains(where: { $0 >= 0x80 }) {
                for (offset, byte) in line.enumerated() where byte & 0xC0 != 0x80 { scalarOffsets.append(offset) }
            }
            let characters = scalarOffsets.isEmpty ? line.count : scalarOffsets.count
            var object = JSONObject()
            let layout: FixedWidthLayout
            switch format.records {
            case .single(let single):
                layout = single
            case .discriminated(let start, let length, let kinds):
                let code = text(line, start: start, length: length, characters: characters)
                guard let kind = kinds.first(where: { $0.code == code }) else {
                    throw FormatError(
                        .unknownRecordType, format: .fixedWidth, line: lines.lineNumber, column: start,
                        message: "record type '\(code)' is not in the layout (known: "
                            + kinds.map(\.code).joined(separator: ", ") + ")",
                        fix: "add a record kind for '\(code)' or check the discriminator position")
                }
                layout = kind.layout
                object[format.typeKey] = .string(kind.name)
            }
            for field in layout.fields {
                if field.end > characters && !format.allowShortLines {
                    throw FormatError(
                        .lineTooShort, format: .fixedWidth, line: lines.lineNumber, column: characters + 1,
                        field: field.name,
                        message: "line has \(characters) characters but field '\(field.name)' ends at \(field.end)",
                        fix: "check the layout, or set allowShortLines to read missing characters as spaces")
                }
                var raw = Substring(text(line, start: field.start, length: field.length, characters: characters))
                if field.trim {
                    raw = raw.trimmingSpaces
                    let pad = Character(field.padding)
                    if pad != " " {
                        if field.justification == .right {
                            // Keep one zero of an all-zero number, and the text after a leading sign.
                            while raw.count > 1, raw.first == pad { raw = raw.dropFirst() }
                        } else {
                            while raw.last == pad { raw = raw.dropLast() }
                        }
                    }
                }
                do {
                    object[field.name] = try field.type.value(of: raw, sign: field.sign)
                } catch {
                    let code: FormatError.Code
                    if case .date = field.type { code = .invalidDate } else { code = .invalidNumber }
                    throw FormatError(
                        code, format: .fixedWidth, line: lines.lineNumber, column: field.start, field: field.name,
                        message: error.message, fix: "correct the value or the field's type and position")
                }
            }
            count += 1
            return .object(object)
        }
        return nil
    }

    /// The characters `start..<start+length` (1-based) of the line, missing ones as spaces.
    private func text(_ line: [UInt8], start: Int, length: Int, characters: Int) -> String {
        let first = min(start - 1, characters)
        let last = min(start - 1 + length, characters)
        let from = scalarOffsets.isEmpty ? first : (first < characters ? scalarOffsets[first] : line.count)
        let to = scalarOffsets.isEmpty ? last : (last < characters ? scalarOffsets[last] : line.count)
        let value = String(decoding: line[from..<to], as: UTF8.self)
        let missing = length - (last - first)
        return missing > 0 ? value + String(repeating: " ", count: missing) : value
    }
}
