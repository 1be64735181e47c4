import Foundation
import Values

/// Turns schema documents into `SchemaNode`s: indexes every `$id`, `$anchor` and `$dynamicAnchor`, loads the
/// documents that references name, checks every keyword's shape and resolves every reference up front, so that
/// validation never fails for a reason that lies in the schema.
struct SchemaCompiler {
    private let resolver: SchemaResolver
    private let assertFormats: Bool
    private var documents: [JSONValue] = []
    private var documentURIs: [String] = []
    private var vocabularies: [Vocabularies] = []
    /// Absolute URI (no fragment) of every schema resource, to its place.
    private var resources: [String: SchemaLocation] = [:]
    /// `uri#name` of every `$anchor` and `$dynamicAnchor`, to its place.
    private var anchors: [String: SchemaLocation] = [:]
    /// The `$dynamicAnchor` names of each resource URI.
    private var dynamicAnchorNames: [String: Set<String>] = [:]
    /// The base URI in effect inside every indexed schema object (after its own `$id`).
    private var baseURIs: [SchemaLocation: String] = [:]

    private(set) var nodes: [SchemaNode?] = []
    private var nodeIndex: [SchemaLocation: Int] = [:]
    private var resourceIDs: [String: Int] = [:]
    private var resourceURIs: [String] = []
    private(set) var dynamicAnchorNodes: [[String: Int]] = []

    init(resolver: SchemaResolver, assertFormats: Bool) {
        self.resolver = resolver
        self.assertFormats = assertFormats
    }

    // MARK: Documents and the index

    /// Adds the schema being compiled and compiles it; returns the root node.
    mutating func compileRoot(_ schema: JSONValue, baseURI: String) throws(SchemaError) -> Int {
        let document = try addDocument(schema, uri: baseURI)
        let root = try compile(SchemaLocation(document: document, pointer: []))
        try compilePendingDynamicAnchors()
        return root
    }

    private mutating func addDocument(_ value: JSONValue, uri: String) throws(SchemaError) -> Int {
        let document = documents.count
        documents.append(value)
        documentURIs.append(uri)
        vocabularies.append(.all)
        let root = SchemaLocation(document: document, pointer: [])
        if resources[uri] == nil { resources[uri] = root }
        index(value, at: root, base: uri)
        if case .object(let object) = value, case .string(let metaschema)? = object["$schema"] {
            vocabularies[document] = try vocabularies(of: metaschema, document: document)
        }
        return document
    }

    /// Reads the `$vocabulary` of a custom metaschema; the official one (and one without `$vocabulary`) means all.
    private mutating func vocabularies(of metaschema: String, document: Int) throws(SchemaError) -> Vocabularies {
        let uri = SchemaURI.splitFragment(metaschema).resource
        if uri == DraftMetaschemas.draft2020 { return .all }
        if resources[uri] == nil { try? load(uri) }
        guard let place = resources[uri], case .object(let meta)? = value(at: place),
            case .object(let declared)? = meta["$vocabulary"]
        else { return .all }
        var result: Vocabularies = []
        let vocabPrefix = "https://json-schema.org/draft/2020-12/vocab/"
        for (vocabulary, required) in declared {
            switch vocabulary {
            case vocabPrefix + "applicator": result.insert(.applicator)
            case vocabPrefix + "validation": result.insert(.validation)
            case vocabPrefix + "unevaluated": result.insert(.unevaluated)
            case vocabPrefix + "format-assertion": result.insert(.formatAssertion)
            case vocabPrefix + "core", vocabPrefix + "meta-data", vocabPrefix + "format-annotation",
                vocabPrefix + "content":
                break
            default:
                if required == .bool(true) {
                    throw SchemaError(
                        code: .unsupportedVocabulary, pointer: "/$schema", documentURI: documentLabel(document),
                        message: "the metaschema \(uri) requires the unknown vocabulary \(vocabulary)")
                }
            }
        }
        return result
    }

    /// Fetches a document by URI: from the resolver first (so callers can override), then the built-in metaschemas.
    private mutating func load(_ uri: String) throws(SchemaError) {
        var document: JSONValue?
        if let url = URL(string: uri) { document = resolver.lookup(url) }
        if document == nil { document = DraftMetaschemas.document(for: uri) }
        guard let document else { return }
        _ = try addDocument(document, uri: uri)
    }

    /// Records identifiers and base URIs, descending only into keywords that hold subschemas, so that an `$id`
    /// inside `const`, `enum` or an unknown keyword is data, not an identifier.
    private mutating func index(_ value: JSONValue, at place: SchemaLocation, base: String) {
        guard case .object(let object) = value else {
            baseURIs[place] = base
            return
        }
        var base = base
        if case .string(let id)? = object["$id"] {
            base = SchemaURI.splitFragment(SchemaURI.resolve(id, against: base)).resource
            if resources[base] == nil { resources[base] = place }
        }
        baseURIs[place] = base
        if case .string(let name)? = object["$anchor"] { anchors[base + "#" + name] = place }
        if case .string(let name)? = object["$dynamicAnchor"] {
            anchors[base + "#" + name] = place
            dynamicAnchorNames[base, default: []].insert(name)
        }
        for (key, member) in object {
            switch key {
            case "additionalProperties", "unevaluatedProperties", "unevaluatedItems", "items", "contains",
                "propertyNames", "not", "if", "then", "else", "contentSchema":
                index(member, at: place.appending(key), base: base)
            case "allOf", "anyOf", "oneOf", "prefixItems":
                guard case .array(let elements) = member else { continue }
                for (i, element) in elements.enumerated() {
                    index(element, at: place.appending(key, String(i)), base: base)
                }
            case "properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "dependencies":
                guard case .object(let map) = member else { continue }
                for (name, element) in map { index(element, at: place.appending(key, name), base: base) }
            default:
                continue
            }
        }
    }

    private func value(at place: SchemaLocation) -> JSONValue? {
        var current = documents[place.document]
        for token in place.pointer {
            switch current {
            case .object(let object):
                guard let next = object[token] else { return nil }
                current = next
            case .array(let array):
                guard let i = Int(token), array.indices.contains(i), String(i) == token else { return nil }
                current = array[i]
            default:
                return nil
            }
        }
        return current
    }

    /// The base URI at a place; places reached only through a JSON-pointer `$ref` (inside unknown keywords) are
    /// indexed on first use, from the nearest indexed ancestor.
    private mutating func baseURI(at place: SchemaLocation) -> String {
        if let base = baseURIs[place] { return base }
        var prefix = place.pointer
        var base = documentURIs[place.document]
        while !prefix.isEmpty {
            prefix.removeLast()
            if let found = baseURIs[SchemaLocation(document: place.document, pointer: prefix)] {
                base = found
                break
            }
        }
        if let value = value(at: place) { index(value, at: place, base: base) }
        return baseURIs[place] ?? base
    }

    private func documentLabel(_ document: Int) -> String? {
        document == 0 ? nil : documentURIs[document]
    }

    /// Resolves a reference to a place, loading its document when needed.
    private mutating func locate(
        _ reference: String, base: String, from place: SchemaLocation, keyword: String
    )
        throws(SchemaError) -> (place: SchemaLocation, resource: String, fragment: String)
    {
        let absolute = SchemaURI.resolve(reference, against: base)
        let (resource, fragment) = SchemaURI.splitFragment(absolute)
        if resources[resource] == nil { try load(resource) }
        let unresolvable = SchemaError(
            code: .unresolvableReference, pointer: JSONPointer.string(place.pointer + [keyword]),
            documentURI: documentLabel(place.document),
            message: "\(keyword) \"\(reference)\" (resolved to \(absolute)) does not point to a known schema")
        guard let root = resources[resource] else { throw unresolvable }
        if fragment.isEmpty { return (root, resource, fragment) }
        if let tokens = JSONPointer.tokens(fragment) {
            let target = SchemaLocation(document: root.document, pointer: root.pointer + tokens)
            guard value(at: target) != nil else { throw unresolvable }
            return (target, resource, fragment)
        }
        guard let target = anchors[resource + "#" + fragment] else { throw unresolvable }
        return (target, resource, fragment)
    }

    private mutating func resourceID(_ uri: String) -> Int {
        if let id = resourceIDs[uri] { return id }
        let id = resourceURIs.count
        resourceIDs[uri] = id
        resourceURIs.append(uri)
        dynamicAnchorNodes.append([:])
        return id
    }

    /// Compiles every `$dynamicAnchor` of every resource that has compiled nodes: any of them may be the target
    /// a `$dynamicRef` picks from the dynamic scope at validation time.
    private mutating func compilePendingDynamicAnchors() throws(SchemaError) {
        var changed = true
        while changed {
            changed = false
            for (id, uri) in resourceURIs.enumerated() {
                for name in dynamicAnchorNames[uri] ?? [] where dynamicAnchorNodes[id][name] == nil {
                    guard let place = anchors[uri + "#" + name] else { continue }
                    let node = try compile(place)
                    dynamicAnchorNodes[id][name] = node
                    changed = true
                }
            }
        }
    }

    // MARK: Compiling

    /// Compiles the schema at a place (once: later calls return the same node, which makes cycles finite).
    mutating func compile(_ place: SchemaLocation) throws(SchemaError) -> Int {
        if let id = nodeIndex[place] { return id }
        let id = nodes.count
        nodes.append(nil)
        nodeIndex[place] = id
        let base = baseURI(at: place)
        let resource = resourceID(base)
        switch value(at: place) {
        case .bool(let flag)?:
            nodes[id] = SchemaNode(body: .always(flag), resource: resource, isSecret: false)
        case .object(let object)?:
            let keywords = try compileKeywords(object, at: place, base: base)
            nodes[id] = SchemaNode(
                body: .keywords(keywords), resource: resource, isSecret: object["x-secret"] == .bool(true))
        default:
            throw SchemaError(
                code: .invalidSchema, pointer: JSONPointer.string(place.pointer),
                documentURI: documentLabel(place.document), message: "a schema must be an object or a boolean")
        }
        return id
    }

    private func failure(_ place: SchemaLocation, _ keyword: String, _ message: String) -> SchemaError {
        SchemaError(
            code: .invalidKeyword, pointer: JSONPointer.string(place.pointer + [keyword]),
            documentURI: documentLabel(place.document), message: message)
    }

    private func count(_ value: JSONValue, _ place: SchemaLocation, _ keyword: String) throws(SchemaError) -> Int {
        guard case .number(let number) = value, number >= 0, number.rounded(.towardZero) == number else {
            throw failure(place, keyword, "\"\(keyword)\" must be a non-negative integer, not \(value)")
        }
        return number > Double(Int.max / 2) ? Int.max / 2 : Int(number)
    }

    private func number(_ value: JSONValue, _ place: SchemaLocation, _ keyword: String) throws(SchemaError) -> Double {
        guard case .number(let number) = value else {
            throw failure(place, keyword, "\"\(keyword)\" must be a number, not \(value)")
        }
        return number
    }

    private func strings(
        _ value: JSONValue, _ place: SchemaLocation, _ keyword: String
    ) throws(SchemaError)
        -> [String]
    {
        guard case .array(let elements) = value else {
            throw failure(place, keyword, "\"\(keyword)\" must be an array of strings")
        }
        var result: [String] = []
        for element in elements {
            guard case .string(let text) = element else {
                throw failure(place, keyword, "\"\(keyword)\" must be an array of strings, but holds \(element)")
            }
            result.append(text)
        }
        return result
    }

    private func regex(_ source: String, _ place: SchemaLocation, _ keyword: String) throws(SchemaError) -> ECMARegex {
        guard let regex = ECMARegex(source) else {
            throw SchemaError(
                code: .invalidPattern, pointer: JSONPointer.string(place.pointer + [keyword]),
                documentURI: documentLabel(place.document),
                message: "\"\(source)\" is not a valid regular expression")
        }
        return regex
    }

    private mutating func schemaArray(
        _ value: JSONValue, _ place: SchemaLocation, _ keyword: String
    )
        throws(SchemaError) -> [Int]
    {
        guard case .array(let elements) = value, !(elements.isEmpty && keyword != "prefixItems") else {
            throw failure(place, keyword, "\"\(keyword)\" must be a non-empty array of schemas")
        }
        var result: [Int] = []
        for i in elements.indices { result.append(try compile(place.appending(keyword, String(i)))) }
        return result
    }

    private mutating func schemaMap(
        _ value: JSONValue, _ place: SchemaLocation, _ keyword: String
    )
        throws(SchemaError) -> [(String, Int)]
    {
        guard case .object(let map) = value else {
            throw failure(place, keyword, "\"\(keyword)\" must be an object whose values are schemas")
        }
        var result: [(String, Int)] = []
        for name in map.keys { result.append((name, try compile(place.appending(keyword, name)))) }
        return result
    }

    // The keyword switch is long by nature: one case per keyword of the specification.
    private mutating func compileKeywords(
        _ object: JSONObject, at place: SchemaLocation, base: String
    )
        throws(SchemaError) -> [SchemaKeyword]
    {
        let vocabularies = self.vocabularies[place.document]
        var keywords: [SchemaKeyword] = []
        var last: [SchemaKeyword] = []
        func add(_ name: String, _ rule: SchemaRule) { keywords.append(SchemaKeyword(name: name, rule: rule)) }

        if case .object(let definitions)? = object["$defs"] {
            // Compiled though possibly unreferenced, so that a malformed definition is reported up front.
            for name in definitions.keys { _ = try compile(place.appending("$defs", name)) }
        } else if let definitions = object["$defs"] {
            throw failure(place, "$defs", "\"$defs\" must be an object whose values are schemas, not \(definitions)")
        }
        if let reference = object["$ref"] {
            guard case .string(let text) = reference else { throw failure(place, "$ref", "\"$ref\" must be a string") }
            let target = try locate(text, base: base, from: place, keyword: "$ref")
            add("$ref", .ref(try compile(target.place)))
        }
        if let reference = object["$dynamicRef"] {
            guard case .string(let text) = reference else {
                throw failure(place, "$dynamicRef", "\"$dynamicRef\" must be a string")
            }
            let target = try locate(text, base: base, from: place, keyword: "$dynamicRef")
            let isDynamic = dynamicAnchorNames[target.resource]?.contains(target.fragment) ?? false
            add("$dynamicRef", .dynamicRef(target: try compile(target.place), anchor: isDynamic ? target.fragment : nil))
        }

        if vocabularies.contains(.validation) {
            if let value = object["type"] {
                var names: [String] = []
                if case .string(let name) = value {
                    names = [name]
                } else if case .array(let elements) = value {
                    names = elements.compactMap(\.stringValue)
                    if names.count != elements.count { names = [] }
                }
                let types = names.compactMap(SchemaType.init(rawValue:))
                guard !names.isEmpty, types.count == names.count else {
                    throw failure(
                        place, "type",
                        "\"type\" must be one of \(SchemaType.allCases.map(\.rawValue).joined(separator: ", "))"
                            + " or an array of them, not \(value)")
                }
                add("type", .type(types))
            }
            if let value = object["enum"] {
                guard case .array(let options) = value else { throw failure(place, "enum", "\"enum\" must be an array") }
                add("enum", .enumeration(options))
            }
            if let value = object["const"] { add("const", .constant(value)) }
            if let value = object["multipleOf"] {
                let divisor = try number(value, place, "multipleOf")
                guard divisor > 0 else { throw failure(place, "multipleOf", "\"multipleOf\" must be greater than 0") }
                add("multipleOf", .multipleOf(divisor))
            }
            if let value = object["maximum"] { add("maximum", .maximum(try number(value, place, "maximum"))) }
            if let value = object["exclusiveMaximum"] {
                add("exclusiveMaximum", .exclusiveMaximum(try number(value, place, "exclusiveMaximum")))
            }
            if let value = object["minimum"] { add("minimum", .minimum(try number(value, place, "minimum"))) }
            if let value = object["exclusiveMinimum"] {
                add("exclusiveMinimum", .exclusiveMinimum(try number(value, place, "exclusiveMinimum")))
            }
            if let value = object["maxLength"] { add("maxLength", .maxLength(try count(value, place, "maxLength"))) }
            if let value = object["minLength"] { add("minLength", .minLength(try count(value, place, "minLength"))) }
            if let value = object["pattern"] {
                guard case .string(let source) = value else {
                    throw failure(place, "pattern", "\"pattern\" must be a string")
                }
                add("pattern", .pattern(try regex(source, place, "pattern")))
            }
            if let value = object["maxItems"] { add("maxItems", .maxItems(try count(value, place, "maxItems"))) }
            if let value = object["minItems"] { add("minItems", .minItems(try count(value, place, "minItems"))) }
            if let value = object["uniqueItems"] {
                guard case .bool(let unique) = value else {
                    throw failure(place, "uniqueItems", "\"uniqueItems\" must be a boolean")
                }
                if unique { add("uniqueItems", .uniqueItems) }
            }
            if let value = object["maxProperties"] {
                add("maxProperties", .maxProperties(try count(value, place, "maxProperties")))
            }
            if let value = object["minProperties"] {
                add("minProperties", .minProperties(try count(value, place, "minProperties")))
            }
            if let value = object["required"] { add("required", .required(try strings(value, place, "required"))) }
            if let value = object["dependentRequired"] {
                guard case .object(let map) = value else {
                    throw failure(place, "dependentRequired", "\"dependentRequired\" must be an object")
                }
                var pairs: [(property: String, required: [String])] = []
                for (name, list) in map {
                    pairs.append((name, try strings(list, place.appending("dependentRequired"), name)))
                }
                add("dependentRequired", .dependentRequired(pairs))
            }
        }

        if let value = object["format"] {
            guard case .string(let name) = value else { throw failure(place, "format", "\"format\" must be a string") }
            // Unknown formats stay annotations even when asserting: the specification lets them pass.
            if assertFormats || vocabularies.contains(.formatAssertion), let format = SchemaFormat(rawValue: name) {
                add("format", .format(format))
            }
        }

        if vocabularies.contains(.applicator) {
            if let value = object["allOf"] { add("allOf", .allOf(try schemaArray(value, place, "allOf"))) }
            if let value = object["anyOf"] { add("anyOf", .anyOf(try schemaArray(value, place, "anyOf"))) }
            if let value = object["oneOf"] { add("oneOf", .oneOf(try schemaArray(value, place, "oneOf"))) }
            if object["not"] != nil { add("not", .not(try compile(place.appending("not")))) }
            if object["if"] != nil {
                let condition = try compile(place.appending("if"))
                let then = object["then"] == nil ? nil : try compile(place.appending("then"))
                let otherwise = object["else"] == nil ? nil : try compile(place.appending("else"))
                add("if", .conditional(if: condition, then: then, else: otherwise))
            }
            if let value = object["dependentSchemas"] {
                add("dependentSchemas", .dependentSchemas(try schemaMap(value, place, "dependentSchemas")))
            }
            if case .object(let dependencies)? = object["dependencies"] {
                // Draft 7's `dependencies`, still common in published schemas: arrays are `dependentRequired`,
                // schemas are `dependentSchemas`. Draft 2020-12 only reserves the name, so this is a compatibility aid.
                var required: [(property: String, required: [String])] = []
                var schemas: [(property: String, node: Int)] = []
                for (name, dependency) in dependencies {
                    if case .array = dependency {
                        required.append((name, try strings(dependency, place.appending("dependencies"), name)))
                    } else {
                        schemas.append((name, try compile(place.appending("dependencies", name))))
                    }
                }
                if !required.isEmpty { add("dependencies", .dependentRequired(required)) }
                if !schemas.isEmpty { add("dependencies", .dependentSchemas(schemas)) }
            }
            var prefixCount = 0
            if let value = object["prefixItems"] {
                let prefix = try schemaArray(value, place, "prefixItems")
                prefixCount = prefix.count
                add("prefixItems", .prefixItems(prefix))
            }
            if object["items"] != nil {
                add("items", .items(node: try compile(place.appending("items")), start: prefixCount))
            }
            if object["contains"] != nil {
                let node = try compile(place.appending("contains"))
                var minimum = 1
                var maximum: Int?
                if let value = object["minContains"] { minimum = try count(value, place, "minContains") }
                if let value = object["maxContains"] { maximum = try count(value, place, "maxContains") }
                let asserts = vocabularies.contains(.validation)
                add("contains", .contains(node: node, min: asserts ? minimum : 1, max: asserts ? maximum : nil))
            }
            var named: Set<String> = []
            if let value = object["properties"] {
                let properties = try schemaMap(value, place, "properties")
                named = Set(properties.map(\.0))
                add("properties", .properties(properties.map { (name: $0.0, node: $0.1) }))
            }
            var patterns: [ECMARegex] = []
            if let value = object["patternProperties"] {
                var rules: [(regex: ECMARegex, node: Int)] = []
                for (source, node) in try schemaMap(value, place, "patternProperties") {
                    let regex = try regex(source, place.appending("patternProperties"), source)
                    patterns.append(regex)
                    rules.append((regex, node))
                }
                add("patternProperties", .patternProperties(rules))
            }
            if object["additionalProperties"] != nil {
                let node = try compile(place.appending("additionalProperties"))
                add("additionalProperties", .additionalProperties(node: node, named: named, patterns: patterns))
            }
            if object["propertyNames"] != nil {
                add("propertyNames", .propertyNames(try compile(place.appending("propertyNames"))))
            }
        }

        if vocabularies.contains(.unevaluated) {
            // Last, because they depend on what every other keyword of this schema object evaluated.
            if object["unevaluatedItems"] != nil {
                let node = try compile(place.appending("unevaluatedItems"))
                last.append(SchemaKeyword(name: "unevaluatedItems", rule: .unevaluatedItems(node)))
            }
            if object["unevaluatedProperties"] != nil {
                let node = try compile(place.appending("unevaluatedProperties"))
                last.append(SchemaKeyword(name: "unevaluatedProperties", rule: .unevaluatedProperties(node)))
            }
        }
        return keywords + last
    }
}
