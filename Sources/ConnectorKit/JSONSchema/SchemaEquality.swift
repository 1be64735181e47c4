import Values

extension JSONValue {
    /// Equality as JSON Schema defines it for `enum`, `const` and `uniqueItems`: numbers by value (`1 == 1.0`),
    /// objects regardless of member order, and strings by code points.
    ///
    /// `JSONValue`'s own `==` is not enough: Swift compares strings by canonical equivalence, so `"é"` (U+00E9) and
    /// `"e\u{301}"` would be equal, while JSON Schema (like JavaScript) tells them apart.
    func schemaEquals(_ other: JSONValue) -> Bool {
        switch (self, other) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.string(let a), .string(let b)): return a.unicodeScalars.elementsEqual(b.unicodeScalars)
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.schemaEquals($1) }
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            for (key, value) in a {
                // Looked up by code points too, for the same reason as strings.
                guard let i = b.keys.firstIndex(where: { $0.unicodeScalars.elementsEqual(key.unicodeScalars) }),
                    value.schemaEquals(b.values[i])
                else { return false }
            }
            return true
        default: return false
        }
    }
}
