import ConnectorKit
import Foundation
import Testing
import Values

/// Malformed schemas fail to compile with a `SchemaError` that names the offending place in the schema.
@Suite struct JSONSchemaCompileTests {
    /// A schema and the error code and pointer it must fail with.
    struct Case: Sendable, CustomTestStringConvertible {
        let schema: String
        let code: SchemaError.Code
        let pointer: String
        var testDescription: String { schema }
    }

    static let cases: [Case] = [
        Case(schema: #"{"type": 5}"#, code: .invalidKeyword, pointer: "/type"),
        Case(schema: #"{"type": ["string", "text"]}"#, code: .invalidKeyword, pointer: "/type"),
        Case(schema: #"{"properties": {"port": {"type": "int"}}}"#, code: .invalidKeyword, pointer: "/properties/port/type"),
        Case(schema: #"{"minLength": -1}"#, code: .invalidKeyword, pointer: "/minLength"),
        Case(schema: #"{"maxItems": 1.5}"#, code: .invalidKeyword, pointer: "/maxItems"),
        Case(schema: #"{"minimum": "0"}"#, code: .invalidKeyword, pointer: "/minimum"),
        Case(schema: #"{"multipleOf": 0}"#, code: .invalidKeyword, pointer: "/multipleOf"),
        Case(schema: #"{"required": "host"}"#, code: .invalidKeyword, pointer: "/required"),
        Case(schema: #"{"allOf": []}"#, code: .invalidKeyword, pointer: "/allOf"),
        Case(schema: #"{"pattern": "(unclosed"}"#, code: .invalidPattern, pointer: "/pattern"),
        Case(schema: #"{"patternProperties": {"[a-": {}}}"#, code: .invalidPattern, pointer: "/patternProperties/[a-"),
        Case(schema: #"{"items": [{"type": "string"}]}"#, code: .invalidSchema, pointer: "/items"),
        Case(schema: "5", code: .invalidSchema, pointer: ""),
        Case(schema: #"{"$defs": {"unused": {"type": 5}}}"#, code: .invalidKeyword, pointer: "/$defs/unused/type"),
        Case(schema: ##"{"$ref": "#/$defs/missing"}"##, code: .unresolvableReference, pointer: "/$ref"),
        Case(
            schema: #"{"properties": {"a": {"$ref": "https://schemas.example.com/missing.json"}}}"#,
            code: .unresolvableReference, pointer: "/properties/a/$ref"),
        Case(schema: ##"{"$ref": "#nowhere"}"##, code: .unresolvableReference, pointer: "/$ref"),
    ]

    @Test(arguments: cases)
    func malformedSchema(_ testCase: Case) throws {
        let schema = try JSONParser.parse(testCase.schema)
        do {
            _ = try JSONSchema(compiling: schema)
            Issue.record("\(testCase.schema) compiled")
        } catch {
            #expect(error.code == testCase.code)
            #expect(error.pointer == testCase.pointer)
            #expect(error.documentURI == nil)
            #expect(error.description.hasPrefix("schema error at \(testCase.pointer.isEmpty ? "(root)" : testCase.pointer): "))
        }
    }

    @Test func errorInRemoteDocumentNamesTheDocument() throws {
        let url = URL(string: "https://schemas.example.com/common.json")!
        let resolver = SchemaResolver(documents: [url: try JSONParser.parse(#"{"$defs": {"port": {"maximum": "big"}}}"#)])
        let schema = try JSONParser.parse(#"{"$ref": "\#(url)#/$defs/port"}"#)
        do {
            _ = try JSONSchema(compiling: schema, resolver: resolver)
            Issue.record("compiled")
        } catch {
            #expect(error.code == .invalidKeyword)
            #expect(error.pointer == "/$defs/port/maximum")
            #expect(error.documentURI == url.absoluteString)
        }
    }

    @Test func unknownRequiredVocabularyIsRejected() throws {
        let metaURL = URL(string: "https://schemas.example.com/meta.json")!
        let meta = try JSONParser.parse(#"{"$vocabulary": {"https://example.com/vocab/units": true}}"#)
        let schema = try JSONParser.parse(#"{"$schema": "\#(metaURL)", "type": "string"}"#)
        #expect(throws: SchemaError.self) {
            _ = try JSONSchema(compiling: schema, resolver: SchemaResolver(documents: [metaURL: meta]))
        }
    }

    @Test func builtInMetaschemaValidatesSchemas() throws {
        let meta = try JSONSchema(compiling: ["$ref": "https://json-schema.org/draft/2020-12/schema"])
        #expect(meta.isValid(try JSONParser.parse(JSONSchemaViolationTests.sftpSchemaText)))
        let violations = meta.validate(try JSONParser.parse(#"{"properties": {"port": {"minimum": "1"}}}"#))
        #expect(violations.map(\.instanceLocation) == ["/properties/port/minimum"])
        #expect(violations.map(\.keyword) == ["type"])
    }
}
