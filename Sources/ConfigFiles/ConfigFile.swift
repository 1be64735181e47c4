public import Foundation
public import Values
import Yams

/// A configuration or step file that cannot be read, naming the file, the place and the problem.
public struct ConfigFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file, as given.
    public let file: String
    /// 1-based line, when known.
    public let line: Int?
    /// 1-based column, when known.
    public let column: Int?
    /// What is wrong and, where possible, how to fix it.
    public let message: String

    public var description: String {
        var place = file
        if let line { place += ":\(line)" }
        if let column { place += ":\(column)" }
        return "\(place): \(message)"
    }
}

/// Reads YAML or JSON files (steps, routes, connector configs) into the shared value model, keeping key order.
public enum ConfigFile {
    /// The largest file read; configuration is small, and a runaway file should not exhaust memory.
    public static let maximumSize = 16 * 1024 * 1024

    /// Reads `path` (`-` for stdin). Files ending in `.json` are parsed as JSON; everything else as YAML, which
    /// accepts JSON too.
    public static func load(_ path: String) throws(ConfigFileError) -> JSONValue {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard FileManager.default.fileExists(atPath: path) else {
                throw ConfigFileError(file: path, line: nil, column: nil, message: "file not found")
            }
            // Through a file handle, so pipes and process substitution (/dev/fd/N) work too.
            guard let handle = FileHandle(forReadingAtPath: path), let contents = try? handle.readToEnd() ?? Data() else {
                throw ConfigFileError(file: path, line: nil, column: nil, message: "cannot read the file (check permissions)")
            }
            data = contents
        }
        guard data.count <= maximumSize else {
            throw ConfigFileError(
                file: path, line: nil, column: nil, message: "file is larger than \(maximumSize / 1_048_576) MiB")
        }
        return try parse(data, name: path, json: path.hasSuffix(".json"))
    }

    /// Parses file contents; `name` is used in errors.
    public static func parse(_ data: Data, name: String, json: Bool = false) throws(ConfigFileError) -> JSONValue {
        if json {
            do {
                return try JSONParser.parse(Array(data))
            } catch {
                throw ConfigFileError(file: name, line: error.line, column: error.column, message: error.message)
            }
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigFileError(file: name, line: nil, column: nil, message: "file is not UTF-8 text")
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw Self.error(error, name: name)
        } catch {
            throw ConfigFileError(file: name, line: nil, column: nil, message: "\(error)")
        }
        guard let node else { return .null }
        return try value(of: node, name: name)
    }

    private static func error(_ error: YamlError, name: String) -> ConfigFileError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
            return ConfigFileError(file: name, line: mark.line, column: mark.column, message: "invalid YAML: \(problem)")
        case .composer(_, let problem, let mark, _):
            return ConfigFileError(file: name, line: mark.line, column: mark.column, message: "invalid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return ConfigFileError(
                file: name, line: context.mark.line, column: context.mark.column,
                message: "duplicate key \(keys) in the mapping that starts here")
        default:
            let text = "\(error)".split(separator: "\n").first.map(String.init) ?? "invalid YAML"
            return ConfigFileError(file: name, line: nil, column: nil, message: text)
        }
    }

    /// Converts a YAML node: plain scalars become numbers, booleans and null by YAML 1.2 core rules; quoted scalars
    /// stay strings; mappings keep their key order.
    static func value(of node: Node, name: String) throws(ConfigFileError) -> JSONValue {
        switch node {
        case .scalar(let scalar):
            if scalar.style != .plain { return .string(scalar.string) }
            let text = scalar.string
            switch text {
            case "", "~", "null", "Null", "NULL": return .null
            case "true", "True", "TRUE": return .bool(true)
            case "false", "False", "FALSE": return .bool(false)
            default: break
            }
            if let number = number(text) { return .number(number) }
            return .string(text)
        case .sequence(let sequence):
            var items: [JSONValue] = []
            for item in sequence { items.append(try value(of: item, name: name)) }
            return .array(items)
        case .mapping(let mapping):
            var object = JSONObject()
            for (key, item) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    throw ConfigFileError(
                        file: name, line: key.mark.map { $0.line }, column: key.mark.map { $0.column },
                        message: "mapping keys must be plain strings")
                }
                if object[keyScalar.string] != nil {
                    throw ConfigFileError(
                        file: name, line: key.mark.map { $0.line }, column: key.mark.map { $0.column },
                        message: "duplicate key '\(keyScalar.string)'")
                }
                object[keyScalar.string] = try value(of: item, name: name)
            }
            return .object(object)
        case .alias:
            throw ConfigFileError(
                file: name, line: node.mark.map { $0.line }, column: node.mark.map { $0.column },
                message: "YAML aliases are not supported in configuration files")
        }
    }

    /// YAML 1.2 core-schema numbers: decimal integers, floats, `.inf`, `.nan`, `0x`/`0o` integers.
    static func number(_ text: String) -> Double? {
        let bytes = Array(text.utf8)
        guard let first = bytes.first,
            first == UInt8(ascii: "-") || first == UInt8(ascii: "+") || first == UInt8(ascii: ".")
                || (first >= 48 && first <= 57)
        else { return nil }
        switch text {
        case ".inf", "+.inf", ".Inf", ".INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        if text.hasPrefix("0x"), let value = Int(text.dropFirst(2), radix: 16) { return Double(value) }
        if text.hasPrefix("0o"), let value = Int(text.dropFirst(2), radix: 8) { return Double(value) }
        let allowed = bytes.allSatisfy { ($0 >= 48 && $0 <= 57) || [43, 45, 46, 69, 101].contains($0) }
        guard allowed else { return nil }
        return Double(text)
    }
}
