import Foundation

/// A Pratt parser for JSONata followed by the same tree rewriting JSONata performs (paths, stages,
/// tuple bindings, parent resolution, tail calls).
struct Parser {
    var lexer: Lexer
    var token: Token
    let source: String
    var ancestorLabel = 0
    var ancestorIndex = 0
    var ancestry: [Node] = []

    static let bindingPower: [String: Int] = [
        ".": 75, "[": 80, "]": 0, "{": 70, "}": 0, "(": 80, ")": 0, ",": 0, "@": 80, "#": 80, ";": 80, ":": 80,
        "?": 20, "+": 50, "-": 50, "*": 60, "/": 60, "%": 60, "|": 20, "=": 40, "<": 40, ">": 40, "^": 40,
        "**": 60, "..": 20, ":=": 10, "!=": 40, "<=": 40, ">=": 40, "~>": 40, "?:": 40, "??": 40, "and": 30,
        "or": 25, "in": 40, "&": 50,
    ]

    static func parse(_ source: String) throws -> Node {
        var parser = Parser(source: source)
        try parser.advance()
        let ast = try parser.expression(0)
        if parser.token.kind != .end {
            throw JSONataError(code: "S0201", position: parser.token.position, token: parser.token.text)
        }
        let processed = try parser.process(ast)
        markSimplePaths(processed)
        if processed.kind == .parent || processed.seekingParent != nil {
            throw JSONataError(code: "S0217", position: processed.position, token: "\(processed.kind)")
        }
        return processed
    }

    /// Flags paths made only of plain names, after rewriting has settled every step's annotations.
    static func markSimplePaths(_ root: Node) {
        var stack = [root]
        var seen = Set<ObjectIdentifier>()
        while let node = stack.popLast() {
            guard seen.insert(ObjectIdentifier(node)).inserted else { continue }
            if node.kind == .block { node.needsScope = containsBinding(node) }
            if node.kind == .variable { node.native = StandardLibrary.functions[node.value] }
            node.hasPostfix = node.predicate != nil || (node.kind != .path && node.group != nil)
            if node.kind == .unary && node.value == "{" && node.pairs.allSatisfy({ $0.0.kind == .string }) {
                let keys = node.pairs.map(\.0.value)
                if Set(keys).count == keys.count { node.literalKeys = keys }
            }
            if node.kind == .path && !node.steps.isEmpty && !node.keepSingletonArray && node.group == nil
                && node.predicate == nil && !node.tuple && node.seekingParent == nil
            {
                node.simpleNames = node.steps.allSatisfy { step in
                    step.kind == .name && step.stages == nil && step.predicate == nil && step.group == nil
                        && !step.keepArray && !step.tuple && step.focus == nil && step.index == nil && step.ancestor == nil
                }
            }
            let children: [Node?] = [
                node.lhs, node.rhs, node.expression, node.condition, node.then, node.otherwise, node.body, node.procedure,
                node.pattern, node.update, node.delete,
            ]
            stack.append(contentsOf: children.compactMap { $0 })
            stack.append(contentsOf: node.expressions + node.steps + node.arguments)
            for (k, v) in node.pairs { stack.append(contentsOf: [k, v]) }
            for t in node.terms { stack.append(t.expression) }
            for stages in [node.stages, node.predicate] {
                for case .filter(let p, _) in stages ?? [] { stack.append(p) }
            }
            for (k, v) in node.group?.pairs ?? [] { stack.append(contentsOf: [k, v]) }
        }
    }

    static func containsBinding(_ node: Node) -> Bool {
        if node.kind == .bind { return true }
        let children: [Node?] = [
            node.lhs, node.rhs, node.expression, node.condition, node.then, node.otherwise, node.body, node.procedure,
            node.pattern, node.update, node.delete,
        ]
        for child in children.compactMap({ $0 }) + node.expressions + node.steps + node.arguments
        where containsBinding(child) {
            return true
        }
        for (k, v) in node.pairs + (node.group?.pairs ?? []) where containsBinding(k) || containsBinding(v) { return true }
        for t in node.terms where containsBinding(t.expression) { return true }
        for stages in [node.stages, node.predicate] {
            for case .filter(let p, _) in stages ?? [] where containsBinding(p) { return true }
        }
        return false
    }

    init(source: String) {
        self.source = source
        self.lexer = Lexer(source)
        self.token = Token(kind: .end, position: 0)
    }

    var id: String {
        switch token.kind {
        case .op: return token.text
        case .end: return "(end)"
        default: return ""
        }
    }

    /// Separators and prefix-only symbols never bind to the left.
    static let nonInfix: Set<String> = [":", ";", ",", ")", "]", "}", "|", "!", "~", "**"]

    var lbp: Int {
        if token.kind == .op && !Self.nonInfix.contains(token.text) { return Self.bindingPower[token.text] ?? 0 }
        return 0
    }

    mutating func advance(_ expected: String? = nil, infix: Bool = false) throws {
        if let expected, id != expected {
            let code = token.kind == .end ? "S0203" : "S0202"
            throw JSONataError(code: code, position: token.position, token: token.text, value: expected)
        }
        token = try lexer.next(infix: infix)
        if token.kind == .op && Self.bindingPower[token.text] == nil {
            throw JSONataError(code: "S0204", position: token.position, token: token.text)
        }
    }

    mutating func expression(_ rbp: Int) throws -> Node {
        var t = token
        try advance(nil, infix: true)
        var left = try nud(t)
        while rbp < lbp {
            t = token
            try advance()
            left = try led(t, left)
        }
        return left
    }

    mutating func nud(_ t: Token) throws -> Node {
        switch t.kind {
        case .end:
            throw JSONataError(code: "S0207", position: t.position, token: "(end)")
        case .name:
            return Node(.name, position: t.position, value: t.text)
        case .variable:
            return Node(.variable, position: t.position, value: t.text)
        case .string:
            let n = Node(.string, position: t.position, value: t.text)
            n.literal = t.literal
            return n
        case .number:
            let n = Node(.number, position: t.position, value: t.text)
            n.literal = t.literal
            return n
        case .value:
            let n = Node(.value, position: t.position, value: t.text)
            n.literal = t.literal
            return n
        case .regex:
            let n = Node(.regex, position: t.position, value: t.text)
            var options: NSRegularExpression.Options = []
            if t.regexFlags.contains("i") { options.insert(.caseInsensitive) }
            if t.regexFlags.contains("m") { options.insert(.anchorsMatchLines) }
            do {
                n.regex = RegexBox(regex: try NSRegularExpression(pattern: t.text, options: options), source: t.text)
            } catch {
                throw JSONataError(code: "S0303", position: t.position, value: t.text)
            }
            return n
        case .op:
            return try prefixOperator(t)
        }
    }

    mutating func prefixOperator(_ t: Token) throws -> Node {
        switch t.text {
        case "-":
            let n = Node(.unary, position: t.position, value: "-")
            n.expression = try expression(70)
            return n
        case "*": return Node(.wildcard, position: t.position, value: "*")
        case "**": return Node(.descendant, position: t.position, value: "**")
        case "%": return Node(.parent, position: t.position, value: "%")
        case "and", "or", "in": return Node(.name, position: t.position, value: t.text)
        case "?": return Node(.placeholder, position: t.position, value: "?")
        case "(":
            let n = Node(.block, position: t.position, value: "(")
            while id != ")" {
                n.expressions.append(try expression(0))
                if id != ";" { break }
                try advance(";")
            }
            try advance(")", infix: true)
            return n
        case "[":
            let n = Node(.unary, position: t.position, value: "[")
            if id != "]" {
                while true {
                    var item = try expression(0)
                    if id == ".." {
                        let range = Node(.binary, position: token.position, value: "..")
                        range.lhs = item
                        try advance("..")
                        range.rhs = try expression(0)
                        item = range
                    }
                    n.expressions.append(item)
                    if id != "," { break }
                    try advance(",")
                }
            }
            try advance("]", infix: true)
            return n
        case "{":
            let n = Node(.unary, position: t.position, value: "{")
            n.pairs = try objectPairs()
            return n
        case "|":
            let n = Node(.transform, position: t.position, value: "|")
            n.pattern = try expression(0)
            try advance("|")
            n.update = try expression(0)
            if id == "," {
                try advance(",")
                n.delete = try expression(0)
            }
            try advance("|")
            return n
        default:
            throw JSONataError(code: "S0211", position: t.position, token: t.text)
        }
    }

    mutating func objectPairs() throws -> [(Node, Node)] {
        var pairs: [(Node, Node)] = []
        if id != "}" {
            while true {
                let key = try expression(0)
                try advance(":")
                let value = try expression(0)
                pairs.append((key, value))
                if id != "," { break }
                try advance(",")
            }
        }
        try advance("}", infix: true)
        return pairs
    }

    mutating func led(_ t: Token, _ left: Node) throws -> Node {
        let bp = Self.bindingPower[t.text] ?? 0
        switch t.text {
        case "(":
            return try call(t, left)
        case "[":
            if id == "]" {
                var step: Node? = left
                while let s = step, s.kind == .binary && s.value == "[" { step = s.lhs }
                step?.keepArray = true
                try advance("]", infix: true)
                return left
            }
            let n = Node(.binary, position: t.position, value: "[")
            n.lhs = left
            n.rhs = try expression(0)
            try advance("]", infix: true)
            return n
        case "{":
            let n = Node(.binary, position: t.position, value: "{")
            n.lhs = left
            n.pairs = try objectPairs()
            return n
        case "^":
            try advance("(")
            let n = Node(.binary, position: t.position, value: "^")
            while true {
                var descending = false
                if id == "<" {
                    try advance("<")
                } else if id == ">" {
                    descending = true
                    try advance(">")
                }
                n.terms.append(Node.SortTerm(descending: descending, expression: try expression(0)))
                if id != "," { break }
                try advance(",")
            }
            try advance(")", infix: true)
            n.lhs = left
            return n
        case ":=":
            if left.kind != .variable { throw JSONataError(code: "S0212", position: left.position, token: left.value) }
            let n = Node(.binary, position: t.position, value: ":=")
            n.lhs = left
            n.rhs = try expression(bp - 1)
            return n
        case "@", "#":
            let n = Node(.binary, position: t.position, value: t.text)
            n.lhs = left
            n.rhs = try expression(bp)
            if n.rhs?.kind != .variable {
                throw JSONataError(code: "S0214", position: n.rhs?.position ?? t.position, token: t.text)
            }
            return n
        case "?":
            let n = Node(.condition, position: t.position, value: "?")
            n.condition = left
            n.then = try expression(0)
            if id == ":" {
                try advance(":")
                n.otherwise = try expression(0)
            }
            return n
        case "?:", "??":
            let n = Node(t.text == "?:" ? .elvis : .coalesce, position: t.position, value: t.text)
            n.lhs = left
            n.rhs = try expression(0)
            return n
        case "~>":
            let n = Node(.binary, position: t.position, value: "~>")
            n.lhs = left
            n.rhs = try expression(bp)
            return n
        case ".", "+", "-", "*", "/", "%", "=", "<", ">", "!=", "<=", ">=", "&", "and", "or", "in", "..":
            let n = Node(.binary, position: t.position, value: t.text)
            n.lhs = left
            n.rhs = try expression(bp)
            return n
        default:
            throw JSONataError(code: "S0201", position: t.position, token: t.text)
        }
    }

    mutating func call(_ t: Token, _ left: Node) throws -> Node {
        let n = Node(.function, position: t.position, value: "(")
        n.procedure = left
        if id != ")" {
            while true {
                if token.kind == .op && token.text == "?" {
                    n.kind = .partial
                    n.arguments.append(Node(.placeholder, position: token.position, value: "?"))
                    try advance("?")
                } else {
                    n.arguments.append(try expression(0))
                }
                if id != "," { break }
                try advance(",")
            }
        }
        try advance(")", infix: true)
        if left.kind == .name && (left.value == "function" || left.value == "\u{03BB}") {
            for (i, arg) in n.arguments.enumerated() where arg.kind != .variable {
                throw JSONataError(code: "S0208", position: arg.position, token: arg.value, value: String(i + 1))
            }
            n.kind = .lambda
            if id == "<" {
                // The signature is read from the raw source: its characters are not JSONata tokens.
                let start = token.position - 1
                var depth = 0
                var i = start
                let chars = lexer.chars
                var text = String.UnicodeScalarView()
                while i < chars.count {
                    let c = chars[i]
                    text.append(c)
                    if c == "<" { depth += 1 }
                    if c == ">" {
                        depth -= 1
                        if depth == 0 { break }
                    }
                    i += 1
                }
                lexer.pos = i + 1
                n.signature = try Signature(String(text), position: start)
                token = try lexer.next(infix: false)
            }
            try advance("{")
            n.body = try expression(0)
            try advance("}", infix: true)
        }
        return n
    }
}
