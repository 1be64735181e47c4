import ArgumentParser
import ConfigFiles
import ConnectorKit
import Foundation
import Values

struct SchemaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema", abstract: "Check configs and entities against JSON Schema (draft 2020-12).",
        subcommands: [Validate.self])

    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate an instance against a schema: exit 0 when valid, 1 with every violation listed.")
        @Option(help: "The schema file (JSON or YAML).") var schema: String
        @Option(help: "The instance file (JSON or YAML), or - for stdin.") var instance: String
        @Flag(help: "Print {\"valid\": …, \"violations\": [{pointer, keyword, schema_location, message}]}.") var json = false

        func run() async throws {
            let schemaValue: JSONValue
            let instanceValue: JSONValue
            do {
                schemaValue = try ConfigFile.load(schema)
                instanceValue = try ConfigFile.load(instance)
            } catch { throw CLIFailure(message: "\(error)", exitCode: 2) }
            let compiled: JSONSchema
            do {
                compiled = try JSONSchema(compiling: schemaValue, baseURI: URL(fileURLWithPath: schema).absoluteURL)
            } catch { throw CLIFailure(message: "\(schema): invalid schema: \(error)", exitCode: 2) }
            let violations = compiled.validate(instanceValue)
            if json {
                var object = JSONObject()
                object["valid"] = .bool(violations.isEmpty)
                object["violations"] = .array(
                    violations.map { violation in
                        var item = JSONObject()
                        item["pointer"] = .string(violation.instanceLocation)
                        item["keyword"] = .string(violation.keyword)
                        item["schema_location"] = .string(violation.keywordLocation)
                        item["message"] = .string(violation.message)
                        return .object(item)
                    })
                print(JSONSerializer.serialize(.object(object), indent: 2))
            } else if violations.isEmpty {
                print("\(instance) is valid against \(schema)")
            } else {
                print("\(instance) has \(violations.count) violation(s) of \(schema):")
                for violation in violations { print("  \(violation.message)  [\(violation.keyword)]") }
            }
            if !violations.isEmpty { throw ExitCode(1) }
        }
    }
}
