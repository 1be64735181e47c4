/// Everything that can go wrong between the platform and a process connector, as one line a person can act on.
///
/// `code` is stable for programs; `message` says what failed and where (a line number when the problem is in a
/// message line) and never spans more than one line.
public struct ConnectorProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable, machine-readable reason.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The code's text, e.g. `invalid_json`.
        public let rawValue: String

        /// Creates a code; the predefined ones cover the protocol.
        public init(_ rawValue: String) { self.rawValue = rawValue }

        /// A line is not one JSON document.
        public static let invalidJSON = Code("invalid_json")
        /// A line is JSON but not a valid message: not an object, a missing or mistyped field.
        public static let invalidMessage = Code("invalid_message")
        /// A line names a message type the protocol does not have.
        public static let unknownMessageType = Code("unknown_message_type")
        /// A valid message arrived where the protocol does not allow it.
        public static let unexpectedMessage = Code("unexpected_message")
        /// A line is longer than the limit.
        public static let lineTooLong = Code("line_too_long")
        /// Platform and connector share no protocol version.
        public static let negotiationFailed = Code("negotiation_failed")
        /// argv does not name a command.
        public static let invalidArguments = Code("invalid_arguments")
        /// Input ended before `END`.
        public static let inputClosed = Code("input_closed")
        /// The connector's output ended without `END`.
        public static let missingEnd = Code("missing_end")
        /// The connector reported a fatal `ERROR`.
        public static let connectorFailed = Code("connector_failed")
        /// The connector exited with a non-zero status or was killed by a signal.
        public static let exitStatus = Code("exit_status")
        /// The connector did not finish within its time limit and was killed.
        public static let timeout = Code("timeout")
        /// The connector program could not be started.
        public static let spawnFailed = Code("spawn_failed")
        /// A write-side rule of the audit was broken: an ACK missing, duplicated or for an unknown key.
        public static let acknowledgementMismatch = Code("ack_mismatch")
        /// The command is not supported by the connector.
        public static let unsupportedCommand = Code("unsupported_command")

        public var description: String { rawValue }
    }

    /// Why it failed.
    public let code: Code
    /// What failed, where and how to fix it; one line.
    public let message: String
    /// The 1-based line of the offending message on the stream it came from, when there is one.
    public let line: Int?

    /// Creates an error; newlines in `message` are folded so that it stays one line.
    public init(_ code: Code, _ message: String, line: Int? = nil) {
        self.code = code
        self.message = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        self.line = line
    }

    public var description: String { message }
}
