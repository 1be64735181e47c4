import ConnectorKit
import Testing
import Values

/// `secretPointers` finds the config fields marked `"x-secret": true`, through references and arrays.
@Suite struct JSONSchemaSecretTests {
    /// A schema and the secret pointers it must report, in discovery order.
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let schema: String
        let expected: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "no secrets", schema: #"{"properties": {"host": {"type": "string"}}}"#, expected: []),
        Case(
            name: "direct and through $defs",
            schema: JSONSchemaViolationTests.sftpSchemaText, expected: ["/password", "/privateKey"]),
        Case(
            name: "inside array items",
            schema: #"{"properties": {"accounts": {"items": {"properties": {"token": {"x-secret": true}}}}}}"#,
            expected: ["/accounts/*/token"]),
        Case(
            name: "tuple positions and other properties",
            schema: #"{"properties": {"pair": {"prefixItems": [{}, {"x-secret": true}]}}, "#
                + #""additionalProperties": {"x-secret": true}}"#,
            expected: ["/pair/1", "/*"]),
        Case(
            name: "in-place applicators, deduplicated",
            schema: """
                {"allOf": [{"properties": {"apiKey": {"x-secret": true}}}],
                 "oneOf": [{"properties": {"apiKey": {"x-secret": true}}}, {"properties": {"oauth": {"$ref": "#/$defs/oauth"}}}],
                 "$defs": {"oauth": {"properties": {"clientSecret": {"x-secret": true}, "clientId": {"type": "string"}}}}}
                """,
            expected: ["/apiKey", "/oauth/clientSecret"]),
        Case(
            name: "x-secret false is not secret",
            schema: #"{"properties": {"user": {"x-secret": false}}}"#, expected: []),
        Case(
            name: "recursive schema terminates",
            schema: ##"{"$defs": {"node": {"properties": {"key": {"x-secret": true}, "child": {"$ref": "#/$defs/node"}}}}, "##
                + ##""$ref": "#/$defs/node"}"##,
            expected: ["/key"]),
    ]

    @Test(arguments: cases)
    func secretPointers(_ testCase: Case) throws {
        let schema = try JSONSchema(compiling: JSONParser.parse(testCase.schema))
        #expect(schema.secretPointers == testCase.expected)
    }
}
