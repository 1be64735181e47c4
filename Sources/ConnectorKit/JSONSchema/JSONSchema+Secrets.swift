extension JSONSchema {
    /// JSON pointers of the instance locations whose schema says `"x-secret": true`, such as `["/password"]`:
    /// the fields a connector config must encrypt and never log.
    ///
    /// Follows `properties`, `prefixItems`, `items`, `additionalProperties`, `patternProperties`, the
    /// `unevaluated*` keywords and every in-place applicator (`$ref` into `$defs` included, as well as `allOf`,
    /// `anyOf`, `oneOf`, `then`, `else`, `dependentSchemas`). A `*` token stands for "any array element" or
    /// "any other property". Recursive schemas are walked once per path, so the list is finite.
    public var secretPointers: [String] {
        var walker = SecretWalker(nodes: nodes)
        walker.walk(root, [])
        return walker.found
    }
}

/// Depth-first walk of the compiled graph for `secretPointers`.
private struct SecretWalker {
    let nodes: [SchemaNode]
    var found: [String] = []
    private var seen: Set<String> = []
    /// Nodes on the current path: re-entering one is a cycle (a recursive schema), which adds nothing new.
    private var active: Set<Int> = []

    init(nodes: [SchemaNode]) {
        self.nodes = nodes
    }

    mutating func walk(_ id: Int, _ path: [String]) {
        let node = nodes[id]
        if node.isSecret {
            let pointer = JSONPointer.string(path)
            if seen.insert(pointer).inserted { found.append(pointer) }
            return
        }
        guard case .keywords(let keywords) = node.body, !active.contains(id) else { return }
        active.insert(id)
        defer { active.remove(id) }
        for keyword in keywords {
            switch keyword.rule {
            case .ref(let target), .dynamicRef(let target, _):
                walk(target, path)
            case .allOf(let branches), .anyOf(let branches), .oneOf(let branches):
                for branch in branches { walk(branch, path) }
            case .conditional(_, let then, let otherwise):
                if let then { walk(then, path) }
                if let otherwise { walk(otherwise, path) }
            case .dependentSchemas(let dependencies):
                for dependency in dependencies { walk(dependency.node, path) }
            case .properties(let properties):
                for property in properties { walk(property.node, path + [property.name]) }
            case .prefixItems(let schemas):
                for (i, schema) in schemas.enumerated() { walk(schema, path + [String(i)]) }
            case .items(let node, _), .unevaluatedItems(let node), .additionalProperties(let node, _, _),
                .unevaluatedProperties(let node):
                walk(node, path + ["*"])
            case .patternProperties(let rules):
                for rule in rules { walk(rule.node, path + ["*"]) }
            default:
                continue
            }
        }
    }
}
