public import Foundation

/// Looks up the time zones cron expressions are evaluated in.
public enum CronTimeZone {
    /// The IANA time zone called `name` (e.g. `Europe/Amsterdam`, `UTC`), or an error saying how to name one.
    public static func named(_ name: String) throws(CronError) -> TimeZone {
        guard !name.isEmpty, let zone = TimeZone(identifier: name) else {
            throw CronError(
                code: .unknownTimeZone,
                message: "unknown time zone '\(name)' (use an IANA name such as Europe/Amsterdam)"
            )
        }
        return zone
    }
}
