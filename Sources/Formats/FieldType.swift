public import Values

/// How the text of a field becomes a JSON value (and back, for writers).
public enum FieldType: Sendable, Equatable {
    /// Text as it is (after trimming).
    case string
    /// A whole number: digits with an optional sign.
    case integer
    /// Digits with an implied decimal point `places` from the right, like COBOL `PIC 9(7)V99` (places 2):
    /// `000012345` is 123.45.
    case impliedDecimal(places: Int)
    /// A decimal number written with an explicit separator; the other of `.`/`,` is accepted as a thousands
    /// separator when reading. `places` fixes the fraction digits when writing (nil: as few as needed).
    case decimal(separator: DecimalSeparator, places: Int? = nil)
    /// A date (and optionally time) in a pattern of `yyyy`, `yy`, `MM`, `dd`, `HH`, `mm`, `ss` and literal
    /// characters, e.g. `yyyyMMdd`, `dd.MM.yyyy`; read as an ISO 8601 string `2026-11-28` (with a time part,
    /// `2026-11-28T02:00:00`).
    case date(format: String)

    /// The decimal separator of `.decimal`.
    public enum DecimalSeparator: Sendable, Equatable {
        /// `1234.56`
        case point
        /// `1234,56` (German, French, …)
        case comma
    }

    /// Converts the text of a field read by any reader (e.g. a CSV column `232,71` with `.decimal(separator:
    /// .comma)`); spaces around the text are ignored, blank text is `null` except for `.string`.
    public func parse(_ text: String, sign: SignHandling = .leading) throws(FormatError) -> JSONValue {
        do {
            return try value(of: self == .string ? Substring(text) : text.trimmingSpaces, sign: sign)
        } catch {
            let code: FormatError.Code
            if case .date = self { code = .invalidDate } else { code = .invalidNumber }
            throw FormatError(code, format: .csv, message: error.message, fix: "correct the value or the field type")
        }
    }

    /// Converts field text (already trimmed) to a value; blank text is `null` for every type but `.string`.
    /// Throws a message saying what is wrong; readers add line and field.
    func value(of text: Substring, sign: SignHandling) throws(FieldTypeError) -> JSONValue {
        switch self {
        case .string:
            return .string(String(text))
        case .integer, .impliedDecimal, .decimal:
            if text.allSatisfy({ $0 == " " }) { return .null }
            return .number(try number(of: text, sign: sign))
        case .date(let format):
            if text.allSatisfy({ $0 == " " || $0 == "0" }) { return .null }
            return .string(try Self.parseDate(text, format: format))
        }
    }

    private func number(of text: Substring, sign: SignHandling) throws(FieldTypeError) -> Double {
        var body = Substring(text.trimmingSpaces)
        var negative = false
        switch sign {
        case .leading:
            if let first = body.first, first == "-" || first == "+" {
                negative = first == "-"
                body = Substring(body.dropFirst().trimmingSpaces)
            }
        case .trailing:
            if let last = body.last, last == "-" || last == "+" {
                negative = last == "-"
                body = Substring(body.dropLast().trimmingSpaces)
            }
        case .unsigned:
            break
        }
        guard !body.isEmpty else { throw FieldTypeError(message: "'\(text)' has no digits") }
        switch self {
        case .integer, .impliedDecimal:
            guard body.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                throw FieldTypeError(message: "'\(text)' is not a whole number")
            }
            var value = Double(String(body))!
            if case .impliedDecimal(let places) = self { value /= Self.powerOfTen(places) }
            return negative ? -value : value
        case .decimal(let separator, _):
            let decimalMark: Character = separator == .comma ? "," : "."
            let grouping: Character = separator == .comma ? "." : ","
            var normalized = ""
            var seenMark = false
            for character in body {
                if character == decimalMark && !seenMark {
                    normalized.append(".")
                    seenMark = true
                } else if character == grouping && !seenMark {
                    continue
                } else if character.isASCII && character.isNumber {
                    normalized.append(character)
                } else {
                    throw FieldTypeError(message: "'\(text)' is not a decimal number with '\(decimalMark)'")
                }
            }
            guard normalized.contains(where: \.isNumber), let value = Double(normalized) else {
                throw FieldTypeError(message: "'\(text)' is not a decimal number with '\(decimalMark)'")
            }
            return negative ? -value : value
        default:
            fatalError("not a number type")
        }
    }

    static func powerOfTen(_ places: Int) -> Double {
        var result = 1.0
        for _ in 0..<max(0, places) { result *= 10 }
        return result
    }

    /// Parses a date by pattern; validates month, day (with leap years), hour, minute and second.
    static func parseDate(_ text: Substring, format: String) throws(FieldTypeError) -> String {
        let input = Array(text.utf8)
        let pattern = Array(format.utf8)
        var parts: [UInt8: Int] = [:]
        var i = 0
        var p = 0
        while p < pattern.count {
            let letter = pattern[p]
            var run = 1
            while p + run < pattern.count && pattern[p + run] == letter { run += 1 }
            if "yMdHms".utf8.contains(letter) {
                guard i + run <= input.count, input[i..<i + run].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                    throw FieldTypeError(message: "'\(text)' does not match the date format '\(format)'")
                }
                var value = 0
                for digit in input[i..<i + run] { value = value * 10 + Int(digit - 0x30) }
                if letter == UInt8(ascii: "y") && run == 2 { value += value < 70 ? 2000 : 1900 }
                parts[letter] = value
                i += run
            } else {
                guard i + run <= input.count, input[i..<i + run].elementsEqual(pattern[p..<p + run]) else {
                    throw FieldTypeError(message: "'\(text)' does not match the date format '\(format)'")
                }
                i += run
            }
            p += run
        }
        guard i == input.count else {
            throw FieldTypeError(message: "'\(text)' is longer than the date format '\(format)'")
        }
        let year = parts[UInt8(ascii: "y")] ?? 0
        let month = parts[UInt8(ascii: "M")] ?? 1
        let day = parts[UInt8(ascii: "d")] ?? 1
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...12).contains(month), day >= 1, day <= monthDays[month - 1] else {
            throw FieldTypeError(message: "'\(text)' is not a valid date")
        }
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        var result = "\(String(repeating: "0", count: max(0, 4 - String(year).count)))\(year)-\(two(month))-\(two(day))"
        if let hour = parts[UInt8(ascii: "H")] {
            let minute = parts[UInt8(ascii: "m")] ?? 0
            let second = parts[UInt8(ascii: "s")] ?? 0
            guard hour < 24, minute < 60, second < 60 else {
                throw FieldTypeError(message: "'\(text)' is not a valid time")
            }
            result += "T\(two(hour)):\(two(minute)):\(two(second))"
        }
        return result
    }

    /// Formats an ISO 8601 date (or date-time) string by pattern, for writers.
    static func formatDate(_ iso: String, format: String) -> String? {
        let digits = Array(iso.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= digits.count else { return nil }
            var value = 0
            for digit in digits[range] {
                guard digit >= 0x30 && digit <= 0x39 else { return nil }
                value = value * 10 + Int(digit - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
        let values: [Character: Int] = [
            "y": year, "M": month, "d": day, "H": number(11..<13) ?? 0, "m": number(14..<16) ?? 0,
            "s": number(17..<19) ?? 0,
        ]
        var result = ""
        var pattern = Substring(format)
        while let letter = pattern.first {
            let run = pattern.prefix { $0 == letter }.count
            pattern = pattern.dropFirst(run)
            if let value = values[letter] {
                let text = String(letter == "y" && run == 2 ? value % 100 : value)
                result += String(repeating: "0", count: max(0, run - text.count)) + text
            } else {
                result += String(repeating: letter, count: run)
            }
        }
        return result
    }
}

/// Where a number's sign is written.
public enum SignHandling: Sendable, Equatable {
    /// An optional `-` or `+` before the digits (`-123`, `-0000123`).
    case leading
    /// An optional `-` or `+` after the digits (`0000123-`), as many mainframe exports write it.
    case trailing
    /// Digits only.
    case unsigned
}

/// A conversion failure without a place; readers turn it into a `FormatError` naming line and field.
struct FieldTypeError: Error {
    let message: String
}

extension StringProtocol {
    /// The text without leading and trailing spaces.
    var trimmingSpaces: SubSequence {
        var start = startIndex
        var end = endIndex
        while start < end && self[start] == " " { start = index(after: start) }
        while end > start && self[index(before: end)] == " " { end = index(before: end) }
        return self[start..<end]
    }
}
