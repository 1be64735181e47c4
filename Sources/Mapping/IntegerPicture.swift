import Foundation

/// XPath F&O 3.1 `format-integer` pictures as JSONata implements them: decimal digit patterns with grouping,
/// letters, roman numerals and English words, each optionally ordinal.
struct IntegerPicture {
    enum Primary { case decimal, letters, roman, words, sequence }
    enum LetterCase { case upper, lower, title }

    var primary: Primary = .decimal
    var letterCase: LetterCase = .lower
    var ordinal = false
    var zeroCode: UInt32 = 0x30
    var mandatoryDigits = 0
    var optionalDigits = 0
    var regular = false
    var regularPosition = 0
    var regularCharacter = ""
    var separators: [(position: Int, character: String)] = []
    var token = ""

    static let decimalGroups: [UInt32] = [
        0x30, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66, 0x0DE6,
        0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40,
        0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    ]

    static func digitGroup(_ scalar: UInt32) -> UInt32? {
        for g in decimalGroups where scalar >= g && scalar <= g + 9 { return g }
        return nil
    }

    init(_ picture: String) throws {
        var primaryFormat = picture
        if let semicolon = picture.lastIndex(of: ";") {
            primaryFormat = String(picture[..<semicolon])
            let modifier = picture[picture.index(after: semicolon)...]
            if modifier.first == "o" { ordinal = true }
        }
        switch primaryFormat {
        case "A":
            letterCase = .upper
            primary = .letters
        case "a": primary = .letters
        case "I":
            letterCase = .upper
            primary = .roman
        case "i": primary = .roman
        case "W":
            letterCase = .upper
            primary = .words
        case "Ww":
            letterCase = .title
            primary = .words
        case "w": primary = .words
        default:
            var zero: UInt32? = nil
            var position = 0
            for scalar in primaryFormat.unicodeScalars.reversed() {
                if let g = Self.digitGroup(scalar.value) {
                    mandatoryDigits += 1
                    position += 1
                    if zero == nil {
                        zero = g
                    } else if zero != g {
                        throw JSONataError(code: "D3131")
                    }
                } else if scalar == "#" {
                    position += 1
                    optionalDigits += 1
                } else {
                    separators.append((position, String(scalar)))
                }
            }
            if mandatoryDigits > 0 {
                primary = .decimal
                zeroCode = zero!
                let repeatPosition = Self.regularRepeat(separators)
                if repeatPosition > 0 {
                    regular = true
                    regularPosition = repeatPosition
                    regularCharacter = separators[0].character
                }
            } else {
                primary = .sequence
                token = primaryFormat
            }
        }
    }

    static func regularRepeat(_ separators: [(position: Int, character: String)]) -> Int {
        guard let first = separators.first else { return 0 }
        if separators.contains(where: { $0.character != first.character }) { return 0 }
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
        let positions = separators.map(\.position)
        let factor = positions.reduce(positions[0], gcd)
        guard factor > 0 else { return 0 }
        for index in 1...positions.count where !positions.contains(index * factor) { return 0 }
        return factor
    }

    func format(_ valueIn: Double) throws -> String {
        let negative = valueIn < 0
        let value = abs(valueIn)
        var text: String
        switch primary {
        case .letters:
            text = Self.letters(Int(value), upper: letterCase == .upper)
        case .roman:
            text = Self.roman(Int(value))
            if letterCase == .upper { text = text.uppercased() }
        case .words:
            text = Self.words(value, ordinal: ordinal)
            if letterCase == .upper {
                text = text.uppercased()
            } else if letterCase == .lower {
                text = text.lowercased()
            }
        case .decimal:
            text = value < 1e21 ? String(format: "%.0f", value) : String(Int(value))
            if text.count < mandatoryDigits { text = String(repeating: "0", count: mandatoryDigits - text.count) + text }
            if zeroCode != 0x30 {
                text = String(
                    String.UnicodeScalarView(text.unicodeScalars.map { Unicode.Scalar($0.value + zeroCode - 0x30)! }))
            }
            var chars = text.map { String($0) }
            if regular {
                let n = (chars.count - 1) / regularPosition
                if n > 0 {
                    for ii in stride(from: n, to: 0, by: -1) {
                        chars.insert(regularCharacter, at: chars.count - ii * regularPosition)
                    }
                }
            } else {
                for sep in separators.reversed() {
                    let pos = chars.count - sep.position
                    if pos >= 0 { chars.insert(sep.character, at: pos) }
                }
            }
            text = chars.joined()
            if ordinal {
                let digits = Array(text)
                var suffix = "th"
                if let last = digits.last, !(digits.count > 1 && digits[digits.count - 2] == "1") {
                    switch last {
                    case "1": suffix = "st"
                    case "2": suffix = "nd"
                    case "3": suffix = "rd"
                    default: break
                    }
                }
                text += suffix
            }
        case .sequence:
            throw JSONataError(code: "D3130", value: token)
        }
        return negative ? "-" + text : text
    }

    func parse(_ text: String) throws -> Double? {
        switch primary {
        case .letters: return Double(Self.lettersToDecimal(text, upper: letterCase == .upper))
        case .roman: return Double(Self.romanToDecimal(text.uppercased()))
        case .words: return Self.wordsToNumber(text.lowercased())
        case .decimal:
            var digits = ""
            for s in text.unicodeScalars {
                if s.value >= zeroCode && s.value <= zeroCode + 9 {
                    digits.unicodeScalars.append(Unicode.Scalar(s.value - zeroCode + 0x30)!)
                }
            }
            return Double(digits)
        case .sequence:
            throw JSONataError(code: "D3130", value: token)
        }
    }

    // MARK: - Letters and roman numerals

    static func letters(_ valueIn: Int, upper: Bool) -> String {
        var value = valueIn
        var out: [Character] = []
        let a = upper ? 65 : 97
        while value > 0 {
            out.insert(Character(Unicode.Scalar(UInt8((value - 1) % 26 + a))), at: 0)
            value = (value - 1) / 26
        }
        return String(out)
    }

    static func lettersToDecimal(_ text: String, upper: Bool) -> Int {
        let a = upper ? 65 : 97
        var result = 0
        for s in text.unicodeScalars { result = result * 26 + Int(s.value) - a + 1 }
        return result
    }

    static let romanNumerals: [(Int, String)] = [
        (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"),
        (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
    ]

    static func roman(_ valueIn: Int) -> String {
        var value = valueIn
        var out = ""
        for (n, s) in romanNumerals {
            while value >= n {
                out += s
                value -= n
            }
        }
        return out
    }

    static func romanToDecimal(_ text: String) -> Int {
        let values: [Character: Int] = ["M": 1000, "D": 500, "C": 100, "L": 50, "X": 10, "V": 5, "I": 1]
        var decimal = 0
        var maxSeen = 1
        for c in text.reversed() {
            let v = values[c] ?? 0
            if v < maxSeen {
                decimal -= v
            } else {
                maxSeen = v
                decimal += v
            }
        }
        return decimal
    }

    // MARK: - Words

    static let few = [
        "Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten", "Eleven", "Twelve",
        "Thirteen", "Fourteen", "Fifteen", "Sixteen", "Seventeen", "Eighteen", "Nineteen",
    ]
    static let ordinals = [
        "Zeroth", "First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth",
        "Eleventh", "Twelfth", "Thirteenth", "Fourteenth", "Fifteenth", "Sixteenth", "Seventeenth", "Eighteenth",
        "Nineteenth",
    ]
    static let decades = ["Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety", "Hundred"]
    static let magnitudes = ["Thousand", "Million", "Billion", "Trillion"]

    static func words(_ value: Double, ordinal: Bool) -> String {
        func lookup(_ num: Double, _ prev: Bool, _ ord: Bool) -> String {
            var words = ""
            if num <= 19 {
                words = (prev ? " and " : "") + (ord ? ordinals[Int(num)] : few[Int(num)])
            } else if num < 100 {
                let tens = Int(num / 10)
                let remainder = num.truncatingRemainder(dividingBy: 10)
                words = (prev ? " and " : "") + decades[tens - 2]
                if remainder > 0 {
                    words += "-" + lookup(remainder, false, ord)
                } else if ord {
                    words = String(words.dropLast()) + "ieth"
                }
            } else if num < 1000 {
                let hundreds = Int(num / 100)
                let remainder = num.truncatingRemainder(dividingBy: 100)
                words = (prev ? ", " : "") + few[hundreds] + " Hundred"
                if remainder > 0 {
                    words += lookup(remainder, true, ord)
                } else if ord {
                    words += "th"
                }
            } else {
                var mag = Int(log10(num) / 3)
                if mag > magnitudes.count { mag = magnitudes.count }
                let factor = pow(10, Double(mag * 3))
                let mant = (num / factor).rounded(.down)
                let remainder = num - mant * factor
                words = (prev ? ", " : "") + lookup(mant, false, false) + " " + magnitudes[mag - 1]
                if remainder > 0 {
                    words += lookup(remainder, true, ord)
                } else if ord {
                    words += "th"
                }
            }
            return words
        }
        return lookup(value.rounded(.down), false, ordinal)
    }

    static let wordValues: [String: Double] = {
        var table: [String: Double] = [:]
        for (i, w) in few.enumerated() { table[w.lowercased()] = Double(i) }
        for (i, w) in ordinals.enumerated() { table[w.lowercased()] = Double(i) }
        for (i, w) in decades.enumerated() {
            let lw = w.lowercased()
            table[lw] = Double((i + 2) * 10)
            table[String(lw.dropLast()) + "ieth"] = Double((i + 2) * 10)
        }
        table["hundredth"] = 100
        for (i, w) in magnitudes.enumerated() {
            let lw = w.lowercased()
            let v = pow(10, Double((i + 1) * 3))
            table[lw] = v
            table[lw + "th"] = v
        }
        return table
    }()

    static func wordsToNumber(_ text: String) -> Double? {
        let normalized = text.replacingOccurrences(of: ", ", with: " ").replacingOccurrences(of: " and ", with: " ")
            .replacingOccurrences(of: "-", with: " ")
        let parts = normalized.split(separator: " ").map(String.init)
        var segs: [Double] = [0]
        for part in parts {
            guard let value = wordValues[part] else { return nil }
            if value < 100 {
                var top = segs.removeLast()
                if top >= 1000 {
                    segs.append(top)
                    top = 0
                }
                segs.append(top + value)
            } else {
                segs.append(segs.removeLast() * value)
            }
        }
        return segs.reduce(0, +)
    }
}
