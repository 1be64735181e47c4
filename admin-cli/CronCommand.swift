import ArgumentParser
import Cron
import Foundation

/// `admin-cli cron …`: check cron expressions exactly as the platform's scheduler evaluates them.
struct CronCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cron",
        abstract: "Check cron expressions against the scheduler's rules (time zones, DST, L/W/#).",
        subcommands: [Next.self]
    )
}

extension CronCommand {
    /// `admin-cli cron next '<expr>'`: the next fire instants, in RFC 3339 with the zone's UTC offset.
    struct Next: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the next instants at which a cron expression fires.",
            discussion: """
                Instants are RFC 3339 with the zone's UTC offset, one per line (or a JSON array with --json).
                DST follows Debian cron: a fixed-time job skipped by spring-forward runs right after the jump, and
                runs once in a repeated hour; wildcard jobs (minute or hour starting with *) run at every real
                instant whose wall clock matches. See docs/cron.md.

                Example:
                  admin-cli cron next '30 2 * * *' --tz Europe/Amsterdam --after 2026-03-28T12:00:00Z --count 3
                """
        )

        @Argument(help: "The cron expression, quoted: 5 fields, 6 with leading seconds, or a macro such as @daily.")
        var expression: String

        @Option(help: "IANA time zone the expression's wall-clock times are in.")
        var tz = "UTC"

        @Option(help: "Start after this RFC 3339 instant, e.g. 2026-03-29T00:00:00Z (default: now).")
        var after: String?

        @Option(help: "How many fire instants to print (1-1000).")
        var count = 5

        @Flag(help: "Print a JSON array of strings.")
        var json = false

        func validate() throws {
            // Typed throws: a CronError's message already names the field and the fix.
            do {
                _ = try CronExpression(parsing: expression)
                _ = try CronTimeZone.named(tz)
            } catch {
                throw ValidationError(error.message)
            }
            if let after, Self.parseInstant(after) == nil {
                throw ValidationError("invalid --after '\(after)' (use RFC 3339 such as 2026-03-29T00:00:00Z)")
            }
            guard (1...1000).contains(count) else {
                throw ValidationError("--count must be between 1 and 1000 (got \(count))")
            }
        }

        func run() async throws {
            let schedule: CronExpression
            let zone: TimeZone
            do {
                schedule = try CronExpression(parsing: expression)
                zone = try CronTimeZone.named(tz)
            } catch {
                throw ValidationError(error.message)
            }
            let start = after.flatMap(Self.parseInstant) ?? Date()
            let instants = schedule.nextFireDates(after: start, in: zone, count: count)
            if instants.isEmpty {
                let message =
                    "cron expression '\(expression)' never fires in the "
                    + "\(CronExpression.searchHorizonYears) years after \(Self.rfc3339(start, in: zone))"
                FileHandle.standardError.write(Data("error: \(message)\n".utf8))
                throw ExitCode(1)
            }
            let lines = instants.map { Self.rfc3339($0, in: zone) }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(lines), as: UTF8.self))
            } else {
                for line in lines { print(line) }
            }
        }

        /// Parses RFC 3339 with or without fractional seconds.
        static func parseInstant(_ text: String) -> Date? {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime]
            if let date = formatter.date(from: text) { return date }
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            return formatter.date(from: text)
        }

        /// RFC 3339 in the zone's wall-clock time with its offset (`Z` when the offset is zero, as elsewhere in
        /// admin-cli), built by hand so the offset is always the zone's own at that instant.
        static func rfc3339(_ date: Date, in zone: TimeZone) -> String {
            let offset = zone.secondsFromGMT(for: date)
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(secondsFromGMT: offset) ?? zone
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
            func pad(_ value: Int?, _ width: Int = 2) -> String {
                let digits = String(value ?? 0)
                return String(repeating: "0", count: max(0, width - digits.count)) + digits
            }
            let stamp =
                "\(pad(parts.year, 4))-\(pad(parts.month))-\(pad(parts.day))"
                + "T\(pad(parts.hour)):\(pad(parts.minute)):\(pad(parts.second))"
            guard offset != 0 else { return stamp + "Z" }
            let sign = offset < 0 ? "-" : "+"
            return stamp + "\(sign)\(pad(abs(offset) / 3600)):\(pad(abs(offset) / 60 % 60))"
        }
    }
}
