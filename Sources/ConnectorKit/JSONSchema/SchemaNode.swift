/// One compiled (sub)schema. Nodes live in one array and refer to each other by index, which lets `$ref`
/// cycles exist without reference cycles and keeps the compiled schema a plain `Sendable` value.
struct SchemaNode: Sendable {
    /// A boolean schema, or the keywords of an object schema in evaluation order (`unevaluated*` last).
    enum Body: Sendable {
        case always(Bool)
        case keywords([SchemaKeyword])
    }

    var body: Body
    /// The schema resource (by index) this node belongs to, for the dynamic scope of `$dynamicRef`.
    var resource: Int
    /// Marked `"x-secret": true`: the value is never echoed in messages.
    var isSecret: Bool
}

/// A compiled keyword: its name (the last token of its keyword location) and what it checks.
struct SchemaKeyword: Sendable {
    let name: String
    let rule: SchemaRule
}
