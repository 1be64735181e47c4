public import Values

/// Writes records as fixed-width lines: justifies and pads each field, formats numbers (implied decimals,
/// separators, signs) and dates by the field's type.
public struct FixedWidthWriter {
    /// The format the writer was created with.
    public let format: FixedWidthFormat
    /// Number of records written so far.
    public private(set) var count = 0
    private var output: EncodedOutput

    /// Creates a writer; an inconsistent layout fails here.
    public init(sink: any ByteSink, format: FixedWidthFormat) throws(FormatError) {
        try format.validate()
        self.format = format
        output = EncodedOutput(sink: sink, encoding: format.encoding, format: .fixedWidth, byteOrderMark: false)
    }

    /// Writes one record; with several record kinds its `_type` (the kind's name) picks the layout.
    public mutating func write(_ record: JSONValue) throws(FormatError) {
        let line = count + 1
        guard case .object(let object) = record else {
            throw FormatError(
                .notAnObject, format: .fixedWidth, line: line, message: "a record must be an object",
                fix: "map each entity to an object of field values before writing")
        }
        // Positions count Unicode scalars, as the reader does.
        var characters: [Unicode.Scalar]
        let layout: FixedWidthLayout
        switch format.records {
        case .single(let single):
            layout = single
            characters = Array(repeating: " ", count: layout.length)
        case .discriminated(let start, _, let kinds):
            let name = object[format.typeKey]?.stringValue
            guard let kind = kinds.first(where: { $0.name == name }) else {
                throw FormatError(
                    .unknownRecordType, format: .fixedWidth, line: line, field: format.typeKey,
                    message: "record kind '\(name ?? "none")' is not in the layout",
                    fix: "set '\(format.typeKey)' to one of " + kinds.map(\.name).joined(separator: ", "))
            }
            layout = kind.layout
            characters = Array(repeating: " ", count: max(layout.length, start - 1 + kind.code.unicodeScalars.count))
            let code = Array(kind.code.unicodeScalars)
            characters.replaceSubrange(start - 1..<start - 1 + code.count, with: code)
        }
        for field in layout.fields {
            let text = try self.text(for: object[field.name] ?? .null, field: field, line: line)
            let value = Array(text.unicodeScalars)
            guard value.count <= field.length else {
                throw FormatError(
                    .valueTooLong, format: .fixedWidth, line: line, column: field.start, field: field.name,
                    message: "'\(text)' has \(value.count) characters but the field has \(field.length)",
                    fix: "shorten the value in the mapping or widen the field")
            }
            var padded = Array(repeating: field.padding, count: field.length - value.count)
            if field.justification == .left {
                padded.insert(contentsOf: value, at: 0)
            } else if let sign = value.first, sign == "-" || sign == "+", field.padding == "0" {
                // A zero-padded negative number keeps its sign in front: -0000123, not 0000-123.
                padded.insert(sign, at: 0)
                padded.append(contentsOf: value.dropFirst())
            } else {
                padded.append(contentsOf: value)
            }
            characters.replaceSubrange(field.start - 1..<field.end, with: padded)
        }
        var lineText = ""
        lineText.unicodeScalars.append(contentsOf: characters)
        try output.append(lineText, line: line, field: nil)
        output.appendASCII(format.lineEnding == .lf ? "\n" : format.lineEnding == .cr ? "\r" : "\r\n")
        count += 1
        try output.flushIfFull()
    }

    /// Flushes everything to the sink.
    public mutating func finish() throws(FormatError) {
        try output.flush()
        try output.sink.flush()
    }

    private func text(for value: JSONValue, field: FixedWidthField, line: Int) throws(FormatError) -> String {
        func fail(_ code: FormatError.Code, _ message: String) -> FormatError {
            FormatError(
                code, format: .fixedWidth, line: line, column: field.start, field: field.name, message: message,
                fix: "give the field a value of its type")
        }
        if case .null = value { return "" }
        switch field.type {
        case .string:
            switch value {
            case .string(let string): return string
            case .number(let number): return JSONNumberFormatter.format(number)
            case .bool(let flag): return flag ? "true" : "false"
            default: return JSONSerializer.serialize(value)
            }
        case .date(let pattern):
            guard let iso = value.stringValue, let text = FieldType.formatDate(iso, format: pattern) else {
                throw fail(.invalidDate, "expected an ISO 8601 date string, got \(value)")
            }
            return text
        case .integer, .impliedDecimal, .decimal:
            let number: Double
            switch value {
            case .number(let n): number = n
            case .string(let s):
                guard let n = Double(s) else { throw fail(.invalidNumber, "'\(s)' is not a number") }
                number = n
            default: throw fail(.invalidNumber, "expected a number, got \(value.typeName)")
            }
            let negative = number < 0
            guard number.isFinite, abs(number) < 9e15 else { throw fail(.invalidNumber, "\(number) is out of range") }
            var digits: String
            switch field.type {
            case .integer:
                guard number == number.rounded() else { throw fail(.invalidNumber, "\(number) is not whole") }
                digits = String(Int64(abs(number)))
            case .impliedDecimal(let places):
                digits = String(Int64((abs(number) * FieldType.powerOfTen(places)).rounded()))
            case .decimal(let separator, let places):
                if let places {
                    var scaled = Array(String(Int64((abs(number) * FieldType.powerOfTen(places)).rounded())))
                    if scaled.count <= places {
                        scaled.insert(contentsOf: repeatElement("0", count: places + 1 - scaled.count), at: 0)
                    }
                    if places > 0 { scaled.insert(".", at: scaled.count - places) }
                    digits = String(scaled)
                } else {
                    digits = JSONNumberFormatter.format(abs(number))
                }
                if separator == .comma { digits = String(digits.map { $0 == "." ? "," : $0 }) }
            default: digits = ""
            }
            switch field.sign {
            case .leading: return negative ? "-" + digits : digits
            case .trailing:
                // The sign column always exists, so columns after it stay put.
                return negative ? digits + "-" : digits + " "
            case .unsigned:
                if negative { throw fail(.invalidNumber, "\(number) is negative but the field is unsigned") }
                return digits
            }
        }
    }
}
