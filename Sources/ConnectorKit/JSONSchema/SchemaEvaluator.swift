import Values

/// Evaluates compiled nodes against an instance, collecting violations (when `errors` is non-nil) or stopping at
/// the first failure (when nil: inside `anyOf`, `not`, `if` and the like, whose branch errors are not reported).
struct SchemaEvaluator {
    let nodes: [SchemaNode]
    let dynamicAnchors: [[String: Int]]
    /// The schema resources entered so far, outermost first: the dynamic scope of `$dynamicRef`.
    private var scope: [Int] = []
    private var depth = 0
    /// Nested evaluations allowed: a bound on stack use (about 4 KB per evaluation in debug builds) that still admits
    /// the deepest document the parser accepts (512 levels) under a schema that spends two evaluations per level.
    static let maxDepth = 1_200
    /// Schema objects being evaluated, with the depth of their instance location. Meeting one again at the same
    /// depth means the same place in the instance (paths only grow along a chain): a `$ref` loop that would never end.
    private var active: Set<ActiveEvaluation> = []

    private struct ActiveEvaluation: Hashable {
        let node: Int
        let instanceDepth: Int
    }

    init(nodes: [SchemaNode], dynamicAnchors: [[String: Int]]) {
        self.nodes = nodes
        self.dynamicAnchors = dynamicAnchors
    }

    /// Location of the evaluation: instance and keyword paths as tokens, and whether the value is secret.
    struct Path {
        var instance: [String]
        var keyword: [String]
        var secret: Bool

        func child(_ token: String, keyword tokens: String...) -> Path {
            Path(instance: instance + [token], keyword: keyword + tokens, secret: secret)
        }

        func inPlace(_ tokens: String...) -> Path {
            Path(instance: instance, keyword: keyword + tokens, secret: secret)
        }
    }

    mutating func evaluate(
        _ id: Int, _ instance: JSONValue, _ path: Path, _ errors: inout [SchemaViolation]?,
        _ evaluated: inout EvaluatedParts
    ) -> Bool {
        let node = nodes[id]
        switch node.body {
        case .always(true):
            return true
        case .always(false):
            errors?.append(Self.falseSchemaViolation(path))
            return false
        case .keywords(let keywords):
            let evaluation = ActiveEvaluation(node: id, instanceDepth: path.instance.count)
            guard depth < Self.maxDepth, active.insert(evaluation).inserted else {
                let reason =
                    depth < Self.maxDepth
                    ? "the schema refers back to itself without moving into the instance (a reference loop)"
                    : "the instance is nested deeper than \(Self.maxDepth) schema evaluations"
                report(&errors, path, path.keyword.last ?? "$ref", reason, location: path.keyword)
                return false
            }
            depth += 1
            let entered = scope.last != node.resource
            if entered { scope.append(node.resource) }
            defer {
                depth -= 1
                active.remove(evaluation)
                if entered { scope.removeLast() }
            }
            var path = path
            path.secret = path.secret || node.isSecret
            var valid = true
            for keyword in keywords where !apply(keyword, instance, path, &errors, &evaluated) {
                valid = false
                if errors == nil { return false }
            }
            return valid
        }
    }

    /// Evaluates an in-place subschema, keeping its annotations only when it succeeds (as the spec requires).
    private mutating func evaluateInPlace(
        _ id: Int, _ instance: JSONValue, _ path: Path, _ errors: inout [SchemaViolation]?,
        _ evaluated: inout EvaluatedParts
    ) -> Bool {
        var parts = EvaluatedParts()
        let valid = evaluate(id, instance, path, &errors, &parts)
        if valid { evaluated.merge(parts) }
        return valid
    }

    /// True when the subschema accepts the instance; its errors are not wanted.
    private mutating func matches(_ id: Int, _ instance: JSONValue, _ path: Path, _ evaluated: inout EvaluatedParts) -> Bool {
        var none: [SchemaViolation]? = nil
        return evaluateInPlace(id, instance, path, &none, &evaluated)
    }

    /// Evaluates a subschema at a child location (an item or a property value), whose annotations stay there.
    private mutating func evaluateChild(
        _ id: Int, _ instance: JSONValue, _ path: Path, _ errors: inout [SchemaViolation]?
    ) -> Bool {
        var parts = EvaluatedParts()
        return evaluate(id, instance, path, &errors, &parts)
    }

    func report(
        _ errors: inout [SchemaViolation]?, _ path: Path, _ keyword: String, _ reason: String,
        location: [String]? = nil
    ) {
        guard errors != nil else { return }
        errors!.append(
            SchemaViolation(
                instanceLocation: JSONPointer.string(path.instance),
                keywordLocation: JSONPointer.string(location ?? path.keyword + [keyword]), keyword: keyword,
                reason: reason))
    }

    /// Dispatches one keyword. Each applicator has its own method, and the plain assertions live in `check`: this
    /// function and the ones it calls sit on the recursion path of deep instances, so their stack frames must stay
    /// small (one big switch holding every case's locals took 10 KB per level in debug builds).
    private mutating func apply(
        _ keyword: SchemaKeyword, _ instance: JSONValue, _ path: Path, _ errors: inout [SchemaViolation]?,
        _ evaluated: inout EvaluatedParts
    ) -> Bool {
        // Built per case, not up front: the plain assertions (most keywords) never need it.
        var here: Path { path.inPlace(keyword.name) }
        switch (keyword.rule, instance) {
        case (.ref(let target), _):
            return evaluateInPlace(target, instance, here, &errors, &evaluated)
        case (.dynamicRef(let target, let anchor), _):
            return evaluateInPlace(dynamicTarget(target, anchor), instance, here, &errors, &evaluated)
        case (.allOf(let branches), _):
            return applyAllOf(branches, instance, here, &errors, &evaluated)
        case (.anyOf(let branches), _):
            return applyAnyOf(branches, instance, here, &errors, &evaluated)
        case (.oneOf(let branches), _):
            return applyOneOf(branches, instance, here, &errors, &evaluated)
        case (.not(let node), _):
            return applyNot(node, instance, here, &errors)
        case (.conditional(let condition, let then, let otherwise), _):
            return applyConditional(condition, then, otherwise, instance, path, &errors, &evaluated)
        case (.dependentSchemas(let dependencies), .object(let object)):
            return applyDependentSchemas(dependencies, object, instance, here, &errors, &evaluated)
        case (.contains(let node, let minimum, let maximum), .array(let array)):
            return applyContains(node, minimum, maximum, array, here, &errors, &evaluated)
        case (.prefixItems(let schemas), .array(let array)):
            return applyPrefixItems(schemas, array, here, &errors, &evaluated)
        case (.items(let node, let start), .array(let array)):
            evaluated.allItems = true
            return applyToItems(node, array, here, &errors) { $0 >= start }
        case (.unevaluatedItems(let node), .array(let array)):
            let before = evaluated
            evaluated.allItems = true
            return applyToItems(node, array, here, &errors) { !before.covers(item: $0) }
        case (.properties(let properties), .object(let object)):
            return applyProperties(properties, object, here, &errors, &evaluated)
        case (.patternProperties(let rules), .object(let object)):
            return applyPatternProperties(rules, object, here, &errors, &evaluated)
        case (.additionalProperties(let node, let named, let patterns), .object(let object)):
            return applyToProperties(node, object, here, &errors, &evaluated) { key in
                !named.contains(key) && !patterns.contains(where: { $0.matches(key) })
            }
        case (.unevaluatedProperties(let node), .object(let object)):
            let before = evaluated
            evaluated.allProperties = true
            return applyToProperties(node, object, here, &errors, &evaluated) { !before.covers(property: $0) }
        case (.propertyNames(let node), .object(let object)):
            return applyPropertyNames(node, object, here, &errors)
        default:
            return check(keyword, instance, path, &errors)
        }
    }

    /// The outermost resource in the dynamic scope with the `$dynamicAnchor`, else the static target.
    private func dynamicTarget(_ target: Int, _ anchor: String?) -> Int {
        guard let anchor else { return target }
        for resource in scope {
            if let outermost = dynamicAnchors[resource][anchor] { return outermost }
        }
        return target
    }

    private mutating func applyAllOf(
        _ branches: [Int], _ instance: JSONValue, _ path: Path, _ errors: inout [SchemaViolation]?,
        _ evaluated: inout EvaluatedParts
    ) -> Bool {
        var valid = true
        for (i, branch) in branches.enumerated()
        where !evaluateInPlace(branch, instance, path.inPlace(String(i)), &errors, &evaluated) {
            valid = false
            if errors == nil { return false }
        }
        return valid
    }

    private mutating func applyAnyOf(
        _ branches: [Int], _ instance: JSONValue, _ path: Path, _ errors: inout [SchemaViolation]?,
        _ evaluated: inout EvaluatedParts
    ) -> Bool {
        // Every branch runs, even after a match, because each successful one contributes annotations.
        var matched = false
        for (i, branch) in branches.enumerated() where matches(branch, instance, path.inPlace(String(i)), &evaluated) {
            matched = true
        }
        if matched { return true }
        let shown = SchemaMessages.show(instance, secret: path.secret)
        report(
            &errors, path, "anyOf", "\(shown) does not match any of the \(branches.count) schemas in \"anyOf\"",
            location: path.keyword)
        return false
    }

    private mutating func applyOneOf(
        _ branches: [Int], _ instance: JSONValue, _ path: Path, _ errors: inout [SchemaViolation]?,
        _ evaluated: inout EvaluatedParts
    ) -> Bool {
        var matchedIndices: [Int] = []
        var parts = EvaluatedParts()
        for (i, branch) in branches.enumerated() where matches(branch, instance, path.inPlace(String(i)), &parts) {
            matchedIndices.append(i)
        }
        if matchedIndices.count == 1 {
            evaluated.merge(parts)
            return true
        }
        let shown = SchemaMessages.show(instance, secret: path.secret)
        if matchedIndices.isEmpty {
            report(
                &errors, path, "oneOf", "\(shown) does not match any of the \(branches.count) schemas in \"oneOf\"",
                location: path.keyword)
        } else {
            let which = SchemaMessages.list(matchedIndices.map(String.init), "and")
            report(
                &errors, path, "oneOf", "\(shown) matches schemas \(which) in \"oneOf\", but must match exactly one",
                location: path.keyword)
        }
        return false
    }

    private mutating func applyNot(_ node: Int, _ instance: JSONValue, _ path: Path, _ errors: inout [SchemaViolation]?) -> Bool {
        var ignored = EvaluatedParts()
        if !matches(node, instance, path, &ignored) { return true }
        let shown = SchemaMessages.show(instance, secret: path.secret)
        report(&errors, path, "not", "\(shown) must not match the schema in \"not\"", location: path.keyword)
        return false
    }

    private mutating func applyConditional(
        _ condition: Int, _ then: Int?, _ otherwise: Int?, _ instance: JSONValue, _ path: Path,
        _ errors: inout [SchemaViolation]?, _ evaluated: inout EvaluatedParts
    ) -> Bool {
        if matches(condition, instance, path.inPlace("if"), &evaluated) {
            guard let then else { return true }
            return evaluateInPlace(then, instance, path.inPlace("then"), &errors, &evaluated)
        }
        guard let otherwise else { return true }
        return evaluateInPlace(otherwise, instance, path.inPlace("else"), &errors, &evaluated)
    }

    private mutating func applyDependentSchemas(
        _ dependencies: [(property: String, node: Int)], _ object: JSONObject, _ instance: JSONValue, _ path: Path,
        _ errors: inout [SchemaViolation]?, _ evaluated: inout EvaluatedParts
    ) -> Bool {
        var valid = true
        for (property, node) in dependencies where object[property] != nil {
            if !evaluateInPlace(node, instance, path.inPlace(property), &errors, &evaluated) {
                valid = false
                if errors == nil { return false }
            }
        }
        return valid
    }

    private mutating func applyContains(
        _ node: Int, _ minimum: Int, _ maximum: Int?, _ array: [JSONValue], _ path: Path,
        _ errors: inout [SchemaViolation]?, _ evaluated: inout EvaluatedParts
    ) -> Bool {
        var matched = 0
        for (i, item) in array.enumerated() {
            var ignored = EvaluatedParts()
            let itemPath = Path(instance: path.instance + [String(i)], keyword: path.keyword, secret: path.secret)
            if matches(node, item, itemPath, &ignored) {
                matched += 1
                evaluated.items.insert(i)
            }
        }
        // minContains/maxContains failures point at those keywords, next to `contains`.
        let parent = Path(instance: path.instance, keyword: path.keyword.dropLast(), secret: path.secret)
        let counted = SchemaMessages.counted(matched, "item")
        if matched < minimum {
            if minimum == 1 {
                report(&errors, parent, "contains", "array has no item matching the schema in \"contains\"")
            } else {
                report(
                    &errors, parent, "minContains",
                    "array has \(counted) matching \"contains\", fewer than the minimum \(minimum)")
            }
            return false
        }
        if let maximum, matched > maximum {
            report(
                &errors, parent, "maxContains", "array has \(counted) matching \"contains\", more than the maximum \(maximum)")
            return false
        }
        return true
    }

    private mutating func applyPrefixItems(
        _ schemas: [Int], _ array: [JSONValue], _ path: Path, _ errors: inout [SchemaViolation]?,
        _ evaluated: inout EvaluatedParts
    ) -> Bool {
        var valid = true
        for i in 0..<min(schemas.count, array.count)
        where !evaluateChild(schemas[i], array[i], path.child(String(i), keyword: String(i)), &errors) {
            valid = false
            if errors == nil { return false }
        }
        evaluated.itemPrefix = max(evaluated.itemPrefix, min(schemas.count, array.count))
        return valid
    }

    /// `items` and `unevaluatedItems`: one subschema for the elements `applies` selects.
    private mutating func applyToItems(
        _ node: Int, _ array: [JSONValue], _ path: Path, _ errors: inout [SchemaViolation]?, _ applies: (Int) -> Bool
    ) -> Bool {
        var valid = true
        for i in array.indices where applies(i) && !evaluateChild(node, array[i], path.child(String(i)), &errors) {
            valid = false
            if errors == nil { return false }
        }
        return valid
    }

    private mutating func applyProperties(
        _ properties: [(name: String, node: Int)], _ object: JSONObject, _ path: Path, _ errors: inout [SchemaViolation]?,
        _ evaluated: inout EvaluatedParts
    ) -> Bool {
        var valid = true
        for (property, node) in properties {
            guard let value = object[property] else { continue }
            evaluated.properties.insert(property)
            if !evaluateChild(node, value, path.child(property, keyword: property), &errors) {
                valid = false
                if errors == nil { return false }
            }
        }
        return valid
    }

    private mutating func applyPatternProperties(
        _ rules: [(regex: ECMARegex, node: Int)], _ object: JSONObject, _ path: Path, _ errors: inout [SchemaViolation]?,
        _ evaluated: inout EvaluatedParts
    ) -> Bool {
        var valid = true
        for (key, value) in object {
            for rule in rules where rule.regex.matches(key) {
                evaluated.properties.insert(key)
                if !evaluateChild(rule.node, value, path.child(key, keyword: rule.regex.source), &errors) {
                    valid = false
                    if errors == nil { return false }
                }
            }
        }
        return valid
    }

    /// `additionalProperties` and `unevaluatedProperties`: one subschema for the members `applies` selects.
    private mutating func applyToProperties(
        _ node: Int, _ object: JSONObject, _ path: Path, _ errors: inout [SchemaViolation]?,
        _ evaluated: inout EvaluatedParts, _ applies: (String) -> Bool
    ) -> Bool {
        var valid = true
        for (key, value) in object where applies(key) {
            evaluated.properties.insert(key)
            if !evaluateChild(node, value, path.child(key), &errors) {
                valid = false
                if errors == nil { return false }
            }
        }
        return valid
    }

    private mutating func applyPropertyNames(
        _ node: Int, _ object: JSONObject, _ path: Path, _ errors: inout [SchemaViolation]?
    ) -> Bool {
        var valid = true
        for key in object.keys {
            var nested: [SchemaViolation]? = []
            var ignored = EvaluatedParts()
            // The key gets its own (pseudo) instance location so that the loop check tells it from the object.
            let keyPath = Path(instance: path.instance + [key], keyword: path.keyword, secret: false)
            if !evaluate(node, .string(key), keyPath, &nested, &ignored) {
                let reasons = (nested ?? []).map(\.reason).joined(separator: "; ")
                report(
                    &errors, path, "propertyNames", "property name \(SchemaMessages.quoted(key)) is not allowed: \(reasons)",
                    location: path.keyword)
                valid = false
                if errors == nil { return false }
            }
        }
        return valid
    }

    /// The violation for a `false` subschema, worded after the keyword that applied it.
    static func falseSchemaViolation(_ path: Path) -> SchemaViolation {
        let last = path.keyword.last ?? ""
        let parent = path.keyword.count >= 2 ? path.keyword[path.keyword.count - 2] : ""
        let name = path.instance.last ?? ""
        var keyword = last.isEmpty ? "false" : last
        var reason = "no value is allowed here"
        if ["additionalProperties", "unevaluatedProperties"].contains(last) {
            reason = "property \(SchemaMessages.quoted(name)) is not allowed"
        } else if ["properties", "patternProperties"].contains(parent) {
            keyword = parent
            reason = "property \(SchemaMessages.quoted(name)) is not allowed"
        } else if ["items", "unevaluatedItems"].contains(last) {
            reason = "item \(name) is not allowed"
        } else if parent == "prefixItems" {
            keyword = parent
            reason = "item \(name) is not allowed"
        } else if ["allOf", "anyOf", "oneOf", "dependentSchemas"].contains(parent) {
            keyword = parent
        }
        return SchemaViolation(
            instanceLocation: JSONPointer.string(path.instance), keywordLocation: JSONPointer.string(path.keyword),
            keyword: keyword, reason: reason)
    }
}
