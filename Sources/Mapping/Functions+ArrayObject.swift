/// Array and object functions: `$append`, `$keys`, `$lookup`, `$spread`, `$merge`, `$distinct`, `$type`, ….
extension StandardLibrary {
    static func keys(_ value: Item?) -> [String] {
        switch value {
        case .array(let a)?:
            var seen: [String] = []
            var set = Set<String>()
            for item in a.items {
                for k in keys(item) where set.insert(k).inserted { seen.append(k) }
            }
            return seen
        case .object(let o)?: return o.keys
        default: return []
        }
    }

    static func spread(_ value: Item?) -> Item? {
        switch value {
        case .array(let a)?:
            var result: Item? = sequence([])
            for item in a.items { result = append(result, spread(item)) }
            return result
        case .object(let o)?:
            var out: [Item] = []
            for i in o.keys.indices {
                let one = ItemObject()
                one.set(o.keys[i], o.values[i])
                out.append(.object(one))
            }
            return sequence(out)
        default:
            return value
        }
    }

    static let arrayObjectFunctions: [NativeFunction] = [
        NativeFunction("append", "<xx:a>") { _, args, _ in append(arg(args, 0), arg(args, 1)) },
        NativeFunction("exists", "<x:b>") { _, args, _ in .bool(arg(args, 0) != nil) },
        NativeFunction("boolean", "<x-:b>") { _, args, _ in boolean(arg(args, 0)).map { .bool($0) } },
        NativeFunction("not", "<x-:b>") { _, args, _ in boolean(arg(args, 0)).map { .bool(!$0) } },
        NativeFunction("keys", "<x-:a<s>>") { _, args, _ in sequence(keys(arg(args, 0)).map { .string($0) }) },
        NativeFunction("lookup", "<x-s:x>") { ev, args, _ in
            guard let k = str(arg(args, 1)) else { return nil }
            return ev.lookup(arg(args, 0), k)
        },
        NativeFunction("spread", "<x-:a<o>>") { _, args, _ in spread(arg(args, 0)) },
        NativeFunction("merge", "<a<o>:o>") { _, args, _ in
            guard let a = arg(args, 0) else { return nil }
            let out = ItemObject()
            for item in items(a) {
                if case .object(let o) = item {
                    for i in o.keys.indices { out.set(o.keys[i], o.values[i]) }
                }
            }
            return .object(out)
        },
        NativeFunction("reverse", "<a:a>") { _, args, _ in
            guard let a = arg(args, 0) else { return nil }
            let list = items(a)
            if list.count <= 1 { return a }
            return .array(ItemArray(list.reversed()))
        },
        NativeFunction("shuffle", "<a:a>") { _, args, _ in
            guard let a = arg(args, 0) else { return nil }
            let list = items(a)
            if list.count <= 1 { return a }
            return .array(ItemArray(list.shuffled()))
        },
        NativeFunction("distinct", "<x:x>") { _, args, _ in
            guard let a = arg(args, 0) else { return nil }
            guard case .array(let arr) = a, arr.items.count > 1 else { return a }
            var out: [Item] = []
            for item in arr.items where !out.contains(where: { deepEqual($0, item) }) { out.append(item) }
            return .array(ItemArray(out, sequence: arr.isSequence))
        },
        NativeFunction("type", "<x:s>") { _, args, _ in
            guard let v = arg(args, 0) else { return nil }
            switch v {
            case .null: return .string("null")
            case .bool: return .string("boolean")
            case .number: return .string("number")
            case .string: return .string("string")
            case .array: return .string("array")
            case .object: return .string("object")
            case .function: return .string("function")
            }
        },
        NativeFunction("zip", "<a+>") { _, args, _ in
            let arrays = args.map { items($0) }
            let n = arrays.map(\.count).min() ?? 0
            var out: [Item] = []
            for i in 0..<n { out.append(.array(ItemArray(arrays.map { $0[i] }))) }
            return .array(ItemArray(out))
        },
        NativeFunction("clone", "<(oa)-:o>") { _, args, _ in arg(args, 0).map(deepClone) },
        NativeFunction("error", "<s?:x>") { _, args, _ in
            throw JSONataError(code: "D3137", message: str(arg(args, 0)) ?? "$error() function evaluated")
        },
        NativeFunction("assert", "<bs?:x>") { _, args, _ in
            if case .bool(true)? = arg(args, 0) { return nil }
            throw JSONataError(code: "D3141", message: str(arg(args, 1)) ?? "$assert() statement failed")
        },
        NativeFunction("eval", "<sx?:x>") { ev, args, input in
            guard let source = str(arg(args, 0)) else { return nil }
            let ast: Node
            do {
                ast = try Parser.parse(source)
            } catch let e as JSONataError {
                throw JSONataError(code: "D3120", message: "Syntax error in expression passed to function eval: " + e.message)
            }
            var focus = arg(args, 1) ?? input
            if case .array(let a)? = focus, !a.isSequence {
                let wrapper = ItemArray([.array(a)], sequence: true)
                wrapper.outerWrapper = true
                focus = .array(wrapper)
            }
            do {
                return try ev.eval(ast, focus, ev.currentEnv ?? Frame(parent: nil))
            } catch let e as JSONataError {
                if e.code == "U1001" { throw e }
                throw JSONataError(
                    code: "D3121",
                    message: "Dynamic error evaluating the expression passed to "
                        + "function eval: " + e.message)
            }
        },
    ]
}
