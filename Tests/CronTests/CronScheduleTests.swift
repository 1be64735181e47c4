import Cron
import Foundation
import Testing

// Calendar facts the tables rely on (2026 is not a leap year; 2026-01-01 is a Thursday):
// first weekdays of 2026's months: Jan Thu, Feb Sun, Mar Sun, Apr Wed, May Fri, Jun Mon, Jul Wed, Aug Sat,
// Sep Tue, Oct Thu, Nov Sun, Dec Tue. Feb 29 falls on Tue 2028, Sun 2032, Fri 2036, Wed 2040, Mon 2044
// (each leap day is 1461 days = 208 weeks + 5 days after the previous one); 2100 is not a leap year.

@Suite("Cron fields, names and modifiers (UTC)")
struct CronFieldScheduleTests {
    static let cases: [ScheduleCase] = [
        .init("* * * * *", after: "2026-01-01T00:00:00Z", ["2026-01-01T00:01:00Z", "2026-01-01T00:02:00Z"], "every minute"),
        .init("5 * * * *", after: "2026-01-01T00:05:00Z", ["2026-01-01T01:05:00Z"], "strictly after: 00:05 itself is skipped"),
        .init("0 12 * * *", after: "2026-01-01T12:00:00Z", ["2026-01-02T12:00:00Z"], "hour"),
        .init("0 0 15 * *", after: "2026-01-20T00:00:00Z", ["2026-02-15T00:00:00Z"], "day of month, next month"),
        .init("0 0 1 6 *", after: "2026-01-01T00:00:00Z", ["2026-06-01T00:00:00Z"], "month"),
        .init("0 0 * * 1", after: "2026-01-01T00:00:00Z", ["2026-01-05T00:00:00Z", "2026-01-12T00:00:00Z"], "Mondays"),
        .init("0 9-17 * * *", after: "2026-01-01T17:30:00Z", ["2026-01-02T09:00:00Z"], "range ends, next day"),
        .init("*/15 * * * *", after: "2026-01-01T00:16:00Z", ["2026-01-01T00:30:00Z", "2026-01-01T00:45:00Z"], "*/n"),
        .init("10-40/15 * * * *", after: "2026-01-01T00:26:00Z", ["2026-01-01T00:40:00Z", "2026-01-01T01:10:00Z"], "a-b/n"),
        .init("5/20 * * * *", after: "2026-01-01T00:46:00Z", ["2026-01-01T01:05:00Z", "2026-01-01T01:25:00Z"], "a/n"),
        .init("0 8,12,18 * * *", after: "2026-01-01T12:00:00Z", ["2026-01-01T18:00:00Z", "2026-01-02T08:00:00Z"], "list"),
        .init("0 0 * FEB MON", after: "2026-01-01T00:00:00Z", ["2026-02-02T00:00:00Z"], "names: Feb 1 is a Sunday"),
        .init("0 0 1 jul *", after: "2026-01-01T00:00:00Z", ["2026-07-01T00:00:00Z"], "names are case-insensitive"),
        .init("0 0 * * Mon-Wed", after: "2026-01-01T00:00:00Z", ["2026-01-05T00:00:00Z", "2026-01-06T00:00:00Z"], "name range"),
        .init("0 0 * * 7", after: "2026-01-01T00:00:00Z", ["2026-01-04T00:00:00Z"], "7 is Sunday"),
        .init("0 0 * * 0", after: "2026-01-01T00:00:00Z", ["2026-01-04T00:00:00Z"], "0 is Sunday"),
        .init("0 0 * * 6-7", after: "2026-01-01T00:00:00Z", ["2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z"], "Sat-Sun"),
        .init("0 0 L * *", after: "2026-02-01T00:00:00Z", ["2026-02-28T00:00:00Z", "2026-03-31T00:00:00Z"], "L"),
        .init("0 0 L 2 *", after: "2027-03-01T00:00:00Z", ["2028-02-29T00:00:00Z"], "L in a leap February"),
        .init("0 0 * * 5L", after: "2026-01-01T00:00:00Z", ["2026-01-30T00:00:00Z", "2026-02-27T00:00:00Z"], "last Friday"),
        .init("0 0 * * friL", after: "2026-03-01T00:00:00Z", ["2026-03-27T00:00:00Z"], "last Friday by name"),
        .init("0 0 15W * *", after: "2026-02-01T00:00:00Z", ["2026-02-16T00:00:00Z"], "W: Sun Feb 15 -> Mon 16"),
        .init("0 0 15W * *", after: "2026-08-01T00:00:00Z", ["2026-08-14T00:00:00Z"], "W: Sat Aug 15 -> Fri 14"),
        .init("0 0 15W * *", after: "2026-04-01T00:00:00Z", ["2026-04-15T00:00:00Z"], "W: Wed Apr 15 stays"),
        .init("0 0 1W * *", after: "2026-07-02T00:00:00Z", ["2026-08-03T00:00:00Z"], "W: Sat Aug 1 -> Mon 3, not Jul 31"),
        .init(
            "0 0 31W * *", after: "2026-04-01T00:00:00Z", ["2026-05-29T00:00:00Z"], "W: April has no 31st; Sun May 31 -> Fri 29"),
        .init("0 0 LW * *", after: "2026-02-01T00:00:00Z", ["2026-02-27T00:00:00Z", "2026-03-31T00:00:00Z"], "LW: Sat Feb 28"),
        .init("0 0 LW * *", after: "2026-05-01T00:00:00Z", ["2026-05-29T00:00:00Z", "2026-06-30T00:00:00Z"], "LW: Sun May 31"),
        .init("0 0 * * MON#2", after: "2026-01-01T00:00:00Z", ["2026-01-12T00:00:00Z", "2026-02-09T00:00:00Z"], "#"),
        .init("0 0 * * 5#5", after: "2026-02-01T00:00:00Z", ["2026-05-29T00:00:00Z"], "# with no 5th Friday in Feb-Apr"),
        .init("0 0 * 2 MON#5", after: "2026-01-01T00:00:00Z", ["2044-02-29T00:00:00Z"], "5th Feb Monday: leap day 2044"),
        .init(
            "0 0 13 * FRI", after: "2026-01-01T00:00:00Z",
            ["2026-01-02T00:00:00Z", "2026-01-09T00:00:00Z", "2026-01-13T00:00:00Z", "2026-01-16T00:00:00Z"],
            "Vixie: both day fields restricted, either matches"
        ),
        .init("0 0 */2 * FRI", after: "2026-01-01T00:00:00Z", ["2026-01-09T00:00:00Z"], "Vixie: */2 starts with *, both match"),
        .init("0 0 ? * FRI", after: "2026-01-01T00:00:00Z", ["2026-01-02T00:00:00Z"], "? in day-of-month"),
        .init("0 0 13 * ?", after: "2026-01-01T00:00:00Z", ["2026-01-13T00:00:00Z"], "? in day-of-week"),
        .init("30 * * * * *", after: "2026-01-01T00:00:00Z", ["2026-01-01T00:00:30Z", "2026-01-01T00:01:30Z"], "seconds"),
        .init("*/10 0 12 * * *", after: "2026-01-01T12:00:05Z", ["2026-01-01T12:00:10Z"], "seconds step"),
        .init("59 59 23 31 12 *", after: "2026-01-01T00:00:00Z", ["2026-12-31T23:59:59Z"], "last second of the year"),
        .init("@yearly", after: "2026-03-01T00:00:00Z", ["2027-01-01T00:00:00Z"], "@yearly"),
        .init("@annually", after: "2026-03-01T00:00:00Z", ["2027-01-01T00:00:00Z"], "@annually"),
        .init("@monthly", after: "2026-01-15T00:00:00Z", ["2026-02-01T00:00:00Z"], "@monthly"),
        .init("@weekly", after: "2026-01-01T00:00:00Z", ["2026-01-04T00:00:00Z"], "@weekly: Sunday midnight"),
        .init("@daily", after: "2026-01-01T00:00:00Z", ["2026-01-02T00:00:00Z"], "@daily"),
        .init("@MIDNIGHT", after: "2026-01-01T00:00:00Z", ["2026-01-02T00:00:00Z"], "@midnight, any case"),
        .init("@hourly", after: "2026-01-01T00:00:00Z", ["2026-01-01T01:00:00Z"], "@hourly"),
        .init("0 0 29 2 *", after: "2026-01-01T00:00:00Z", ["2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"], "Feb 29"),
        .init("0 0 29 2 *", after: "2096-03-01T00:00:00Z", ["2104-02-29T00:00:00Z"], "2100 is not a leap year"),
        .init("0 0 31 * *", after: "2026-01-31T00:00:00Z", ["2026-03-31T00:00:00Z"], "February has no 31st"),
        .init("0 0 1 1 *", after: "2026-12-31T23:59:59Z", ["2027-01-01T00:00:00Z"], "year rollover"),
        .init("  0   12 * *\tMON ", after: "2026-01-01T00:00:00Z", ["2026-01-05T12:00:00Z"], "extra whitespace"),
        .init("0 0 30 2 *", after: "2026-01-01T00:00:00Z", [], "Feb 30 never fires"),
        .init("0 0 31 4,6,9,11 *", after: "2026-01-01T00:00:00Z", [], "31st of 30-day months never fires"),
    ]

    @Test("next fire instants", arguments: cases)
    func fires(_ row: ScheduleCase) throws {
        let expression = try CronExpression(parsing: row.expression)
        let fired = expression.nextFireDates(after: instant(row.after), in: zone(row.zone), count: max(row.expected.count, 1))
        #expect(fired == row.expected.map(instant))
        #expect(expression.next(after: instant(row.after), in: zone(row.zone)) == row.expected.first.map(instant))
    }

    @Test("a fractional 'after' still means strictly after")
    func fractionalAfter() throws {
        let expression = try CronExpression(parsing: "* * * * * *")
        let after = instant("2026-01-01T00:00:00Z").addingTimeInterval(0.5)
        #expect(expression.next(after: after, in: zone("UTC")) == instant("2026-01-01T00:00:01Z"))
    }

    @Test("count zero or negative asks for nothing")
    func emptyCount() throws {
        let expression = try CronExpression(parsing: "* * * * *")
        #expect(expression.nextFireDates(after: instant("2026-01-01T00:00:00Z"), in: zone("UTC"), count: 0).isEmpty)
        #expect(expression.nextFireDates(after: instant("2026-01-01T00:00:00Z"), in: zone("UTC"), count: -3).isEmpty)
    }

    @Test(
        "a thousand per-second instants across a DST change come back in order without gaps or repeats",
        arguments: ["2026-03-29T00:50:00Z", "2026-10-25T00:50:00Z"]
    )
    func everySecondAcrossTransition(_ start: String) throws {
        // Every real second matches `* * * * * *`, whatever the wall clock does at 01:00Z.
        let expression = try CronExpression(parsing: "* * * * * *")
        let fired = expression.nextFireDates(after: instant(start), in: zone("Europe/Amsterdam"), count: 1000)
        #expect(fired == (1...1000).map { instant(start).addingTimeInterval(TimeInterval($0)) })
    }

    @Test(
        "fixed-time and wildcard classification",
        arguments: [
            ("30 2 * * *", true), ("@daily", true), ("0 0-5 * * *", true), ("0 30 2 * * *", true),
            ("*/15 * * * *", false), ("@hourly", false), ("* 2 * * *", false), ("30 */2 * * *", false),
        ])
    func classification(_ text: String, _ fixed: Bool) throws {
        #expect(try CronExpression(parsing: text).firesAtFixedTime == fixed)
    }
}
