import ConnectorKit
import Foundation
import Testing
import Values

/// Violations of a realistic connector config schema: every one listed, each with its instance pointer, keyword
/// location and message. Expected strings follow the wording documented in docs/json-schema.md.
@Suite struct JSONSchemaViolationTests {
    static let sftpSchemaText = """
        {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "SFTP connection",
            "type": "object",
            "required": ["host", "username", "auth"],
            "properties": {
                "host": {"type": "string", "minLength": 1, "pattern": "^[A-Za-z0-9.-]+$"},
                "port": {"type": "integer", "minimum": 1, "maximum": 65535, "default": 22},
                "username": {"type": "string", "minLength": 1, "maxLength": 32},
                "password": {"type": "string", "minLength": 8, "x-secret": true},
                "privateKey": {"$ref": "#/$defs/secretText"},
                "auth": {"enum": ["password", "key"]},
                "paths": {"type": "array", "minItems": 1, "uniqueItems": true, "items": {"$ref": "#/$defs/path"}}
            },
            "additionalProperties": false,
            "if": {"properties": {"auth": {"const": "password"}}, "required": ["auth"]},
            "then": {"required": ["password"]},
            "$defs": {
                "secretText": {"type": "string", "minLength": 1, "x-secret": true},
                "path": {"type": "string", "pattern": "^/"}
            }
        }
        """

    static let sftp = try! JSONSchema(compiling: JSONParser.parse(sftpSchemaText))

    /// One instance and the violations it must produce.
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let instance: String
        /// `instanceLocation | keywordLocation | keyword | message`, one per expected violation.
        let expected: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "valid key login", instance: #"{"host": "sftp.example.com", "username": "acme", "auth": "key"}"#,
            expected: []),
        Case(
            name: "valid password login",
            instance: #"{"host": "h", "port": 2222, "username": "u", "auth": "password", "password": "correct horse"}"#,
            expected: []),
        Case(
            name: "port above maximum",
            instance: #"{"host": "h", "port": 70000, "username": "u", "auth": "key"}"#,
            expected: ["/port | /properties/port/maximum | maximum | /port: 70000 is greater than the maximum 65535"]),
        Case(
            name: "port as string", instance: #"{"host": "h", "port": "22", "username": "u", "auth": "key"}"#,
            expected: [#"/port | /properties/port/type | type | /port: "22" is not of type integer"#]),
        Case(
            name: "port not whole", instance: #"{"host": "h", "port": 22.5, "username": "u", "auth": "key"}"#,
            expected: ["/port | /properties/port/type | type | /port: 22.5 is not of type integer"]),
        Case(
            name: "every missing required field", instance: "{}",
            expected: [
                #" | /required | required | (root): required property "host" is missing"#,
                #" | /required | required | (root): required property "username" is missing"#,
                #" | /required | required | (root): required property "auth" is missing"#,
            ]),
        Case(
            name: "unknown auth method", instance: #"{"host": "h", "username": "u", "auth": "token"}"#,
            expected: [#"/auth | /properties/auth/enum | enum | /auth: "token" is not one of "password", "key""#]),
        Case(
            name: "host pattern", instance: #"{"host": "bad host", "username": "u", "auth": "key"}"#,
            expected: [
                #"/host | /properties/host/pattern | pattern | /host: "bad host" does not match the pattern ^[A-Za-z0-9.-]+$"#
            ]),
        Case(
            name: "unknown field", instance: #"{"host": "h", "username": "u", "auth": "key", "timeout": 5}"#,
            expected: [
                #"/timeout | /additionalProperties | additionalProperties | /timeout: property "timeout" is not allowed"#
            ]),
        Case(
            name: "password login without password", instance: #"{"host": "h", "username": "u", "auth": "password"}"#,
            expected: [#" | /then/required | required | (root): required property "password" is missing"#]),
        Case(
            name: "short password is not echoed",
            instance: #"{"host": "h", "username": "u", "auth": "password", "password": "hunter2"}"#,
            expected: [
                "/password | /properties/password/minLength | minLength"
                    + " | /password: the secret value has 7 characters, fewer than the minimum length 8"
            ]),
        Case(
            name: "secret through $ref", instance: #"{"host": "h", "username": "u", "auth": "key", "privateKey": ""}"#,
            expected: [
                "/privateKey | /properties/privateKey/$ref/minLength | minLength"
                    + " | /privateKey: the secret value has 0 characters, fewer than the minimum length 1"
            ]),
        Case(
            name: "array items and uniqueness",
            instance: #"{"host": "h", "username": "u", "auth": "key", "paths": ["/in", "out", "/in"]}"#,
            expected: [
                "/paths | /properties/paths/uniqueItems | uniqueItems"
                    + " | /paths: items 0 and 2 are equal, but items must be unique",
                #"/paths/1 | /properties/paths/items/$ref/pattern | pattern | /paths/1: "out" does not match the pattern ^/"#,
            ]),
        Case(
            name: "username length counts code points, not graphemes",
            // 17 letters, each an "e" plus a combining acute accent: 17 graphemes but 34 code points.
            instance: #"{"host": "h", "username": "\#(String(repeating: "e\u{301}", count: 17))", "auth": "key"}"#,
            expected: [
                "/username | /properties/username/maxLength | maxLength | /username: \""
                    + String(repeating: "e\u{301}", count: 17) + "\" has 34 characters, more than the maximum length 32"
            ]),
        Case(
            name: "everything wrong at once",
            instance: #"{"host": "", "port": 0, "username": 7, "auth": "password", "extra": true}"#,
            expected: [
                #"/host | /properties/host/minLength | minLength | /host: "" has 0 characters, fewer than the minimum length 1"#,
                #"/host | /properties/host/pattern | pattern | /host: "" does not match the pattern ^[A-Za-z0-9.-]+$"#,
                "/port | /properties/port/minimum | minimum | /port: 0 is less than the minimum 1",
                "/username | /properties/username/type | type | /username: 7 is not of type string",
                #"/extra | /additionalProperties | additionalProperties | /extra: property "extra" is not allowed"#,
                #" | /then/required | required | (root): required property "password" is missing"#,
            ]),
        Case(
            name: "not an object", instance: "[1, 2]",
            expected: [" | /type | type | (root): [1,2] is not of type object"]),
    ]

    static func rendered(_ violations: [SchemaViolation]) -> [String] {
        violations.map { "\($0.instanceLocation) | \($0.keywordLocation) | \($0.keyword) | \($0.message)" }
    }

    @Test(arguments: cases)
    func sftpConfig(_ testCase: Case) throws {
        let instance = try JSONParser.parse(testCase.instance)
        let violations = Self.sftp.validate(instance)
        // Order across keywords is not part of the contract; the full set is.
        #expect(Self.rendered(violations).sorted() == testCase.expected.sorted())
        #expect(Self.sftp.isValid(instance) == testCase.expected.isEmpty)
    }

    @Test func nestedPointersThroughArrays() throws {
        let schema = try JSONSchema(
            compiling: JSONParser.parse(
                #"{"properties": {"items": {"type": "array", "items": {"properties": {"price": {"minimum": 0}}}}}}"#))
        let violations = schema.validate(
            try JSONParser.parse(#"{"items": [{"price": 1}, {"price": 2}, {}, {"price": -1.5}, {"price": -3}]}"#))
        #expect(
            Self.rendered(violations) == [
                "/items/3/price | /properties/items/items/properties/price/minimum | minimum"
                    + " | /items/3/price: -1.5 is less than the minimum 0",
                "/items/4/price | /properties/items/items/properties/price/minimum | minimum"
                    + " | /items/4/price: -3 is less than the minimum 0",
            ])
    }

    @Test func pointerTokensAreEscaped() throws {
        let schema = try JSONSchema(
            compiling: JSONParser.parse(#"{"properties": {"a/b": {"type": "string"}, "c~d": {"type": "string"}}}"#))
        let violations = schema.validate(try JSONParser.parse(#"{"a/b": 1, "c~d": 2}"#))
        #expect(violations.map(\.instanceLocation) == ["/a~1b", "/c~0d"])
        #expect(violations.map(\.keywordLocation) == ["/properties/a~1b/type", "/properties/c~0d/type"])
    }

    @Test func applicatorMessages() throws {
        let schema = try JSONSchema(
            compiling: JSONParser.parse(
                """
                {"properties": {
                    "mode": {"oneOf": [{"type": "string"}, {"const": "fast"}]},
                    "retries": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
                    "name": {"not": {"const": "root"}},
                    "tags": {"contains": {"const": "prod"}, "minContains": 2}
                }}
                """))
        let violations = schema.validate(
            try JSONParser.parse(#"{"mode": "fast", "retries": "3", "name": "root", "tags": ["prod", "dev"]}"#))
        #expect(
            Self.rendered(violations) == [
                "/mode | /properties/mode/oneOf | oneOf"
                    + #" | /mode: "fast" matches schemas 0 and 1 in "oneOf", but must match exactly one"#,
                "/retries | /properties/retries/anyOf | anyOf"
                    + #" | /retries: "3" does not match any of the 2 schemas in "anyOf""#,
                #"/name | /properties/name/not | not | /name: "root" must not match the schema in "not""#,
                "/tags | /properties/tags/minContains | minContains"
                    + #" | /tags: array has 1 item matching "contains", fewer than the minimum 2"#,
            ])
    }

    @Test func remoteReferenceThroughRegistry() throws {
        let common = try JSONParser.parse(#"{"$defs": {"port": {"type": "integer", "minimum": 1, "maximum": 65535}}}"#)
        let resolver = SchemaResolver(documents: [URL(string: "https://schemas.example.com/common.json")!: common])
        let schema = try JSONSchema(
            compiling: JSONParser.parse(#"{"$ref": "https://schemas.example.com/common.json#/$defs/port"}"#),
            resolver: resolver)
        #expect(Self.rendered(schema.validate(0)) == [" | /$ref/minimum | minimum | (root): 0 is less than the minimum 1"])
        #expect(schema.validate(443).isEmpty)
    }

    @Test func referenceLoopStopsInsteadOfOverflowing() throws {
        let schema = try JSONSchema(
            compiling: JSONParser.parse(
                ##"{"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}"##))
        let violations = schema.validate(["x": 1])
        #expect(
            Self.rendered(violations) == [
                " | /$ref/$ref/$ref | $ref | (root): the schema refers back to itself without moving into the instance"
                    + " (a reference loop)"
            ])
        #expect(!schema.isValid(1))
    }

    @Test func deepInstanceWithRecursiveSchema() throws {
        let schema = try JSONSchema(compiling: JSONParser.parse(##"{"type": ["array", "integer"], "items": {"$ref": "#"}}"##))
        var deep: JSONValue = 1
        for _ in 0..<500 { deep = [deep] }
        #expect(schema.validate(deep).isEmpty)
        var bad: JSONValue = "leaf"
        for _ in 0..<500 { bad = [bad] }
        let violations = schema.validate(bad)
        #expect(violations.map(\.instanceLocation) == [String(repeating: "/0", count: 500)])
        #expect(violations.map(\.keyword) == ["type"])
        // Deeper than any parsed document can be: bounded with a violation, not a stack overflow.
        var tooDeep: JSONValue = 1
        for _ in 0..<700 { tooDeep = [tooDeep] }
        #expect(schema.validate(tooDeep).map(\.reason) == ["the instance is nested deeper than 1200 schema evaluations"])
    }

    @Test func sharedAcrossTasks() async throws {
        let schema = Self.sftp
        let invalid = try JSONParser.parse(#"{"host": "h", "port": 0, "username": "u", "auth": "key"}"#)
        let counts = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 { group.addTask { schema.validate(invalid).count } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(counts == Array(repeating: 1, count: 8))
    }
}
