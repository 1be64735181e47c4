import ConnectorKit
import Testing
import Values

/// One message per keyword, in the wording docs/json-schema.md documents.
@Suite struct JSONSchemaMessageTests {
    /// A schema, an instance and the one violation (`keywordLocation | message`) it must produce.
    struct Case: Sendable, CustomTestStringConvertible {
        let schema: String
        let instance: String
        let expected: String
        var testDescription: String { schema }
    }

    static let cases: [Case] = [
        Case(
            schema: #"{"type": ["string", "null"]}"#, instance: "1", expected: "/type | (root): 1 is not of type string or null"),
        Case(
            schema: #"{"type": ["string", "integer", "null"]}"#, instance: "true",
            expected: "/type | (root): true is not of type string, integer or null"),
        Case(schema: #"{"const": 4}"#, instance: "3", expected: "/const | (root): 3 is not the constant 4"),
        Case(schema: #"{"multipleOf": 5}"#, instance: "7", expected: "/multipleOf | (root): 7 is not a multiple of 5"),
        Case(
            schema: #"{"exclusiveMinimum": 0}"#, instance: "0",
            expected: "/exclusiveMinimum | (root): 0 is not greater than the exclusive minimum 0"),
        Case(
            schema: #"{"exclusiveMaximum": 1.5}"#, instance: "2",
            expected: "/exclusiveMaximum | (root): 2 is not less than the exclusive maximum 1.5"),
        Case(
            schema: #"{"minLength": 3}"#, instance: #""ab""#,
            expected: #"/minLength | (root): "ab" has 2 characters, fewer than the minimum length 3"#),
        Case(
            schema: #"{"maxItems": 1}"#, instance: "[1, 2]",
            expected: "/maxItems | (root): array has 2 items, more than the maximum 1"),
        Case(
            schema: #"{"minItems": 2}"#, instance: "[1]",
            expected: "/minItems | (root): array has 1 item, fewer than the minimum 2"),
        Case(
            schema: #"{"contains": {"type": "string"}}"#, instance: "[1]",
            expected: #"/contains | (root): array has no item matching the schema in "contains""#),
        Case(
            schema: #"{"contains": {"type": "string"}, "maxContains": 1}"#, instance: #"["a", "b"]"#,
            expected: #"/maxContains | (root): array has 2 items matching "contains", more than the maximum 1"#),
        Case(
            schema: #"{"maxProperties": 1}"#, instance: #"{"a": 1, "b": 2}"#,
            expected: "/maxProperties | (root): object has 2 properties, more than the maximum 1"),
        Case(
            schema: #"{"minProperties": 2}"#, instance: #"{"a": 1}"#,
            expected: "/minProperties | (root): object has 1 property, fewer than the minimum 2"),
        Case(
            schema: #"{"dependentRequired": {"a": ["b"]}}"#, instance: #"{"a": 1}"#,
            expected: #"/dependentRequired/a | (root): property "b" is required when "a" is present"#),
        Case(
            schema: #"{"propertyNames": {"pattern": "^[a-z]+$"}}"#, instance: #"{"Foo": 1}"#,
            expected: #"/propertyNames | (root): property name "Foo" is not allowed: "Foo" does not match the pattern ^[a-z]+$"#),
        Case(
            schema: #"{"prefixItems": [{}], "items": false}"#, instance: "[1, 2]",
            expected: "/items | /1: item 1 is not allowed"),
        Case(
            schema: #"{"properties": {"a": false}}"#, instance: #"{"a": 1}"#,
            expected: #"/properties/a | /a: property "a" is not allowed"#),
        Case(
            schema: #"{"unevaluatedProperties": false, "allOf": [{"properties": {"a": true}}]}"#, instance: #"{"a": 1, "b": 2}"#,
            expected: #"/unevaluatedProperties | /b: property "b" is not allowed"#),
        Case(schema: "false", instance: "1", expected: " | (root): no value is allowed here"),
        // Values are cut to their first 57 characters plus an ellipsis once longer than 60.
        Case(
            schema: #"{"enum": ["a", "b"]}"#,
            instance: #"{"key": "a very long value that goes on and on and on, past the limit"}"#,
            expected: #"/enum | (root): {"key":"a very long value that goes on and on and on, pas… is not one of "a", "b""#),
    ]

    @Test(arguments: cases)
    func message(_ testCase: Case) throws {
        let schema = try JSONSchema(compiling: JSONParser.parse(testCase.schema))
        let violations = schema.validate(try JSONParser.parse(testCase.instance))
        #expect(violations.map { "\($0.keywordLocation) | \($0.message)" } == [testCase.expected])
    }
}
