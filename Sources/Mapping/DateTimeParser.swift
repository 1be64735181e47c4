import Foundation

/// `$toMillis` with a picture: reads each marker in turn, then assembles the instant the way JSONata does
/// (unspecified higher components come from "now", lower ones take their minimum).
extension StandardLibrary {
    static func parseDateTime(_ text: String, picture: String, now: Double) throws -> Double? {
        let spec = try DateTimePicture(picture)
        let chars = Array(text)
        var pos = 0
        var components: [Character: Double] = [:]
        for (index, part) in spec.parts.enumerated() {
            switch part {
            case .literal(let literal):
                let l = Array(literal)
                guard pos + l.count <= chars.count, Array(chars[pos..<(pos + l.count)]) == l else { return nil }
                pos += l.count
            case .marker(let m):
                var nextIsMarker = false
                if index + 1 < spec.parts.count, case .marker = spec.parts[index + 1] { nextIsMarker = true }
                guard let value = try readComponent(chars, &pos, m, fixedWidth: nextIsMarker) else { return nil }
                components[m.component] = value
            }
        }
        guard pos == chars.count else { return nil }
        if components.isEmpty { return nil }
        return try assemble(&components, now: now)
    }

    static func readComponent(
        _ chars: [Character], _ pos: inout Int, _ m: DateTimePicture.Marker, fixedWidth: Bool
    )
        throws -> Double?
    {
        func take(while predicate: (Character) -> Bool, max: Int = Int.max) -> String {
            var out = ""
            while pos < chars.count && out.count < max && predicate(chars[pos]) {
                out.append(chars[pos])
                pos += 1
            }
            return out
        }
        let c = m.component
        if m.names != nil && c != "P" {
            if !"MxF".contains(c) { throw JSONataError(code: "D3133", value: String(c)) }
            let word = take(while: { $0.isLetter }, max: m.widthMax ?? Int.max).lowercased()
            guard !word.isEmpty else { return nil }
            if c == "M" || c == "x" {
                guard let i = months.firstIndex(where: { $0.lowercased().hasPrefix(word) }) else { return nil }
                return Double(i + 1)
            }
            if c == "F" {
                guard let i = days.firstIndex(where: { !$0.isEmpty && $0.lowercased().hasPrefix(word) }) else { return nil }
                return Double(i)
            }
            throw JSONataError(code: "D3133", value: String(c))
        }
        switch c {
        case "P":
            let word = take(while: { $0.isLetter }).lowercased()
            if word == "am" { return 0 }
            if word == "pm" { return 1 }
            return nil
        case "Z", "z":
            if c == "z" {
                guard pos + 3 <= chars.count, String(chars[pos..<(pos + 3)]) == "GMT" else { return nil }
                pos += 3
            }
            if pos < chars.count && chars[pos] == "Z" {
                pos += 1
                return 0
            }
            guard pos < chars.count, chars[pos] == "+" || chars[pos] == "-" else { return nil }
            let sign = chars[pos] == "-" ? -1.0 : 1.0
            pos += 1
            let body = take(while: { $0.isNumber || $0 == ":" })
            var hours = 0.0
            var minutes = 0.0
            if let colon = body.firstIndex(of: ":") {
                hours = Double(body[..<colon]) ?? 0
                minutes = Double(body[body.index(after: colon)...]) ?? 0
            } else if body.count <= 2 {
                hours = Double(body) ?? 0
            } else {
                let n = Double(body) ?? 0
                hours = (n / 100).rounded(.down)
                minutes = n.truncatingRemainder(dividingBy: 100)
            }
            return sign * (hours * 60 + minutes)
        default:
            break
        }
        guard let format = m.integerFormat else { return nil }
        switch format.primary {
        case .decimal:
            let separators = Set(format.separators.map(\.character) + (format.regular ? [format.regularCharacter] : []))
            let isDigit: (Character) -> Bool = { ch in
                guard let s = ch.unicodeScalars.first else { return false }
                return s.value >= format.zeroCode && s.value <= format.zeroCode + 9
            }
            let digits: String
            if fixedWidth && format.mandatoryDigits > 0 {
                digits = take(while: isDigit, max: format.mandatoryDigits)
            } else {
                digits = take(while: { isDigit($0) || separators.contains(String($0)) })
            }
            guard !digits.isEmpty else { return nil }
            if format.ordinal {
                let suffix = take(while: { $0.isLetter }, max: 2)
                guard ["st", "nd", "rd", "th"].contains(suffix.lowercased()) else { return nil }
            }
            guard let v = try format.parse(digits) else { return nil }
            if c == "f" {
                let plain = digits.filter { $0.isNumber }
                return ((Double("0." + plain) ?? 0) * 1000).rounded(.down)
            }
            return v
        case .letters:
            let word = take(while: { $0.isLetter })
            guard !word.isEmpty else { return nil }
            return Double(IntegerPicture.lettersToDecimal(word.lowercased(), upper: false))
        case .roman:
            let word = take(while: { "MDCLXVImdclxvi".contains($0) })
            guard !word.isEmpty else { return nil }
            return Double(IntegerPicture.romanToDecimal(word.uppercased()))
        case .words:
            var end = pos
            var lastGood = pos
            var token = ""
            while end <= chars.count {
                let ch: Character? = end < chars.count ? chars[end] : nil
                if let ch, ch.isLetter {
                    token.append(ch)
                } else {
                    if !token.isEmpty {
                        let lower = token.lowercased()
                        if lower == "and" || IntegerPicture.wordValues[lower] != nil {
                            if lower != "and" { lastGood = end }
                        } else {
                            break
                        }
                        token = ""
                    }
                    guard let ch, ch == " " || ch == "-" || ch == "," else { break }
                }
                end += 1
            }
            guard lastGood > pos else { return nil }
            let phrase = String(chars[pos..<lastGood]).lowercased()
            pos = lastGood
            return IntegerPicture.wordsToNumber(phrase)
        case .sequence:
            throw JSONataError(code: "D3130", value: format.token)
        }
    }

    static func assemble(_ components: inout [Character: Double], now: Double) throws -> Double {
        var mask = 0
        func shift(_ present: Bool) { mask = (mask << 1) + (present ? 1 : 0) }
        func isType(_ type: Int) -> Bool { (~type & mask) == 0 && (type & mask) != 0 }
        for p in "YXMxWwdD" { shift(components[p] != nil) }
        let dateA = isType(161)
        let dateB = !dateA && isType(130)
        let dateC = isType(84)
        let dateD = !dateC && isType(72)
        mask = 0
        for p in "PHhmsf" { shift(components[p] != nil) }
        let timeA = isType(23)
        let timeB = !timeA && isType(47)
        let dateComps = dateB ? "YD" : dateC ? "XxwF" : dateD ? "XWF" : "YMD"
        let timeComps = timeB ? "Phmsf" : "Hmsf"
        var startSpecified = false
        var endSpecified = false
        for part in dateComps + timeComps {
            if components[part] == nil {
                if startSpecified {
                    components[part] = "MDd".contains(part) ? 1 : 0
                    endSpecified = true
                } else {
                    components[part] = part == "P" ? (fragment(now, "H") >= 12 ? 1 : 0) : fragment(now, part)
                }
            } else {
                startSpecified = true
                if endSpecified { throw JSONataError(code: "D3136") }
            }
        }
        var month = Int(components["M"] ?? 1)
        month = month > 0 ? month - 1 : 0
        var day = Int(components["D"] ?? 1)
        let year = Int(components["Y"] ?? 1970)
        if dateB {
            let derived = CivilTime.utc(year, 0) + ((components["d"] ?? 1) - 1) * CivilTime.dayMillis
            let f = CivilTime.fields(derived)
            month = f.month
            day = f.day
        }
        if dateC || dateD { throw JSONataError(code: "D3136") }
        var hour = components["H"] ?? 0
        if timeB {
            let h = components["h"] ?? 0
            hour = h == 12 ? 0 : h
            if components["P"] == 1 { hour += 12 }
        }
        var millis = CivilTime.utc(
            year, month, day, hour, components["m"] ?? 0, components["s"] ?? 0, components["f"] ?? 0)
        if let offset = components["Z"] ?? components["z"] { millis -= offset * 60_000 }
        return millis
    }
}
