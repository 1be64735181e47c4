#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Number-to-text conversion with JavaScript's rules, which JSON produced by JSONata must follow.
public enum JSONNumberFormatter {
    /// Formats like JavaScript's `Number.prototype.toString()`: shortest round-trip digits, integers without
    /// a fraction, exponent notation from 1e21 and below 1e-6 (`1e+21`, `1.5e-7`).
    public static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if value == 0 { return "0" }
        if value == value.rounded(.towardZero) && abs(value) < 1e15 { return String(Int64(value)) }
        let (negative, digits, exponent) = shortestDigits(value)
        return (negative ? "-" : "") + layout(digits: digits, pointPosition: exponent)
    }

    /// Rounds to 15 significant digits first, as JSONata does (`Number(n.toPrecision(15))`) before turning
    /// a number into a string, so `0.1 + 0.2` prints as `0.3`.
    /// Integers are exact already and print in full.
    public static func formatPrecision15(_ value: Double) -> String {
        if value == value.rounded(.towardZero) && abs(value) < 1e21 { return format(value) }
        return format(roundedTo15Digits(value))
    }

    /// The value rounded to 15 significant decimal digits.
    public static func roundedTo15Digits(_ value: Double) -> Double {
        guard value.isFinite, value != 0 else { return value }
        var buffer = [CChar](repeating: 0, count: 64)
        _ = buffer.withUnsafeMutableBufferPointer { pointer in
            withVaList([value]) { vsnprintf(pointer.baseAddress!, 64, "%.14e", $0) }
        }
        return buffer.withUnsafeBufferPointer { strtod($0.baseAddress!, nil) }
    }

    /// Decimal digits (no leading/trailing zeros) and the position of the decimal point relative to them.
    static func shortestDigits(_ value: Double) -> (negative: Bool, digits: [UInt8], pointPosition: Int) {
        let text = abs(value).description
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        var digits: [UInt8] = []
        var pointPosition = 0
        var seenPoint = false
        for ch in mantissa.utf8 {
            if ch == UInt8(ascii: ".") {
                seenPoint = true
                continue
            }
            digits.append(ch)
            if !seenPoint { pointPosition += 1 }
        }
        while let first = digits.first, first == UInt8(ascii: "0"), digits.count > 1 {
            digits.removeFirst()
            pointPosition -= 1
        }
        while let last = digits.last, last == UInt8(ascii: "0"), digits.count > 1 { digits.removeLast() }
        return (value < 0, digits, pointPosition + exponent)
    }

    static func layout(digits: [UInt8], pointPosition n: Int) -> String {
        let k = digits.count
        var out: [UInt8] = []
        if k <= n && n <= 21 {
            out = digits + [UInt8](repeating: UInt8(ascii: "0"), count: n - k)
        } else if 0 < n && n <= 21 {
            out = Array(digits[0..<n]) + [UInt8(ascii: ".")] + Array(digits[n...])
        } else if -6 < n && n <= 0 {
            out = [UInt8(ascii: "0"), UInt8(ascii: ".")] + [UInt8](repeating: UInt8(ascii: "0"), count: -n) + digits
        } else {
            out = [digits[0]]
            if k > 1 { out += [UInt8(ascii: ".")] + Array(digits[1...]) }
            out += Array("e\(n - 1 >= 0 ? "+" : "-")\(abs(n - 1))".utf8)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
