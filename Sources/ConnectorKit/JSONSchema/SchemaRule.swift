import Values

/// What one keyword checks, with subschemas as node indices.
enum SchemaRule: Sendable {
    case type([SchemaType])
    case enumeration([JSONValue])
    case constant(JSONValue)
    case multipleOf(Double)
    case maximum(Double)
    case exclusiveMaximum(Double)
    case minimum(Double)
    case exclusiveMinimum(Double)
    case maxLength(Int)
    case minLength(Int)
    case pattern(ECMARegex)
    case format(SchemaFormat)
    case maxItems(Int)
    case minItems(Int)
    case uniqueItems
    /// `contains` with its `minContains` (default 1) and `maxContains`.
    case contains(node: Int, min: Int, max: Int?)
    case maxProperties(Int)
    case minProperties(Int)
    case required([String])
    case dependentRequired([(property: String, required: [String])])
    case allOf([Int])
    case anyOf([Int])
    case oneOf([Int])
    case not(Int)
    case conditional(if: Int, then: Int?, else: Int?)
    case dependentSchemas([(property: String, node: Int)])
    case prefixItems([Int])
    /// `items` applies from `start` on: the elements after those `prefixItems` covers.
    case items(node: Int, start: Int)
    case properties([(name: String, node: Int)])
    case patternProperties([(regex: ECMARegex, node: Int)])
    /// `additionalProperties`, with the names and patterns of its siblings that make a property "not additional".
    case additionalProperties(node: Int, named: Set<String>, patterns: [ECMARegex])
    case propertyNames(Int)
    case unevaluatedItems(Int)
    case unevaluatedProperties(Int)
    case ref(Int)
    /// `$dynamicRef`: `target` is the static resolution; when `anchor` is set, the outermost resource in the
    /// dynamic scope with that `$dynamicAnchor` wins instead.
    case dynamicRef(target: Int, anchor: String?)
}
