import Foundation
import Values

/// The JSONata standard library: the table of built-ins and the helpers they share with the evaluator.
enum StandardLibrary {
    static let functions: [String: NativeFunction] = {
        var table: [String: NativeFunction] = [:]
        for f in aggregateFunctions + stringFunctions + numericFunctions + arrayObjectFunctions + higherOrderFunctions
            + dateTimeFunctions + formattingFunctions
        {
            table[f.name] = f
        }
        return table
    }()

    // MARK: - Conversions shared with the evaluator

    static func boolean(_ value: Item?) -> Bool? {
        guard let value else { return nil }
        switch value {
        case .null: return false
        case .bool(let b): return b
        case .number(let n): return n != 0
        case .string(let s): return !s.isEmpty
        case .object(let o): return o.count > 0
        case .function: return false
        case .array(let a):
            if a.items.count == 1 { return boolean(a.items[0]) }
            return a.items.contains { boolean($0) == true }
        }
    }

    /// `$string()`: strings as they are, everything else as JSON with numbers at 15 significant digits.
    static func string(_ value: Item, pretty: Bool = false) throws -> String {
        switch value {
        case .string(let s): return s
        case .function: return ""
        case .number(let n) where !n.isFinite:
            throw JSONataError(code: "D3001", value: JSONNumberFormatter.format(n))
        default:
            var target = value
            if case .array(let a) = value, a.outerWrapper, let first = a.items.first { target = first }
            var out: [UInt8] = []
            try writeJSON(target, into: &out, indent: pretty ? 2 : 0, level: 0)
            return String(decoding: out, as: UTF8.self)
        }
    }

    static func writeJSON(_ value: Item, into out: inout [UInt8], indent: Int, level: Int) throws {
        func newline(_ level: Int) {
            guard indent > 0 else { return }
            out.append(0x0A)
            out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * level))
        }
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let n):
            if !n.isFinite {
                throw JSONataError(code: "D1001", value: JSONNumberFormatter.format(n))
            } else {
                out.append(contentsOf: JSONNumberFormatter.formatPrecision15(n).utf8)
            }
        case .string(let s): JSONSerializer.write(.string(s), into: &out)
        case .function: out.append(contentsOf: "\"\"".utf8)
        case .array(let a):
            out.append(UInt8(ascii: "["))
            for (i, item) in a.items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(level + 1)
                try writeJSON(item, into: &out, indent: indent, level: level + 1)
            }
            if !a.items.isEmpty { newline(level) }
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            out.append(UInt8(ascii: "{"))
            for i in o.keys.indices {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(level + 1)
                JSONSerializer.write(.string(o.keys[i]), into: &out)
                out.append(UInt8(ascii: ":"))
                if indent > 0 { out.append(UInt8(ascii: " ")) }
                try writeJSON(o.values[i], into: &out, indent: indent, level: level + 1)
            }
            if o.count > 0 { newline(level) }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func append(_ a: Item?, _ b: Item?) -> Item? {
        guard let a else { return b }
        guard let b else { return a }
        var items: [Item]
        if case .array(let x) = a { items = x.items } else { items = [a] }
        if case .array(let y) = b { items.append(contentsOf: y.items) } else { items.append(b) }
        return .array(ItemArray(items))
    }

    static func deepClone(_ value: Item) -> Item {
        switch value {
        case .array(let a):
            let c = ItemArray(a.items.map(deepClone), sequence: a.isSequence)
            c.keepSingleton = a.keepSingleton
            c.cons = a.cons
            return .array(c)
        case .object(let o):
            let c = ItemObject(capacity: o.count)
            for i in o.keys.indices { c.set(o.keys[i], deepClone(o.values[i])) }
            return .object(c)
        default:
            return value
        }
    }

    /// Stable merge sort; `swap(a, b)` is true when `a` must come after `b` (JSONata's comparator contract).
    static func mergeSort<T>(_ items: [T], _ swap: (T, T) throws -> Bool) throws -> [T] {
        if items.count <= 1 { return items }
        let middle = items.count / 2
        let left = try mergeSort(Array(items[..<middle]), swap)
        let right = try mergeSort(Array(items[middle...]), swap)
        var out: [T] = []
        out.reserveCapacity(items.count)
        var i = 0
        var j = 0
        while i < left.count && j < right.count {
            if try swap(left[i], right[j]) {
                out.append(right[j])
                j += 1
            } else {
                out.append(left[i])
                i += 1
            }
        }
        out.append(contentsOf: left[i...])
        out.append(contentsOf: right[j...])
        return out
    }

    static func items(_ value: Item?) -> [Item] {
        guard let value else { return [] }
        if case .array(let a) = value { return a.items }
        return [value]
    }

    static func sequence(_ items: [Item]) -> Item { .array(ItemArray(items, sequence: true)) }

    static func num(_ value: Item?) -> Double? {
        if case .number(let n)? = value { return n }
        return nil
    }

    static func str(_ value: Item?) -> String? {
        if case .string(let s)? = value { return s }
        return nil
    }

    static func arg(_ args: [Item?], _ i: Int) -> Item? { i < args.count ? args[i] : nil }

    static func describe(_ value: Item?) -> String {
        guard let value else { return "undefined" }
        return (try? string(value)) ?? "?"
    }

    /// Arguments for a function passed to a higher-order built-in, trimmed to what the function accepts.
    static func hofArgs(_ f: Item, _ values: Item?...) -> [Item?] {
        var arity = 1
        if case .function(let fn) = f { arity = fn.arity }
        return Array(values.prefix(max(1, arity)))
    }

    // MARK: - Regex support

    /// A JSONata match object `{match, start, end, groups}` for the first match at or after `from` (UTF-16).
    static func regexMatch(_ box: RegexBox, _ s: String, from: Int) -> Item? {
        let ns = s as NSString
        guard from <= ns.length,
            let m = box.regex.firstMatch(in: s, range: NSRange(location: from, length: ns.length - from))
        else { return nil }
        return matchObject(m, ns)
    }

    static func matchObject(_ m: NSTextCheckingResult, _ ns: NSString) -> Item {
        let o = ItemObject()
        o.set("match", .string(ns.substring(with: m.range)))
        o.set("start", .number(Double(m.range.location)))
        o.set("end", .number(Double(m.range.location + m.range.length)))
        var groups: [Item] = []
        if m.numberOfRanges > 1 {
            for g in 1..<m.numberOfRanges {
                let r = m.range(at: g)
                groups.append(.string(r.location == NSNotFound ? "" : ns.substring(with: r)))
            }
        }
        o.set("groups", .array(ItemArray(groups)))
        return .object(o)
    }

    static func allMatches(_ box: RegexBox, _ s: String) throws -> [NSTextCheckingResult] {
        let ns = s as NSString
        let matches = box.regex.matches(in: s, range: NSRange(location: 0, length: ns.length))
        if matches.contains(where: { $0.range.length == 0 }) { throw JSONataError(code: "D1004", value: box.source) }
        return matches
    }
}

/// JavaScript string positions count UTF-16 code units, which is what NSString offers.
extension String {
    var jsLength: Int { utf16.count }
}
