import Cron
import Foundation
import Testing

// Europe/Amsterdam: CET (+01:00) / CEST (+02:00); 2026-03-29 01:00Z the wall clock jumps 02:00 -> 03:00,
// 2026-10-25 01:00Z it falls back 03:00 -> 02:00, so 02:00-02:59 happens twice (00:xxZ, then 01:xxZ).
// America/New_York: EST (-05:00) / EDT (-04:00); 2026-03-08 07:00Z the clock jumps 02:00 -> 03:00,
// 2026-11-01 06:00Z it falls back 02:00 -> 01:00, so 01:00-01:59 happens twice (05:xxZ, then 06:xxZ).

@Suite("Daylight saving time, Debian cron semantics")
struct CronDaylightSavingTests {
    static let cases: [ScheduleCase] = [
        // Fixed-time jobs skipped by spring-forward run once, at the first instant after the gap.
        .init(
            "30 2 * * *", tz: "Europe/Amsterdam", after: "2026-03-28T00:00:00Z",
            ["2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"],
            "02:30 CET, skipped 02:30 -> 03:00 CEST, 02:30 CEST"
        ),
        .init(
            "0,30 2 * * *", tz: "Europe/Amsterdam", after: "2026-03-28T12:00:00Z",
            ["2026-03-29T01:00:00Z", "2026-03-30T00:00:00Z"],
            "two skipped times collapse into one run after the gap"
        ),
        .init(
            "0 1-3 * * *", tz: "Europe/Amsterdam", after: "2026-03-28T23:30:00Z",
            ["2026-03-29T00:00:00Z", "2026-03-29T01:00:00Z", "2026-03-29T23:00:00Z"],
            "skipped 02:00 and real 03:00 are the same instant: one run"
        ),
        .init(
            "30 2 * * *", tz: "Europe/Amsterdam", after: "2026-03-29T00:59:59Z", ["2026-03-29T01:00:00Z"],
            "the catch-up instant is found from just before the jump"
        ),
        .init(
            "30 2 * * *", tz: "Europe/Amsterdam", after: "2026-03-29T01:00:00Z", ["2026-03-30T00:30:00Z"],
            "the catch-up is not repeated"
        ),
        .init(
            "30 2 * * *", tz: "America/New_York", after: "2026-03-07T12:00:00Z",
            ["2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z"],
            "New York: skipped 02:30 -> 03:00 EDT, then 02:30 EDT"
        ),
        // Fixed-time jobs in a repeated hour run once, at the first occurrence.
        .init(
            "30 2 * * *", tz: "Europe/Amsterdam", after: "2026-10-24T12:00:00Z",
            ["2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"],
            "02:30 CEST only, then 02:30 CET next day"
        ),
        .init(
            "30 2 * * *", tz: "Europe/Amsterdam", after: "2026-10-25T00:45:00Z", ["2026-10-26T01:30:00Z"],
            "not again at 02:30 CET (01:30Z) on the day of the change"
        ),
        .init(
            "30 1 * * *", tz: "America/New_York", after: "2026-10-31T12:00:00Z",
            ["2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"],
            "New York: 01:30 EDT only, then 01:30 EST"
        ),
        .init(
            "@daily", tz: "America/New_York", after: "2026-03-07T12:00:00Z",
            ["2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z"],
            "local midnight moves with the offset"
        ),
        // Wildcard jobs fire at every real instant whose wall clock matches.
        .init(
            "*/30 * * * *", tz: "Europe/Amsterdam", after: "2026-03-29T00:00:00Z",
            ["2026-03-29T00:30:00Z", "2026-03-29T01:00:00Z", "2026-03-29T01:30:00Z"],
            "01:30 CET, then 03:00 and 03:30 CEST"
        ),
        .init(
            "* 2 * * *", tz: "Europe/Amsterdam", after: "2026-03-28T12:00:00Z", ["2026-03-30T00:00:00Z"],
            "a wildcard job in the skipped hour does not run that day"
        ),
        .init(
            "*/30 * * * *", tz: "Europe/Amsterdam", after: "2026-10-24T23:45:00Z",
            [
                "2026-10-25T00:00:00Z", "2026-10-25T00:30:00Z", "2026-10-25T01:00:00Z", "2026-10-25T01:30:00Z",
                "2026-10-25T02:00:00Z",
            ],
            "02:00 and 02:30 CEST, again in CET, then 03:00 CET"
        ),
        .init(
            "@hourly", tz: "Europe/Amsterdam", after: "2026-10-24T23:30:00Z",
            ["2026-10-25T00:00:00Z", "2026-10-25T01:00:00Z", "2026-10-25T02:00:00Z"],
            "hourly runs every real hour, including both 02:00s"
        ),
        .init(
            "15 * * * *", tz: "Europe/Amsterdam", after: "2026-10-25T00:20:00Z", ["2026-10-25T01:15:00Z"],
            "from inside the first 02:xx, the next is 02:15 CET"
        ),
        .init(
            "*/30 1 * * *", tz: "America/New_York", after: "2026-11-01T04:00:00Z",
            [
                "2026-11-01T05:00:00Z", "2026-11-01T05:30:00Z", "2026-11-01T06:00:00Z", "2026-11-01T06:30:00Z",
                "2026-11-02T06:00:00Z",
            ],
            "New York: 01:00 and 01:30 EDT, again in EST"
        ),
        .init(
            "*/30 * * * *", tz: "America/New_York", after: "2026-03-08T06:00:00Z",
            ["2026-03-08T06:30:00Z", "2026-03-08T07:00:00Z", "2026-03-08T07:30:00Z"],
            "New York: 01:30 EST, then 03:00 and 03:30 EDT"
        ),
    ]

    @Test("fire instants around DST changes", arguments: cases)
    func fires(_ row: ScheduleCase) throws {
        let expression = try CronExpression(parsing: row.expression)
        let fired = expression.nextFireDates(after: instant(row.after), in: zone(row.zone), count: row.expected.count)
        #expect(fired == row.expected.map(instant))
    }
}
