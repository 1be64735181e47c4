import Foundation

/// Turns cron text into a `CronExpression`; every rejection says which field, what is wrong and how to fix it.
enum CronParser {
    /// What the parser knows about one field: its name, where it sits, and which values it takes.
    struct Field {
        enum Kind { case second, minute, hour, dayOfMonth, month, dayOfWeek }

        let kind: Kind
        /// 1-based position in the expression as written (a leading seconds field shifts the others).
        let position: Int

        var name: String {
            switch kind {
            case .second: "second"
            case .minute: "minute"
            case .hour: "hour"
            case .dayOfMonth: "day-of-month"
            case .month: "month"
            case .dayOfWeek: "day-of-week"
            }
        }

        /// The values a number may take; day-of-week accepts 7 as a second spelling of Sunday.
        var bounds: ClosedRange<Int> {
            switch kind {
            case .second, .minute: 0...59
            case .hour: 0...23
            case .dayOfMonth: 1...31
            case .month: 1...12
            case .dayOfWeek: 0...7
            }
        }

        /// What `*` and the open end of `a/n` cover: day-of-week stops at 6 so Sunday is not counted twice.
        var fullRange: ClosedRange<Int> { kind == .dayOfWeek ? 0...6 : bounds }

        var names: [String] {
            switch kind {
            case .month: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
            case .dayOfWeek: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
            default: []
            }
        }

        var isDayField: Bool { kind == .dayOfMonth || kind == .dayOfWeek }

        /// How to write a valid value, for error messages.
        var accepted: String {
            switch kind {
            case .month: "1-12 or JAN-DEC"
            case .dayOfWeek: "0-7 or SUN-SAT"
            default: "\(bounds.lowerBound)-\(bounds.upperBound)"
            }
        }

        func error(_ code: CronError.Code, _ detail: String) -> CronError {
            CronError(code: code, message: "cron field '\(name)' (field \(position)): \(detail)")
        }
    }

    static let macros: [String: String] = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
        "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]

    static let fieldCountMessage = "expected 5 (minute hour day-of-month month day-of-week) or 6 with leading seconds"

    static func parse(_ rawText: String) throws(CronError) -> CronExpression {
        let text = rawText.trimmingCharacters(in: .whitespacesAndNewlines)
        var parts = text.split(whereSeparator: \.isWhitespace).map(String.init)
        if parts.isEmpty {
            let message = "cron expression is empty; \(fieldCountMessage), or a macro such as @daily"
            throw CronError(code: .emptyExpression, message: message)
        }
        if parts[0].hasPrefix("@") {
            let known = "@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly"
            guard parts.count == 1, let expansion = macros[parts[0].lowercased()] else {
                let detail = parts.count == 1 ? "is not supported" : "takes no further fields"
                throw CronError(code: .unknownMacro, message: "cron macro '\(parts[0])' \(detail); use one of \(known)")
            }
            parts = expansion.split(separator: " ").map(String.init)
        }
        guard parts.count == 5 || parts.count == 6 else {
            throw CronError(
                code: .wrongFieldCount,
                message: "cron expression has \(parts.count) field\(parts.count == 1 ? "" : "s"); \(fieldCountMessage)"
            )
        }
        let hasSeconds = parts.count == 6
        // Without a seconds field the expression fires at second 0; position 0 never shows since "0" is valid.
        if !hasSeconds { parts.insert("0", at: 0) }
        let kinds: [Field.Kind] = [.second, .minute, .hour, .dayOfMonth, .month, .dayOfWeek]
        let fields = kinds.enumerated().map { Field(kind: $1, position: hasSeconds ? $0 + 1 : $0) }

        var bits: [CronBits] = []
        var days = DaySchedule()
        for (field, part) in zip(fields, parts) {
            bits.append(try parseField(part, field, into: &days))
        }
        days.daysOfMonth = bits[3]
        days.daysOfWeek = bits[5]
        days.dayOfMonthIsWildcard = parts[3].hasPrefix("*") || parts[3].hasPrefix("?")
        days.dayOfWeekIsWildcard = parts[5].hasPrefix("*") || parts[5].hasPrefix("?")
        // Vixie cron's split between wildcard and fixed-time jobs looks only at the minute and hour fields.
        let fixed = !parts[1].hasPrefix("*") && !parts[2].hasPrefix("*")
        return CronExpression(
            text: text, firesAtFixedTime: fixed, seconds: bits[0], minutes: bits[1], hours: bits[2], months: bits[4],
            days: days
        )
    }

    /// Parses one field's comma-separated list; day-field modifiers go into `days`, plain values are returned.
    static func parseField(_ text: String, _ field: Field, into days: inout DaySchedule) throws(CronError) -> CronBits {
        var bits = CronBits()
        for item in text.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            guard !item.isEmpty else { throw field.error(.emptyListItem, "empty item in list '\(text)'") }
            if try parseModifier(item, field, into: &days) { continue }
            for value in try parseRange(item, field) {
                bits.insert(field.kind == .dayOfWeek && value == 7 ? 0 : value)
            }
        }
        return bits
    }

    /// Handles `L`, `LW`, `15W`, `5L` and `MON#2`; returns false when `item` is an ordinary list item.
    static func parseModifier(_ item: String, _ field: Field, into days: inout DaySchedule) throws(CronError) -> Bool {
        // Modifiers and names are case-insensitive; messages quote the item as written.
        let upper = item.uppercased()
        switch field.kind {
        case .dayOfMonth:
            if upper == "L" {
                days.lastDayOfMonth = true
                return true
            }
            if upper == "LW" {
                days.lastWeekdayOfMonth = true
                return true
            }
            if item.contains("#") {
                throw field.error(.misplacedModifier, "'#' in '\(item)' is only allowed in day-of-week (MON#2)")
            }
            if upper.hasSuffix("W") {
                let day = try parseValue(String(upper.dropLast()), field)
                days.nearestWeekdays.append(day)
                return true
            }
            return false
        case .dayOfWeek:
            if upper == "L" {
                throw field.error(
                    .misplacedModifier, "'L' alone is ambiguous in day-of-week; write the weekday first, e.g. 5L (last Friday)")
            }
            if upper.hasSuffix("W") {
                throw field.error(.misplacedModifier, "'W' in '\(item)' is only allowed in day-of-month (15W, LW)")
            }
            if let hash = upper.firstIndex(of: "#") {
                let weekday = try parseValue(String(upper[..<hash]), field) % 7
                let occurrenceText = upper[upper.index(after: hash)...]
                guard let occurrence = Int(occurrenceText), (1...5).contains(occurrence) else {
                    throw field.error(.invalidOccurrence, "occurrence '\(occurrenceText)' in '\(item)' must be 1-5 (MON#2)")
                }
                days.nthWeekdays.append(DaySchedule.NthWeekday(weekday: weekday, occurrence: occurrence))
                return true
            }
            if item.count > 1, upper.hasSuffix("L") {
                days.lastWeekdaysOfMonth.insert(try parseValue(String(upper.dropLast()), field) % 7)
                return true
            }
            return false
        default:
            if item.hasPrefix("?") {
                throw field.error(.misplacedModifier, "'?' is only allowed in day-of-month and day-of-week; use '*'")
            }
            let isNumber = { (text: Substring) in !text.isEmpty && text.allSatisfy { $0.isASCII && $0.isNumber } }
            if item.contains("#") {
                throw field.error(.misplacedModifier, "'#' in '\(item)' is only allowed in day-of-week (MON#2)")
            }
            if upper == "L" || upper == "LW" || (upper.hasSuffix("L") && isNumber(upper.dropLast())) {
                throw field.error(
                    .misplacedModifier, "'L' in '\(item)' is only allowed in day-of-month (L, LW) and day-of-week (5L)")
            }
            if upper.hasSuffix("W") && isNumber(upper.dropLast()) {
                throw field.error(.misplacedModifier, "'W' in '\(item)' is only allowed in day-of-month (15W, LW)")
            }
            return false
        }
    }

    /// `*`, `a`, `a-b`, each optionally with `/step`.
    static func parseRange(_ item: String, _ field: Field) throws(CronError) -> [Int] {
        let pieces = item.split(separator: "/", omittingEmptySubsequences: false)
        var step = 1
        if pieces.count > 1 {
            guard pieces.count == 2, let parsed = Int(pieces[1]), parsed > 0 else {
                throw field.error(.invalidStep, "step in '\(item)' must be a whole number of at least 1, e.g. */5")
            }
            step = parsed
        }
        let base = String(pieces[0])
        let range: ClosedRange<Int>
        if base == "*" || (base == "?" && field.isDayField) {
            range = field.fullRange
        } else if let dash = base.firstIndex(of: "-"), dash != base.startIndex {
            let low = try parseValue(String(base[..<dash]), field)
            let high = try parseValue(String(base[base.index(after: dash)...]), field)
            guard low <= high else {
                let full = field.fullRange
                throw field.error(
                    .reversedRange,
                    "range '\(base)' runs backwards; write it as a list such as "
                        + "\(low)-\(full.upperBound),\(full.lowerBound)-\(high)"
                )
            }
            range = low...high
        } else {
            let value = try parseValue(base, field)
            range = pieces.count > 1 ? value...max(value, field.fullRange.upperBound) : value...value
        }
        return Array(stride(from: range.lowerBound, through: range.upperBound, by: step))
    }

    /// A number within the field's bounds, or a month or weekday name.
    static func parseValue(_ text: String, _ field: Field) throws(CronError) -> Int {
        if let index = field.names.firstIndex(of: text.uppercased()) {
            return field.kind == .month ? index + 1 : index
        }
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(text) else {
            throw field.error(.invalidValue, "'\(text)' is not a valid value; use \(field.accepted)")
        }
        guard field.bounds.contains(value) else {
            throw field.error(
                .valueOutOfRange, "value \(value) is out of range \(field.bounds.lowerBound)-\(field.bounds.upperBound)")
        }
        return value
    }
}
