/// An error from the PostgreSQL layer: a stable machine code, the server's SQLSTATE when there is one, and a message
/// for people. Messages never contain the connection password.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; stable across releases so callers can branch on it.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let raw: String
        public var description: String { raw }

        /// The connection could not be opened (bad URL, server down, authentication failed).
        public static let connectionFailed = Code(raw: "connection_failed")
        /// The connection broke while in use.
        public static let connectionClosed = Code(raw: "connection_closed")
        /// The server rejected a statement; `sqlState` says why.
        public static let server = Code(raw: "server")
        /// A value from the server did not decode into the requested Swift type.
        public static let decoding = Code(raw: "decoding")
        /// A `COPY` transfer failed on the client side.
        public static let copy = Code(raw: "copy")
        /// The calling task was cancelled before or while the statement ran.
        public static let cancelled = Code(raw: "cancelled")
        /// The pool was shut down.
        public static let poolClosed = Code(raw: "pool_closed")
        /// Two tasks tried to use one connection at once (a bug in the caller; the pool prevents it).
        public static let concurrentUse = Code(raw: "concurrent_use")
        /// The connection string could not be parsed.
        public static let invalidConfiguration = Code(raw: "invalid_configuration")
    }

    /// The stable kind of failure.
    public var code: Code
    /// The five-character SQLSTATE from the server, e.g. `23505` for a unique violation.
    public var sqlState: String?
    /// The primary message, one line, for people.
    public var message: String
    /// The server's DETAIL field, if any.
    public var detail: String?
    /// The server's HINT field, if any.
    public var hint: String?
    /// The constraint the server named, if any (useful to map `23505` to a domain error).
    public var constraint: String?

    /// Creates an error; prefer the static helpers of the layer.
    public init(
        code: Code, sqlState: String? = nil, message: String, detail: String? = nil, hint: String? = nil,
        constraint: String? = nil
    ) {
        self.code = code
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
    }

    public var description: String {
        var text = "database error"
        if let sqlState { text += " \(sqlState)" }
        text += ": \(message)"
        if let hint { text += " (hint: \(hint))" }
        return text
    }

    /// True when the server reported a unique-constraint violation.
    public var isUniqueViolation: Bool { sqlState == "23505" }
}

/// Removes a secret from a message text, so that no error or log line can carry it.
func redact(_ text: String, secret: String?) -> String {
    guard let secret, !secret.isEmpty else { return text }
    return text.replacingOccurrences(of: secret, with: "********")
}
