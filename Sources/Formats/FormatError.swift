/// The one error type of the Formats module: what failed, where in the input, and how to fix it.
public struct FormatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable machine-readable code; new codes may be added, existing ones never change meaning.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The code's text, e.g. `csv.unterminated_quote`.
        public let rawValue: String
        /// Wraps a code text.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The code's text.
        public var description: String { rawValue }

        /// An option combination the format cannot work with (e.g. a non-ASCII delimiter).
        public static let invalidOption = Code(rawValue: "invalid_option")
        /// Reading from or writing to a file failed.
        public static let io = Code(rawValue: "io")
        /// A character cannot be represented in the chosen output encoding.
        public static let unencodable = Code(rawValue: "unencodable")
        /// The input declares an encoding the module does not decode.
        public static let unsupportedEncoding = Code(rawValue: "unsupported_encoding")
        /// A quoted CSV field is still open at the end of the input.
        public static let unterminatedQuote = Code(rawValue: "csv.unterminated_quote")
        /// Something other than a delimiter or line end follows a closing quote.
        public static let textAfterQuote = Code(rawValue: "csv.text_after_quote")
        /// A field is larger than the configured limit (often an unclosed quote).
        public static let fieldTooLarge = Code(rawValue: "csv.field_too_large")
        /// A row has more or fewer fields than the header.
        public static let raggedRow = Code(rawValue: "csv.ragged_row")
        /// A record to write is not a JSON object.
        public static let notAnObject = Code(rawValue: "not_an_object")
        /// A fixed-width line ends before a field of its layout.
        public static let lineTooShort = Code(rawValue: "fixed.line_too_short")
        /// A fixed-width line's discriminator matches no record kind.
        public static let unknownRecordType = Code(rawValue: "fixed.unknown_record_type")
        /// A field that should hold a number does not.
        public static let invalidNumber = Code(rawValue: "invalid_number")
        /// A field that should hold a date does not match the date format.
        public static let invalidDate = Code(rawValue: "invalid_date")
        /// A value does not fit into its fixed-width field.
        public static let valueTooLong = Code(rawValue: "fixed.value_too_long")
        /// The XML is not well-formed.
        public static let malformedXML = Code(rawValue: "xml.malformed")
        /// A SOAP envelope is missing or has no body.
        public static let invalidEnvelope = Code(rawValue: "soap.invalid_envelope")
        /// The SOAP response carries a Fault.
        public static let soapFault = Code(rawValue: "soap.fault")
        /// A JSON or JSON Lines value could not be parsed.
        public static let invalidJSON = Code(rawValue: "json.invalid")
        /// The value at the configured JSON path is not an array (or the path does not exist).
        public static let notAnArray = Code(rawValue: "json.not_an_array")
    }

    /// The format whose reader or writer failed; it opens the message.
    public enum Format: String, Sendable {
        /// Comma-separated values and their dialects.
        case csv = "CSV"
        /// Fixed-width (column-positioned) records.
        case fixedWidth = "Fixed-width"
        /// XML documents.
        case xml = "XML"
        /// SOAP envelopes.
        case soap = "SOAP"
        /// JSON documents.
        case json = "JSON"
        /// JSON Lines (one value per line).
        case jsonLines = "JSON Lines"
        /// Reading or writing a file, before any format is involved.
        case io = "I/O"
    }

    /// The stable machine code.
    public let code: Code
    /// The format being read or written.
    public let format: Format
    /// 1-based line of the problem, or nil when it is not about a place in the input.
    public let line: Int?
    /// 1-based column (in bytes of the UTF-8 text; characters for fixed-width), or nil when unknown.
    public let column: Int?
    /// The field (column, element) involved, when there is one.
    public let field: String?
    /// What went wrong, in words.
    public let message: String
    /// How to fix it, in words.
    public let fix: String

    /// Creates an error; `fix` should tell a person what to change.
    public init(
        _ code: Code, format: Format, line: Int? = nil, column: Int? = nil, field: String? = nil,
        message: String, fix: String
    ) {
        self.code = code
        self.format = format
        self.line = line
        self.column = column
        self.field = field
        self.message = message
        self.fix = fix
    }

    /// One line such as `CSV error at line 3, column 7: unterminated quoted field (close the quote …)`.
    public var description: String {
        var place = ""
        if let line {
            place = " at line \(line)"
            if let column { place += ", column \(column)" }
        }
        if let field { place += place.isEmpty ? " in field '\(field)'" : ", field '\(field)'" }
        return "\(format.rawValue) error\(place): \(message) (\(fix))"
    }
}
