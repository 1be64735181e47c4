public import Values

/// One problem in a manifest: where (a JSON pointer into `connector.yaml`) and what.
public struct ManifestProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// JSON pointer of the offending value, e.g. `/streams/0/primaryKey`.
    public let pointer: String
    /// What is wrong and how to fix it.
    public let message: String

    /// Creates a problem.
    public init(pointer: String, message: String) {
        self.pointer = pointer
        self.message = message
    }

    public var description: String { "\(pointer.isEmpty ? "/" : pointer): \(message)" }
}

/// Every problem found in a manifest.
public struct ManifestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// All problems, in document order.
    public let problems: [ManifestProblem]
    public var description: String { problems.map(\.description).joined(separator: "; ") }
}

/// What a connector can read (`streams`) or write (`actions`).
public struct ConnectorEndpoint: Sendable, Equatable {
    /// Lowercase name, e.g. `products`.
    public let name: String
    /// JSON Schema of one entity.
    public let schema: JSONValue
    /// Field names that identify an entity.
    public let primaryKey: [String]
    /// For streams: the field that orders changes for incremental reads.
    public let cursor: String?
}

/// How a connector runs.
public enum ConnectorRuntime: Sendable, Equatable {
    /// A built-in runtime (`http`, `soap`, `files`, `sql`) configured by the manifest.
    case declarative(engine: String, settings: JSONValue)
    /// A program inside the bundle that speaks the connector protocol.
    case process(command: String, arguments: [String])
}

/// `connector.yaml`: what a connector package is and offers.
public struct ConnectorManifest: Sendable, Equatable {
    /// Package name: lowercase letters, digits and hyphens.
    public let name: String
    /// SemVer 2.0 version; published versions are immutable.
    public let version: SemanticVersion
    /// Short human title.
    public let title: String
    /// What it connects to.
    public let description: String
    /// Who makes it.
    public let vendor: String
    /// Connector protocol version it speaks.
    public let sdk: Int
    /// Optional icon file inside the bundle.
    public let icon: String?
    /// Optional documentation file inside the bundle.
    public let docs: String?
    /// JSON Schema (draft 2020-12) of an installation's config; `"x-secret": true` marks secret fields.
    public let config: JSONValue
    /// What can be read.
    public let streams: [ConnectorEndpoint]
    /// What can be written.
    public let actions: [ConnectorEndpoint]
    /// How it runs.
    public let runtime: ConnectorRuntime

    /// The protocol versions this platform speaks.
    public static let supportedSDKVersions = 1...1
    /// Built-in runtimes.
    public static let declarativeEngines = ["http", "soap", "files", "sql"]

    /// Reads and checks a manifest, collecting every problem before failing.
    public init(parsing value: JSONValue) throws(ManifestError) {
        var problems: [ManifestProblem] = []
        guard case .object(let root) = value else {
            throw ManifestError(problems: [ManifestProblem(pointer: "", message: "manifest must be a mapping")])
        }
        func string(_ key: String, required: Bool = true) -> String? {
            switch root[key] {
            case .string(let text)? where !text.trimmingCharacters(in: .whitespaces).isEmpty: return text
            case nil where !required: return nil
            case nil: problems.append(ManifestProblem(pointer: "/\(key)", message: "is required"))
            case .number?, .bool?:
                // YAML reads an unquoted 1.0 as a number.
                problems.append(ManifestProblem(pointer: "/\(key)", message: "must be a string (put the value in quotes)"))
            default: problems.append(ManifestProblem(pointer: "/\(key)", message: "must be a non-empty string"))
            }
            return nil
        }
        let name = string("name")
        if let name, !Self.isValidName(name) {
            problems.append(
                ManifestProblem(
                    pointer: "/name",
                    message: "'\(name)' must be 2-64 lowercase letters, digits and hyphens (e.g. legacy-erp-files)"))
        }
        var version: SemanticVersion?
        if let text = string("version") {
            do { version = try SemanticVersion(text) } catch { problems.append(error) }
        }
        let title = string("title")
        let description = string("description")
        let vendor = string("vendor")
        let icon = string("icon", required: false)
        let docs = string("docs", required: false)
        var sdk = 0
        switch root["sdk"] {
        case .number(let number)? where number == number.rounded() && Self.supportedSDKVersions.contains(Int(number)):
            sdk = Int(number)
        case nil: problems.append(ManifestProblem(pointer: "/sdk", message: "is required (the connector protocol version, 1)"))
        default:
            problems.append(
                ManifestProblem(pointer: "/sdk", message: "must be a supported protocol version (\(Self.supportedSDKVersions))"))
        }
        let config = root["config"] ?? .object(JSONObject())
        if case .object = config {
        } else if case .bool = config {
        } else {
            problems.append(ManifestProblem(pointer: "/config", message: "must be a JSON Schema (an object)"))
        }
        let streams = Self.endpoints(root["streams"], key: "streams", isStream: true, problems: &problems)
        let actions = Self.endpoints(root["actions"], key: "actions", isStream: false, problems: &problems)
        if root["streams"] == nil && root["actions"] == nil {
            problems.append(ManifestProblem(pointer: "", message: "declares neither streams nor actions"))
        }
        let runtime = Self.runtime(root["runtime"], problems: &problems)
        let known: Set<String> = [
            "name", "version", "title", "description", "vendor", "sdk", "icon", "docs", "config", "streams", "actions",
            "runtime",
        ]
        for key in root.keys where !known.contains(key) {
            problems.append(ManifestProblem(pointer: "/\(Self.escape(key))", message: "unknown field (check the spelling)"))
        }
        guard problems.isEmpty, let name, let version, let title, let description, let vendor, let runtime else {
            throw ManifestError(problems: problems)
        }
        self.name = name
        self.version = version
        self.title = title
        self.description = description
        self.vendor = vendor
        self.sdk = sdk
        self.icon = icon
        self.docs = docs
        self.config = config
        self.streams = streams
        self.actions = actions
        self.runtime = runtime
    }

    /// Package and endpoint names: lowercase letters, digits and hyphens (underscores too for endpoints).
    public static func isValidName(_ name: String, allowUnderscore: Bool = false) -> Bool {
        let bytes = Array(name.utf8)
        guard (2...64).contains(bytes.count), let first = bytes.first, first >= 97 && first <= 122 else { return false }
        return bytes.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 || (allowUnderscore && $0 == 95) }
            && bytes.last != 45
    }

    static func escape(_ key: String) -> String {
        key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    private static func endpoints(
        _ value: JSONValue?, key: String, isStream: Bool, problems: inout [ManifestProblem]
    )
        -> [ConnectorEndpoint]
    {
        guard let value else { return [] }
        guard case .array(let items) = value else {
            problems.append(ManifestProblem(pointer: "/\(key)", message: "must be a list"))
            return []
        }
        var result: [ConnectorEndpoint] = []
        var seen: Set<String> = []
        for (index, item) in items.enumerated() {
            let base = "/\(key)/\(index)"
            guard case .object(let object) = item else {
                problems.append(ManifestProblem(pointer: base, message: "must be a mapping with name and schema"))
                continue
            }
            var name = ""
            if case .string(let text)? = object["name"], isValidName(text, allowUnderscore: true) {
                name = text
                if !seen.insert(text).inserted {
                    problems.append(ManifestProblem(pointer: base + "/name", message: "'\(text)' is declared twice"))
                }
            } else {
                problems.append(
                    ManifestProblem(pointer: base + "/name", message: "must be 2-64 lowercase letters, digits, '-' or '_'"))
            }
            let schema = object["schema"] ?? .object(JSONObject())
            if case .object = schema {
            } else {
                problems.append(ManifestProblem(pointer: base + "/schema", message: "must be a JSON Schema (an object)"))
            }
            var primaryKey: [String] = []
            switch object["primaryKey"] {
            case .string(let field)?: primaryKey = [field]
            case .array(let fields)?:
                for (offset, field) in fields.enumerated() {
                    if case .string(let text) = field {
                        primaryKey.append(text)
                    } else {
                        problems.append(ManifestProblem(pointer: base + "/primaryKey/\(offset)", message: "must be a field name"))
                    }
                }
            case nil:
                problems.append(
                    ManifestProblem(pointer: base + "/primaryKey", message: "is required (the fields that identify an entity)"))
            default:
                problems.append(ManifestProblem(pointer: base + "/primaryKey", message: "must be a field name or a list of them"))
            }
            var cursor: String?
            if let value = object["cursor"] {
                if !isStream {
                    problems.append(
                        ManifestProblem(pointer: base + "/cursor", message: "only streams have an incremental cursor"))
                } else if case .string(let text) = value {
                    cursor = text
                } else {
                    problems.append(ManifestProblem(pointer: base + "/cursor", message: "must be a field name"))
                }
            }
            for extra in object.keys where !["name", "schema", "primaryKey", "cursor", "description"].contains(extra) {
                problems.append(
                    ManifestProblem(pointer: base + "/\(escape(extra))", message: "unknown field (check the spelling)"))
            }
            result.append(ConnectorEndpoint(name: name, schema: schema, primaryKey: primaryKey, cursor: cursor))
        }
        return result
    }

    private static func runtime(_ value: JSONValue?, problems: inout [ManifestProblem]) -> ConnectorRuntime? {
        guard case .object(let object)? = value else {
            problems.append(
                ManifestProblem(
                    pointer: "/runtime",
                    message: "is required: {type: process, command: …} or {type: declarative, engine: http|soap|files|sql}"))
            return nil
        }
        switch object["type"] {
        case .string("process")?:
            guard case .string(let command)? = object["command"], !command.isEmpty else {
                problems.append(
                    ManifestProblem(
                        pointer: "/runtime/command", message: "is required for process connectors (a path inside the bundle)"))
                return nil
            }
            if command.hasPrefix("/") || command.split(separator: "/").contains("..") {
                problems.append(
                    ManifestProblem(pointer: "/runtime/command", message: "must be a relative path inside the bundle"))
                return nil
            }
            var arguments: [String] = []
            if case .array(let items)? = object["args"] {
                arguments = items.compactMap { if case .string(let text) = $0 { return text } else { return nil } }
            }
            return .process(command: command, arguments: arguments)
        case .string("declarative")?:
            guard case .string(let engine)? = object["engine"], declarativeEngines.contains(engine) else {
                problems.append(
                    ManifestProblem(
                        pointer: "/runtime/engine", message: "must be one of \(declarativeEngines.joined(separator: ", "))"))
                return nil
            }
            return .declarative(engine: engine, settings: object["settings"] ?? .object(JSONObject()))
        default:
            problems.append(ManifestProblem(pointer: "/runtime/type", message: "must be 'process' or 'declarative'"))
            return nil
        }
    }
}
