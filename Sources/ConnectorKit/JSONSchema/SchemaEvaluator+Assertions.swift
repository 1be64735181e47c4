import Values

extension SchemaEvaluator {
    /// The keywords that assert on the instance alone, without subschemas.
    ///
    /// Kept apart from `apply`, and never inlined into it, because `apply` sits on the recursion path of deep
    /// instances: its stack frame must stay small, and these cases (with their message formatting) are large.
    @inline(never)
    func check(_ keyword: SchemaKeyword, _ instance: JSONValue, _ path: Path, _ errors: inout [SchemaViolation]?) -> Bool {
        let name = keyword.name
        let shown = { SchemaMessages.show(instance, secret: path.secret) }
        switch (keyword.rule, instance) {
        case (.type(let types), _):
            if types.contains(where: { $0.admits(instance) }) { return true }
            report(&errors, path, name, "\(shown()) is not of type \(SchemaMessages.list(types.map(\.rawValue), "or"))")
            return false
        case (.enumeration(let options), _):
            if options.contains(where: { $0.schemaEquals(instance) }) { return true }
            let listed = options.prefix(8).map { SchemaMessages.show($0, secret: false) }
            let more = options.count > 8 ? ", …" : ""
            report(&errors, path, name, "\(shown()) is not one of \(listed.joined(separator: ", "))\(more)")
            return false
        case (.constant(let expected), _):
            if expected.schemaEquals(instance) { return true }
            report(&errors, path, name, "\(shown()) is not the constant \(SchemaMessages.show(expected, secret: false))")
            return false
        case (.multipleOf(let divisor), .number(let number)):
            if SchemaMessages.isMultiple(number, of: divisor) { return true }
            report(&errors, path, name, "\(shown()) is not a multiple of \(SchemaMessages.number(divisor))")
            return false
        case (.maximum(let limit), .number(let number)):
            if number <= limit { return true }
            report(&errors, path, name, "\(shown()) is greater than the maximum \(SchemaMessages.number(limit))")
            return false
        case (.exclusiveMaximum(let limit), .number(let number)):
            if number < limit { return true }
            report(&errors, path, name, "\(shown()) is not less than the exclusive maximum \(SchemaMessages.number(limit))")
            return false
        case (.minimum(let limit), .number(let number)):
            if number >= limit { return true }
            report(&errors, path, name, "\(shown()) is less than the minimum \(SchemaMessages.number(limit))")
            return false
        case (.exclusiveMinimum(let limit), .number(let number)):
            if number > limit { return true }
            report(
                &errors, path, name, "\(shown()) is not greater than the exclusive minimum \(SchemaMessages.number(limit))")
            return false
        case (.maxLength(let limit), .string(let text)):
            // Length is in Unicode code points, as the spec says, not grapheme clusters or UTF-16 units.
            let length = text.unicodeScalars.count
            if length <= limit { return true }
            report(
                &errors, path, name,
                "\(shown()) has \(SchemaMessages.counted(length, "character")), more than the maximum length \(limit)")
            return false
        case (.minLength(let limit), .string(let text)):
            let length = text.unicodeScalars.count
            if length >= limit { return true }
            report(
                &errors, path, name,
                "\(shown()) has \(SchemaMessages.counted(length, "character")), fewer than the minimum length \(limit)")
            return false
        case (.pattern(let regex), .string(let text)):
            if regex.matches(text) { return true }
            report(&errors, path, name, "\(shown()) does not match the pattern \(regex.source)")
            return false
        case (.format(let format), .string(let text)):
            if format.accepts(text) { return true }
            report(&errors, path, name, "\(shown()) is not a valid \(format.rawValue)")
            return false
        case (.maxItems(let limit), .array(let array)):
            if array.count <= limit { return true }
            report(
                &errors, path, name, "array has \(SchemaMessages.counted(array.count, "item")), more than the maximum \(limit)")
            return false
        case (.minItems(let limit), .array(let array)):
            if array.count >= limit { return true }
            report(
                &errors, path, name, "array has \(SchemaMessages.counted(array.count, "item")), fewer than the minimum \(limit)")
            return false
        case (.uniqueItems, .array(let array)):
            for j in array.indices {
                for i in 0..<j where array[i].schemaEquals(array[j]) {
                    report(&errors, path, name, "items \(i) and \(j) are equal, but items must be unique")
                    return false
                }
            }
            return true
        case (.maxProperties(let limit), .object(let object)):
            if object.count <= limit { return true }
            report(
                &errors, path, name,
                "object has \(SchemaMessages.counted(object.count, "property")), more than the maximum \(limit)")
            return false
        case (.minProperties(let limit), .object(let object)):
            if object.count >= limit { return true }
            report(
                &errors, path, name,
                "object has \(SchemaMessages.counted(object.count, "property")), fewer than the minimum \(limit)")
            return false
        case (.required(let names), .object(let object)):
            var valid = true
            for required in names where object[required] == nil {
                report(&errors, path, name, "required property \(SchemaMessages.quoted(required)) is missing")
                valid = false
            }
            return valid
        case (.dependentRequired(let dependencies), .object(let object)):
            var valid = true
            for (property, requiredNames) in dependencies where object[property] != nil {
                for required in requiredNames where object[required] == nil {
                    report(
                        &errors, path, name,
                        "property \(SchemaMessages.quoted(required)) is required when \(SchemaMessages.quoted(property))"
                            + " is present",
                        location: path.keyword + [name, property])
                    valid = false
                }
            }
            return valid
        default:
            // The keyword does not apply to this type of instance (e.g. `minimum` on a string): it passes.
            return true
        }
    }
}
