import Cron
import Testing

@Suite("Cron errors: stable codes, one-line messages that name the field and the fix")
struct CronErrorTests {
    static let fieldList = "expected 5 (minute hour day-of-month month day-of-week) or 6 with leading seconds"
    static let macros = "@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly"

    static let cases: [(String, CronError.Code, String)] = [
        ("", .emptyExpression, "cron expression is empty; \(fieldList), or a macro such as @daily"),
        ("   ", .emptyExpression, "cron expression is empty; \(fieldList), or a macro such as @daily"),
        ("* * * *", .wrongFieldCount, "cron expression has 4 fields; \(fieldList)"),
        ("* * * * * * *", .wrongFieldCount, "cron expression has 7 fields; \(fieldList)"),
        ("5", .wrongFieldCount, "cron expression has 1 field; \(fieldList)"),
        ("@reboot", .unknownMacro, "cron macro '@reboot' is not supported; use one of \(macros)"),
        ("@daily 5", .unknownMacro, "cron macro '@daily' takes no further fields; use one of \(macros)"),
        ("60 * * * *", .valueOutOfRange, "cron field 'minute' (field 1): value 60 is out of range 0-59"),
        ("0 24 * * *", .valueOutOfRange, "cron field 'hour' (field 2): value 24 is out of range 0-23"),
        ("0 0 0 * *", .valueOutOfRange, "cron field 'day-of-month' (field 3): value 0 is out of range 1-31"),
        ("0 0 * 13 *", .valueOutOfRange, "cron field 'month' (field 4): value 13 is out of range 1-12"),
        ("0 0 * * 8", .valueOutOfRange, "cron field 'day-of-week' (field 5): value 8 is out of range 0-7"),
        ("60 0 0 * * *", .valueOutOfRange, "cron field 'second' (field 1): value 60 is out of range 0-59"),
        ("0 60 0 * * *", .valueOutOfRange, "cron field 'minute' (field 2): value 60 is out of range 0-59"),
        ("0 0 32W * *", .valueOutOfRange, "cron field 'day-of-month' (field 3): value 32 is out of range 1-31"),
        ("x * * * *", .invalidValue, "cron field 'minute' (field 1): 'x' is not a valid value; use 0-59"),
        ("-5 * * * *", .invalidValue, "cron field 'minute' (field 1): '-5' is not a valid value; use 0-59"),
        ("0 0 * Foo *", .invalidValue, "cron field 'month' (field 4): 'Foo' is not a valid value; use 1-12 or JAN-DEC"),
        ("0 0 * * FUN", .invalidValue, "cron field 'day-of-week' (field 5): 'FUN' is not a valid value; use 0-7 or SUN-SAT"),
        (
            "0 22-2 * * *", .reversedRange,
            "cron field 'hour' (field 2): range '22-2' runs backwards; write it as a list such as 22-23,0-2"
        ),
        (
            "0 0 * * FRI-MON", .reversedRange,
            "cron field 'day-of-week' (field 5): range 'FRI-MON' runs backwards; write it as a list such as 5-6,0-1"
        ),
        (
            "*/0 * * * *", .invalidStep,
            "cron field 'minute' (field 1): step in '*/0' must be a whole number of at least 1, e.g. */5"
        ),
        (
            "0 */x * * *", .invalidStep,
            "cron field 'hour' (field 2): step in '*/x' must be a whole number of at least 1, e.g. */5"
        ),
        ("1,,2 * * * *", .emptyListItem, "cron field 'minute' (field 1): empty item in list '1,,2'"),
        (
            "0 L * * *", .misplacedModifier,
            "cron field 'hour' (field 2): 'L' in 'L' is only allowed in day-of-month (L, LW) and day-of-week (5L)"
        ),
        (
            "0 0 * 5W *", .misplacedModifier,
            "cron field 'month' (field 4): 'W' in '5W' is only allowed in day-of-month (15W, LW)"
        ),
        (
            "0 0 * * 15W", .misplacedModifier,
            "cron field 'day-of-week' (field 5): 'W' in '15W' is only allowed in day-of-month (15W, LW)"
        ),
        (
            "0 0 1#2 * *", .misplacedModifier,
            "cron field 'day-of-month' (field 3): '#' in '1#2' is only allowed in day-of-week (MON#2)"
        ),
        (
            "0 0 * * L", .misplacedModifier,
            "cron field 'day-of-week' (field 5): 'L' alone is ambiguous in day-of-week; write the weekday first, "
                + "e.g. 5L (last Friday)"
        ),
        (
            "? * * * *", .misplacedModifier,
            "cron field 'minute' (field 1): '?' is only allowed in day-of-month and day-of-week; use '*'"
        ),
        (
            "0 0 * * MON#6", .invalidOccurrence,
            "cron field 'day-of-week' (field 5): occurrence '6' in 'MON#6' must be 1-5 (MON#2)"
        ),
    ]

    @Test("rejected expressions", arguments: cases)
    func rejects(_ text: String, _ code: CronError.Code, _ message: String) {
        #expect(throws: CronError(code: code, message: message)) {
            try CronExpression(parsing: text)
        }
        #expect(!message.contains("\n"))
    }

    @Test("unknown time zone")
    func unknownTimeZone() {
        #expect(
            throws: CronError(
                code: .unknownTimeZone,
                message: "unknown time zone 'Europe/Amstrdam' (use an IANA name such as Europe/Amsterdam)"
            )
        ) {
            try CronTimeZone.named("Europe/Amstrdam")
        }
        #expect((try? CronTimeZone.named("Europe/Amsterdam"))?.identifier == "Europe/Amsterdam")
    }

    @Test("codes are stable strings")
    func codes() {
        #expect(CronError.Code.valueOutOfRange.rawValue == "value_out_of_range")
        #expect(CronError.Code.wrongFieldCount.rawValue == "wrong_field_count")
        #expect(CronError(code: .invalidStep, message: "m").description == "m")
    }
}
