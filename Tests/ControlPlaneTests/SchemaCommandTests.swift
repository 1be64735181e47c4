import Foundation
import TestSupport
import Testing

/// `admin-cli schema validate` run as a child process; needs no database.
@Suite("admin-cli schema validate")
struct SchemaCommandTests {
    func file(_ text: String, _ ext: String = "yaml") throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("schema-\(UUID().uuidString).\(ext)")
        try Data(text.utf8).write(to: url)
        return url.path
    }

    let schema = """
        type: object
        required: [host, port]
        properties:
          host: {type: string, minLength: 1}
          port: {type: integer, maximum: 65535}
        additionalProperties: false
        """

    @Test func validInstanceExitsZero() async throws {
        let schemaPath = try file(schema)
        let instance = try file(#"{"host": "sftp.example", "port": 22}"#, "json")
        let result = try await ChildProcess.run(
            ChildProcess.adminCLI, ["schema", "validate", "--schema", schemaPath, "--instance", instance])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == "\(instance) is valid against \(schemaPath)\n")
    }

    @Test func everyViolationIsListedWithItsPointer() async throws {
        let schemaPath = try file(schema)
        let instance = try file("host: \"\"\nport: 70000\nextra: 1\n")
        let result = try await ChildProcess.run(
            ChildProcess.adminCLI, ["schema", "validate", "--schema", schemaPath, "--instance", instance, "--json"])
        #expect(result.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["valid"] as? Bool == false)
        let violations = try #require(object["violations"] as? [[String: Any]])
        #expect(violations.map { $0["pointer"] as? String } == ["/host", "/port", "/extra"])
        #expect(violations.map { $0["keyword"] as? String } == ["minLength", "maximum", "additionalProperties"])
    }

    @Test func malformedInputsAreUsageErrors() async throws {
        let broken = try file("a: [1, 2\n")
        let schemaPath = try file(schema)
        let result = try await ChildProcess.run(
            ChildProcess.adminCLI, ["schema", "validate", "--schema", schemaPath, "--instance", broken])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("error: \(broken):"))
        let badSchema = try file(#"{"type": 5}"#, "json")
        let second = try await ChildProcess.run(
            ChildProcess.adminCLI, ["schema", "validate", "--schema", badSchema, "--instance", schemaPath])
        #expect(second.status == 2)
        #expect(second.stderr.hasPrefix("error: \(badSchema): invalid schema:"))
    }
}
