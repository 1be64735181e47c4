import Foundation
import Values

/// Walks the expression tree; one instance per evaluation, holding the depth and time budget.
final class Evaluator {
    let maxDepth: Int
    let timeLimit: Duration
    /// Set on the first clock check, so evaluations too short to need one never read the clock.
    @exclusivity(unchecked) var deadline: ContinuousClock.Instant?
    @exclusivity(unchecked) var depth = 0
    @exclusivity(unchecked) var ticks = 0
    @exclusivity(unchecked) var natives: [String: Item] = [:]
    /// The evaluation's input, which `$$` names; held here so the root scope needs no binding.
    @exclusivity(unchecked) var rootInput: Item?
    /// The caller's scope while a built-in runs; `$eval` evaluates in it.
    @exclusivity(unchecked) var currentEnv: Frame? = nil
    /// One instant per evaluation, so `$now()` and `$millis()` agree within an expression.
    lazy var timestamp: Double = Self.currentMillis()

    init(maxDepth: Int, timeLimit: Duration) {
        self.maxDepth = maxDepth
        self.timeLimit = timeLimit
    }

    static func currentMillis() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) * 1000 + Double(ts.tv_nsec / 1_000_000)
    }

    func checkLimits() throws {
        if depth > maxDepth { throw JSONataError(code: "U1001") }
        ticks &+= 1
        if ticks & 63 == 0 {
            let now = ContinuousClock.now
            if let deadline {
                if now > deadline {
                    throw JSONataError(code: "U1001", message: "Expression evaluation timeout: Check for infinite loop")
                }
            } else {
                deadline = now.advanced(by: timeLimit)
            }
        }
    }

    // MARK: - Dispatch

    func eval(_ expr: Node, _ input: Item?, _ env: Frame) throws -> Item? {
        depth += 1
        defer { depth -= 1 }
        try checkLimits()
        var result: Item?
        switch expr.kind {
        case .path: result = try evalPath(expr, input, env)
        case .binary: result = try evalBinary(expr, input, env)
        case .unary: result = try evalUnary(expr, input, env)
        case .name: result = lookup(input, expr.value)
        case .string, .number, .value: result = expr.literal
        case .wildcard: result = evalWildcard(input)
        case .descendant: result = evalDescendants(input)
        case .parent: result = env.lookup(expr.slot!.label)
        case .condition:
            let c = try eval(expr.condition!, input, env)
            if boolean(c) == true {
                result = try eval(expr.then!, input, env)
            } else if let e = expr.otherwise {
                result = try eval(e, input, env)
            }
        case .elvis:
            let l = try eval(expr.lhs!, input, env)
            result = boolean(l) == true ? l : try eval(expr.rhs!, input, env)
        case .coalesce:
            let l = try eval(expr.lhs!, input, env)
            result = exists(l) ? l : try eval(expr.rhs!, input, env)
        case .block:
            let frame = expr.needsScope ? Frame(parent: env) : env
            for e in expr.expressions { result = try eval(e, input, frame) }
        case .bind:
            let value = try eval(expr.rhs!, input, env)
            env.bind(expr.lhs!.value, value)
            result = value
        case .regex: result = .function(FunctionItem(.regex(expr.regex!)))
        case .function: result = try evalFunction(expr, input, env, applyTo: nil)
        case .variable:
            if expr.value.isEmpty {
                if case .array(let a)? = input, a.outerWrapper { result = a.items.first } else { result = input }
            } else {
                if let bound = env.find(expr.value) {
                    result = bound
                } else if expr.value == "$" {
                    result = rootInput
                } else if let native = expr.native {
                    result = .function(FunctionItem(.native(native), signature: native.signature))
                } else {
                    result = builtin(expr.value)
                }
            }
        case .lambda:
            let f = FunctionItem(
                .lambda(node: expr, input: input, env: env, params: expr.arguments.map(\.value)), signature: expr.signature)
            f.thunk = expr.thunk
            result = .function(f)
        case .partial: result = try evalPartial(expr, input, env)
        case .apply: result = try evalApply(expr, input, env)
        case .transform: result = .function(FunctionItem(.transform(expr, env), signature: try? Signature("<(oa):o>")))
        case .sort, .placeholder, .groupBy, .orderBy, .predicate, .focusBind, .indexBind, .op:
            throw JSONataError(code: "S0206", position: expr.position, token: expr.value)
        }
        if expr.hasPostfix {
            if let predicates = expr.predicate {
                for case .filter(let p, _) in predicates { result = try evalFilter(p, result, env) }
            }
            if expr.kind != .path, let group = expr.group {
                result = try evalGroup(group.pairs, position: group.position, result, env)
            }
        }
        if case .array(let a)? = result, a.isSequence, !a.tupleStream {
            if expr.keepArray { a.keepSingleton = true }
            if a.items.isEmpty {
                result = nil
            } else if a.items.count == 1 && !a.keepSingleton {
                result = a.items[0]
            }
        }
        return result
    }

    func isBound(_ name: String, _ env: Frame) -> Bool {
        env.lookup(name) != nil || StandardLibrary.functions[name] != nil
    }

    func builtin(_ name: String) -> Item? {
        if let cached = natives[name] { return cached }
        guard let native = StandardLibrary.functions[name] else { return nil }
        let item = Item.function(FunctionItem(.native(native), signature: native.signature))
        natives[name] = item
        return item
    }

    // MARK: - Paths

    func evalPath(_ expr: Node, _ input: Item?, _ env: Frame) throws -> Item? {
        if expr.simpleNames, case .object(var object)? = input {
            // Fast path for plain `a.b.c` over objects: no sequences are built unless an array shows up.
            var i = 0
            while true {
                guard let value = object.get(expr.steps[i].value) else { return nil }
                i += 1
                if i == expr.steps.count {
                    if case .array(let a) = value, a.isSequence { break }
                    return value
                }
                guard case .object(let next) = value else { break }
                object = next
            }
        }
        var inputSequence: StepInput
        if case .array(let a)? = input, expr.steps[0].kind != .variable {
            inputSequence = .many(a.items)
        } else if let input {
            inputSequence = .single(input)
        } else {
            inputSequence = .undefined
        }
        var resultSequence: ItemArray? = nil
        var isTupleStream = false
        var tupleBindings: ItemArray? = nil
        for (i, step) in expr.steps.enumerated() {
            if step.tuple { isTupleStream = true }
            if i == 0 && step.consarray {
                let r = try eval(step, .array(ItemArray(inputSequence.items, sequence: true)), env)
                resultSequence = asSequenceArray(r)
            } else if isTupleStream {
                tupleBindings = try evalTupleStep(step, inputSequence, tupleBindings, env)
            } else {
                resultSequence = try evalStep(step, inputSequence, env, lastStep: i == expr.steps.count - 1)
            }
            if !isTupleStream && (resultSequence == nil || resultSequence!.items.isEmpty) { break }
            if step.focus == nil {
                inputSequence = .many(resultSequence?.items ?? [])
            }
        }
        if isTupleStream {
            if expr.tuple {
                resultSequence = tupleBindings
            } else {
                let out = ItemArray.sequence()
                for t in tupleBindings?.items ?? [] {
                    if case .object(let o) = t, let v = o.get("@") { out.items.append(v) }
                }
                resultSequence = out
            }
        }
        if expr.keepSingletonArray {
            if let r = resultSequence, r.cons && !r.isSequence {
                resultSequence = ItemArray([.array(r)], sequence: true)
            }
            if resultSequence == nil { resultSequence = ItemArray.sequence() }
            resultSequence!.keepSingleton = true
        }
        var result: Item? = resultSequence.map { .array($0) }
        if let group = expr.group {
            result = try evalGroup(
                group.pairs, position: group.position, isTupleStream ? tupleBindings.map { .array($0) } : result, env)
        }
        return result
    }

    /// Like JSONata's path results: an array value is used as the sequence itself; anything else is wrapped.
    func asSequenceArray(_ value: Item?) -> ItemArray? {
        guard let value else { return nil }
        if case .array(let a) = value { return a }
        return ItemArray([value], sequence: true)
    }

    func evalStep(_ expr: Node, _ input: StepInput, _ env: Frame, lastStep: Bool) throws -> ItemArray? {
        if expr.kind == .sort {
            var result = try evalSort(expr, ItemArray(input.items, sequence: true), env)
            if let stages = expr.stages { result = try evalStages(stages, result, env) }
            return asSequenceArray(result)
        }
        // The first result is held back un-flattened: a lone array result on the last step is returned as is.
        let out = ItemArray.sequence()
        var pending: Item? = nil
        var count = 0
        func flatten(_ res: Item) {
            if case .array(let a) = res, !a.cons {
                out.items.append(contentsOf: a.items)
            } else {
                out.items.append(res)
            }
        }
        func visit(_ item: Item?) throws {
            var res = try eval(expr, item, env)
            if let stages = expr.stages {
                for case .filter(let p, _) in stages { res = try evalFilter(p, res, env) }
            }
            guard let res else { return }
            count += 1
            if count == 1 {
                pending = res
                return
            }
            if let first = pending {
                flatten(first)
                pending = nil
            }
            flatten(res)
        }
        switch input {
        case .undefined: try visit(nil)
        case .single(let item): try visit(item)
        case .many(let items): for item in items { try visit(item) }
        }
        if let first = pending {
            if lastStep, case .array(let a) = first, !a.isSequence { return a }
            flatten(first)
        }
        return out
    }

    func evalStages(_ stages: [Node.Stage], _ input: Item?, _ env: Frame) throws -> Item? {
        var result = input
        for stage in stages {
            switch stage {
            case .filter(let p, _):
                result = try evalFilter(p, result, env)
            case .index(let name):
                if case .array(let a)? = result {
                    for (i, t) in a.items.enumerated() {
                        if case .object(let o) = t { o.set(name, .number(Double(i))) }
                    }
                }
            }
        }
        return result
    }

    func tuple(_ item: Item) -> ItemObject {
        if case .object(let o) = item { return o }
        let o = ItemObject()
        o.set("@", item)
        return o
    }

    func frame(from tuple: ItemObject, _ env: Frame) -> Frame {
        let frame = Frame(parent: env)
        for i in tuple.keys.indices { frame.bind(tuple.keys[i], tuple.values[i]) }
        return frame
    }

    func evalTupleStep(_ expr: Node, _ input: StepInput, _ bindings: ItemArray?, _ env: Frame) throws -> ItemArray {
        if expr.kind == .sort {
            var result: Item?
            if let bindings {
                result = try evalSort(expr, bindings, env)
            } else {
                let sorted = try evalSort(expr, ItemArray(input.items, sequence: true), env)
                let out = ItemArray.sequence()
                out.tupleStream = true
                for (i, s) in (asSequenceArray(sorted)?.items ?? []).enumerated() {
                    let t = ItemObject()
                    t.set("@", s)
                    if let index = expr.index { t.set(index, .number(Double(i))) }
                    out.items.append(.object(t))
                }
                result = .array(out)
            }
            if let stages = expr.stages { result = try evalStages(stages, result, env) }
            let arr = asSequenceArray(result) ?? ItemArray.sequence()
            arr.tupleStream = true
            return arr
        }
        let out = ItemArray.sequence()
        out.tupleStream = true
        let tuples: [ItemObject]
        if let bindings {
            tuples = bindings.items.map { tuple($0) }
        } else {
            tuples =
                (input.isUndefined ? [ItemObject()] : [])
                + input.items.map { item in
                    let t = ItemObject()
                    t.set("@", item)
                    return t
                }
        }
        for t in tuples {
            let stepEnv = frame(from: t, env)
            let res = try eval(expr, t.get("@"), stepEnv)
            guard let res else { continue }
            let resItems: [Item]
            var resIsTuple = false
            if case .array(let a) = res {
                resItems = a.items
                resIsTuple = a.tupleStream
            } else {
                resItems = [res]
            }
            for (bb, r) in resItems.enumerated() {
                let nt = t.copy()
                if resIsTuple {
                    if case .object(let ro) = r {
                        for i in ro.keys.indices { nt.set(ro.keys[i], ro.values[i]) }
                    }
                } else {
                    if let focus = expr.focus {
                        nt.set(focus, r)
                        if let at = t.get("@") { nt.set("@", at) } else { nt.remove("@") }
                    } else {
                        nt.set("@", r)
                    }
                    if let index = expr.index { nt.set(index, .number(Double(bb))) }
                    if let ancestor = expr.ancestor, let at = t.get("@") { nt.set(ancestor.label, at) }
                }
                out.items.append(.object(nt))
            }
        }
        if let stages = expr.stages {
            let r = try evalStages(stages, .array(out), env)
            let arr = asSequenceArray(r) ?? ItemArray.sequence()
            arr.tupleStream = true
            return arr
        }
        return out
    }

    func evalFilter(_ predicate: Node, _ input: Item?, _ env: Frame) throws -> Item? {
        let results = ItemArray.sequence()
        var items: [Item]
        var isTuple = false
        if case .array(let a)? = input {
            items = a.items
            isTuple = a.tupleStream
            results.tupleStream = isTuple
        } else if let input {
            items = [input]
        } else {
            items = []
        }
        if predicate.kind == .number, case .number(let n) = predicate.literal {
            var index = Int(n.rounded(.down))
            if index < 0 { index = items.count + index }
            if index >= 0 && index < items.count {
                let item = items[index]
                if case .array = item { return item }
                results.items.append(item)
            }
            return .array(results)
        }
        for (index, item) in items.enumerated() {
            var context: Item? = item
            var e = env
            if isTuple {
                let t = tuple(item)
                context = t.get("@")
                e = frame(from: t, env)
            }
            let res = try eval(predicate, context, e)
            var numbers: [Double]? = nil
            if case .number(let n)? = res {
                numbers = [n]
            } else if case .array(let a)? = res, !a.items.isEmpty {
                var all: [Double] = []
                for v in a.items {
                    guard case .number(let n) = v else {
                        all = []
                        break
                    }
                    all.append(n)
                }
                if all.count == a.items.count { numbers = all }
            }
            if let numbers {
                for n in numbers {
                    var ii = Int(n.rounded(.down))
                    if ii < 0 { ii = items.count + ii }
                    if ii == index { results.items.append(item) }
                }
            } else if boolean(res) == true {
                results.items.append(item)
            }
        }
        return .array(results)
    }

    // MARK: - Lookup, wildcards

    func lookup(_ input: Item?, _ key: String) -> Item? {
        guard let input else { return nil }
        switch input {
        case .array(let a):
            let out = ItemArray.sequence()
            for item in a.items {
                guard let r = lookup(item, key) else { continue }
                if case .array(let ra) = r {
                    out.items.append(contentsOf: ra.items)
                } else {
                    out.items.append(r)
                }
            }
            return .array(out)
        case .object(let o):
            return o.get(key)
        default:
            return nil
        }
    }

    func evalWildcard(_ input: Item?) -> Item? {
        let results = ItemArray.sequence()
        var target = input
        if case .array(let a)? = input, a.outerWrapper, let first = a.items.first { target = first }
        var values: [Item] = []
        if case .object(let o)? = target { values = o.values }
        if case .array(let a)? = target { values = a.items }
        do {
            for value in values {
                if case .array = value {
                    flatten(value, into: &results.items)
                } else {
                    results.items.append(value)
                }
            }
        }
        return .array(results)
    }

    func flatten(_ value: Item, into out: inout [Item]) {
        if case .array(let a) = value {
            for v in a.items { flatten(v, into: &out) }
        } else {
            out.append(value)
        }
    }

    func evalDescendants(_ input: Item?) -> Item? {
        guard let input else { return nil }
        var out: [Item] = []
        recurseDescendants(input, &out)
        if out.count == 1 { return out[0] }
        return .array(ItemArray(out, sequence: true))
    }

    func recurseDescendants(_ input: Item, _ out: inout [Item]) {
        switch input {
        case .array(let a):
            for v in a.items { recurseDescendants(v, &out) }
        case .object(let o):
            out.append(input)
            for v in o.values { recurseDescendants(v, &out) }
        default:
            out.append(input)
        }
    }

    // MARK: - Operators

    func evalBinary(_ expr: Node, _ input: Item?, _ env: Frame) throws -> Item? {
        let op = expr.value
        let lhs = try eval(expr.lhs!, input, env)
        if op == "and" || op == "or" {
            let l = boolean(lhs) ?? false
            if op == "and" {
                if !l { return .bool(false) }
                return .bool(boolean(try eval(expr.rhs!, input, env)) ?? false)
            }
            if l { return .bool(true) }
            return .bool(boolean(try eval(expr.rhs!, input, env)) ?? false)
        }
        let rhsNode = expr.rhs!
        // Literal operands need no evaluation step of their own.
        let rhs: Item?
        switch rhsNode.kind {
        case .number, .string, .value: rhs = rhsNode.literal
        default: rhs = try eval(rhsNode, input, env)
        }
        do {
            switch op {
            case "+", "-", "*", "/", "%": return try numeric(lhs, rhs, op)
            case "=": return .bool(lhs != nil && rhs != nil && deepEqual(lhs!, rhs!))
            case "!=": return .bool(lhs != nil && rhs != nil && !deepEqual(lhs!, rhs!))
            case "<", "<=", ">", ">=": return try compare(lhs, rhs, op)
            case "&": return .string(try stringify(lhs) + stringify(rhs))
            case "..": return try range(lhs, rhs)
            case "in":
                guard let lhs, let rhs else { return .bool(false) }
                let candidates: [Item]
                if case .array(let a) = rhs { candidates = a.items } else { candidates = [rhs] }
                for c in candidates where strictEqual(lhs, c) { return .bool(true) }
                return .bool(false)
            default:
                throw JSONataError(code: "S0201", position: expr.position, token: op)
            }
        } catch var error as JSONataError {
            if error.position == nil { error.position = expr.position }
            if error.token == nil { error.attach(token: op) }
            throw error
        }
    }

    func stringify(_ value: Item?) throws -> String {
        guard let value else { return "" }
        return try StandardLibrary.string(value)
    }

    func numeric(_ lhs: Item?, _ rhs: Item?, _ op: String) throws -> Item? {
        var l = 0.0
        var r = 0.0
        if let lhs {
            guard case .number(let n) = lhs else { throw JSONataError(code: "T2001", value: describe(lhs)) }
            if !n.isFinite { throw JSONataError(code: "D1001", value: JSONNumberFormatter.format(n)) }
            l = n
        }
        if let rhs {
            guard case .number(let n) = rhs else { throw JSONataError(code: "T2002", value: describe(rhs)) }
            if !n.isFinite { throw JSONataError(code: "D1001", value: JSONNumberFormatter.format(n)) }
            r = n
        }
        if lhs == nil || rhs == nil { return nil }
        let result: Double
        switch op {
        case "+": result = l + r
        case "-": result = l - r
        case "*": result = l * r
        case "/": result = l / r
        default: result = l.truncatingRemainder(dividingBy: r)
        }
        return .number(result)
    }

    func compare(_ lhs: Item?, _ rhs: Item?, _ op: String) throws -> Item? {
        func comparable(_ v: Item?) -> Bool {
            switch v {
            case nil, .string?, .number?: return true
            default: return false
            }
        }
        if !comparable(lhs) || !comparable(rhs) {
            throw JSONataError(code: "T2010", value: describe(comparable(lhs) ? rhs : lhs))
        }
        guard let lhs, let rhs else { return nil }
        switch (lhs, rhs) {
        case (.number(let a), .number(let b)):
            switch op {
            case "<": return .bool(a < b)
            case "<=": return .bool(a <= b)
            case ">": return .bool(a > b)
            default: return .bool(a >= b)
            }
        case (.string(let a), .string(let b)):
            let c = compareStrings(a, b)
            switch op {
            case "<": return .bool(c < 0)
            case "<=": return .bool(c <= 0)
            case ">": return .bool(c > 0)
            default: return .bool(c >= 0)
            }
        default:
            throw JSONataError(code: "T2009", value: "\(describe(lhs)) and \(describe(rhs))")
        }
    }

    func range(_ lhs: Item?, _ rhs: Item?) throws -> Item? {
        var l = 0.0
        var r = 0.0
        if let lhs {
            guard case .number(let n) = lhs, n == n.rounded() else { throw JSONataError(code: "T2003", value: describe(lhs)) }
            l = n
        }
        if let rhs {
            guard case .number(let n) = rhs, n == n.rounded() else { throw JSONataError(code: "T2004", value: describe(rhs)) }
            r = n
        }
        if lhs == nil || rhs == nil || l > r { return nil }
        let size = r - l + 1
        if size > 1e7 { throw JSONataError(code: "D2014", value: JSONNumberFormatter.format(size)) }
        var items: [Item] = []
        items.reserveCapacity(Int(size))
        var v = l
        while v <= r {
            items.append(.number(v))
            v += 1
        }
        return .array(ItemArray(items, sequence: true))
    }

    func evalUnary(_ expr: Node, _ input: Item?, _ env: Frame) throws -> Item? {
        switch expr.value {
        case "-":
            let v = try eval(expr.expression!, input, env)
            guard let v else { return nil }
            guard case .number(let n) = v else {
                throw JSONataError(code: "D1002", position: expr.position, token: "-", value: describe(v))
            }
            return .number(-n)
        case "[":
            var result: Item = .array(ItemArray())
            for item in expr.expressions {
                guard let value = try eval(item, input, env) else { continue }
                if item.kind == .unary && item.value == "[" {
                    if case .array(let a) = result { a.items.append(value) }
                } else {
                    result = StandardLibrary.append(result, value)!
                }
            }
            if expr.consarray, case .array(let a) = result { a.cons = true }
            return result
        case "{":
            if let keys = expr.literalKeys, let input, !input.isArray {
                // Distinct literal keys over one input item: build the object directly.
                let result = ItemObject(capacity: keys.count)
                for (i, pair) in expr.pairs.enumerated() {
                    if let value = try eval(pair.1, input, env) { result.append(uniqueKey: keys[i], value) }
                }
                return .object(result)
            }
            return try evalGroup(expr.pairs, position: expr.position, input, env)
        default:
            throw JSONataError(code: "S0211", position: expr.position, token: expr.value)
        }
    }

    // MARK: - Grouping and sorting

    func evalGroup(_ pairs: [(Node, Node)], position: Int, _ input: Item?, _ env: Frame) throws -> Item? {
        let result = ItemObject()
        if let input, !input.isArray {
            if pairs.count == 1 {
                let pair = pairs[0]
                guard let key = try eval(pair.0, input, env) else { return .object(result) }
                guard case .string(let k) = key else {
                    throw JSONataError(code: "T1003", position: position, value: describe(key))
                }
                if let value = try eval(pair.1, input, env) { result.append(uniqueKey: k, value) }
                return .object(result)
            }
            // One input item: each key belongs to exactly one pair, so no grouping table is needed.
            var keyPairs: [(String, Int)] = []
            keyPairs.reserveCapacity(pairs.count)
            for (pairIndex, pair) in pairs.enumerated() {
                let key: Item?
                if pair.0.kind == .string { key = pair.0.literal } else { key = try eval(pair.0, input, env) }
                guard let key else { continue }
                guard case .string(let k) = key else {
                    throw JSONataError(code: "T1003", position: position, value: describe(key))
                }
                if keyPairs.contains(where: { $0.0 == k }) {
                    throw JSONataError(code: "D1009", position: position, value: k)
                }
                keyPairs.append((k, pairIndex))
            }
            for (k, pairIndex) in keyPairs {
                if let value = try eval(pairs[pairIndex].1, input, env) { result.set(k, value) }
            }
            return .object(result)
        }
        var groupKeys: [String] = []
        var groups: [String: (data: Item, exprIndex: Int)] = [:]
        var reduce = false
        var items: [Item?]
        if case .array(let a)? = input {
            reduce = a.tupleStream
            items = a.items.map { $0 }
        } else {
            items = [input]
        }
        if items.isEmpty { items = [nil] }
        for item in items {
            var e = env
            var context = item
            if reduce, let item {
                let t = tuple(item)
                e = frame(from: t, env)
                context = t.get("@")
            }
            for (pairIndex, pair) in pairs.enumerated() {
                let key = try eval(pair.0, context, e)
                guard let key else { continue }
                guard case .string(let k) = key else {
                    throw JSONataError(code: "T1003", position: position, value: describe(key))
                }
                if let existing = groups[k] {
                    if existing.exprIndex != pairIndex {
                        throw JSONataError(code: "D1009", position: position, value: k)
                    }
                    groups[k] = (StandardLibrary.append(existing.data, item) ?? existing.data, pairIndex)
                } else if let item {
                    groups[k] = (item, pairIndex)
                    groupKeys.append(k)
                } else {
                    groups[k] = (.array(ItemArray(sequence: true)), pairIndex)
                    groupKeys.append(k)
                }
            }
        }
        for key in groupKeys {
            let entry = groups[key]!
            var context: Item? = entry.data
            if case .array(let a) = entry.data, a.isSequence, a.items.isEmpty { context = nil }
            var e = env
            if reduce {
                let t = reduceTupleStream(entry.data)
                context = t.get("@")
                t.remove("@")
                e = frame(from: t, env)
            }
            if let value = try eval(pairs[entry.exprIndex].1, context, e) { result.set(key, value) }
        }
        return .object(result)
    }

    func reduceTupleStream(_ stream: Item) -> ItemObject {
        guard case .array(let a) = stream else { return tuple(stream).copy() }
        let result = ItemObject()
        guard let first = a.items.first else { return result }
        let f = tuple(first)
        for i in f.keys.indices { result.set(f.keys[i], f.values[i]) }
        for item in a.items.dropFirst() {
            let t = tuple(item)
            for i in t.keys.indices {
                let merged = StandardLibrary.append(result.get(t.keys[i]), t.values[i])
                if let merged { result.set(t.keys[i], merged) }
            }
        }
        return result
    }

    func evalSort(_ expr: Node, _ input: ItemArray, _ env: Frame) throws -> Item? {
        let isTuple = input.tupleStream
        // Sort keys are computed once per item rather than once per comparison.
        var keys: [[Item?]] = []
        for item in input.items {
            var context: Item? = item
            var e = env
            if isTuple {
                let t = tuple(item)
                context = t.get("@")
                e = frame(from: t, env)
            }
            var row: [Item?] = []
            for term in expr.terms { row.append(try eval(term.expression, context, e)) }
            keys.append(row)
        }
        var failure: JSONataError? = nil
        let indices = try StandardLibrary.mergeSort(Array(input.items.indices)) { a, b in
            var comp = 0
            for (t, term) in expr.terms.enumerated() {
                let aa = keys[a][t]
                let bb = keys[b][t]
                guard let aa else {
                    comp = bb == nil ? 0 : 1
                    if comp != 0 { break } else { continue }
                }
                guard let bb else {
                    comp = -1
                    break
                }
                switch (aa, bb) {
                case (.number(let x), .number(let y)): comp = x == y ? 0 : (x < y ? -1 : 1)
                case (.string(let x), .string(let y)): comp = compareStrings(x, y)
                case (.number, .string), (.string, .number):
                    failure = JSONataError(code: "T2007", position: expr.position, value: describe(aa))
                    throw failure!
                default:
                    let bad: Item
                    switch aa {
                    case .number, .string: bad = bb
                    default: bad = aa
                    }
                    failure = JSONataError(code: "T2008", position: expr.position, value: describe(bad))
                    throw failure!
                }
                if term.descending { comp = -comp }
                if comp != 0 { break }
            }
            return comp > 0
        }
        let out = ItemArray(indices.map { input.items[$0] }, sequence: true)
        out.tupleStream = isTuple
        return .array(out)
    }

    // MARK: - Functions

    func evalFunction(_ expr: Node, _ input: Item?, _ env: Frame, applyTo: Item??) throws -> Item? {
        if let procNode = expr.procedure, procNode.kind == .variable, let native = procNode.native,
            env.find(procNode.value) == nil
        {
            // A call of a built-in that is not shadowed: no function value needs to be materialised.
            var args: [Item?] = []
            args.reserveCapacity(expr.arguments.count + 1)
            if let applyTo { args.append(applyTo) }
            for a in expr.arguments { args.append(try eval(a, input, env)) }
            do {
                let validated = try native.signature?.validate(args, context: input, name: native.name) ?? args
                let saved = currentEnv
                currentEnv = env
                defer { currentEnv = saved }
                return try native.implementation(self, validated, input)
            } catch var error as JSONataError {
                if error.position == nil { error.position = expr.position }
                if error.token == nil { error.attach(token: procNode.value) }
                throw error
            }
        }
        let proc = try eval(expr.procedure!, input, env)
        let procNode = expr.procedure!
        let procName = procNode.kind == .path ? procNode.steps[0].value : procNode.value
        if proc == nil && procNode.kind == .path && isBound(procNode.steps[0].value, env) {
            throw JSONataError(code: "T1005", position: expr.position, token: procName)
        }
        var args: [Item?] = []
        if let applyTo { args.append(applyTo) }
        for a in expr.arguments { args.append(try eval(a, input, env)) }
        do {
            return try apply(proc, args, input, env)
        } catch var error as JSONataError {
            if error.position == nil { error.position = expr.position }
            if error.token == nil { error.attach(token: procName) }
            throw error
        }
    }

    func apply(_ proc: Item?, _ args: [Item?], _ input: Item?, _ env: Frame) throws -> Item? {
        var result = try applyInner(proc, args, input, env)
        while case .function(let f)? = result, f.thunk, case .lambda(let node, let tInput, let tEnv, _) = f.kind {
            let body = node.body!
            let next = try eval(body.procedure!, tInput, tEnv)
            var nextArgs: [Item?] = []
            for a in body.arguments { nextArgs.append(try eval(a, tInput, tEnv)) }
            result = try applyInner(next, nextArgs, input, env)
        }
        return result
    }

    func applyInner(_ proc: Item?, _ args: [Item?], _ input: Item?, _ env: Frame) throws -> Item? {
        guard case .function(let f)? = proc else { throw JSONataError(code: "T1006") }
        var validated = args
        if let sig = f.signature {
            var name: String? = nil
            if case .native(let n) = f.kind { name = n.name }
            validated = try sig.validate(args, context: input, name: name)
        }
        return try invoke(f, validated, input, env)
    }

    func invoke(_ f: FunctionItem, _ args: [Item?], _ input: Item?, _ env: Frame) throws -> Item? {
        switch f.kind {
        case .lambda(let node, let lInput, let lEnv, let params):
            let frame = Frame(parent: lEnv)
            for (i, p) in params.enumerated() { frame.bind(p, i < args.count ? args[i] : nil) }
            return try eval(node.body!, lInput, frame)
        case .native(let native):
            let saved = currentEnv
            currentEnv = env
            defer { currentEnv = saved }
            return try native.implementation(self, args, input)
        case .partialNative(let native, let template, let holes):
            var full = template
            for (i, h) in holes.enumerated() { full[h] = i < args.count ? args[i] : nil }
            while let last = full.last, last == nil { full.removeLast() }
            return try applyInner(.function(FunctionItem(.native(native), signature: native.signature)), full, input, env)
        case .regex(let box):
            guard case .string(let s)? = args.first else { return nil }
            return StandardLibrary.regexMatch(box, s, from: 0)
        case .transform(let node, let tEnv):
            return try evalTransform(node, args.first ?? nil, tEnv)
        case .chain(let first, let second):
            let mid = try apply(.function(first), [args.first ?? nil], nil, env)
            return try apply(.function(second), [mid], nil, env)
        }
    }

    /// Calls a function value from a higher-order built-in.
    func call(_ f: Item, _ args: [Item?]) throws -> Item? {
        try apply(f, args, nil, Frame(parent: nil))
    }

    func evalPartial(_ expr: Node, _ input: Item?, _ env: Frame) throws -> Item? {
        var args: [Item?] = []
        var holes: [Int] = []
        for (i, a) in expr.arguments.enumerated() {
            if a.kind == .placeholder {
                holes.append(i)
                args.append(nil)
            } else {
                args.append(try eval(a, input, env))
            }
        }
        let proc = try eval(expr.procedure!, input, env)
        let procNode = expr.procedure!
        let procName = procNode.kind == .path ? procNode.steps[0].value : procNode.value
        if proc == nil && procNode.kind == .path && isBound(procNode.steps[0].value, env) {
            throw JSONataError(code: "T1007", position: expr.position, token: procName)
        }
        guard case .function(let f)? = proc else {
            throw JSONataError(code: "T1008", position: expr.position, token: procName)
        }
        switch f.kind {
        case .lambda(let node, let lInput, let lEnv, let params):
            let frame = Frame(parent: lEnv)
            var unbound: [String] = []
            for (i, p) in params.enumerated() {
                if i < args.count && holes.contains(i) {
                    unbound.append(p)
                } else {
                    frame.bind(p, i < args.count ? args[i] : nil)
                }
            }
            return .function(FunctionItem(.lambda(node: node, input: lInput, env: frame, params: unbound)))
        case .native(let native):
            return .function(FunctionItem(.partialNative(native, template: args, holes: holes)))
        case .partialNative(let native, let template, let oldHoles):
            var newTemplate = template
            var newHoles: [Int] = []
            for (i, h) in oldHoles.enumerated() {
                if i < args.count && !holes.contains(i) {
                    newTemplate[h] = args[i]
                } else {
                    newHoles.append(h)
                }
            }
            return .function(FunctionItem(.partialNative(native, template: newTemplate, holes: newHoles)))
        default:
            return .function(f)
        }
    }

    func evalApply(_ expr: Node, _ input: Item?, _ env: Frame) throws -> Item? {
        let lhs = try eval(expr.lhs!, input, env)
        if expr.rhs!.kind == .function {
            return try evalFunction(expr.rhs!, input, env, applyTo: .some(lhs))
        }
        let fn = try eval(expr.rhs!, input, env)
        guard case .function(let g)? = fn else {
            throw JSONataError(code: "T2006", position: expr.position, value: describe(fn))
        }
        if case .function(let f)? = lhs {
            return .function(FunctionItem(.chain(f, g)))
        }
        return try apply(fn, [lhs], nil, env)
    }

    func evalTransform(_ expr: Node, _ obj: Item?, _ env: Frame) throws -> Item? {
        guard let obj else { return nil }
        let result = StandardLibrary.deepClone(obj)
        let matches = try eval(expr.pattern!, result, env)
        guard let matches else { return result }
        let list: [Item]
        if case .array(let a) = matches { list = a.items } else { list = [matches] }
        for match in list {
            let update = try eval(expr.update!, match, env)
            if let update {
                guard case .object(let u) = update else {
                    throw JSONataError(code: "T2011", position: expr.update!.position, value: describe(update))
                }
                if case .object(let m) = match {
                    for i in u.keys.indices { m.set(u.keys[i], u.values[i]) }
                }
            }
            if let del = expr.delete, let deletions = try eval(del, match, env) {
                var names: [String] = []
                let items: [Item]
                if case .array(let a) = deletions { items = a.items } else { items = [deletions] }
                for d in items {
                    guard case .string(let s) = d else {
                        throw JSONataError(code: "T2012", position: del.position, value: describe(deletions))
                    }
                    names.append(s)
                }
                if case .object(let m) = match { for n in names { m.remove(n) } }
            }
        }
        return result
    }

    // MARK: - Helpers

    func boolean(_ value: Item?) -> Bool? { StandardLibrary.boolean(value) }

    func exists(_ value: Item?) -> Bool {
        guard let value else { return false }
        if case .array(let a) = value, a.isSequence, a.items.isEmpty { return false }
        return true
    }

    func describe(_ value: Item?) -> String {
        guard let value else { return "undefined" }
        return (try? StandardLibrary.string(value)) ?? "?"
    }
}

/// The items a path step runs over; `undefined` marks the single undefined context of a path over nothing.
enum StepInput {
    case undefined
    case single(Item)
    case many([Item])

    var items: [Item] {
        switch self {
        case .undefined: return []
        case .single(let item): return [item]
        case .many(let items): return items
        }
    }

    var isUndefined: Bool {
        if case .undefined = self { return true }
        return false
    }
}

/// JavaScript compares strings by UTF-16 code units.
func compareStrings(_ a: String, _ b: String) -> Int {
    var ia = a.utf16.makeIterator()
    var ib = b.utf16.makeIterator()
    while true {
        let ca = ia.next()
        let cb = ib.next()
        switch (ca, cb) {
        case (nil, nil): return 0
        case (nil, _): return -1
        case (_, nil): return 1
        case (let x?, let y?):
            if x != y { return x < y ? -1 : 1 }
        }
    }
}

func deepEqual(_ a: Item, _ b: Item) -> Bool {
    switch (a, b) {
    case (.null, .null): return true
    case (.bool(let x), .bool(let y)): return x == y
    case (.number(let x), .number(let y)): return x == y
    case (.string(let x), .string(let y)): return x == y
    case (.array(let x), .array(let y)):
        guard x.items.count == y.items.count else { return false }
        for i in x.items.indices where !deepEqual(x.items[i], y.items[i]) { return false }
        return true
    case (.object(let x), .object(let y)):
        guard x.count == y.count else { return false }
        for i in x.keys.indices {
            guard let v = y.get(x.keys[i]), deepEqual(x.values[i], v) else { return false }
        }
        return true
    case (.function(let x), .function(let y)): return x === y
    default: return false
    }
}

/// JavaScript `===`: primitives by value, containers by identity.
func strictEqual(_ a: Item, _ b: Item) -> Bool {
    switch (a, b) {
    case (.array(let x), .array(let y)): return x === y
    case (.object(let x), .object(let y)): return x === y
    case (.function(let x), .function(let y)): return x === y
    default: return deepEqual(a, b)
    }
}
