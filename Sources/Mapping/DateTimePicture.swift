import Foundation

/// XPath F&O 3.1 date/time pictures (`[Y0001]-[M01]-[D01]`) for `$fromMillis`, `$toMillis` and `$now`.
struct DateTimePicture {
    struct Marker {
        var component: Character
        var presentation1 = ""
        var presentation2: Character?
        var ordinal = false
        var names: IntegerPicture.LetterCase?
        var integerFormat: IntegerPicture?
        var widthMin: Int?
        var widthMax: Int?
        var n = -1
    }

    enum Part {
        case literal(String)
        case marker(Marker)
    }

    var parts: [Part] = []

    static let defaultPresentation: [Character: String] = [
        "Y": "1", "M": "1", "D": "1", "d": "1", "F": "n", "W": "1", "w": "1", "X": "1", "x": "1", "H": "1", "h": "1",
        "P": "n", "m": "01", "s": "01", "f": "1", "Z": "01:01", "z": "01:01", "C": "n", "E": "n",
    ]

    static let iso8601 = "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]"

    init(_ picture: String) throws {
        let chars = Array(picture)
        var start = 0
        var pos = 0
        func addLiteral(_ from: Int, _ to: Int) {
            guard to > from else { return }
            parts.append(.literal(String(chars[from..<to]).replacingOccurrences(of: "]]", with: "]")))
        }
        while pos < chars.count {
            if chars[pos] == "[" {
                if pos + 1 < chars.count && chars[pos + 1] == "[" {
                    addLiteral(start, pos)
                    parts.append(.literal("["))
                    pos += 2
                    start = pos
                    continue
                }
                addLiteral(start, pos)
                start = pos
                guard let close = chars[pos...].firstIndex(of: "]") else { throw JSONataError(code: "D3135") }
                pos = close
                let marker = String(chars[(start + 1)..<pos].filter { !$0.isWhitespace })
                parts.append(.marker(try Self.marker(marker)))
                start = pos + 1
            }
            pos += 1
        }
        addLiteral(start, pos)
    }

    static func marker(_ text: String) throws -> Marker {
        guard let component = text.first else { throw JSONataError(code: "D3132", value: "") }
        var def = Marker(component: component)
        var presentation: String
        if let comma = text.lastIndex(of: ",") {
            let width = String(text[text.index(after: comma)...])
            func parseWidth(_ w: Substring?) -> Int? {
                guard let w, w != "*" else { return nil }
                return Int(w)
            }
            if let dash = width.firstIndex(of: "-") {
                def.widthMin = parseWidth(width[..<dash])
                def.widthMax = parseWidth(width[width.index(after: dash)...])
            } else {
                def.widthMin = parseWidth(Substring(width))
            }
            presentation = String(text[text.index(after: text.startIndex)..<comma])
        } else {
            presentation = String(text.dropFirst())
        }
        if presentation.count == 1 {
            def.presentation1 = presentation
        } else if presentation.count > 1 {
            let last = presentation.last!
            if "atco".contains(last) {
                def.presentation2 = last
                if last == "o" { def.ordinal = true }
                def.presentation1 = String(presentation.dropLast())
            } else {
                def.presentation1 = presentation
            }
        } else {
            guard let d = defaultPresentation[component] else { throw JSONataError(code: "D3132", value: String(component)) }
            def.presentation1 = d
        }
        if defaultPresentation[component] == nil { throw JSONataError(code: "D3132", value: String(component)) }
        let p = Array(def.presentation1)
        if p.first == "n" {
            def.names = .lower
        } else if p.first == "N" {
            def.names = p.count > 1 && p[1] == "n" ? .title : .upper
        } else if "YMDdFWwXxHhmsf".contains(component) {
            var pattern = def.presentation1
            if let p2 = def.presentation2 { pattern += ";" + String(p2) }
            var format = try IntegerPicture(pattern)
            if let minWidth = def.widthMin, format.mandatoryDigits < minWidth { format.mandatoryDigits = minWidth }
            if "YMD".contains(component) {
                def.n = -1
                if let maxWidth = def.widthMax {
                    def.n = maxWidth
                    format.mandatoryDigits = maxWidth
                } else {
                    let w = format.mandatoryDigits + format.optionalDigits
                    if w >= 2 { def.n = w }
                }
            }
            def.integerFormat = format
        }
        if component == "Z" || component == "z" { def.integerFormat = try IntegerPicture(def.presentation1) }
        return def
    }
}

/// Calendar arithmetic on UTC milliseconds (proleptic Gregorian), independent of the host time zone.
enum CivilTime {
    static let dayMillis = 86_400_000.0

    static func daysFromCivil(_ yIn: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? yIn - 1 : yIn
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civilFromDays(_ zIn: Int) -> (year: Int, month: Int, day: Int) {
        let z = zIn + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    /// Like JavaScript's `Date.UTC(year, monthIndex, day, …)`: out-of-range months and days roll over.
    static func utc(
        _ year: Int, _ monthIndex: Int, _ day: Int = 1, _ h: Double = 0, _ mi: Double = 0, _ s: Double = 0,
        _ ms: Double = 0
    ) -> Double {
        let y = year + Int((Double(monthIndex) / 12).rounded(.down))
        let m = ((monthIndex % 12) + 12) % 12
        let days = daysFromCivil(y, m + 1, 1) + day - 1
        return Double(days) * dayMillis + h * 3_600_000 + mi * 60_000 + s * 1000 + ms
    }

    struct Fields {
        var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, millisecond: Int, weekday: Int
    }

    static func fields(_ millis: Double) -> Fields {
        let days = Int((millis / dayMillis).rounded(.down))
        let rem = Int(millis - Double(days) * dayMillis)
        let (y, m, d) = civilFromDays(days)
        let weekday = ((days % 7) + 11) % 7  // 0 = Sunday; 1970-01-01 was a Thursday
        return Fields(
            year: y, month: m - 1, day: d, hour: rem / 3_600_000, minute: (rem / 60000) % 60, second: (rem / 1000) % 60,
            millisecond: rem % 1000, weekday: weekday)
    }
}
