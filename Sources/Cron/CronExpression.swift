public import Foundation

/// A parsed cron schedule: which wall-clock times in a time zone it fires at.
///
/// Syntax (see docs/cron.md): five fields `minute hour day-of-month month day-of-week`, or six with a leading
/// `second` field; the macros `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly`;
/// lists, ranges `a-b`, steps `*/n`, `a-b/n`, `a/n`; names `JAN`…`DEC` and `SUN`…`SAT`; `L`, `LW`, `15W` in
/// day-of-month; `5L` and `MON#2` in day-of-week; `?` as `*` in both day fields. Day-of-week 0 and 7 are Sunday.
/// When both day fields are restricted (neither starts with `*` or `?`), a day matches if either matches (Vixie).
///
/// Daylight saving time follows Debian (Vixie) cron, which treats two kinds of job differently:
/// - *Fixed-time* expressions (neither the minute nor the hour field starts with `*`, e.g. `30 2 * * *`, `@daily`):
///   a wall-clock time skipped by a spring-forward fires once, at the first instant after the gap (02:30 on
///   2026-03-29 in Europe/Amsterdam fires at 03:00+02:00); a wall-clock time repeated by a fall-back fires once, at
///   its first occurrence.
/// - *Wildcard* expressions (the minute or hour field starts with `*`, e.g. `*/15 * * * *`, `@hourly`): fire at every
///   real instant whose wall-clock reading matches, so skipped readings never fire and repeated readings fire twice.
/// `firesAtFixedTime` tells which kind an expression is.
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
    /// The expression as given, without surrounding whitespace.
    public let text: String

    /// Whether daylight-saving gaps and overlaps get Debian cron's fixed-time treatment (catch up once after a
    /// spring-forward gap, fire only the first occurrence of a repeated time) rather than the wildcard one.
    public let firesAtFixedTime: Bool

    /// How many years past the `after` instant the search looks before deciding an expression never fires.
    ///
    /// Fifty, not eight: the rarest satisfiable pattern (`* * * 2 MON#5`, a Monday on February 29) recurs every 28
    /// years and, across the non-leap 2100, up to 40; a never-firing expression costs about 600 month checks.
    public static let searchHorizonYears = 50

    let seconds: CronBits
    let minutes: CronBits
    let hours: CronBits
    let months: CronBits
    let days: DaySchedule

    /// Parses a cron expression, rejecting anything it cannot schedule with a message that says how to fix it.
    public init(parsing text: String) throws(CronError) {
        self = try CronParser.parse(text)
    }

    init(
        text: String, firesAtFixedTime: Bool, seconds: CronBits, minutes: CronBits, hours: CronBits, months: CronBits,
        days: DaySchedule
    ) {
        self.text = text
        self.firesAtFixedTime = firesAtFixedTime
        self.seconds = seconds
        self.minutes = minutes
        self.hours = hours
        self.months = months
        self.days = days
    }

    /// The expression's text.
    public var description: String { text }

    /// The first fire instant strictly after `date` in `timeZone`, or nil if there is none within
    /// `searchHorizonYears` (an expression such as `0 0 30 2 *` never fires).
    public func next(after date: Date, in timeZone: TimeZone) -> Date? {
        let threshold = Int64(date.timeIntervalSince1970.rounded(.down)) + 1
        return nextInstant(atOrAfter: threshold, in: ZoneOffsets(timeZone)).map {
            Date(timeIntervalSince1970: TimeInterval($0))
        }
    }

    /// Up to `count` successive fire instants strictly after `date` in `timeZone`, in increasing order; fewer when
    /// the search horizon ends first, none when `count` is not positive.
    public func nextFireDates(after date: Date, in timeZone: TimeZone, count: Int) -> [Date] {
        guard count > 0 else { return [] }
        let zone = ZoneOffsets(timeZone)
        var threshold = Int64(date.timeIntervalSince1970.rounded(.down)) + 1
        var instants: [Date] = []
        instants.reserveCapacity(min(count, 1024))
        while instants.count < count, let instant = nextInstant(atOrAfter: threshold, in: zone) {
            instants.append(Date(timeIntervalSince1970: TimeInterval(instant)))
            threshold = instant + 1
        }
        return instants
    }
}

/// A set of small non-negative integers (0...63), one bit each, for a field's allowed values.
struct CronBits: Hashable, Sendable {
    var raw: UInt64 = 0

    func contains(_ value: Int) -> Bool {
        value >= 0 && value < 64 && raw & (1 << UInt64(value)) != 0
    }

    mutating func insert(_ value: Int) {
        raw |= 1 << UInt64(value)
    }

    /// The smallest member that is at least `value`.
    func next(atOrAfter value: Int) -> Int? {
        guard value < 64 else { return nil }
        let remaining = raw & (~UInt64(0) << UInt64(max(value, 0)))
        return remaining == 0 ? nil : remaining.trailingZeroBitCount
    }
}

/// The day-of-month and day-of-week fields together, since the Vixie rule makes them one decision.
struct DaySchedule: Hashable, Sendable {
    /// Plain days of the month, 1...31.
    var daysOfMonth = CronBits()
    /// `L`: the last day of the month.
    var lastDayOfMonth = false
    /// `LW`: the last weekday (Monday-Friday) of the month.
    var lastWeekdayOfMonth = false
    /// `15W`: the weekday nearest to each of these days, within the same month.
    var nearestWeekdays: [Int] = []
    /// Plain weekdays, 0 (Sunday)...6.
    var daysOfWeek = CronBits()
    /// `5L`: the last such weekday of the month.
    var lastWeekdaysOfMonth = CronBits()
    /// `MON#2`: the n-th such weekday of the month.
    var nthWeekdays: [NthWeekday] = []
    /// Whether the day-of-month field starts with `*` or `?` (then both fields must match, not either).
    var dayOfMonthIsWildcard = true
    /// Whether the day-of-week field starts with `*` or `?`.
    var dayOfWeekIsWildcard = true

    struct NthWeekday: Hashable, Sendable {
        var weekday: Int
        var occurrence: Int
    }
}
