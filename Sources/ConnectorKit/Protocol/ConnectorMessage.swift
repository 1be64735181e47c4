public import Values

/// One line of the connector protocol (see `docs/connector-protocol.md`): a JSON object whose `type` names the case.
///
/// Platform → connector: `HELLO`, `CONFIG`, `CATALOG`, `STATE`, `RECORD`, `END`.
/// Connector → platform: `PROTOCOL`, `SPEC`, `CHECK_RESULT`, `CATALOG`, `RECORD`, `STATE`, `ACK`, `LOG`, `ERROR`, `END`.
public enum ConnectorMessage: Sendable, Equatable {
    /// `HELLO`: the protocol versions the platform speaks; always the platform's first line.
    case hello(versions: [Int])
    /// `PROTOCOL`: the version the connector chose from `HELLO`; always the connector's first line.
    case protocolVersion(Int)
    /// `CONFIG`: the installation's config (a JSON object).
    case config(JSONObject)
    /// `SPEC`: what the connector needs to be configured.
    case spec(ConnectorSpec)
    /// `CHECK_RESULT`: whether the config works.
    case checkResult(CheckResult)
    /// `CATALOG`: from `discover`, every stream and action; to `read`, the streams to read.
    case catalog(ConnectorCatalog)
    /// `RECORD`: one entity, read from a stream or to be written to an action.
    case record(ConnectorRecord)
    /// `STATE`: a resumable position (read) or a checkpoint (write).
    case state(ConnectorState)
    /// `ACK`: the outcome of writing one record.
    case ack(RecordAck)
    /// `LOG`: a line for the run log.
    case log(LogEntry)
    /// `ERROR`: a fatal failure, or with `key` a failure of one record.
    case error(ErrorReport)
    /// `END`: the sender finished successfully and sent `count` records (or, from `write`, acknowledgements).
    case end(count: Int)

    /// The protocol versions this SDK and platform speak.
    public static let supportedVersions: [Int] = [1]

    /// The wire name of the message type, e.g. `CHECK_RESULT`.
    public var typeName: String {
        switch self {
        case .hello: return "HELLO"
        case .protocolVersion: return "PROTOCOL"
        case .config: return "CONFIG"
        case .spec: return "SPEC"
        case .checkResult: return "CHECK_RESULT"
        case .catalog: return "CATALOG"
        case .record: return "RECORD"
        case .state: return "STATE"
        case .ack: return "ACK"
        case .log: return "LOG"
        case .error: return "ERROR"
        case .end: return "END"
        }
    }

    /// Every message type of the protocol, in documentation order.
    public static let typeNames = [
        "HELLO", "PROTOCOL", "CONFIG", "SPEC", "CHECK_RESULT", "CATALOG", "RECORD", "STATE", "ACK", "LOG", "ERROR", "END",
    ]
}

/// `SPEC`: the config a connector needs.
public struct ConnectorSpec: Sendable, Equatable {
    /// JSON Schema (draft 2020-12) of the config; `"x-secret": true` marks secret fields.
    public var configSchema: JSONValue
    /// Optional link or file name of the connector's documentation.
    public var documentation: String?

    /// Creates a spec.
    public init(configSchema: JSONValue, documentation: String? = nil) {
        self.configSchema = configSchema
        self.documentation = documentation
    }
}

/// `CHECK_RESULT`: whether a config lets the connector reach its system.
public struct CheckResult: Sendable, Equatable {
    /// `ok` or `failed`.
    public enum Status: String, Sendable, Equatable {
        /// The connector can work with this config.
        case ok
        /// It cannot; `message` says why.
        case failed
    }

    /// The verdict.
    public var status: Status
    /// What was checked or what is wrong, for people.
    public var message: String

    /// Creates a result.
    public init(status: Status, message: String) {
        self.status = status
        self.message = message
    }

    /// A passing check.
    public static func ok(_ message: String) -> CheckResult { CheckResult(status: .ok, message: message) }
    /// A failing check.
    public static func failed(_ message: String) -> CheckResult { CheckResult(status: .failed, message: message) }
}

/// One stream (readable) or action (writable) in a catalog.
public struct CatalogEndpoint: Sendable, Equatable {
    /// The name, e.g. `items`.
    public var name: String
    /// JSON Schema of one entity.
    public var schema: JSONValue
    /// Fields that identify an entity.
    public var primaryKey: [String]
    /// For streams: the field that orders changes for incremental reads.
    public var cursor: String?

    /// Creates an endpoint.
    public init(name: String, schema: JSONValue = .object(JSONObject()), primaryKey: [String] = [], cursor: String? = nil) {
        self.name = name
        self.schema = schema
        self.primaryKey = primaryKey
        self.cursor = cursor
    }
}

/// `CATALOG`: the streams and actions a connector offers (`discover`) or the platform wants read (`read`).
public struct ConnectorCatalog: Sendable, Equatable {
    /// Readable streams.
    public var streams: [CatalogEndpoint]
    /// Writable actions.
    public var actions: [CatalogEndpoint]

    /// Creates a catalog.
    public init(streams: [CatalogEndpoint] = [], actions: [CatalogEndpoint] = []) {
        self.streams = streams
        self.actions = actions
    }

    /// The stream called `name`, if the catalog has it.
    public func stream(_ name: String) -> CatalogEndpoint? { streams.first { $0.name == name } }
}

/// `RECORD`: one entity.
public struct ConnectorRecord: Sendable, Equatable {
    /// Where a record comes from or goes to.
    public enum Target: Sendable, Equatable {
        /// Read from this stream.
        case stream(String)
        /// To be written with this action.
        case action(String)

        /// The stream or action name.
        public var name: String {
            switch self {
            case .stream(let name), .action(let name): return name
            }
        }
    }

    /// Stream (read) or action (write).
    public var target: Target
    /// The record's key: on `write` the platform's exchange key, unique per session and echoed by its `ACK`;
    /// on `read` optional, the entity key the connector derived from the primary key.
    public var key: String?
    /// The entity.
    public var data: JSONObject

    /// Creates a record.
    public init(target: Target, key: String?, data: JSONObject) {
        self.target = target
        self.key = key
        self.data = data
    }
}

/// `STATE`: an opaque position the connector can resume from.
public struct ConnectorState: Sendable, Equatable {
    /// The stream the state belongs to; nil for connector-wide state.
    public var stream: String?
    /// The position, in whatever shape the connector chooses.
    public var data: JSONValue

    /// Creates a state.
    public init(stream: String?, data: JSONValue) {
        self.stream = stream
        self.data = data
    }
}

/// `ACK`: the outcome of writing one record.
public struct RecordAck: Sendable, Equatable {
    /// `ok` or `failed`.
    public enum Status: String, Sendable, Equatable {
        /// Durably written.
        case ok
        /// Not written; `error` says why.
        case failed
    }

    /// The key of the acknowledged `RECORD`.
    public var key: String
    /// The verdict.
    public var status: Status
    /// The identifier the destination gave the entity, when it has one.
    public var destinationID: String?
    /// Why it failed (required when `status` is `failed`).
    public var error: String?

    /// Creates an acknowledgement.
    public init(key: String, status: Status, destinationID: String? = nil, error: String? = nil) {
        self.key = key
        self.status = status
        self.destinationID = destinationID
        self.error = error
    }
}

/// `LOG`: a line for the run log.
public struct LogEntry: Sendable, Equatable {
    /// Severity.
    public enum Level: String, Sendable, Equatable, CaseIterable {
        /// Detail for developers.
        case debug
        /// Normal progress.
        case info
        /// Something odd that did not stop the command.
        case warning
        /// Something failed.
        case error
    }

    /// Severity.
    public var level: Level
    /// The text.
    public var message: String

    /// Creates a log line.
    public init(level: Level, message: String) {
        self.level = level
        self.message = message
    }
}

/// `ERROR`: a failure reported by the connector.
public struct ErrorReport: Sendable, Equatable {
    /// What failed and how to fix it.
    public var message: String
    /// With a key, one record failed and the command goes on; without, the command failed.
    public var key: String?

    /// Creates a report.
    public init(message: String, key: String? = nil) {
        self.message = message
        self.key = key
    }
}
