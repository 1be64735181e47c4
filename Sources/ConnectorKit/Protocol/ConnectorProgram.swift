public import Values

/// A connector written with the SDK: implement the commands it supports and call `ConnectorMain.run(_:)`.
///
/// The SDK handles argv, version negotiation, message framing, `END` and exit statuses. A thrown error becomes an
/// `ERROR` message and exit status 1, except in `check`, where it becomes a failing `CHECK_RESULT`.
public protocol ConnectorProgram: Sendable {
    /// The typed config the commands receive.
    associatedtype Config: Sendable

    /// Turns the `CONFIG` object into `Config`; throw `ConfigFields` errors (or any error) for a bad config.
    func makeConfig(_ config: JSONObject) throws -> Config
    /// `spec`: the config schema.
    func spec() async throws -> ConnectorSpec
    /// `check`: whether the config lets the connector reach its system.
    func check(config: Config) async throws -> CheckResult
    /// `discover`: the streams and actions.
    func discover(config: Config) async throws -> ConnectorCatalog
    /// `read`: emit `RECORD`s of the catalog's streams, and `STATE`s to resume from, through `output`.
    func read(config: Config, catalog: ConnectorCatalog, state: [ConnectorState], output: ConnectorOutput) async throws
    /// `write`: write each record of `records` and acknowledge it through `output` (`ack` or `fail`), in any order
    /// but before returning.
    func write(config: Config, records: ConnectorRecordStream, output: ConnectorOutput) async throws
}

extension ConnectorProgram where Config == JSONObject {
    /// With an untyped config the `CONFIG` object is passed through.
    public func makeConfig(_ config: JSONObject) throws -> JSONObject { config }
}

extension ConnectorProgram {
    /// Not supported unless implemented.
    public func discover(config: Config) async throws -> ConnectorCatalog {
        throw ConnectorProtocolError(.unsupportedCommand, "this connector does not support 'discover'")
    }

    /// Not supported unless implemented.
    public func read(
        config: Config, catalog: ConnectorCatalog, state: [ConnectorState], output: ConnectorOutput
    )
        async throws
    {
        throw ConnectorProtocolError(.unsupportedCommand, "this connector does not support 'read'")
    }

    /// Not supported unless implemented.
    public func write(config: Config, records: ConnectorRecordStream, output: ConnectorOutput) async throws {
        throw ConnectorProtocolError(.unsupportedCommand, "this connector does not support 'write'")
    }
}

/// The records the platform streams to `write`, in the order it sent them. Iterating throws when the input breaks
/// the protocol (the SDK then reports it), so a `for try await` loop is all a connector needs.
public typealias ConnectorRecordStream = AsyncThrowingStream<ConnectorRecord, any Error>

/// Typed access to a `CONFIG` object with errors that name the field: `config/path: is required (a string)`.
public struct ConfigFields: Sendable {
    /// A config field that is missing or has the wrong type.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// The field's name.
        public let field: String
        /// What is wrong.
        public let message: String

        /// Creates a problem, e.g. `Problem(field: "path", message: "must name a readable file")`.
        public init(field: String, message: String) {
            self.field = field
            self.message = message
        }

        public var description: String { "config/\(field): \(message)" }
    }

    /// The whole config.
    public let object: JSONObject

    /// Wraps a config object.
    public init(_ object: JSONObject) { self.object = object }

    /// A required string field.
    public func string(_ field: String) throws(Problem) -> String {
        guard let value = try optionalString(field) else { throw Problem(field: field, message: "is required (a string)") }
        return value
    }

    /// An optional string field.
    public func optionalString(_ field: String) throws(Problem) -> String? {
        switch object[field] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case let other?: throw Problem(field: field, message: "must be a string, got \(other.typeName)")
        }
    }

    /// An integer field with a default.
    public func integer(_ field: String, default defaultValue: Int) throws(Problem) -> Int {
        switch object[field] {
        case nil, .null?: return defaultValue
        case .number(let number)? where number == number.rounded() && abs(number) < 1e15: return Int(number)
        case let other?: throw Problem(field: field, message: "must be an integer, got \(other)")
        }
    }

    /// A boolean field with a default.
    public func bool(_ field: String, default defaultValue: Bool) throws(Problem) -> Bool {
        switch object[field] {
        case nil, .null?: return defaultValue
        case .bool(let flag)?: return flag
        case let other?: throw Problem(field: field, message: "must be true or false, got \(other.typeName)")
        }
    }
}
