import Mapping
public import Values

/// What to do with a value the lookup table does not contain.
public enum LookupMiss: String, Sendable {
    /// The entity fails with a message naming the value.
    case fail
    /// The field keeps its original value.
    case keep
    /// The field becomes null.
    case null
}

/// Validates an entity against a schema; supplied by the caller so that the mapping layer needs no schema engine.
public protocol EntityValidator: Sendable {
    /// Every violation, one line each; empty when valid.
    func violations(of entity: JSONValue) -> [String]
}

/// Makes validators from the `schema` of a `validate` step.
public typealias EntityValidatorFactory = @Sendable (JSONValue) throws -> any EntityValidator

/// One configured transformer step.
public enum TransformStep: Sendable {
    /// Replaces the entity with the expression's result (undefined drops it).
    case map(JSONataExpression)
    /// Keeps the entity when the expression is truthy.
    case filter(JSONataExpression)
    /// Sets fields to expression results.
    case set([(FieldPath, JSONataExpression)])
    /// Moves fields.
    case rename([(FieldPath, FieldPath)])
    /// Deletes fields.
    case remove([FieldPath])
    /// Replaces a field's value through a table, e.g. ERP category codes to shop category keys.
    case lookup(field: FieldPath, target: FieldPath, table: [String: JSONValue], defaultValue: JSONValue?, miss: LookupMiss)
    /// Turns one entity into many: the expression yields an array whose elements become entities.
    case split(JSONataExpression)
    /// Collects entities by key for the whole run, then emits one entity per group.
    case group(by: JSONataExpression, into: JSONataExpression?)
    /// Fails entities that violate a JSON Schema.
    case validate(any EntityValidator)
    /// Skips entities whose content equals what was last delivered for their key.
    case dedupe(key: JSONataExpression?)

    /// The kind name as written in step files.
    public var kind: String {
        switch self {
        case .map: return "map"
        case .filter: return "filter"
        case .set: return "set"
        case .rename: return "rename"
        case .remove: return "remove"
        case .lookup: return "lookup"
        case .split: return "split"
        case .group: return "group"
        case .validate: return "validate"
        case .dedupe: return "dedupe"
        }
    }
}
