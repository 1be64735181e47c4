import Cron
import Foundation
import Testing

/// Checks the search against a deliberately naive second implementation: walk real time minute by minute, read the
/// wall clock with Foundation's `Calendar`, and apply Debian cron's DST rules directly. Slow, obvious, independent.
@Suite("DST behaviour agrees with a minute-by-minute walk of real time")
struct CronDaylightSavingOracleTests {
    /// A wall-clock reading as cron sees it: weekday 0 = Sunday.
    struct Wall: Equatable {
        let month: Int
        let day: Int
        let weekday: Int
        let hour: Int
        let minute: Int
    }

    struct OracleCase: CustomTestStringConvertible, Sendable {
        let expression: String
        let fixedTime: Bool
        let matches: @Sendable (Wall) -> Bool
        var testDescription: String { expression }
    }

    static let expressions: [OracleCase] = [
        .init(expression: "*/20 * * * *", fixedTime: false) { $0.minute % 20 == 0 },
        .init(expression: "0 * * * *", fixedTime: false) { $0.minute == 0 },
        .init(expression: "*/5 1-3 * * *", fixedTime: false) { (1...3).contains($0.hour) && $0.minute % 5 == 0 },
        .init(expression: "*/7 2 * * *", fixedTime: false) { $0.hour == 2 && $0.minute % 7 == 0 },
        .init(expression: "30 2 * * *", fixedTime: true) { $0.hour == 2 && $0.minute == 30 },
        .init(expression: "0,15,30,45 1,2 * * *", fixedTime: true) { [1, 2].contains($0.hour) && $0.minute % 15 == 0 },
        .init(expression: "59 1 * * *", fixedTime: true) { $0.hour == 1 && $0.minute == 59 },
        .init(expression: "45 2 * * SUN", fixedTime: true) { $0.weekday == 0 && $0.hour == 2 && $0.minute == 45 },
    ]

    /// Four days around each 2026 change; Lord Howe Island shifts by 30 minutes, not an hour.
    static let windows: [(zone: String, start: String)] = [
        ("Europe/Amsterdam", "2026-03-27T12:00:00Z"), ("Europe/Amsterdam", "2026-10-23T12:00:00Z"),
        ("America/New_York", "2026-03-06T12:00:00Z"), ("America/New_York", "2026-10-30T12:00:00Z"),
        ("Australia/Lord_Howe", "2026-04-02T12:00:00Z"), ("Australia/Lord_Howe", "2026-10-01T12:00:00Z"),
    ]

    static func wall(_ date: Date, _ calendar: Calendar) -> Wall {
        let parts = calendar.dateComponents([.month, .day, .weekday, .hour, .minute], from: date)
        return Wall(month: parts.month!, day: parts.day!, weekday: parts.weekday! - 1, hour: parts.hour!, minute: parts.minute!)
    }

    /// Debian cron's rules, minute by minute: wildcard jobs run whenever the wall clock matches; fixed-time jobs
    /// skip a reading the clock already showed (fall-back) and, when the clock jumps ahead, run once for the
    /// readings it jumped over.
    static func oracle(_ row: OracleCase, zone: TimeZone, from start: Date, minutes: Int) -> [Date] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        var fired: [Date] = []
        for step in 1...minutes {
            let now = start.addingTimeInterval(TimeInterval(step * 60))
            let reading = wall(now, calendar)
            let shownBefore = [1800.0, 3600.0].contains { wall(now.addingTimeInterval(-$0), calendar) == reading }
            var fires = row.matches(reading) && !(row.fixedTime && shownBefore)
            // The wall clock as plain numbers on a UTC calendar, to step through the readings a jump skipped.
            let asWall = { (date: Date) in date.addingTimeInterval(TimeInterval(zone.secondsFromGMT(for: date))) }
            let previousWall = asWall(now.addingTimeInterval(-60))
            let currentWall = asWall(now)
            if row.fixedTime, currentWall.timeIntervalSince(previousWall) > 60 {
                var skipped = previousWall.addingTimeInterval(60)
                while skipped < currentWall {
                    if row.matches(wall(skipped, utc)) { fires = true }
                    skipped = skipped.addingTimeInterval(60)
                }
            }
            if fires { fired.append(now) }
        }
        return fired
    }

    @Test("same instants as the oracle", arguments: expressions)
    func agrees(_ row: OracleCase) throws {
        let expression = try CronExpression(parsing: row.expression)
        #expect(expression.firesAtFixedTime == row.fixedTime)
        for window in Self.windows {
            let tz = zone(window.zone)
            let start = instant(window.start)
            let minutes = 4 * 24 * 60
            let end = start.addingTimeInterval(TimeInterval(minutes * 60))
            let expected = Self.oracle(row, zone: tz, from: start, minutes: minutes)
            #expect(!expected.isEmpty)
            let fired = expression.nextFireDates(after: start, in: tz, count: 2000).filter { $0 <= end }
            #expect(fired == expected, "\(window.zone) from \(window.start)")
        }
    }
}
