/// A JSON document could not be parsed; says what was wrong and where (1-based line and column).
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong, in words.
    public let message: String
    /// 1-based line of the offending byte.
    public let line: Int
    /// 1-based column (in bytes) of the offending byte.
    public let column: Int
    /// 0-based byte offset of the offending byte.
    public let offset: Int

    /// Creates an error at a position.
    public init(message: String, line: Int, column: Int, offset: Int) {
        self.message = message
        self.line = line
        self.column = column
        self.offset = offset
    }

    /// One line such as `invalid JSON at line 3, column 7: expected ':' after object key`.
    public var description: String { "invalid JSON at line \(line), column \(column): \(message)" }
}
