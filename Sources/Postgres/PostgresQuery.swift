/// A SQL statement with bound parameters, built by string interpolation: every `\(value)` becomes `$n` and its
/// value travels separately, so user input can never change the statement.
///
///     let query: PostgresQuery = "SELECT id FROM tenants WHERE slug = \(slug)"
///
/// SQL text that really must be spliced in (a migration file) goes through the explicitly named
/// `PostgresQuery(unsafeSQL:)` or `\(unescaped:)`; identifiers go through `\(identifier:)`, which quotes them.
public struct PostgresQuery: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// The statement text with `$1`, `$2`, … placeholders.
    public private(set) var sql: String
    /// The bound values in text format (nil is NULL), in placeholder order.
    public private(set) var values: [String?]
    /// The bound values' types, in placeholder order.
    public private(set) var types: [PostgresType]

    /// A statement without parameters, from a literal.
    public init(stringLiteral value: String) {
        sql = value
        values = []
        types = []
    }

    /// The escape hatch: runs `unsafeSQL` as written. Never pass text that came from a user.
    public init(unsafeSQL: String) {
        sql = unsafeSQL
        values = []
        types = []
    }

    public init(stringInterpolation: StringInterpolation) {
        sql = stringInterpolation.sql
        values = stringInterpolation.values
        types = stringInterpolation.types
    }

    /// The statement text only; bound values are never printed because they may be secrets.
    public var description: String { sql }

    /// Builds the statement text and its bound values.
    public struct StringInterpolation: StringInterpolationProtocol {
        var sql = ""
        var values: [String?] = []
        var types: [PostgresType] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql.reserveCapacity(literalCapacity + interpolationCount * 3)
        }

        public mutating func appendLiteral(_ literal: String) { sql += literal }

        /// Binds a value as the next `$n` parameter.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value) {
            values.append(value.postgresText)
            types.append(Value.postgresType)
            sql += "$\(values.count)"
        }

        /// Binds an optional value (nil is SQL NULL) as the next `$n` parameter.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value?) {
            values.append(value?.postgresText)
            types.append(Value.postgresType)
            sql += "$\(values.count)"
        }

        /// Inserts a double-quoted identifier (table, column, channel name), escaping embedded quotes.
        public mutating func appendInterpolation(identifier: String) {
            sql += quoteIdentifier(identifier)
        }

        /// The escape hatch: inserts SQL text as written. Never pass text that came from a user.
        public mutating func appendInterpolation(unescaped text: String) { sql += text }
    }
}

/// Quotes an SQL identifier: `my "table"` becomes `"my ""table"""`.
public func quoteIdentifier(_ name: String) -> String {
    "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}
