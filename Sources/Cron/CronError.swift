/// Why a cron expression or time zone name was rejected: a stable machine `code` and a one-line `message` for people.
///
/// The message names the field (by name and by its position in the expression as written) and says how to fix it,
/// e.g. `cron field 'hour' (field 2): value 24 is out of range 0-23`.
public struct CronError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, machine-readable reason; new codes may be added, existing ones never change meaning.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The code as written in logs and JSON, e.g. `value_out_of_range`.
        public let rawValue: String

        /// Creates a code from its raw spelling.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The code's raw spelling.
        public var description: String { rawValue }

        /// The expression is empty or only whitespace.
        public static let emptyExpression = Code(rawValue: "empty_expression")
        /// The expression has neither 5 nor 6 fields.
        public static let wrongFieldCount = Code(rawValue: "wrong_field_count")
        /// An `@` macro that is not one of the supported ones, or a macro followed by more fields.
        public static let unknownMacro = Code(rawValue: "unknown_macro")
        /// A list item is neither a number nor a name the field knows.
        public static let invalidValue = Code(rawValue: "invalid_value")
        /// A number outside the field's range.
        public static let valueOutOfRange = Code(rawValue: "value_out_of_range")
        /// A range whose start is after its end, such as `22-2`.
        public static let reversedRange = Code(rawValue: "reversed_range")
        /// A step that is not a positive whole number, such as `*/0`.
        public static let invalidStep = Code(rawValue: "invalid_step")
        /// An empty item in a list, such as `1,,2`.
        public static let emptyListItem = Code(rawValue: "empty_list_item")
        /// `L`, `W`, `#` or `?` used in a field that does not support it.
        public static let misplacedModifier = Code(rawValue: "misplaced_modifier")
        /// The occurrence in `weekday#n` is outside 1-5.
        public static let invalidOccurrence = Code(rawValue: "invalid_occurrence")
        /// A time zone name that is not in the IANA time zone database.
        public static let unknownTimeZone = Code(rawValue: "unknown_time_zone")
    }

    /// What kind of problem this is.
    public let code: Code
    /// One line for people: what failed, where, and how to fix it.
    public let message: String

    /// Creates an error; the parser is the usual source, tests and callers may build their own.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// The message, so that string interpolation shows what a person needs.
    public var description: String { message }
}
