/// A JSONata function signature such as `<s-nn?:s>`, used to validate and coerce arguments.
struct Signature: Sendable {
    struct Param {
        var symbols: UInt8
        var type: Character
        var subtype: String? {
            didSet { subtypeBits = subtype?.first.map { Signature.bits(String($0)) } }
        }
        /// The type bits of the subtype's first symbol (`o` in `a<o>`), computed once rather than per call.
        private(set) var subtypeBits: UInt8?
        var optional = false
        var variadic = false
        var context = false
    }

    var params: [Param] = []
    let text: String
    /// True when every parameter takes at most one argument (no `+`), so arguments line up with parameters.
    private(set) var isSimple = true

    /// Type symbols as bits so that matching is mask arithmetic rather than set lookups.
    static func bits(_ symbols: String) -> UInt8 {
        var mask: UInt8 = 0
        for c in symbols {
            switch c {
            case "a": mask |= 1
            case "s": mask |= 2
            case "n": mask |= 4
            case "b": mask |= 8
            case "l": mask |= 16
            case "f": mask |= 32
            case "o": mask |= 64
            case "m": mask |= 128
            default: break
            }
        }
        return mask
    }

    init(_ text: String, position: Int = 0) throws {
        self.text = text
        let chars = Array(text)
        var i = 1
        var prev: Int? = nil
        func add(_ p: Param) -> Int {
            params.append(p)
            return params.count - 1
        }
        while i < chars.count {
            let c = chars[i]
            if c == ":" { break }
            switch c {
            case "s", "n", "b", "l", "o":
                prev = add(Param(symbols: Self.bits(String(c) + "m"), type: c))
            case "a":
                prev = add(Param(symbols: Self.bits("asnblfom"), type: "a"))
            case "f":
                prev = add(Param(symbols: Self.bits("f"), type: "f"))
            case "j":
                prev = add(Param(symbols: Self.bits("asnblom"), type: "j"))
            case "x":
                prev = add(Param(symbols: Self.bits("asnblfom"), type: "x"))
            case "-":
                if let p = prev { params[p].context = true; params[p].optional = true }
            case "?":
                if let p = prev { params[p].optional = true }
            case "+":
                if let p = prev { params[p].variadic = true }
            case "(":
                var j = i + 1
                var choice = ""
                while j < chars.count && chars[j] != ")" {
                    if chars[j] == "<" { throw JSONataError(code: "S0402", position: position + j) }
                    choice.append(chars[j])
                    j += 1
                }
                prev = add(Param(symbols: Self.bits(choice + "m"), type: "("))
                i = j
            case "<":
                guard let p = prev, params[p].type == "a" || params[p].type == "f" else {
                    throw JSONataError(code: "S0401", position: position + i)
                }
                var depth = 1
                var j = i + 1
                var sub = ""
                while j < chars.count {
                    if chars[j] == "<" { depth += 1 }
                    if chars[j] == ">" {
                        depth -= 1
                        if depth == 0 { break }
                    }
                    sub.append(chars[j])
                    j += 1
                }
                params[p].subtype = sub
                i = j
            default:
                break
            }
            i += 1
        }
        isSimple = params.allSatisfy { !$0.variadic }
    }

    /// Arguments matched position by position, or nil when that simple reading does not apply.
    func alignedArguments(_ args: [Item?]) -> [Item?]? {
        var out = args
        for i in 0..<args.count {
            let param = params[i]
            let symbol = Self.symbol(args[i])
            guard param.symbols & symbol != 0 else { return nil }
            if param.type == "a", let arg = args[i], let want = param.subtypeBits {
                if case .array(let a) = arg {
                    for item in a.items where Self.symbol(item) != want { return nil }
                } else {
                    guard symbol == want else { return nil }
                    out[i] = .array(ItemArray([arg]))
                }
            }
        }
        for i in args.count..<params.count where !params[i].optional || params[i].context { return nil }
        return out
    }

    static func symbol(_ value: Item?) -> UInt8 {
        guard let value else { return 128 }
        switch value {
        case .null: return 16
        case .bool: return 8
        case .number: return 4
        case .string: return 2
        case .array: return 1
        case .object: return 64
        case .function: return 32
        }
    }

    /// Matches symbols against params with backtracking, like the regular expression JSONata builds.
    func match(_ symbols: [UInt8]) -> [Int]? {
        var counts = [Int](repeating: 0, count: params.count)
        func go(_ p: Int, _ s: Int) -> Bool {
            if p == params.count { return s == symbols.count }
            let param = params[p]
            var maxTake = 0
            while s + maxTake < symbols.count && param.symbols & symbols[s + maxTake] != 0 {
                maxTake += 1
                if !param.variadic { break }
            }
            let minTake = param.optional ? 0 : 1
            if maxTake < minTake { return false }
            var take = maxTake
            while take >= minTake {
                counts[p] = take
                if go(p + 1, s + take) { return true }
                take -= 1
            }
            return false
        }
        return go(0, 0) ? counts : nil
    }

    func validate(_ args: [Item?], context: Item?, name: String?) throws -> [Item?] {
        // Fast path: arguments line up with parameters one to one, as in most calls.
        if args.count <= params.count && isSimple, var out = alignedArguments(args) {
            if out.count < params.count { out += [Item?](repeating: nil, count: params.count - out.count) }
            return out
        }
        let symbols = args.map(Self.symbol)
        guard let counts = match(symbols) else {
            // Find how far a prefix of the parameters matches, to point at the first bad argument.
            var good = 0
            for (i, param) in params.enumerated() {
                var take = 0
                while good + take < symbols.count && param.symbols & symbols[good + take] != 0 {
                    take += 1
                    if !param.variadic { break }
                }
                if take == 0 && !param.optional { break }
                _ = i
                good += take
            }
            throw JSONataError(code: "T0410", token: name, value: String(good + 1))
        }
        var out: [Item?] = []
        var argIndex = 0
        for (p, param) in params.enumerated() {
            let taken = counts[p]
            if taken == 0 {
                if param.context {
                    if param.symbols & Self.symbol(context) != 0 {
                        out.append(context)
                    } else {
                        throw JSONataError(code: "T0411", token: name, value: String(argIndex + 1))
                    }
                } else {
                    // JSONata consumes an argument slot even for an empty optional match; kept for compatibility.
                    out.append(argIndex < args.count ? args[argIndex] : nil)
                    argIndex += 1
                }
                continue
            }
            for _ in 0..<taken {
                var arg = argIndex < args.count ? args[argIndex] : nil
                if param.type == "a", let arg0 = arg, let want = param.subtypeBits {
                    var ok = true
                    if case .array(let a) = arg0 {
                        for item in a.items where Self.symbol(item) != want {
                            ok = false
                            break
                        }
                    } else {
                        ok = Self.symbol(arg0) == want
                        if ok { arg = .array(ItemArray([arg0])) }
                    }
                    if !ok { throw JSONataError(code: "T0412", token: name, value: String(argIndex + 1)) }
                }
                out.append(arg)
                argIndex += 1
            }
        }
        return out
    }
}
