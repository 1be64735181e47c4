import Foundation
import Values

/// String functions; positions and lengths count Unicode code points, as JSONata does.
extension StandardLibrary {
    static func scalars(_ s: String) -> [Unicode.Scalar] { Array(s.unicodeScalars) }

    static func join(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    static func indexOf(_ hay: [Unicode.Scalar], _ needle: [Unicode.Scalar], from: Int = 0) -> Int? {
        if needle.isEmpty { return from <= hay.count ? from : nil }
        if needle.count > hay.count { return nil }
        var i = from
        while i + needle.count <= hay.count {
            if hay[i] == needle[0] && hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    static func substring(_ s: String, _ startIn: Double, _ length: Double?) -> String {
        let chars = scalars(s)
        let count = chars.count
        var start = startIn.isFinite ? Int(startIn.rounded(.towardZero)) : (startIn < 0 ? -count : count)
        if count + start < 0 { start = 0 }
        if let length {
            if length <= 0 { return "" }
            let len = length.isFinite ? Int(length.rounded(.towardZero)) : count
            let end = start >= 0 ? start + len : count + start + len
            return slice(chars, start, end)
        }
        return slice(chars, start, count)
    }

    /// JavaScript `Array.prototype.slice` semantics.
    static func slice(_ chars: [Unicode.Scalar], _ startIn: Int, _ endIn: Int) -> String {
        let n = chars.count
        let start = startIn < 0 ? max(n + startIn, 0) : min(startIn, n)
        let end = endIn < 0 ? max(n + endIn, 0) : min(endIn, n)
        if start >= end { return "" }
        return join(chars[start..<end])
    }

    static let stringFunctions: [NativeFunction] = [
        NativeFunction("string", "<x-b?:s>", arity: 1) { _, args, _ in
            guard let v = args.first ?? nil else { return nil }
            let pretty = boolean(arg(args, 1)) ?? false
            return .string(try string(v, pretty: pretty))
        },
        NativeFunction("substring", "<s-nn?:s>") { _, args, _ in
            guard let s = str(arg(args, 0)) else { return nil }
            return .string(substring(s, num(arg(args, 1)) ?? 0, num(arg(args, 2))))
        },
        NativeFunction("substringBefore", "<s-s:s>") { _, args, _ in
            guard let s = str(arg(args, 0)) else { return nil }
            guard let c = str(arg(args, 1)) else { return .string(s) }
            let hay = scalars(s)
            guard let i = indexOf(hay, scalars(c)) else { return .string(s) }
            return .string(join(hay[0..<i]))
        },
        NativeFunction("substringAfter", "<s-s:s>") { _, args, _ in
            guard let s = str(arg(args, 0)) else { return nil }
            guard let c = str(arg(args, 1)) else { return .string(s) }
            let hay = scalars(s)
            let needle = scalars(c)
            guard let i = indexOf(hay, needle) else { return .string(s) }
            return .string(join(hay[(i + needle.count)...]))
        },
        NativeFunction("lowercase", "<s-:s>") { _, args, _ in
            str(arg(args, 0)).map { .string($0.lowercased()) }
        },
        NativeFunction("uppercase", "<s-:s>") { _, args, _ in
            str(arg(args, 0)).map { .string($0.uppercased()) }
        },
        NativeFunction("length", "<s-:n>") { _, args, _ in
            str(arg(args, 0)).map { .number(Double($0.unicodeScalars.count)) }
        },
        NativeFunction("trim", "<s-:s>") { _, args, _ in
            guard let s = str(arg(args, 0)) else { return nil }
            var out = String.UnicodeScalarView()
            var inSpace = false
            for c in s.unicodeScalars {
                if c == " " || c == "\t" || c == "\n" || c == "\r" {
                    if !inSpace { out.append(" ") }
                    inSpace = true
                } else {
                    out.append(c)
                    inSpace = false
                }
            }
            var result = String(out)
            if result.hasPrefix(" ") { result.removeFirst() }
            if result.hasSuffix(" ") { result.removeLast() }
            return .string(result)
        },
        NativeFunction("pad", "<s-ns?:s>") { _, args, _ in
            guard let s = str(arg(args, 0)) else { return nil }
            let width = num(arg(args, 1)) ?? 0
            var padChar = str(arg(args, 2)) ?? " "
            if padChar.isEmpty { padChar = " " }
            let padLength = Int(abs(width).rounded(.towardZero)) - s.unicodeScalars.count
            guard padLength > 0 else { return .string(s) }
            var padding = String(repeating: padChar, count: padLength)
            if padChar.unicodeScalars.count > 1 { padding = substring(padding, 0, Double(padLength)) }
            return .string(width > 0 ? s + padding : padding + s)
        },
        NativeFunction("contains", "<s-(sf):b>") { ev, args, _ in
            guard let s = str(arg(args, 0)), arg(args, 1) != nil else { return nil }
            switch arg(args, 1) {
            case .string(let t)?: return .bool(indexOf(scalars(s), scalars(t)) != nil)
            case .function(let f)?:
                return .bool(!(try findMatches(ev, f, in: s, limit: 1, name: "contains")).isEmpty)
            default: return .bool(false)
            }
        },
        NativeFunction("split", "<s-(sf)n?:a<s>>") { ev, args, _ in
            guard let s = str(arg(args, 0)) else { return nil }
            var limit: Int? = nil
            if let l = num(arg(args, 2)) {
                if l < 0 { throw JSONataError(code: "D3020", value: describe(arg(args, 2))) }
                limit = Int(l)
            }
            var parts: [String] = []
            switch arg(args, 1) {
            case .string(let sep)?:
                if sep.isEmpty {
                    parts = s.unicodeScalars.map { String($0) }
                } else {
                    let hay = scalars(s)
                    let needle = scalars(sep)
                    var pos = 0
                    while let i = indexOf(hay, needle, from: pos) {
                        parts.append(join(hay[pos..<i]))
                        pos = i + needle.count
                    }
                    parts.append(join(hay[pos...]))
                }
            case .function(let f)?:
                let ns = s as NSString
                var pos = 0
                for m in try findMatches(ev, f, in: s, limit: Int.max, name: "split") {
                    parts.append(ns.substring(with: NSRange(location: pos, length: max(0, m.start - pos))))
                    pos = m.end
                }
                parts.append(ns.substring(from: min(pos, ns.length)))
            default:
                return nil
            }
            if let limit { parts = Array(parts.prefix(limit)) }
            return .array(ItemArray(parts.map { .string($0) }))
        },
        NativeFunction("join", "<a<s>s?:s>") { _, args, _ in
            guard let a = arg(args, 0) else { return nil }
            let sep = str(arg(args, 1)) ?? ""
            return .string(items(a).compactMap { str($0) }.joined(separator: sep))
        },
        NativeFunction("match", "<s-f<s:o>n?:a<o>>") { ev, args, _ in
            guard let s = str(arg(args, 0)) else { return nil }
            if let l = num(arg(args, 2)), l < 0 { throw JSONataError(code: "D3040", value: describe(arg(args, 2))) }
            guard case .function(let f)? = arg(args, 1) else { return nil }
            let limit = num(arg(args, 2)).map { Int($0) } ?? Int.max
            var out: [Item] = []
            for m in try findMatches(ev, f, in: s, limit: limit, name: "match") {
                let o = ItemObject()
                o.set("match", .string(m.match))
                o.set("index", .number(Double(m.start)))
                o.set("groups", .array(ItemArray(m.groups.map { .string($0) })))
                out.append(.object(o))
            }
            return sequence(out)
        },
        NativeFunction("replace", "<s-(sf)(sf)n?:s>") { ev, args, _ in
            guard let s = str(arg(args, 0)) else { return nil }
            if case .string(let p)? = arg(args, 1), p.isEmpty { throw JSONataError(code: "D3010") }
            var limit = Int.max
            if let l = num(arg(args, 3)) {
                if l < 0 { throw JSONataError(code: "D3011", value: describe(arg(args, 3))) }
                limit = Int(l)
            }
            let replacement = arg(args, 2)
            switch arg(args, 1) {
            case .string(let pattern)?:
                guard case .string(let rep)? = replacement else { return .string(s) }
                let hay = scalars(s)
                let needle = scalars(pattern)
                var out = ""
                var pos = 0
                var count = 0
                while count < limit, let i = indexOf(hay, needle, from: pos) {
                    out += join(hay[pos..<i]) + rep
                    pos = i + needle.count
                    count += 1
                }
                out += join(hay[pos...])
                return .string(out)
            case .function(let f)?:
                let ns = s as NSString
                var out = ""
                var pos = 0
                for m in try findMatches(ev, f, in: s, limit: limit, name: "replace") {
                    out += ns.substring(with: NSRange(location: pos, length: max(0, m.start - pos)))
                    switch replacement {
                    case .string(let rep)?:
                        out += expandReplacement(rep, match: m.match, groups: m.groups)
                    case .function?:
                        let r = try ev.call(replacement!, [m.object])
                        guard case .string(let rs)? = r else { throw JSONataError(code: "D3012", value: describe(r)) }
                        out += rs
                    default: break
                    }
                    pos = m.end
                }
                out += ns.substring(from: min(pos, ns.length))
                return .string(out)
            default:
                return .string(s)
            }
        },
        NativeFunction("base64encode", "<s-:s>") { _, args, _ in
            str(arg(args, 0)).map { .string(Data($0.utf8).base64EncodedString()) }
        },
        NativeFunction("base64decode", "<s-:s>") { _, args, _ in
            guard let s = str(arg(args, 0)) else { return nil }
            guard let d = Data(base64Encoded: s, options: .ignoreUnknownCharacters) else { return nil }
            return .string(String(decoding: d, as: UTF8.self))
        },
        NativeFunction("encodeUrlComponent", "<s-:s>") { _, args, _ in
            guard let s = str(arg(args, 0)) else { return nil }
            return .string(try encodeURI(s, keep: componentSafe, name: "encodeUrlComponent"))
        },
        NativeFunction("encodeUrl", "<s-:s>") { _, args, _ in
            guard let s = str(arg(args, 0)) else { return nil }
            return .string(try encodeURI(s, keep: uriSafe, name: "encodeUrl"))
        },
        NativeFunction("decodeUrlComponent", "<s-:s>") { _, args, _ in
            guard let s = str(arg(args, 0)) else { return nil }
            return .string(try decodeURI(s, name: "decodeUrlComponent"))
        },
        NativeFunction("decodeUrl", "<s-:s>") { _, args, _ in
            guard let s = str(arg(args, 0)) else { return nil }
            return .string(try decodeURI(s, name: "decodeUrl"))
        },
    ]

    /// One match of a regex or of a custom matcher function; offsets count UTF-16 units like JavaScript.
    struct TextMatch {
        var match: String
        var start: Int
        var end: Int
        var groups: [String]

        var object: Item {
            let o = ItemObject()
            o.set("match", .string(match))
            o.set("start", .number(Double(start)))
            o.set("end", .number(Double(end)))
            o.set("groups", .array(ItemArray(groups.map { .string($0) })))
            return .object(o)
        }
    }

    /// Matches of a regex literal, or of a JSONata matcher function that returns
    /// `{match, start, end, groups, next}` objects (error `T1010` when it returns anything else).
    static func findMatches(
        _ ev: Evaluator, _ matcher: FunctionItem, in s: String, limit: Int, name: String
    ) throws
        -> [TextMatch]
    {
        if case .regex(let box) = matcher.kind {
            let ns = s as NSString
            return try allMatches(box, s).prefix(limit).map { m in
                var groups: [String] = []
                if m.numberOfRanges > 1 {
                    for g in 1..<m.numberOfRanges {
                        let r = m.range(at: g)
                        groups.append(r.location == NSNotFound ? "" : ns.substring(with: r))
                    }
                }
                return TextMatch(
                    match: ns.substring(with: m.range), start: m.range.location, end: m.range.location + m.range.length,
                    groups: groups)
            }
        }
        var out: [TextMatch] = []
        var result = try ev.call(.function(matcher), [.string(s)])
        while out.count < limit, let r = result {
            guard case .object(let o) = r, let match = str(o.get("match")), let start = num(o.get("start")),
                let end = num(o.get("end")), case .array(let groups)? = o.get("groups")
            else { throw JSONataError(code: "T1010", token: name) }
            out.append(TextMatch(match: match, start: Int(start), end: Int(end), groups: groups.items.compactMap { str($0) }))
            guard let next = o.get("next"), next.isFunction else { break }
            result = try ev.call(next, [])
        }
        return out
    }

    static func expandReplacement(_ rep: String, match: String, groups: [String]) -> String {
        let groupCount = groups.count
        func group(_ i: Int) -> String {
            guard i >= 1 && i <= groupCount else { return "" }
            return groups[i - 1]
        }
        let chars = Array(rep.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < chars.count {
            let c = chars[i]
            guard c == "$", i + 1 < chars.count else {
                out.append(c)
                i += 1
                continue
            }
            let d = chars[i + 1]
            if d == "$" {
                out.append("$")
                i += 2
            } else if d == "0" {
                out.append(contentsOf: match.unicodeScalars)
                i += 2
            } else if let first = Int(String(d)) {
                let maxDigits = groupCount == 0 ? 1 : Int(log10(Double(groupCount))) + 1
                var digits = String(d)
                var j = i + 2
                while digits.count < maxDigits, j < chars.count, let _ = Int(String(chars[j])) {
                    digits.append(Character(chars[j]))
                    j += 1
                }
                var index = Int(digits) ?? first
                if digits.count > 1 && index > groupCount {
                    digits.removeLast()
                    index = Int(digits) ?? first
                }
                out.append(contentsOf: group(index).unicodeScalars)
                i += 1 + String(index).count
            } else {
                out.append("$")
                i += 1
            }
        }
        return String(out)
    }

    static let componentSafe = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'()".unicodeScalars)
    static let uriSafe = componentSafe.union(Set(";,/?:@&=+$#".unicodeScalars))

    static func encodeURI(_ s: String, keep: Set<Unicode.Scalar>, name: String) throws -> String {
        var out = ""
        for c in s.unicodeScalars {
            if keep.contains(c) {
                out.unicodeScalars.append(c)
            } else {
                if (0xD800..<0xE000).contains(c.value) {
                    throw JSONataError(code: "D3140", token: name, value: s)
                }
                for b in String(c).utf8 { out += String(format: "%%%02X", b) }
            }
        }
        return out
    }

    static func isWellFormedUTF8(_ bytes: [UInt8]) -> Bool {
        var iterator = bytes.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    static func decodeURI(_ s: String, name: String) throws -> String {
        var bytes: [UInt8] = []
        let u = Array(s.utf8)
        var i = 0
        while i < u.count {
            if u[i] == UInt8(ascii: "%") {
                guard i + 2 < u.count, let b = UInt8(String(decoding: u[(i + 1)...(i + 2)], as: UTF8.self), radix: 16)
                else { throw JSONataError(code: "D3140", token: name, value: s) }
                bytes.append(b)
                i += 3
            } else {
                bytes.append(u[i])
                i += 1
            }
        }
        guard isWellFormedUTF8(bytes) else { throw JSONataError(code: "D3140", token: name, value: s) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
