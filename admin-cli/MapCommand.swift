import ArgumentParser
import ConfigFiles
import Foundation
import Mapping
import Transform
import Values

struct MapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Try JSONata expressions and transformer step lists on real data, as routes will run them.",
        subcommands: [Eval.self, Run.self])

    struct Eval: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Evaluate a JSONata expression against a JSON input and print the result as JSON.",
            discussion: """
                With --json exactly one object is printed: {"result": …}, {"undefined": true}, or \
                {"error": {"code": "T0410", "message": "…", "position": 12}} (exit 1 on error).
                """)
        @Argument(help: "The expression (or use --expr-file).") var expression: String?
        @Option(help: "Read the expression from this file.") var exprFile: String?
        @Option(help: "JSON input file, or - for stdin (default: no input).") var input: String?
        @Option(help: "Bind a variable: name=<json> (repeatable), used as $name.") var bind: [String] = []
        @Option(help: "Time limit in milliseconds.") var timeLimit = 5000
        @Flag(help: "Print one JSON object describing the outcome.") var json = false

        func validate() throws {
            if (expression == nil) == (exprFile == nil) {
                throw ValidationError("give the expression as an argument or with --expr-file, not both or neither")
            }
            if timeLimit <= 0 { throw ValidationError("--time-limit must be positive") }
        }

        func run() async throws {
            var source = expression ?? ""
            if let exprFile {
                guard let data = FileManager.default.contents(atPath: exprFile) else {
                    throw CLIFailure(message: "cannot read expression file '\(exprFile)'", exitCode: 2)
                }
                source = String(decoding: data, as: UTF8.self)
            }
            var bindings: [String: JSONValue] = [:]
            for item in bind {
                guard let equals = item.firstIndex(of: "="), equals != item.startIndex else {
                    throw CLIFailure(message: "--bind '\(item)' must look like name=<json>, e.g. rate=1.19", exitCode: 2)
                }
                let name = String(item[..<equals]).trimmingCharacters(in: CharacterSet(charactersIn: "$"))
                do {
                    bindings[name] = try JSONParser.parse(String(item[item.index(after: equals)...]))
                } catch {
                    throw CLIFailure(message: "--bind \(name): \(error) (quote strings: name='\"text\"')", exitCode: 2)
                }
            }
            let inputValue: JSONValue? = try input.map { try readJSONInput($0) }
            do {
                let compiled = try JSONataExpression(source)
                let result = try compiled.evaluate(
                    inputValue, bindings: bindings,
                    options: EvaluationOptions(timeLimit: .milliseconds(timeLimit)))
                if json {
                    var object = JSONObject()
                    if let result { object["result"] = result } else { object["undefined"] = .bool(true) }
                    print(JSONSerializer.serialize(.object(object)))
                } else {
                    print(result.map { JSONSerializer.serialize($0, indent: 2) } ?? "(undefined)")
                }
            } catch {
                if json {
                    var details = JSONObject()
                    details["code"] = .string(error.code)
                    details["message"] = .string(error.message)
                    if let position = error.position { details["position"] = .number(Double(position)) }
                    var object = JSONObject()
                    object["error"] = .object(details)
                    print(JSONSerializer.serialize(.object(object)))
                    throw ExitCode(1)
                }
                FileHandle.standardError.write(Data((error.rendered(in: source) + "\n").utf8))
                throw ExitCode(1)
            }
        }
    }
}

/// Reads a JSON document from a file or stdin (`-`), with line and column on errors.
func readJSONInput(_ path: String) throws -> JSONValue {
    let data: Data
    if path == "-" {
        data = FileHandle.standardInput.readDataToEndOfFile()
    } else {
        guard let contents = FileManager.default.contents(atPath: path) else {
            throw CLIFailure(message: "cannot read input file '\(path)' (check the path)", exitCode: 1)
        }
        data = contents
    }
    do {
        return try JSONParser.parse(Array(data))
    } catch {
        throw CLIFailure(message: "\(path == "-" ? "stdin" : path): \(error)")
    }
}
