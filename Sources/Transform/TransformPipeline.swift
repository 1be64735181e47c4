import Crypto
import Foundation
import Mapping
public import Values

/// Remembers, per entity key, the content hash last delivered, so unchanged entities are skipped.
public protocol DedupeStore: Sendable {
    /// The hash last delivered for `key`, or nil.
    func lastDeliveredHash(for key: String) async throws -> String?
    /// Records that `hash` was delivered for `key` (called after the destination acknowledged it).
    func recordDelivered(hash: String, for key: String) async throws
}

/// A dedupe store in memory, for one process (tests, `admin-cli map run`).
public actor InMemoryDedupeStore: DedupeStore {
    private var hashes: [String: String] = [:]
    /// An empty store.
    public init() {}
    public func lastDeliveredHash(for key: String) -> String? { hashes[key] }
    public func recordDelivered(hash: String, for key: String) { hashes[key] = hash }
}

/// What became of one input entity.
public enum TransformOutcome: Sendable, Equatable {
    /// An entity to deliver, with its key and content hash (SHA-256 of its canonical JSON).
    case entity(JSONValue, key: String?, contentHash: String)
    /// Dropped by a `filter` (or a `map` yielding nothing) at this step.
    case filtered(key: String?, stepIndex: Int)
    /// Skipped by `dedupe`: its content equals what was last delivered.
    case unchanged(key: String?, stepIndex: Int)
    /// Taken into a `group`; it comes out when the run finishes.
    case grouped(key: String?, stepIndex: Int)
    /// A step failed.
    case failed(StepError)
}

/// Runs a step list over entities: each input entity goes through the steps in order; `group` steps hold entities
/// until `finish()`.
public final class TransformPipeline: @unchecked Sendable {
    // Mutable group state is touched only by the one task that drives the pipeline.
    private let steps: [TransformStep]
    private let dedupeStore: (any DedupeStore)?
    private let options: EvaluationOptions
    private var groups: [Int: (order: [String], members: [String: [JSONValue]], keys: [String: JSONValue])] = [:]

    /// Creates a pipeline; `dedupeStore` is required when the list has a `dedupe` step.
    public init(steps: [TransformStep], dedupeStore: (any DedupeStore)? = nil, options: EvaluationOptions = .init()) {
        self.steps = steps
        self.dedupeStore = dedupeStore
        self.options = options
    }

    /// Runs one entity through every step.
    public func process(_ entity: JSONValue, key: String?) async -> [TransformOutcome] {
        await run([(entity, key)], from: 0)
    }

    /// Emits the groups collected during the run, through the steps that follow each `group` step.
    public func finish() async -> [TransformOutcome] {
        var outcomes: [TransformOutcome] = []
        for index in steps.indices {
            guard case .group(_, let into) = steps[index], let state = groups[index] else { continue }
            groups[index] = nil
            for groupKey in state.order {
                let members = state.members[groupKey] ?? []
                let grouped: JSONValue
                if let into {
                    do {
                        guard let value = try into.evaluate(.array(members), options: options) else { continue }
                        grouped = value
                    } catch {
                        outcomes.append(.failed(stepError(index, key: groupKey, error)))
                        continue
                    }
                } else {
                    var object = JSONObject()
                    object["key"] = state.keys[groupKey] ?? .string(groupKey)
                    object["items"] = .array(members)
                    grouped = .object(object)
                }
                outcomes += await run([(grouped, groupKey)], from: index + 1)
            }
        }
        return outcomes
    }

    private func run(_ initial: [(JSONValue, String?)], from start: Int) async -> [TransformOutcome] {
        var current = initial
        var outcomes: [TransformOutcome] = []
        var index = start
        while index < steps.count, !current.isEmpty {
            var next: [(JSONValue, String?)] = []
            for (entity, key) in current {
                do {
                    next += try await apply(steps[index], at: index, to: entity, key: key, outcomes: &outcomes)
                } catch let error as StepError {
                    outcomes.append(.failed(error))
                } catch {
                    outcomes.append(.failed(stepError(index, key: key, error)))
                }
            }
            current = next
            index += 1
        }
        for (entity, key) in current {
            outcomes.append(.entity(entity, key: key, contentHash: Self.contentHash(entity)))
        }
        return outcomes
    }

    private func stepError(_ index: Int, key: String?, _ error: any Error) -> StepError {
        if let error = error as? JSONataError {
            return StepError(
                stepIndex: index + 1, kind: steps[index].kind, entityKey: key, reason: error.description, code: error.code)
        }
        return StepError(stepIndex: index + 1, kind: steps[index].kind, entityKey: key, reason: "\(error)")
    }

    private func fail(_ index: Int, _ key: String?, _ reason: String) -> StepError {
        StepError(stepIndex: index + 1, kind: steps[index].kind, entityKey: key, reason: reason)
    }

    private func apply(
        _ step: TransformStep, at index: Int, to entity: JSONValue, key: String?, outcomes: inout [TransformOutcome]
    ) async throws -> [(JSONValue, String?)] {
        switch step {
        case .map(let expression):
            guard let result = try expression.evaluate(entity, options: options) else {
                outcomes.append(.filtered(key: key, stepIndex: index + 1))
                return []
            }
            guard case .object = result else {
                throw fail(index, key, "the expression must produce an object, not \(result.typeName)")
            }
            return [(result, key)]
        case .filter(let expression):
            if case .bool(true)? = try expression.evaluate(entity, options: options) { return [(entity, key)] }
            outcomes.append(.filtered(key: key, stepIndex: index + 1))
            return []
        case .set(let assignments):
            var result = entity
            for (path, expression) in assignments {
                // Every expression sees the entity as it came in, so the order of fields does not matter.
                path.set(try expression.evaluate(entity, options: options), in: &result)
            }
            return [(result, key)]
        case .rename(let moves):
            var result = entity
            for (from, to) in moves {
                guard let value = from.value(in: result) else { continue }
                from.set(nil, in: &result)
                to.set(value, in: &result)
            }
            return [(result, key)]
        case .remove(let paths):
            var result = entity
            for path in paths { path.set(nil, in: &result) }
            return [(result, key)]
        case .lookup(let field, let target, let table, let defaultValue, let miss):
            let original = field.value(in: entity)
            let lookupKey: String
            switch original {
            case .string(let text)?: lookupKey = text
            case .number(let number)?: lookupKey = JSONNumberFormatter.format(number)
            case .bool(let flag)?: lookupKey = flag ? "true" : "false"
            case .null?, nil: lookupKey = ""
            default: throw fail(index, key, "field '\(field)' is \(original!.typeName); lookup needs a string or number")
            }
            var result = entity
            if let mapped = table[lookupKey] {
                target.set(mapped, in: &result)
            } else if let defaultValue {
                target.set(defaultValue, in: &result)
            } else {
                switch miss {
                case .fail:
                    throw fail(
                        index, key,
                        "value '\(lookupKey)' of field '\(field)' is not in the lookup table (add it or set a default)")
                case .keep: target.set(original, in: &result)
                case .null: target.set(.null, in: &result)
                }
            }
            return [(result, key)]
        case .split(let expression):
            guard let result = try expression.evaluate(entity, options: options) else {
                outcomes.append(.filtered(key: key, stepIndex: index + 1))
                return []
            }
            let parts: [JSONValue]
            if case .array(let items) = result { parts = items } else { parts = [result] }
            return try parts.enumerated().map { offset, part in
                guard case .object = part else { throw fail(index, key, "split produced a \(part.typeName), not an object") }
                return (part, key.map { "\($0)/\(offset + 1)" } ?? String(offset + 1))
            }
        case .group(let by, _):
            guard let groupValue = try by.evaluate(entity, options: options) else {
                throw fail(index, key, "the 'by' expression is undefined for this entity")
            }
            let groupKey = JSONSerializer.serialize(groupValue)
            var state = groups[index] ?? (order: [], members: [:], keys: [:])
            if state.members[groupKey] == nil {
                state.order.append(groupKey)
                state.keys[groupKey] = groupValue
            }
            state.members[groupKey, default: []].append(entity)
            groups[index] = state
            outcomes.append(.grouped(key: key, stepIndex: index + 1))
            return []
        case .validate(let validator):
            let violations = validator.violations(of: entity)
            guard violations.isEmpty else { throw fail(index, key, violations.joined(separator: "; ")) }
            return [(entity, key)]
        case .dedupe(let keyExpression):
            guard let dedupeStore else { throw fail(index, key, "no dedupe store is configured") }
            var dedupeKey = key
            if let keyExpression {
                guard let value = try keyExpression.evaluate(entity, options: options) else {
                    throw fail(index, key, "the 'key' expression is undefined for this entity")
                }
                if case .string(let text) = value { dedupeKey = text } else { dedupeKey = JSONSerializer.serialize(value) }
            }
            guard let dedupeKey else { throw fail(index, key, "the entity has no key (give dedupe a 'key' expression)") }
            if try await dedupeStore.lastDeliveredHash(for: dedupeKey) == Self.contentHash(entity) {
                outcomes.append(.unchanged(key: key, stepIndex: index + 1))
                return []
            }
            return [(entity, key)]
        }
    }

    /// SHA-256 (hex) of the entity's canonical JSON: object keys sorted, so field order never counts as a change.
    public static func contentHash(_ entity: JSONValue) -> String {
        var bytes: [UInt8] = []
        CanonicalJSON.write(entity, into: &bytes)
        return SHA256.hash(data: bytes).map { byte in
            let digits = Array("0123456789abcdef".utf8)
            return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]], as: UTF8.self)
        }.joined()
    }
}

/// JSON with sorted object keys, for hashing.
enum CanonicalJSON {
    static func write(_ value: JSONValue, into bytes: inout [UInt8]) {
        switch value {
        case .object(let object):
            bytes.append(UInt8(ascii: "{"))
            let pairs = object.map { ($0.key, $0.value) }.sorted { $0.0 < $1.0 }
            for (offset, pair) in pairs.enumerated() {
                if offset > 0 { bytes.append(UInt8(ascii: ",")) }
                JSONSerializer.write(.string(pair.0), into: &bytes)
                bytes.append(UInt8(ascii: ":"))
                write(pair.1, into: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
        case .array(let items):
            bytes.append(UInt8(ascii: "["))
            for (offset, item) in items.enumerated() {
                if offset > 0 { bytes.append(UInt8(ascii: ",")) }
                write(item, into: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        default:
            JSONSerializer.write(value, into: &bytes)
        }
    }
}
