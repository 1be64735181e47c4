public import Foundation
public import Values

/// A JSON Schema (draft 2020-12) compiled once into a reusable, thread-safe validator.
///
/// Compiling checks every keyword and resolves every `$ref` (loading remote documents through the resolver),
/// so validating never throws: everything it finds, a `$ref` loop included, is a `SchemaViolation`.
public struct JSONSchema: Sendable {
    /// The schema document as given.
    public let schema: JSONValue
    let nodes: [SchemaNode]
    let root: Int
    let dynamicAnchors: [[String: Int]]

    /// The base URI of a schema without `$id` when the caller gives none; a URN, so it never looks fetchable.
    public static let defaultBaseURI = "urn:switchyard:schema"

    /// Compiles a schema; `baseURI` is where it came from (used to resolve relative references when the schema has
    /// no absolute `$id`), `resolver` supplies the documents that other references name.
    public init(
        compiling schema: JSONValue, baseURI: URL? = nil, resolver: SchemaResolver = .none, options: Options = Options()
    ) throws(SchemaError) {
        var compiler = SchemaCompiler(resolver: resolver, assertFormats: options.assertFormats)
        let base = SchemaURI.splitFragment(baseURI?.absoluteString ?? Self.defaultBaseURI).resource
        root = try compiler.compileRoot(schema, baseURI: base)
        // Every slot was filled: `compile` stores a node for each index it hands out, or throws.
        nodes = compiler.nodes.map { $0! }
        dynamicAnchors = compiler.dynamicAnchorNodes
        self.schema = schema
    }

    /// Every violation of the schema by `instance`, in schema order; empty when the instance is valid.
    public func validate(_ instance: JSONValue) -> [SchemaViolation] {
        var evaluator = SchemaEvaluator(nodes: nodes, dynamicAnchors: dynamicAnchors)
        var errors: [SchemaViolation]? = []
        var evaluated = EvaluatedParts()
        let path = SchemaEvaluator.Path(instance: [], keyword: [], secret: false)
        _ = evaluator.evaluate(root, instance, path, &errors, &evaluated)
        return errors ?? []
    }

    /// True when `instance` is valid; stops at the first violation, so it is cheaper than `validate`.
    public func isValid(_ instance: JSONValue) -> Bool {
        var evaluator = SchemaEvaluator(nodes: nodes, dynamicAnchors: dynamicAnchors)
        var errors: [SchemaViolation]? = nil
        var evaluated = EvaluatedParts()
        let path = SchemaEvaluator.Path(instance: [], keyword: [], secret: false)
        return evaluator.evaluate(root, instance, path, &errors, &evaluated)
    }
}
