import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads and writes `timestamptz` in the text form the session uses (`DateStyle=ISO`, `TimeZone=UTC`).
enum PostgresDateFormat {
    /// `2026-11-29T03:56:13.123456Z`: microsecond precision, as PostgreSQL stores it.
    static func format(_ date: Date) -> String {
        let total = date.timeIntervalSince1970
        var seconds = total.rounded(.down)
        var micros = Int(((total - seconds) * 1_000_000).rounded())
        if micros >= 1_000_000 {
            seconds += 1
            micros -= 1_000_000
        }
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let microText = String(micros)
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))"
            + "T\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))"
            + ".\(String(repeating: "0", count: 6 - microText.count))\(microText)Z"
    }

    /// Parses `YYYY-MM-DD[ HH:MM:SS[.ffffff]][±HH[:MM[:SS]]]`, and `infinity` / `-infinity`.
    static func parse(_ text: String) -> Date? {
        if text == "infinity" { return .distantFuture }
        if text == "-infinity" { return .distantPast }
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ width: Int) -> Int? {
            guard index + width <= bytes.count else { return nil }
            var value = 0
            for offset in 0..<width {
                let byte = bytes[index + offset]
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            index += width
            return value
        }
        func expect(_ character: Character) -> Bool {
            guard index < bytes.count, bytes[index] == character.asciiValue else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2) else {
            return nil
        }
        var hour = 0
        var minute = 0
        var second = 0
        var fraction = 0.0
        var offsetSeconds = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "T") {
            index += 1
            guard let h = number(2), expect(":"), let m = number(2), expect(":"), let s = number(2) else { return nil }
            (hour, minute, second) = (h, m, s)
            if expect(".") {
                var scale = 0.1
                while index < bytes.count, bytes[index] >= 48 && bytes[index] <= 57 {
                    fraction += Double(bytes[index] - 48) * scale
                    scale /= 10
                    index += 1
                }
            }
            if index < bytes.count {
                if bytes[index] == UInt8(ascii: "Z") {
                    index += 1
                } else {
                    let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
                    guard bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") else { return nil }
                    index += 1
                    guard let oh = number(2) else { return nil }
                    var total = oh * 3600
                    if expect(":") {
                        guard let om = number(2) else { return nil }
                        total += om * 60
                        if expect(":") {
                            guard let os = number(2) else { return nil }
                            total += os
                        }
                    }
                    offsetSeconds = sign * total
                }
            }
        }
        guard index == bytes.count, (1...12).contains(month), (1...31).contains(day) else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

/// Reads and writes one-dimensional arrays in PostgreSQL's text form: `{a,"b c",NULL}`.
enum PostgresArrayFormat {
    static func format(_ items: [String?]) -> String {
        var text = "{"
        for (offset, item) in items.enumerated() {
            if offset > 0 { text += "," }
            guard let item else {
                text += "NULL"
                continue
            }
            text += "\""
            for character in item {
                if character == "\"" || character == "\\" { text += "\\" }
                text.append(character)
            }
            text += "\""
        }
        return text + "}"
    }

    static func parse(_ text: String) -> [String?]? {
        let bytes = Array(text.utf8)
        guard bytes.first == UInt8(ascii: "{"), bytes.last == UInt8(ascii: "}") else { return nil }
        if bytes.count == 2 { return [] }
        var items: [String?] = []
        var index = 1
        let end = bytes.count - 1
        while index < end {
            if bytes[index] == UInt8(ascii: "{") { return nil }  // multi-dimensional arrays are not supported
            var value: [UInt8] = []
            var quoted = false
            if bytes[index] == UInt8(ascii: "\"") {
                quoted = true
                index += 1
                while index < end, bytes[index] != UInt8(ascii: "\"") {
                    if bytes[index] == UInt8(ascii: "\\") { index += 1 }
                    guard index < end else { return nil }
                    value.append(bytes[index])
                    index += 1
                }
                guard index < end else { return nil }
                index += 1  // closing quote
            } else {
                while index < end, bytes[index] != UInt8(ascii: ",") {
                    value.append(bytes[index])
                    index += 1
                }
            }
            let item = String(decoding: value, as: UTF8.self)
            items.append(!quoted && item == "NULL" ? nil : item)
            if index < end {
                guard bytes[index] == UInt8(ascii: ",") else { return nil }
                index += 1
            }
        }
        return items
    }
}
