/// Higher-order functions: `$map`, `$filter`, `$single`, `$reduce`, `$sift`, `$each`, `$sort`.
extension StandardLibrary {
    static let higherOrderFunctions: [NativeFunction] = [
        NativeFunction("map", "<af>") { ev, args, _ in
            guard let a = arg(args, 0), let f = arg(args, 1) else { return nil }
            let list = items(a)
            var out: [Item] = []
            for (i, v) in list.enumerated() {
                if let r = try ev.call(f, hofArgs(f, v, .number(Double(i)), a)) { out.append(r) }
            }
            return sequence(out)
        },
        NativeFunction("filter", "<af>") { ev, args, _ in
            guard let a = arg(args, 0), let f = arg(args, 1) else { return nil }
            let list = items(a)
            var out: [Item] = []
            for (i, v) in list.enumerated() where boolean(try ev.call(f, hofArgs(f, v, .number(Double(i)), a))) == true {
                out.append(v)
            }
            return sequence(out)
        },
        NativeFunction("single", "<af?>") { ev, args, _ in
            guard let a = arg(args, 0) else { return nil }
            let list = items(a)
            var found: Item? = nil
            for (i, v) in list.enumerated() {
                var matched = true
                if let f = arg(args, 1) {
                    matched = boolean(try ev.call(f, hofArgs(f, v, .number(Double(i)), a))) == true
                }
                if matched {
                    if found != nil { throw JSONataError(code: "D3138") }
                    found = v
                }
            }
            guard let found else { throw JSONataError(code: "D3139") }
            return found
        },
        NativeFunction("reduce", "<afj?:j>") { ev, args, _ in
            guard let a = arg(args, 0), let f = arg(args, 1) else { return nil }
            var arity = 2
            if case .function(let fn) = f { arity = fn.arity }
            if arity < 2 { throw JSONataError(code: "D3050", value: "1") }
            let list = items(a)
            var result: Item?
            var index = 0
            if args.count < 3 || arg(args, 2) == nil, !list.isEmpty {
                result = list[0]
                index = 1
            } else {
                result = arg(args, 2)
            }
            while index < list.count {
                var callArgs: [Item?] = [result, list[index]]
                if arity >= 3 { callArgs.append(.number(Double(index))) }
                if arity >= 4 { callArgs.append(a) }
                result = try ev.call(f, callArgs)
                index += 1
            }
            return result
        },
        NativeFunction("sift", "<o-f?:o>") { ev, args, _ in
            guard case .object(let o)? = arg(args, 0), let f = arg(args, 1) else { return nil }
            let out = ItemObject()
            for i in o.keys.indices {
                let r = try ev.call(f, hofArgs(f, o.values[i], .string(o.keys[i]), .object(o)))
                if boolean(r) == true { out.set(o.keys[i], o.values[i]) }
            }
            return out.count == 0 ? nil : .object(out)
        },
        NativeFunction("each", "<o-f:a>") { ev, args, _ in
            guard case .object(let o)? = arg(args, 0), let f = arg(args, 1) else { return nil }
            var out: [Item] = []
            for i in o.keys.indices {
                if let r = try ev.call(f, hofArgs(f, o.values[i], .string(o.keys[i]), .object(o))) { out.append(r) }
            }
            return sequence(out)
        },
        NativeFunction("sort", "<af?:a>") { ev, args, _ in
            guard let a = arg(args, 0) else { return nil }
            let list = items(a)
            if list.count <= 1 { return a.isArray ? a : .array(ItemArray(list)) }
            if let f = arg(args, 1) {
                let sorted = try mergeSort(list) { x, y in boolean(try ev.call(f, [x, y])) == true }
                return .array(ItemArray(sorted))
            }
            if list.allSatisfy({ num($0) != nil }) {
                return .array(ItemArray(try mergeSort(list) { num($0)! > num($1)! }))
            }
            if list.allSatisfy({ str($0) != nil }) {
                return .array(ItemArray(try mergeSort(list) { compareStrings(str($0)!, str($1)!) > 0 }))
            }
            throw JSONataError(code: "D3070", value: "1")
        },
    ]
}
