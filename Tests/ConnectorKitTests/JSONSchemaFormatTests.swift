import ConnectorKit
import Testing
import Values

/// `format` is an annotation by default and an assertion when `Options.assertFormats` is on.
@Suite struct JSONSchemaFormatTests {
    /// A format, a value and whether the value is valid for it.
    struct Case: Sendable, CustomTestStringConvertible {
        let format: String
        let value: String
        let valid: Bool
        var testDescription: String { "\(format): \(value)" }
    }

    static let cases: [Case] = [
        Case(format: "hostname", value: "sftp.example.com", valid: true),
        Case(format: "hostname", value: "bad_host", valid: false),
        Case(format: "hostname", value: "-leading.example.com", valid: false),
        Case(format: "email", value: "ops@example.com", valid: true),
        Case(format: "email", value: "ops@@example.com", valid: false),
        Case(format: "ipv4", value: "10.0.0.255", valid: true),
        Case(format: "ipv4", value: "10.0.0.256", valid: false),
        Case(format: "ipv6", value: "fe80::1", valid: true),
        Case(format: "ipv6", value: "fe80:::1", valid: false),
        Case(format: "uri", value: "https://api.example.com/v1?x=1#top", valid: true),
        Case(format: "uri", value: "/relative/path", valid: false),
        Case(format: "uri-reference", value: "/relative/path", valid: true),
        // RFC 3339 5.7: a leap second is only ever the last second of a UTC day.
        Case(format: "date-time", value: "2026-12-31T22:59:60Z", valid: false),
        Case(format: "date-time", value: "2026-12-31T23:59:60Z", valid: true),
        Case(format: "date", value: "2024-02-29", valid: true),
        Case(format: "date", value: "2026-02-29", valid: false),
        Case(format: "time", value: "08:30:00+01:00", valid: true),
        Case(format: "time", value: "08:30:00", valid: false),
        Case(format: "duration", value: "PT15M", valid: true),
        Case(format: "duration", value: "P1Y1D", valid: false),
        Case(format: "uuid", value: "2f1c7a56-0b8e-4c53-9a4e-5e1d2f3a4b5c", valid: true),
        Case(format: "uuid", value: "2f1c7a56-0b8e-4c53-9a4e5e1d2f3a4b5c", valid: false),
        Case(format: "json-pointer", value: "/a~1b/0", valid: true),
        Case(format: "json-pointer", value: "/a~2", valid: false),
        Case(format: "regex", value: "^[a-z]+$", valid: true),
        Case(format: "regex", value: "(?i)abc", valid: false),
        Case(format: "not-a-known-format", value: "anything", valid: true),
    ]

    @Test(arguments: cases)
    func asserted(_ testCase: Case) throws {
        let schema = try JSONSchema(
            compiling: ["properties": ["field": ["format": .string(testCase.format)]]],
            options: JSONSchema.Options(assertFormats: true))
        let violations = schema.validate(["field": .string(testCase.value)])
        let expected =
            testCase.valid
            ? [] : ["/field: \(JSONValue.string(testCase.value)) is not a valid \(testCase.format)"]
        #expect(violations.map(\.message) == expected)
        #expect(violations.map(\.keywordLocation) == (testCase.valid ? [] : ["/properties/field/format"]))
    }

    @Test(arguments: cases)
    func annotationOnlyByDefault(_ testCase: Case) throws {
        let schema = try JSONSchema(compiling: ["properties": ["field": ["format": .string(testCase.format)]]])
        #expect(schema.validate(["field": .string(testCase.value)]).isEmpty)
    }

    @Test func formatMustBeAString() {
        #expect(throws: SchemaError.self) { _ = try JSONSchema(compiling: ["format": 5]) }
    }
}
