import Foundation
import Testing

/// Parses an RFC 3339 instant written in a test table; a typo in a table must fail loudly, hence the `!`.
func instant(_ text: String) -> Date {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.date(from: text)!
}

/// The zone a table row names; tzdata ships with the toolchain's Foundation on Linux.
func zone(_ identifier: String) -> TimeZone {
    TimeZone(identifier: identifier)!
}

/// One row of a schedule table: from `after` in `zone`, the expression fires next at `expected`, in order.
///
/// Expected instants are worked out by hand from the calendar (weekdays, month lengths, leap years, DST rules),
/// never copied from the implementation; each row's `note` says how.
struct ScheduleCase: CustomTestStringConvertible, Sendable {
    let expression: String
    let zone: String
    let after: String
    let expected: [String]
    let note: String

    init(_ expression: String, tz zone: String = "UTC", after: String, _ expected: [String], _ note: String) {
        self.expression = expression
        self.zone = zone
        self.after = after
        self.expected = expected
        self.note = note
    }

    var testDescription: String { "'\(expression)' in \(zone) after \(after): \(note)" }
}
