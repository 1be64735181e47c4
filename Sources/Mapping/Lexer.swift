/// One token of a JSONata expression; `position` is the offset just past the token, as JSONata reports it.
struct Token {
    enum Kind { case op, string, number, name, variable, value, regex, end }
    var kind: Kind
    var text: String = ""
    var number: Double = 0
    var literal: Item = .null
    var regexFlags: String = ""
    var position: Int
}

/// Tokenizes on demand because whether `/` starts a regex depends on what the parser expects next.
struct Lexer {
    let chars: [Unicode.Scalar]
    var pos = 0

    init(_ source: String) { chars = Array(source.unicodeScalars) }

    static let singleOperators: Set<Unicode.Scalar> = [
        ".", "[", "]", "{", "}", "(", ")", ",", "@", "#", ";", ":", "?", "+", "-", "*", "/", "%", "|", "=", "<",
        ">", "^", "&", "!", "~",
    ]
    static let doubleOperators: [(Unicode.Scalar, Unicode.Scalar)] = [
        (".", "."), (":", "="), ("!", "="), (">", "="), ("<", "="), ("*", "*"), ("~", ">"), ("?", ":"), ("?", "?"),
    ]

    func char(_ i: Int) -> Unicode.Scalar? { i < chars.count ? chars[i] : nil }

    func isWhitespace(_ c: Unicode.Scalar) -> Bool { c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0B}" }

    mutating func next(infix: Bool) throws -> Token {
        while let c = char(pos), isWhitespace(c) { pos += 1 }
        if char(pos) == "/" && char(pos + 1) == "*" {
            let start = pos
            pos += 2
            while !(char(pos) == "*" && char(pos + 1) == "/") {
                pos += 1
                if pos >= chars.count { throw JSONataError(code: "S0106", position: start) }
            }
            pos += 2
            return try next(infix: infix)
        }
        guard let c = char(pos) else { return Token(kind: .end, position: chars.count) }
        if !infix && c == "/" {
            pos += 1
            return try scanRegex()
        }
        if let n = char(pos + 1) {
            for (a, b) in Self.doubleOperators where a == c && b == n {
                pos += 2
                return Token(kind: .op, text: String(Character(a)) + String(Character(b)), position: pos)
            }
        }
        if Self.singleOperators.contains(c) {
            pos += 1
            return Token(kind: .op, text: String(Character(c)), position: pos)
        }
        if c == "\"" || c == "'" { return try scanString(quote: c) }
        if c.properties.numericType != nil && ("0"..."9").contains(c) { return try scanNumber() }
        if c == "`" {
            pos += 1
            let start = pos
            while let d = char(pos), d != "`" { pos += 1 }
            if pos >= chars.count { throw JSONataError(code: "S0105", position: chars.count) }
            let name = string(start, pos)
            pos += 1
            return Token(kind: .name, text: name, position: pos)
        }
        var i = pos
        while let d = char(i), !isWhitespace(d), !Self.singleOperators.contains(d) { i += 1 }
        if c == "$" {
            let name = string(pos + 1, i)
            pos = i
            return Token(kind: .variable, text: name, position: pos)
        }
        let name = string(pos, i)
        pos = i
        switch name {
        case "and", "or", "in": return Token(kind: .op, text: name, position: pos)
        case "true": return Token(kind: .value, text: name, literal: .bool(true), position: pos)
        case "false": return Token(kind: .value, text: name, literal: .bool(false), position: pos)
        case "null": return Token(kind: .value, text: name, literal: .null, position: pos)
        default:
            if name.isEmpty { return Token(kind: .end, position: chars.count) }
            return Token(kind: .name, text: name, position: pos)
        }
    }

    func string(_ from: Int, _ to: Int) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: chars[from..<to])
        return String(view)
    }

    mutating func scanString(quote: Unicode.Scalar) throws -> Token {
        pos += 1
        var out = String.UnicodeScalarView()
        while let c = char(pos) {
            if c == "\\" {
                pos += 1
                guard let e = char(pos) else { break }
                switch e {
                case "\"": out.append("\"")
                case "\\": out.append("\\")
                case "/": out.append("/")
                case "b": out.append("\u{08}")
                case "f": out.append("\u{0C}")
                case "n": out.append("\n")
                case "r": out.append("\r")
                case "t": out.append("\t")
                case "u":
                    guard pos + 4 < chars.count, let code = UInt32(string(pos + 1, pos + 5), radix: 16) else {
                        throw JSONataError(code: "S0104", position: pos)
                    }
                    pos += 4
                    // A surrogate pair arrives as two escapes; JavaScript strings join them implicitly.
                    if code >= 0xD800 && code < 0xDC00, char(pos + 1) == "\\", char(pos + 2) == "u",
                        pos + 6 < chars.count, let low = UInt32(string(pos + 3, pos + 7), radix: 16),
                        low >= 0xDC00 && low < 0xE000
                    {
                        pos += 6
                        out.append(Unicode.Scalar(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00))!)
                    } else {
                        out.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                    }
                default:
                    throw JSONataError(code: "S0103", position: pos, token: String(Character(e)))
                }
            } else if c == quote {
                pos += 1
                return Token(kind: .string, text: String(out), literal: .string(String(out)), position: pos)
            } else {
                out.append(c)
            }
            pos += 1
        }
        throw JSONataError(code: "S0101", position: pos)
    }

    mutating func scanNumber() throws -> Token {
        let start = pos
        var i = pos
        func digit(_ i: Int) -> Bool { if let c = char(i) { return ("0"..."9").contains(c) } else { return false } }
        if char(i) == "0" {
            i += 1
        } else {
            while digit(i) { i += 1 }
        }
        if char(i) == ".", digit(i + 1) {
            i += 1
            while digit(i) { i += 1 }
        }
        if char(i) == "e" || char(i) == "E" {
            var j = i + 1
            if char(j) == "+" || char(j) == "-" { j += 1 }
            if digit(j) {
                while digit(j) { j += 1 }
                i = j
            }
        }
        let text = string(start, i)
        guard let value = Double(text), value.isFinite else {
            throw JSONataError(code: "S0102", position: start, token: text)
        }
        pos = i
        return Token(kind: .number, text: text, number: value, literal: .number(value), position: pos)
    }

    mutating func scanRegex() throws -> Token {
        let start = pos
        var depth = 0
        while let c = char(pos) {
            if c == "/" && depth == 0 {
                var backslashes = 0
                while pos - backslashes - 1 >= 0 && chars[pos - backslashes - 1] == "\\" { backslashes += 1 }
                if backslashes % 2 == 0 {
                    let pattern = string(start, pos)
                    if pattern.isEmpty { throw JSONataError(code: "S0301", position: pos) }
                    pos += 1
                    let flagStart = pos
                    while let f = char(pos), f == "i" || f == "m" { pos += 1 }
                    return Token(kind: .regex, text: pattern, regexFlags: string(flagStart, pos), position: pos)
                }
            }
            let previous = pos > 0 ? chars[pos - 1] : " "
            if (c == "(" || c == "[" || c == "{") && previous != "\\" { depth += 1 }
            if (c == ")" || c == "]" || c == "}") && previous != "\\" { depth -= 1 }
            pos += 1
        }
        throw JSONataError(code: "S0302", position: pos)
    }
}
