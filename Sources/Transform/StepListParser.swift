import Mapping
public import Values

/// Reads a step list as it appears in step files and routes: a list in which each step is an object with one key
/// naming its kind, e.g. `[{"map": "…"}, {"filter": "…"}, {"lookup": {…}}]`. Every problem is collected, so one run
/// of the parser reports them all.
public enum StepListParser {
    /// The kinds a step may have.
    public static let kinds = ["map", "filter", "set", "rename", "remove", "lookup", "split", "group", "validate", "dedupe"]

    /// Parses `value`; `validatorFactory` builds validators for `validate` steps (nil: such steps are refused).
    public static func parse(
        _ value: JSONValue, validatorFactory: EntityValidatorFactory? = nil
    )
        throws(StepConfigurationError) -> [TransformStep]
    {
        guard case .array(let items) = value else {
            throw StepConfigurationError(problems: ["steps must be a list (got \(value.typeName))"])
        }
        var steps: [TransformStep] = []
        var problems: [String] = []
        for (offset, item) in items.enumerated() {
            let index = offset + 1
            guard case .object(let object) = item, object.count == 1, let kind = object.keys.first,
                let body = object[kind]
            else {
                problems.append(
                    "step \(index): must be an object with exactly one key naming its kind (\(kinds.joined(separator: ", ")))")
                continue
            }
            do {
                steps.append(try parseStep(kind: kind, body: body, validatorFactory: validatorFactory))
            } catch let error as StepProblem {
                problems.append("step \(index) (\(kind)): \(error.message)")
            } catch {
                problems.append("step \(index) (\(kind)): \(error)")
            }
        }
        if !problems.isEmpty { throw StepConfigurationError(problems: problems) }
        return steps
    }

    struct StepProblem: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    static func expression(_ value: JSONValue?, field: String) throws -> JSONataExpression {
        guard case .string(let text)? = value else { throw StepProblem("'\(field)' must be a JSONata expression string") }
        do {
            return try JSONataExpression(text)
        } catch {
            let position = error.position.map { " at position \($0)" } ?? ""
            throw StepProblem("'\(field)' has \(error.code)\(position): \(error.message)")
        }
    }

    static func path(_ text: String) throws -> FieldPath {
        do { return try FieldPath(text) } catch { throw StepProblem(error.problems.joined(separator: "; ")) }
    }

    static func parseStep(kind: String, body: JSONValue, validatorFactory: EntityValidatorFactory?) throws -> TransformStep {
        switch kind {
        case "map":
            return .map(try expression(body, field: "map"))
        case "filter":
            guard case .string(let text) = body else { throw StepProblem("'filter' must be a JSONata expression string") }
            // JSONata's truthiness rules decide, exactly as `$boolean` does.
            return .filter(try expression(.string("$boolean((\(text)))"), field: "filter"))
        case "set":
            guard case .object(let fields) = body, !fields.isEmpty else {
                throw StepProblem("'set' must map field paths to expressions, e.g. {currency: \"'EUR'\"}")
            }
            return .set(try fields.map { (try path($0.key), try expression($0.value, field: $0.key)) })
        case "rename":
            guard case .object(let fields) = body, !fields.isEmpty else {
                throw StepProblem("'rename' must map old field paths to new ones, e.g. {ARTNR: sku}")
            }
            return .rename(
                try fields.map { pair in
                    guard case .string(let target) = pair.value else {
                        throw StepProblem("new name of '\(pair.key)' must be a string")
                    }
                    return (try path(pair.key), try path(target))
                })
        case "remove":
            switch body {
            case .string(let single): return .remove([try path(single)])
            case .array(let list):
                return .remove(
                    try list.map { item in
                        guard case .string(let text) = item else { throw StepProblem("'remove' lists field paths as strings") }
                        return try path(text)
                    })
            default: throw StepProblem("'remove' must be a field path or a list of them")
            }
        case "lookup":
            return try parseLookup(body)
        case "split":
            return .split(try expression(body, field: "split"))
        case "group":
            guard case .object(let config) = body else {
                throw StepProblem("'group' must be an object with 'by' (and optional 'into')")
            }
            let into = config["into"] == nil ? nil : try expression(config["into"], field: "into")
            return .group(by: try expression(config["by"], field: "by"), into: into)
        case "validate":
            guard case .object(let config) = body, let schema = config["schema"] else {
                throw StepProblem("'validate' must be an object with a 'schema'")
            }
            guard let validatorFactory else { throw StepProblem("schema validation is not available here") }
            do { return .validate(try validatorFactory(schema)) } catch { throw StepProblem("invalid schema: \(error)") }
        case "dedupe":
            switch body {
            case .object(let config):
                return .dedupe(key: config["key"] == nil ? nil : try expression(config["key"], field: "key"))
            case .bool(true), .null:
                return .dedupe(key: nil)
            default:
                throw StepProblem("'dedupe' must be true or an object with an optional 'key' expression")
            }
        default:
            throw StepProblem("unknown step kind (use one of: \(kinds.joined(separator: ", ")))")
        }
    }

    static func parseLookup(_ body: JSONValue) throws -> TransformStep {
        guard case .object(let config) = body else {
            throw StepProblem("'lookup' must be an object with 'field' and 'table'")
        }
        guard case .string(let fieldText)? = config["field"] else { throw StepProblem("'field' must be a field path") }
        guard case .object(let table)? = config["table"] else { throw StepProblem("'table' must be an object of values") }
        var targetPath = try path(fieldText)
        if let target = config["target"] {
            guard case .string(let text) = target else { throw StepProblem("'target' must be a field path") }
            targetPath = try path(text)
        }
        var miss: LookupMiss = config["default"] == nil ? .fail : .keep
        if let onMissing = config["onMissing"] {
            guard case .string(let text) = onMissing, let parsed = LookupMiss(rawValue: text) else {
                throw StepProblem("'onMissing' must be one of fail, keep, null")
            }
            miss = parsed
        }
        var entries: [String: JSONValue] = [:]
        for (key, value) in table { entries[key] = value }
        return .lookup(
            field: try path(fieldText), target: targetPath, table: entries, defaultValue: config["default"], miss: miss)
    }
}
