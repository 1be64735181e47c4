import Values

/// A compiled form of the expressions record mappings are made of — field paths, literals, object constructors,
/// conditions, `?:` and `??`, comparisons, arithmetic, `&` and a few built-ins — that evaluates straight on
/// `JSONValue`.
///
/// The general evaluator converts its input into `Item`s and its result back, and allocates sequences, frames and
/// argument arrays along the way; for a typical mapping that bookkeeping costs more than the mapping itself. A plan
/// is never a second source of truth for semantics: expressions outside the subset get no plan at compile time,
/// and any input that would lead somewhere the plan does not model (a type error, an array where the plan expects
/// an object, …) makes it give up by throwing `Unsupported`, after which the general evaluator runs from scratch
/// and produces the result or the error. Plans do no binding, looping or recursion, so they cannot hit the time
/// limit, and `depth` bounds the general evaluator's nesting for the same expression so that depth limits keep
/// their meaning.
indirect enum DirectPlan: Sendable {
    /// The plan cannot answer for this input; the general evaluator must.
    struct Unsupported: Error {}

    /// A string, number, boolean or null literal.
    case literal(JSONValue)
    /// `a.b.c`: plain field names read from the context object.
    case field([String])
    /// `name.{…}`: an object constructor applied to each object in the context's field `name`.
    case mapObjects(String, DirectPlan)
    /// `{"k": v, …}` with distinct literal keys.
    case object(keys: [String], values: [DirectPlan])
    /// `{k: v, …}` with computed keys.
    case computedObject([(key: DirectPlan, value: DirectPlan)])
    /// `c ? a : b` (a missing `: b` is `nil`).
    case condition(DirectPlan, DirectPlan, DirectPlan?)
    /// A binary operator of the subset.
    case binary(BinaryOperator, DirectPlan, DirectPlan)
    /// Unary minus.
    case negate(DirectPlan)
    /// `a ?? b`: `a` unless it is undefined.
    case coalesce(DirectPlan, DirectPlan)
    /// `a ?: b`: `a` unless it is false in JSONata's boolean reading.
    case elvis(DirectPlan, DirectPlan)
    /// A call of a built-in function that cannot be shadowed, with its one or two arguments.
    case call(Builtin, DirectPlan, DirectPlan?)
    /// `$merge(name.{…})`: the objects built from the field `name`, merged into one without building each first.
    case mergeMapObjects(String, DirectPlan)

    enum BinaryOperator: Sendable {
        case add, subtract, multiply, divide, remainder
        case less, lessOrEqual, greater, greaterOrEqual
        case equal, notEqual
        case and, or
        case concatenate

        init?(_ token: String) {
            switch token {
            case "+": self = .add
            case "-": self = .subtract
            case "*": self = .multiply
            case "/": self = .divide
            case "%": self = .remainder
            case "<": self = .less
            case "<=": self = .lessOrEqual
            case ">": self = .greater
            case ">=": self = .greaterOrEqual
            case "=": self = .equal
            case "!=": self = .notEqual
            case "and": self = .and
            case "or": self = .or
            case "&": self = .concatenate
            default: return nil
            }
        }
    }

    /// The built-ins a plan evaluates itself, each with the argument counts it accepts.
    enum Builtin: Sendable {
        case number, uppercase, lowercase, round, merge

        init?(name: String, argumentCount: Int) {
            switch (name, argumentCount) {
            case ("number", 1): self = .number
            case ("uppercase", 1): self = .uppercase
            case ("lowercase", 1): self = .lowercase
            case ("round", 1), ("round", 2): self = .round
            case ("merge", 1): self = .merge
            default: return nil
            }
        }
    }
}

// MARK: - Compiling

extension DirectPlan {
    /// The plan for `node`, or nil when any part of it lies outside the subset.
    init?(_ node: Node) {
        guard Self.isPlain(node) else { return nil }
        switch node.kind {
        case .string, .number, .value:
            guard let value = node.literal.toJSON() else { return nil }
            self = .literal(value)
        case .name:
            self = .field([node.value])
        case .path:
            guard !node.keepSingletonArray, !node.tuple, !node.steps.isEmpty, node.steps.allSatisfy(Self.isPlain)
            else { return nil }
            if node.simpleNames {
                self = .field(node.steps.map(\.value))
            } else if node.steps.count == 2, node.steps[0].kind == .name, node.steps[1].kind == .unary,
                node.steps[1].value == "{", let constructor = DirectPlan(node.steps[1])
            {
                self = .mapObjects(node.steps[0].value, constructor)
            } else {
                return nil
            }
        case .unary where node.value == "{":
            if let keys = node.literalKeys {
                var values: [DirectPlan] = []
                for pair in node.pairs {
                    guard let value = DirectPlan(pair.1) else { return nil }
                    values.append(value)
                }
                self = .object(keys: keys, values: values)
            } else {
                // Literal keys that repeat are an error (D1009) the general evaluator reports.
                guard !node.pairs.allSatisfy({ $0.0.kind == .string }) else { return nil }
                var pairs: [(key: DirectPlan, value: DirectPlan)] = []
                for pair in node.pairs {
                    guard let key = DirectPlan(pair.0), let value = DirectPlan(pair.1) else { return nil }
                    pairs.append((key, value))
                }
                self = .computedObject(pairs)
            }
        case .unary where node.value == "-":
            guard let operand = node.expression.flatMap(DirectPlan.init) else { return nil }
            self = .negate(operand)
        case .coalesce, .elvis:
            guard let lhs = node.lhs.flatMap(DirectPlan.init), let rhs = node.rhs.flatMap(DirectPlan.init) else {
                return nil
            }
            self = node.kind == .coalesce ? .coalesce(lhs, rhs) : .elvis(lhs, rhs)
        case .condition:
            guard let condition = node.condition.flatMap(DirectPlan.init), let then = node.then.flatMap(DirectPlan.init)
            else { return nil }
            var otherwise: DirectPlan? = nil
            if let node = node.otherwise {
                guard let plan = DirectPlan(node) else { return nil }
                otherwise = plan
            }
            self = .condition(condition, then, otherwise)
        case .binary:
            guard let op = BinaryOperator(node.value), let lhs = node.lhs.flatMap(DirectPlan.init),
                let rhs = node.rhs.flatMap(DirectPlan.init)
            else { return nil }
            self = .binary(op, lhs, rhs)
        case .function:
            guard let procedure = node.procedure, procedure.kind == .variable, Self.isPlain(procedure),
                procedure.native != nil,
                let builtin = Builtin(name: procedure.value, argumentCount: node.arguments.count)
            else { return nil }
            guard let first = DirectPlan(node.arguments[0]) else { return nil }
            var second: DirectPlan? = nil
            if node.arguments.count > 1 {
                guard let plan = DirectPlan(node.arguments[1]) else { return nil }
                second = plan
            }
            if builtin == .merge, case .mapObjects(let name, let constructor) = first {
                self = .mergeMapObjects(name, constructor)
            } else {
                self = .call(builtin, first, second)
            }
        default:
            return nil
        }
    }

    /// True when `node` carries none of the annotations (predicates, grouping, bindings, …) a plan does not model.
    private static func isPlain(_ node: Node) -> Bool {
        node.predicate == nil && node.stages == nil && node.group == nil && !node.keepArray && !node.consarray
            && !node.tuple && node.focus == nil && node.index == nil && node.ancestor == nil
            && node.seekingParent == nil
    }

    /// An upper bound on the nesting the general evaluator reaches for the same expression.
    var depth: Int {
        switch self {
        case .literal, .field: return 1
        case .mapObjects(_, let constructor): return 2 + constructor.depth
        case .mergeMapObjects(_, let constructor): return 3 + constructor.depth
        case .object(_, let values): return 1 + (values.map(\.depth).max() ?? 0)
        case .computedObject(let pairs): return 1 + (pairs.map { max($0.key.depth, $0.value.depth) }.max() ?? 0)
        case .condition(let c, let a, let b): return 1 + max(c.depth, a.depth, b?.depth ?? 0)
        case .binary(_, let lhs, let rhs): return 1 + max(lhs.depth, rhs.depth)
        case .negate(let operand): return 1 + operand.depth
        case .coalesce(let lhs, let rhs), .elvis(let lhs, let rhs): return 1 + max(lhs.depth, rhs.depth)
        case .call(_, let first, let second): return 1 + max(first.depth, second?.depth ?? 0)
        }
    }
}

// MARK: - Evaluating

extension DirectPlan {
    /// Evaluates against one object; nil means undefined.
    func evaluate(_ context: JSONObject) throws(Unsupported) -> JSONValue? {
        switch self {
        case .literal(let value):
            return value
        case .field(let names):
            guard var value = context[names[0]] else { return nil }
            for name in names.dropFirst() {
                // Reading through arrays maps over them with sequence flattening: left to the general evaluator.
                guard case .object(let object) = value else { throw Unsupported() }
                guard let next = object[name] else { return nil }
                value = next
            }
            return value
        case .mapObjects(let name, let constructor):
            switch context[name] {
            case nil:
                return nil
            case .object(let object)?:
                return try constructor.evaluate(object)
            case .array(let elements)?:
                var results: [JSONValue] = []
                results.reserveCapacity(elements.count)
                for element in elements {
                    guard case .object(let object) = element else { throw Unsupported() }
                    if let result = try constructor.evaluate(object) { results.append(result) }
                }
                // A path's result sequence: empty is undefined, a single item stands for itself.
                switch results.count {
                case 0: return nil
                case 1: return results[0]
                default: return .array(results)
                }
            default:
                throw Unsupported()
            }
        case .object(let keys, let values):
            var memberValues: [JSONValue] = []
            memberValues.reserveCapacity(values.count)
            var presentKeys: [String]? = nil
            for index in values.indices {
                if let value = try values[index].evaluate(context) {
                    memberValues.append(value)
                    presentKeys?.append(keys[index])
                } else if presentKeys == nil {
                    // Undefined members are left out; only then does the key list need a copy of its own.
                    presentKeys = Array(keys[..<index])
                }
            }
            return .object(JSONObject(uniqueKeys: presentKeys ?? keys, values: memberValues))
        case .computedObject(let pairs):
            var keys: [String] = []
            var pairIndices: [Int] = []
            for (index, pair) in pairs.enumerated() {
                guard let key = try pair.key.evaluate(context) else {
                    // A lone pair with an undefined key yields an empty object without evaluating the value.
                    if pairs.count == 1 { return .object(JSONObject()) }
                    continue
                }
                guard case .string(let name) = key, !keys.contains(name) else { throw Unsupported() }
                keys.append(name)
                pairIndices.append(index)
            }
            var memberKeys: [String] = []
            var memberValues: [JSONValue] = []
            memberKeys.reserveCapacity(keys.count)
            memberValues.reserveCapacity(keys.count)
            for (key, index) in zip(keys, pairIndices) {
                guard let value = try pairs[index].value.evaluate(context) else { continue }
                memberKeys.append(key)
                memberValues.append(value)
            }
            return .object(JSONObject(uniqueKeys: memberKeys, values: memberValues))
        case .condition(let condition, let then, let otherwise):
            if try Self.truthiness(condition.evaluate(context)) == true { return try then.evaluate(context) }
            return try otherwise?.evaluate(context)
        case .binary(let op, let lhsPlan, let rhsPlan):
            let lhs = try lhsPlan.evaluate(context)
            switch op {
            case .and:
                guard try Self.truthiness(lhs) == true else { return .bool(false) }
                return .bool(try Self.truthiness(rhsPlan.evaluate(context)) == true)
            case .or:
                if try Self.truthiness(lhs) == true { return .bool(true) }
                return .bool(try Self.truthiness(rhsPlan.evaluate(context)) == true)
            default:
                return try Self.apply(op, lhs, rhsPlan.evaluate(context))
            }
        case .negate(let operand):
            switch try operand.evaluate(context) {
            case nil: return nil
            case .number(let n)?: return .number(-n)
            default: throw Unsupported()
            }
        case .coalesce(let lhs, let rhs):
            if let value = try lhs.evaluate(context) { return value }
            return try rhs.evaluate(context)
        case .elvis(let lhs, let rhs):
            let value = try lhs.evaluate(context)
            return try Self.truthiness(value) == true ? value : rhs.evaluate(context)
        case .call(let builtin, let first, let second):
            return try Self.call(builtin, first.evaluate(context), second?.evaluate(context))
        case .mergeMapObjects(let name, let constructor):
            switch context[name] {
            case nil:
                return nil
            case .object(let object)?:
                return try constructor.evaluate(object)
            case .array(let elements)?:
                // An empty sequence is undefined, and `$merge` of undefined is undefined.
                if elements.isEmpty { return nil }
                var merged = JSONObject(minimumCapacity: elements.count)
                for element in elements {
                    guard case .object(let object) = element else { throw Unsupported() }
                    try constructor.construct(on: object, into: &merged)
                }
                return .object(merged)
            default:
                throw Unsupported()
            }
        }
    }

    /// JSONata's boolean reading of scalars and objects; arrays have subtler rules the general evaluator applies.
    private static func truthiness(_ value: JSONValue?) throws(Unsupported) -> Bool? {
        switch value {
        case nil: return nil
        case .null?: return false
        case .bool(let b)?: return b
        case .number(let n)?: return n != 0
        case .string(let s)?: return !s.isEmpty
        case .object(let o)?: return !o.isEmpty
        case .array?: throw Unsupported()
        }
    }

    private static func apply(
        _ op: BinaryOperator, _ lhs: JSONValue?, _ rhs: JSONValue?
    ) throws(Unsupported)
        -> JSONValue?
    {
        switch op {
        case .add, .subtract, .multiply, .divide, .remainder:
            // Anything but finite numbers (or undefined) is a type error.
            var l = 0.0
            var r = 0.0
            if let lhs {
                guard case .number(let n) = lhs, n.isFinite else { throw Unsupported() }
                l = n
            }
            if let rhs {
                guard case .number(let n) = rhs, n.isFinite else { throw Unsupported() }
                r = n
            }
            guard lhs != nil, rhs != nil else { return nil }
            switch op {
            case .add: return .number(l + r)
            case .subtract: return .number(l - r)
            case .multiply: return .number(l * r)
            case .divide: return .number(l / r)
            default: return .number(l.truncatingRemainder(dividingBy: r))
            }
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            let order: Int
            switch (lhs, rhs) {
            case (.number(let a)?, .number(let b)?): order = a < b ? -1 : (a > b ? 1 : (a == b ? 0 : 2))
            case (.string(let a)?, .string(let b)?): order = compareStrings(a, b)
            case (nil, nil), (nil, .number?), (nil, .string?), (.number?, nil), (.string?, nil): return nil
            default: throw Unsupported()
            }
            // `order == 2` marks NaN, for which every comparison is false.
            switch op {
            case .less: return .bool(order == -1)
            case .lessOrEqual: return .bool(order == -1 || order == 0)
            case .greater: return .bool(order == 1)
            default: return .bool(order == 1 || order == 0)
            }
        case .equal, .notEqual:
            guard let lhs, let rhs else { return .bool(false) }
            let equal: Bool
            switch (lhs, rhs) {
            case (.array, _), (_, .array), (.object, _), (_, .object): throw Unsupported()
            default: equal = lhs == rhs
            }
            return .bool(op == .equal ? equal : !equal)
        case .concatenate:
            return .string(try text(lhs) + text(rhs))
        case .and, .or:
            throw Unsupported()
        }
    }

    /// The text `&` joins: undefined is empty and scalars read as `$string` reads them; containers are left to
    /// the general evaluator.
    private static func text(_ value: JSONValue?) throws(Unsupported) -> String {
        switch value {
        case nil: return ""
        case .string(let s)?: return s
        case .number(let n)?:
            guard let text = try? StandardLibrary.string(.number(n)) else { throw Unsupported() }
            return text
        case .bool(let b)?: return b ? "true" : "false"
        case .null?: return "null"
        case .array?, .object?: throw Unsupported()
        }
    }

    /// Adds the members an object constructor builds on `context` to `object`, replacing members with the same
    /// key as `$merge` does.
    private func construct(on context: JSONObject, into object: inout JSONObject) throws(Unsupported) {
        switch self {
        case .computedObject(let pairs) where pairs.count == 1:
            guard let key = try pairs[0].key.evaluate(context) else { return }
            guard case .string(let name) = key else { throw Unsupported() }
            if let value = try pairs[0].value.evaluate(context) { object[name] = value }
        default:
            guard case .object(let built)? = try evaluate(context) else { throw Unsupported() }
            for (key, value) in built { object[key] = value }
        }
    }

    /// The built-ins on the argument types their signatures accept; anything else is left to the general evaluator.
    private static func call(
        _ builtin: Builtin, _ first: JSONValue?, _ second: JSONValue?
    ) throws(Unsupported)
        -> JSONValue?
    {
        switch builtin {
        case .number:
            switch first {
            case nil: return nil
            case .number(let n)?: return .number(n)
            case .bool(let b)?: return .number(b ? 1 : 0)
            case .string(let s)?:
                guard let n = try? StandardLibrary.toNumber(.string(s)) else { throw Unsupported() }
                return .number(n)
            default: throw Unsupported()
            }
        case .uppercase, .lowercase:
            switch first {
            case nil: return nil
            case .string(let s)?: return .string(builtin == .uppercase ? s.uppercased() : s.lowercased())
            default: throw Unsupported()
            }
        case .round:
            var precision = 0
            if let p = second {
                guard case .number(let n) = p, n.isFinite, abs(n) < 1e6 else { throw Unsupported() }
                precision = Int(n)
            }
            switch first {
            case nil: return nil
            case .number(let n)?: return .number(StandardLibrary.roundHalfEven(n, precision))
            default: throw Unsupported()
            }
        case .merge:
            switch first {
            case nil: return nil
            case .object?: return first
            case .array(let elements)?:
                var merged = JSONObject()
                for element in elements {
                    guard case .object(let object) = element else { throw Unsupported() }
                    if merged.isEmpty {
                        merged = object
                    } else {
                        for (key, value) in object { merged[key] = value }
                    }
                }
                return .object(merged)
            default: throw Unsupported()
            }
        }
    }
}
