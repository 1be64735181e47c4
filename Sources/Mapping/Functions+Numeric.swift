import Foundation
import Values

/// Numeric functions: `$number`, rounding, `$power`, `$sqrt`, `$random`, `$formatBase`.
extension StandardLibrary {
    static func toNumber(_ value: Item) throws -> Double {
        switch value {
        case .number(let n): return n
        case .bool(let b): return b ? 1 : 0
        case .string(let s):
            if isDecimalLiteral(s), let d = Double(s), d.isFinite { return d }
            let lower = s.lowercased()
            for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where lower.hasPrefix(prefix) {
                if let v = Int(lower.dropFirst(2), radix: radix) { return Double(v) }
            }
            throw JSONataError(code: "D3030", value: describe(value))
        default:
            throw JSONataError(code: "D3030", value: describe(value))
        }
    }

    /// The number syntax `$number` accepts: JSON numbers (no leading `+`, no bare `.5`).
    static func isDecimalLiteral(_ s: String) -> Bool {
        var u = Array(s.utf8)[...]
        func digits() -> Int {
            var n = 0
            while let c = u.first, c >= 48 && c <= 57 {
                u = u.dropFirst()
                n += 1
            }
            return n
        }
        if u.first == UInt8(ascii: "-") { u = u.dropFirst() }
        if digits() == 0 { return false }
        if u.first == UInt8(ascii: ".") {
            u = u.dropFirst()
            if digits() == 0 { return false }
        }
        if u.first == UInt8(ascii: "e") || u.first == UInt8(ascii: "E") {
            u = u.dropFirst()
            if u.first == UInt8(ascii: "+") || u.first == UInt8(ascii: "-") { u = u.dropFirst() }
            if digits() == 0 { return false }
        }
        return u.isEmpty
    }

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
