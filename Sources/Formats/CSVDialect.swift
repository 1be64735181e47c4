/// How a CSV file is written: separators, quoting, header, encoding and the lenient options legacy files need.
///
/// One dialect configures both `CSVReader` and `CSVWriter`, so a file written with a dialect reads back with it.
/// Syntax characters (delimiter, quote) must be ASCII; that covers every dialect seen in practice and lets the
/// parser work on bytes.
public struct CSVDialect: Sendable, Equatable {
    /// How a quote character inside a quoted field is written.
    public enum EscapeStyle: Sendable, Equatable {
        /// RFC 4180: `""` inside quotes is one `"`.
        case doubledQuote
        /// `\"` is a quote, `\\` a backslash, `\n` `\r` `\t` line feed, carriage return and tab, and a
        /// backslash before any other character (also a delimiter in an unquoted field) keeps that character.
        case backslash
    }

    /// Where column names come from.
    public enum Header: Sendable, Equatable {
        /// The first row (after `skipLines`) names the columns.
        case firstRow
        /// These names; every row is data.
        case columns([String])
        /// No names: keys are `column1`, `column2`, …; every row is data.
        case none
    }

    /// What to do with a row whose field count differs from the header's.
    public enum RaggedRows: Sendable, Equatable {
        /// Fail with `csv.ragged_row` naming the line.
        case error
        /// Pad missing fields (with `null` when `emptyAsNull`, else `""`) and drop extra ones.
        case padOrTruncate
    }

    /// When the writer quotes a field.
    public enum Quoting: Sendable, Equatable {
        /// Only fields that need it: those holding the delimiter, the quote, a line break, an escape character,
        /// surrounding whitespace when `trimWhitespace` is on, or an empty string when `emptyAsNull` is on.
        case asNeeded
        /// Every non-null field.
        case always
    }

    /// The line ending the writer uses; the reader accepts LF, CRLF and CR in any mix.
    public enum LineEnding: String, Sendable, Equatable {
        /// `\n` (Unix).
        case lf = "\n"
        /// `\r\n` (RFC 4180, Windows).
        case crlf = "\r\n"
        /// `\r` (classic Mac OS, some mainframe exports).
        case cr = "\r"
    }

    /// The field separator: `,` `;` tab `|` …
    public var delimiter: Unicode.Scalar = ","
    /// The quote character, or nil for files that never quote.
    public var quote: Unicode.Scalar? = "\""
    /// How quotes (and, for `.backslash`, other characters) are escaped.
    public var escape: EscapeStyle = .doubledQuote
    /// Where column names come from.
    public var header: Header = .firstRow
    /// Physical lines to skip before the header or first row (report titles, export banners).
    public var skipLines: Int = 0
    /// Skip lines that are completely empty instead of reading them as a one-field row.
    public var skipBlankLines: Bool = true
    /// Strip spaces (and tabs, unless tab is the delimiter) around unquoted fields and around quotes.
    public var trimWhitespace: Bool = false
    /// An unquoted empty field becomes `null`; a quoted empty field (`""`) stays the empty string.
    public var emptyAsNull: Bool = false
    /// Ragged-row policy.
    public var raggedRows: RaggedRows = .error
    /// Text encoding of the file.
    public var encoding: TextEncoding = .automatic
    /// Reading: the largest field accepted (bytes of UTF-8), so an unclosed quote cannot buffer a whole file.
    public var maxFieldBytes: Int = 16 << 20
    /// Writer: quoting policy.
    public var quoting: Quoting = .asNeeded
    /// Writer: line ending.
    public var lineEnding: LineEnding = .crlf
    /// Writer: start the output with the encoding's byte order mark.
    public var writeByteOrderMark: Bool = false

    /// RFC 4180: comma, double quote, doubled-quote escaping, header row, CRLF.
    public init() {}

    /// A dialect with the given options; unspecified ones keep the RFC 4180 defaults.
    public init(
        delimiter: Unicode.Scalar = ",", quote: Unicode.Scalar? = "\"", escape: EscapeStyle = .doubledQuote,
        header: Header = .firstRow, skipLines: Int = 0, skipBlankLines: Bool = true, trimWhitespace: Bool = false,
        emptyAsNull: Bool = false, raggedRows: RaggedRows = .error, encoding: TextEncoding = .automatic,
        maxFieldBytes: Int = 16 << 20, quoting: Quoting = .asNeeded, lineEnding: LineEnding = .crlf,
        writeByteOrderMark: Bool = false
    ) {
        self.delimiter = delimiter
        self.quote = quote
        self.escape = escape
        self.header = header
        self.skipLines = skipLines
        self.skipBlankLines = skipBlankLines
        self.trimWhitespace = trimWhitespace
        self.emptyAsNull = emptyAsNull
        self.raggedRows = raggedRows
        self.encoding = encoding
        self.maxFieldBytes = maxFieldBytes
        self.quoting = quoting
        self.lineEnding = lineEnding
        self.writeByteOrderMark = writeByteOrderMark
    }

    /// RFC 4180 as written by most tools.
    public static let rfc4180 = CSVDialect()

    /// What German (and most continental) Excel and ERP exports use: `;`, ISO-8859-1, CRLF.
    public static let excelGerman = CSVDialect(delimiter: ";", encoding: .isoLatin1)

    /// Tab-separated values without quoting conventions beyond RFC 4180's.
    public static let tabSeparated = CSVDialect(delimiter: "\t")

    /// Checks the syntax characters; readers and writers call it so a bad dialect fails before any I/O.
    func validate() throws(FormatError) {
        func fail(_ message: String) -> FormatError {
            FormatError(.invalidOption, format: .csv, message: message, fix: "use distinct ASCII characters")
        }
        guard delimiter.isASCII, delimiter != "\r", delimiter != "\n" else {
            throw fail("the delimiter must be an ASCII character other than a line break")
        }
        if let quote {
            guard quote.isASCII, quote != "\r", quote != "\n", quote != delimiter else {
                throw fail("the quote must be an ASCII character other than a line break and the delimiter")
            }
        }
        if escape == .backslash, delimiter == "\\" || quote == "\\" {
            throw fail("backslash escaping cannot use a backslash as delimiter or quote")
        }
        guard skipLines >= 0 else {
            throw FormatError(
                .invalidOption, format: .csv, message: "skipLines is negative", fix: "use 0 or more lines")
        }
    }
}
