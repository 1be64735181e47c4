import Foundation
import Values

/// Numeric functions: `$number`, rounding, `$power`, `$sqrt`, `$random`, `$formatBase`.
extension StandardLibrary {
    static func toNumber(_ value: Item) throws -> Double {
        switch value {
        case .number(let n): return n
        case .bool(let b): return b ? 1 : 0
        case .string(let s):
            if let d = decimalLiteralValue(s), d.isFinite { return d }
            let lower = s.lowercased()
            for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where lower.hasPrefix(prefix) {
                if let v = Int(lower.dropFirst(2), radix: radix) { return Double(v) }
            }
            throw JSONataError(code: "D3030", value: describe(value))
        default:
            throw JSONataError(code: "D3030", value: describe(value))
        }
    }

    /// The value of `s` when it has the number syntax `$number` accepts (JSON numbers: no leading `+`, no bare
    /// `.5`), else nil.
    ///
    /// `$number` runs on every record of many mappings, so the syntax check and the conversion are one pass, and
    /// short decimals such as prices are converted without `strtod`: a mantissa below 2^53 divided by an exactly
    /// representable power of ten is correctly rounded, which is the value `Double(s)` would produce.
    static func decimalLiteralValue(_ s: String) -> Double? {
        var text = s
        let fast: Double?? = text.withUTF8 { bytes -> Double?? in
            var i = 0
            var mantissa: UInt64 = 0
            var digitCount = 0
            func digits() -> Int {
                let start = i
                while i < bytes.count, bytes[i] >= 48 && bytes[i] <= 57 {
                    if digitCount < 19 { mantissa = mantissa &* 10 &+ UInt64(bytes[i] - 48) }
                    digitCount += 1
                    i += 1
                }
                return i - start
            }
            let negative = i < bytes.count && bytes[i] == UInt8(ascii: "-")
            if negative { i += 1 }
            if digits() == 0 { return .some(nil) }
            var fractionDigits = 0
            if i < bytes.count && bytes[i] == UInt8(ascii: ".") {
                i += 1
                fractionDigits = digits()
                if fractionDigits == 0 { return .some(nil) }
            }
            var hasExponent = false
            if i < bytes.count && (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
                hasExponent = true
                i += 1
                if i < bytes.count && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")) { i += 1 }
                let exponentStart = i
                while i < bytes.count, bytes[i] >= 48 && bytes[i] <= 57 { i += 1 }
                if i == exponentStart { return .some(nil) }
            }
            if i != bytes.count { return .some(nil) }
            // Valid syntax: answer here when exact, else leave the conversion to the standard library.
            guard !hasExponent, digitCount <= 15, fractionDigits < exactPowersOfTen.count else { return nil }
            let magnitude = Double(mantissa) / exactPowersOfTen[fractionDigits]
            return .some(negative ? -magnitude : magnitude)
        }
        if let fast { return fast }
        return Double(s)
    }

    /// Powers of ten that a `Double` represents exactly.
    private static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
        1e19, 1e20, 1e21, 1e22,
    ]

    /// Round half to even at `precision` decimal places, shifting via the decimal exponent like JSONata.
    static func roundHalfEven(_ value: Double, _ precision: Int) -> Double {
        var x = value
        if precision != 0 { x = shiftDecimal(x, precision) }
        var r = (x + 0.5).rounded(.down)
        if abs(r - x) == 0.5 && abs(r.truncatingRemainder(dividingBy: 2)) == 1 { r -= 1 }
        if precision != 0 { r = shiftDecimal(r, -precision) }
        return r == 0 ? 0 : r
    }

    static func shiftDecimal(_ x: Double, _ by: Int) -> Double {
        let text = JSONNumberFormatter.format(x)
        let parts = text.split(separator: "e", maxSplits: 1)
        let exponent = (parts.count > 1 ? Int(parts[1]) ?? 0 : 0) + by
        return Double("\(parts[0])e\(exponent)") ?? x
    }

    static let numericFunctions: [NativeFunction] = [
        NativeFunction("number", "<(nsb)-:n>") { _, args, _ in
            guard let v = arg(args, 0) else { return nil }
            return .number(try toNumber(v))
        },
        NativeFunction("floor", "<n-:n>") { _, args, _ in num(arg(args, 0)).map { .number($0.rounded(.down)) } },
        NativeFunction("ceil", "<n-:n>") { _, args, _ in num(arg(args, 0)).map { .number($0.rounded(.up)) } },
        NativeFunction("abs", "<n-:n>") { _, args, _ in num(arg(args, 0)).map { .number(Swift.abs($0)) } },
        NativeFunction("round", "<n-n?:n>") { _, args, _ in
            guard let x = num(arg(args, 0)) else { return nil }
            let p = num(arg(args, 1)).map { Int($0) } ?? 0
            return .number(roundHalfEven(x, p))
        },
        NativeFunction("sqrt", "<n-:n>") { _, args, _ in
            guard let x = num(arg(args, 0)) else { return nil }
            if x < 0 { throw JSONataError(code: "D3060", value: describe(arg(args, 0))) }
            return .number(x.squareRoot())
        },
        NativeFunction("power", "<n-n:n>") { _, args, _ in
            guard let x = num(arg(args, 0)), let y = num(arg(args, 1)) else { return nil }
            let r = pow(x, y)
            if !r.isFinite { throw JSONataError(code: "D3061", value: describe(arg(args, 0))) }
            return .number(r)
        },
        NativeFunction("random", "<:n>") { _, _, _ in .number(Double.random(in: 0..<1)) },
        NativeFunction("formatBase", "<n-n?:s>") { _, args, _ in
            guard let x = num(arg(args, 0)) else { return nil }
            let radix = num(arg(args, 1)).map { Int($0) } ?? 10
            if radix < 2 || radix > 36 { throw JSONataError(code: "D3100", value: String(radix)) }
            let v = Int(roundHalfEven(x, 0))
            return .string(String(v, radix: radix))
        },
    ]
}
