/// `$sum`, `$count`, `$max`, `$min`, `$average`.
extension StandardLibrary {
    static let aggregateFunctions: [NativeFunction] = [
        NativeFunction("sum", "<a<n>:n>") { _, args, _ in
            guard let a = args.first ?? nil else { return nil }
            return .number(items(a).reduce(0) { $0 + (num($1) ?? 0) })
        },
        NativeFunction("count", "<a:n>") { _, args, _ in
            guard let a = args.first ?? nil else { return .number(0) }
            return .number(Double(items(a).count))
        },
        NativeFunction("max", "<a<n>:n>") { _, args, _ in
            let values = items(args.first ?? nil).compactMap { num($0) }
            return values.max().map { .number($0) }
        },
        NativeFunction("min", "<a<n>:n>") { _, args, _ in
            let values = items(args.first ?? nil).compactMap { num($0) }
            return values.min().map { .number($0) }
        },
        NativeFunction("average", "<a<n>:n>") { _, args, _ in
            let values = items(args.first ?? nil).compactMap { num($0) }
            if values.isEmpty { return nil }
            return .number(values.reduce(0, +) / Double(values.count))
        },
    ]
}
