/// One field of a fixed-width record: where it is, how it is typed, padded and justified.
public struct FixedWidthField: Sendable, Equatable {
    /// Which side a value sits on inside its field; the padding fills the other side.
    public enum Justification: Sendable, Equatable {
        /// Text at the start, padding after (usual for text).
        case left
        /// Text at the end, padding before (usual for numbers).
        case right
    }

    /// The key of the field in records.
    public var name: String
    /// 1-based position of the first character.
    public var start: Int
    /// Number of characters.
    public var length: Int
    /// How the text converts to a value.
    public var type: FieldType
    /// Where a number's sign is.
    public var sign: SignHandling
    /// Which side the value sits on.
    public var justification: Justification
    /// The padding character (ASCII), e.g. space or `0`.
    public var padding: Unicode.Scalar
    /// Reading: strip spaces around the value, and the padding character on the padded side.
    public var trim: Bool

    /// Position of the last character (1-based, inclusive).
    public var end: Int { start + length - 1 }

    /// A field; numbers default to right-justified with zero padding, everything else to left with spaces.
    public init(
        _ name: String, start: Int, length: Int, type: FieldType = .string, sign: SignHandling = .leading,
        justification: Justification? = nil, padding: Unicode.Scalar? = nil, trim: Bool = true
    ) {
        self.name = name
        self.start = start
        self.length = length
        self.type = type
        self.sign = sign
        let numeric: Bool
        switch type {
        case .integer, .impliedDecimal, .decimal: numeric = true
        case .string, .date: numeric = false
        }
        self.justification = justification ?? (numeric ? .right : .left)
        self.padding = padding ?? (numeric ? "0" : " ")
        self.trim = trim
    }
}

/// The fields of one kind of fixed-width record.
public struct FixedWidthLayout: Sendable, Equatable {
    /// The fields, in any order; they should not overlap.
    public var fields: [FixedWidthField]

    /// A layout of these fields.
    public init(_ fields: [FixedWidthField]) { self.fields = fields }

    /// The line length the layout needs: the end of its last field.
    public var length: Int { fields.map(\.end).max() ?? 0 }
}

/// One kind of record in a file with several (header, detail, trailer).
public struct FixedWidthRecordKind: Sendable, Equatable {
    /// The discriminator text that marks this kind, e.g. `H`.
    public var code: String
    /// The name written to `_type` in records, e.g. `header`.
    public var name: String
    /// The kind's fields.
    public var layout: FixedWidthLayout

    /// A record kind.
    public init(code: String, name: String, layout: FixedWidthLayout) {
        self.code = code
        self.name = name
        self.layout = layout
    }
}

/// Everything a fixed-width reader or writer needs to know about a file.
public struct FixedWidthFormat: Sendable, Equatable {
    /// Which layout applies to a line.
    public enum Records: Sendable, Equatable {
        /// Every line has this layout.
        case single(FixedWidthLayout)
        /// The text at `start` (1-based) of `length` characters picks the kind; records carry `_type`.
        case discriminated(start: Int, length: Int, kinds: [FixedWidthRecordKind])
    }

    /// The layouts.
    public var records: Records
    /// Text encoding of the file; positions count characters, which for single-byte encodings are bytes.
    public var encoding: TextEncoding
    /// Reading: a line shorter than its layout is read as if padded with spaces instead of failing.
    public var allowShortLines: Bool
    /// Reading: skip lines that are empty or only spaces.
    public var skipBlankLines: Bool
    /// Writing: line ending.
    public var lineEnding: CSVDialect.LineEnding
    /// The key that carries the record kind's name.
    public var typeKey: String

    /// A format; by default lines must be long enough, blank lines are skipped and lines end with CRLF.
    public init(
        records: Records, encoding: TextEncoding = .automatic, allowShortLines: Bool = false,
        skipBlankLines: Bool = true, lineEnding: CSVDialect.LineEnding = .crlf, typeKey: String = "_type"
    ) {
        self.records = records
        self.encoding = encoding
        self.allowShortLines = allowShortLines
        self.skipBlankLines = skipBlankLines
        self.lineEnding = lineEnding
        self.typeKey = typeKey
    }

    /// Checks positions, lengths and padding characters.
    func validate() throws(FormatError) {
        var layouts: [FixedWidthLayout] = []
        switch records {
        case .single(let layout): layouts = [layout]
        case .discriminated(let start, let length, let kinds):
            guard start >= 1, length >= 1, !kinds.isEmpty, kinds.allSatisfy({ $0.code.count == length }) else {
                throw invalid("the discriminator needs start ≥ 1, length ≥ 1 and codes of exactly that length")
            }
            layouts = kinds.map(\.layout)
        }
        for field in layouts.flatMap(\.fields) {
            guard field.start >= 1, field.length >= 1, field.padding.isASCII else {
                throw invalid("field '\(field.name)' needs start ≥ 1, length ≥ 1 and an ASCII padding character")
            }
            if case .impliedDecimal(let places) = field.type, places < 0 || places > 18 {
                throw invalid("field '\(field.name)' has \(places) implied decimals")
            }
        }
    }

    private func invalid(_ message: String) -> FormatError {
        FormatError(.invalidOption, format: .fixedWidth, message: message, fix: "correct the layout")
    }
}
