import Foundation
import Values

/// `$now`, `$millis`, `$fromMillis`, `$toMillis`, `$formatInteger`, `$parseInteger`.
extension StandardLibrary {
    static let months = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
        "December",
    ]
    static let days = ["", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    static let dateTimeFunctions: [NativeFunction] = [
        NativeFunction("millis", "<:n>") { ev, _, _ in .number(ev.timestamp) },
        NativeFunction("now", "<s?s?:s>") { ev, args, _ in
            .string(try formatDateTime(ev.timestamp, picture: str(arg(args, 0)), timezone: str(arg(args, 1))))
        },
        NativeFunction("fromMillis", "<n-s?s?:s>") { _, args, _ in
            guard let ms = num(arg(args, 0)) else { return nil }
            return .string(try formatDateTime(ms, picture: str(arg(args, 1)), timezone: str(arg(args, 2))))
        },
        NativeFunction("toMillis", "<s-s?:n>") { ev, args, _ in
            guard let s = str(arg(args, 0)) else { return nil }
            if let picture = str(arg(args, 1)) {
                return try parseDateTime(s, picture: picture, now: ev.timestamp).map { .number($0) }
            }
            guard let ms = parseISO8601(s) else { throw JSONataError(code: "D3110", value: s) }
            return .number(ms)
        },
        NativeFunction("formatInteger", "<n-s:s>") { _, args, _ in
            guard let x = num(arg(args, 0)), let picture = str(arg(args, 1)) else { return nil }
            return .string(try IntegerPicture(picture).format(x.rounded(.down)))
        },
        NativeFunction("parseInteger", "<s-s:n>") { _, args, _ in
            guard let s = str(arg(args, 0)), let picture = str(arg(args, 1)) else { return nil }
            return try IntegerPicture(picture).parse(s).map { .number($0) }
        },
    ]

    // MARK: - ISO 8601

    static func parseISO8601(_ s: String) -> Double? {
        let c = Array(s.utf8)
        var i = 0
        func number(_ count: Int) -> Int? {
            guard i + count <= c.count else { return nil }
            var v = 0
            for k in 0..<count {
                let b = c[i + k]
                guard b >= 48 && b <= 57 else { return nil }
                v = v * 10 + Int(b - 48)
            }
            i += count
            return v
        }
        func eat(_ ch: Character) -> Bool {
            if i < c.count && c[i] == ch.asciiValue! {
                i += 1
                return true
            }
            return false
        }
        guard let year = number(4) else { return nil }
        var month = 1
        var day = 1
        var h = 0
        var mi = 0
        var sec = 0
        var ms = 0.0
        var offset = 0
        if eat("-") {
            guard let m = number(2) else { return nil }
            month = m
            if eat("-") {
                guard let d = number(2) else { return nil }
                day = d
            }
        }
        if eat("T") {
            guard let hh = number(2), eat(":"), let mm = number(2) else { return nil }
            h = hh
            mi = mm
            if eat(":") {
                guard let ss = number(2) else { return nil }
                sec = ss
                if eat(".") {
                    var digits = ""
                    while i < c.count, c[i] >= 48 && c[i] <= 57 {
                        digits.append(Character(Unicode.Scalar(c[i])))
                        i += 1
                    }
                    ms = ((Double("0." + digits) ?? 0) * 1000).rounded(.down)
                }
            }
            if eat("Z") {
                offset = 0
            } else if i < c.count && (c[i] == UInt8(ascii: "+") || c[i] == UInt8(ascii: "-")) {
                let sign = c[i] == UInt8(ascii: "-") ? -1 : 1
                i += 1
                guard let oh = number(2) else { return nil }
                _ = eat(":")
                let om = number(2) ?? 0
                offset = sign * (oh * 60 + om)
            }
        }
        guard i == c.count, (1...12).contains(month), (1...31).contains(day), h < 25, mi < 60, sec < 61 else { return nil }
        return CivilTime.utc(year, month - 1, day, Double(h), Double(mi), Double(sec), ms) - Double(offset) * 60_000
    }

    // MARK: - Formatting

    static func formatDateTime(_ millis: Double, picture: String?, timezone: String?) throws -> String {
        var offsetHours = 0
        var offsetMinutes = 0
        if let timezone, let offset = Int(timezone.trimmingCharacters(in: .whitespaces)) {
            offsetHours = Int((Double(offset) / 100).rounded(.down))
            offsetMinutes = offset % 100
        }
        let spec = try DateTimePicture(picture ?? DateTimePicture.iso8601)
        let offsetMillis = Double((60 * offsetHours + offsetMinutes) * 60 * 1000)
        let local = millis + offsetMillis
        var result = ""
        for part in spec.parts {
            switch part {
            case .literal(let text): result += text
            case .marker(let marker):
                result += try formatComponent(local, marker, offsetHours: offsetHours, offsetMinutes: offsetMinutes)
            }
        }
        return result
    }

    static func formatComponent(
        _ millis: Double, _ m: DateTimePicture.Marker, offsetHours: Int, offsetMinutes: Int
    )
        throws -> String
    {
        let c = m.component
        if "YMDdFWwXxHhms".contains(c) {
            var value = fragment(millis, c)
            if c == "Y" && m.n != -1 {
                value = value.truncatingRemainder(dividingBy: pow(10, Double(m.n)))
            }
            if let names = m.names {
                var text: String
                if c == "M" || c == "x" {
                    text = months[Int(value) - 1]
                } else if c == "F" {
                    text = days[Int(value)]
                } else {
                    throw JSONataError(code: "D3133", value: String(c))
                }
                if names == .upper {
                    text = text.uppercased()
                } else if names == .lower {
                    text = text.lowercased()
                }
                if let maxWidth = m.widthMax, text.count > maxWidth { text = String(text.prefix(maxWidth)) }
                return text
            }
            return try m.integerFormat!.format(value)
        }
        switch c {
        case "f":
            return try m.integerFormat!.format(fragment(millis, c))
        case "Z", "z":
            let offset = offsetHours * 100 + offsetMinutes
            let format = m.integerFormat!
            var text: String
            if format.regular {
                text = try format.format(Double(offset))
            } else {
                let digits = format.mandatoryDigits
                if digits == 1 || digits == 2 {
                    text = try format.format(Double(offsetHours))
                    if offsetMinutes != 0 { text += ":" + (try IntegerPicture("00").format(Double(offsetMinutes))) }
                } else if digits == 3 || digits == 4 {
                    text = try format.format(Double(offset))
                } else {
                    throw JSONataError(code: "D3134", value: String(digits))
                }
            }
            if offset >= 0 { text = "+" + text }
            if c == "z" { text = "GMT" + text }
            if offset == 0 && m.presentation2 == "t" { text = "Z" }
            return text
        case "P":
            let f = CivilTime.fields(millis)
            let text = f.hour >= 12 ? "pm" : "am"
            return m.names == .upper ? text.uppercased() : text
        case "C", "E":
            return "ISO"
        default:
            throw JSONataError(code: "D3132", value: String(c))
        }
    }

    static func startOfFirstWeek(_ year: Int, _ month: Int) -> Double {
        let first = CivilTime.utc(year, month)
        var day = CivilTime.fields(first).weekday
        if day == 0 { day = 7 }
        return day > 4 ? first + Double(8 - day) * CivilTime.dayMillis : first - Double(day - 1) * CivilTime.dayMillis
    }

    static func fragment(_ millis: Double, _ component: Character) -> Double {
        let f = CivilTime.fields(millis)
        func deltaWeeks(_ start: Double, _ end: Double) -> Double { (end - start) / (CivilTime.dayMillis * 7) + 1 }
        switch component {
        case "Y": return Double(f.year)
        case "M": return Double(f.month + 1)
        case "D": return Double(f.day)
        case "d":
            return (CivilTime.utc(f.year, f.month, f.day) - CivilTime.utc(f.year, 0)) / CivilTime.dayMillis + 1
        case "F": return Double(f.weekday == 0 ? 7 : f.weekday)
        case "W":
            let start = startOfFirstWeek(f.year, 0)
            let today = CivilTime.utc(f.year, f.month, f.day)
            var week = deltaWeeks(start, today)
            if week > 52 {
                if today >= startOfFirstWeek(f.year + 1, 0) { week = 1 }
            } else if week < 1 {
                week = deltaWeeks(startOfFirstWeek(f.year - 1, 0), today)
            }
            return week.rounded(.down)
        case "w":
            let start = startOfFirstWeek(f.year, f.month)
            let today = CivilTime.utc(f.year, f.month, f.day)
            var week = deltaWeeks(start, today)
            let next = f.month == 11 ? (f.year + 1, 0) : (f.year, f.month + 1)
            let previous = f.month == 0 ? (f.year - 1, 11) : (f.year, f.month - 1)
            if week > 4 {
                if today >= startOfFirstWeek(next.0, next.1) { week = 1 }
            } else if week < 1 {
                week = deltaWeeks(startOfFirstWeek(previous.0, previous.1), today)
            }
            return week.rounded(.down)
        case "X":
            let start = startOfFirstWeek(f.year, 0)
            let end = startOfFirstWeek(f.year + 1, 0)
            if millis < start { return Double(f.year - 1) }
            if millis >= end { return Double(f.year + 1) }
            return Double(f.year)
        case "x":
            let start = startOfFirstWeek(f.year, f.month)
            let next = f.month == 11 ? (f.year + 1, 0) : (f.year, f.month + 1)
            let previousMonth = f.month == 0 ? 11 : f.month - 1
            if millis < start { return Double(previousMonth + 1) }
            if millis >= startOfFirstWeek(next.0, next.1) { return Double(next.1 + 1) }
            return Double(f.month + 1)
        case "H": return Double(f.hour)
        case "h":
            let h = f.hour % 12
            return Double(h == 0 ? 12 : h)
        case "m": return Double(f.minute)
        case "s": return Double(f.second)
        case "f": return Double(f.millisecond)
        default: return 0
        }
    }
}
