public import Values

extension ConnectorMessage {
    /// The longest line accepted (16 MiB): a bound on what an untrusted peer can make the reader hold.
    public static let maxLineLength = 16 * 1024 * 1024

    /// The message as a JSON object with `type` first.
    public var json: JSONValue {
        var object = JSONObject()
        object["type"] = .string(typeName)
        switch self {
        case .hello(let versions): object["versions"] = .array(versions.map { .number(Double($0)) })
        case .protocolVersion(let version): object["version"] = .number(Double(version))
        case .config(let config): object["config"] = .object(config)
        case .spec(let spec):
            object["config_schema"] = spec.configSchema
            if let documentation = spec.documentation { object["documentation"] = .string(documentation) }
        case .checkResult(let result):
            object["status"] = .string(result.status.rawValue)
            object["message"] = .string(result.message)
        case .catalog(let catalog):
            object["streams"] = .array(catalog.streams.map(Self.json(endpoint:)))
            object["actions"] = .array(catalog.actions.map(Self.json(endpoint:)))
        case .record(let record):
            switch record.target {
            case .stream(let name): object["stream"] = .string(name)
            case .action(let name): object["action"] = .string(name)
            }
            if let key = record.key { object["key"] = .string(key) }
            object["data"] = .object(record.data)
        case .state(let state):
            if let stream = state.stream { object["stream"] = .string(stream) }
            object["data"] = state.data
        case .ack(let ack):
            object["key"] = .string(ack.key)
            object["status"] = .string(ack.status.rawValue)
            if let destinationID = ack.destinationID { object["destination_id"] = .string(destinationID) }
            if let error = ack.error { object["error"] = .string(error) }
        case .log(let entry):
            object["level"] = .string(entry.level.rawValue)
            object["message"] = .string(entry.message)
        case .error(let report):
            object["message"] = .string(report.message)
            if let key = report.key { object["key"] = .string(key) }
        case .end(let count): object["count"] = .number(Double(count))
        }
        return .object(object)
    }

    /// The message as one line of UTF-8 JSON, without the trailing newline (JSON escapes every newline in strings).
    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(128)
        JSONSerializer.write(json, into: &bytes)
        return bytes
    }

    /// The message as one line of UTF-8 JSON including the trailing `\n`, ready to write to a pipe.
    public func encodedLine() -> [UInt8] {
        var bytes = encoded()
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// Decodes one line (without its newline; a trailing `\r` is tolerated).
    ///
    /// - Parameter line: the 1-based line number on its stream; every error names it.
    public static func decode(
        _ bytes: ArraySlice<UInt8>, line: Int
    ) throws(ConnectorProtocolError) -> ConnectorMessage {
        var bytes = bytes
        if bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
        guard bytes.count <= maxLineLength else {
            throw ConnectorProtocolError(
                .lineTooLong, "line \(line): \(bytes.count) bytes is longer than the limit of \(maxLineLength)", line: line)
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw ConnectorProtocolError(
                .invalidJSON,
                "line \(line): not a JSON message (\(error.message) at column \(error.column)): "
                    + preview(bytes), line: line)
        }
        return try decode(value, line: line)
    }

    /// Decodes one line given as text.
    public static func decode(_ text: String, line: Int) throws(ConnectorProtocolError) -> ConnectorMessage {
        try decode(ArraySlice(text.utf8), line: line)
    }

    /// Decodes a parsed JSON value.
    public static func decode(_ value: JSONValue, line: Int) throws(ConnectorProtocolError) -> ConnectorMessage {
        guard case .object(let object) = value else {
            throw ConnectorProtocolError(
                .invalidMessage, "line \(line): a message must be a JSON object, got \(value.typeName)", line: line)
        }
        var fields = MessageFields(object: object, type: "", line: line)
        guard let typeValue = object["type"] else {
            throw ConnectorProtocolError(.invalidMessage, "line \(line): message has no 'type' field", line: line)
        }
        guard case .string(let type) = typeValue else {
            throw ConnectorProtocolError(
                .invalidMessage, "line \(line): 'type' must be a string, got \(typeValue.typeName)", line: line)
        }
        fields.type = type
        switch type {
        case "HELLO":
            var versions: [Int] = []
            for (index, item) in try fields.array("versions").enumerated() {
                versions.append(try fields.positiveInteger(item, name: "versions[\(index)]"))
            }
            if versions.isEmpty { throw fields.invalid("'versions' must list at least one protocol version") }
            return .hello(versions: versions)
        case "PROTOCOL":
            return .protocolVersion(try fields.positiveInteger(fields.required("version"), name: "version"))
        case "CONFIG":
            return .config(try fields.object("config"))
        case "SPEC":
            let schema = try fields.required("config_schema")
            switch schema {
            case .object, .bool: break
            default: throw fields.invalid("'config_schema' must be a JSON Schema (an object), got \(schema.typeName)")
            }
            return .spec(ConnectorSpec(configSchema: schema, documentation: try fields.optionalString("documentation")))
        case "CHECK_RESULT":
            let status = try fields.string("status")
            guard let parsed = CheckResult.Status(rawValue: status) else {
                throw fields.invalid("'status' must be 'ok' or 'failed', got '\(status)'")
            }
            return .checkResult(CheckResult(status: parsed, message: try fields.string("message")))
        case "CATALOG":
            let streams = try fields.endpoints("streams", required: true)
            let actions = try fields.endpoints("actions", required: false)
            return .catalog(ConnectorCatalog(streams: streams, actions: actions))
        case "RECORD":
            let stream = try fields.optionalString("stream")
            let action = try fields.optionalString("action")
            let target: ConnectorRecord.Target
            switch (stream, action) {
            case (let stream?, nil): target = .stream(stream)
            case (nil, let action?): target = .action(action)
            case (nil, nil): throw fields.invalid("a RECORD needs 'stream' (read) or 'action' (write)")
            case (_?, _?): throw fields.invalid("a RECORD has either 'stream' or 'action', not both")
            }
            let key = try fields.optionalString("key")
            return .record(ConnectorRecord(target: target, key: key, data: try fields.object("data")))
        case "STATE":
            return .state(ConnectorState(stream: try fields.optionalString("stream"), data: try fields.required("data")))
        case "ACK":
            let key = try fields.string("key")
            let status = try fields.string("status")
            guard let parsed = RecordAck.Status(rawValue: status) else {
                throw fields.invalid("'status' must be 'ok' or 'failed', got '\(status)'")
            }
            let error = try fields.optionalString("error")
            if parsed == .failed && (error ?? "").isEmpty {
                throw fields.invalid("a failed ACK needs an 'error' that says why (key '\(key)')")
            }
            let destinationID = try fields.optionalString("destination_id")
            return .ack(RecordAck(key: key, status: parsed, destinationID: destinationID, error: error))
        case "LOG":
            let level = try fields.string("level")
            guard let parsed = LogEntry.Level(rawValue: level) else {
                let levels = LogEntry.Level.allCases.map(\.rawValue).joined(separator: ", ")
                throw fields.invalid("'level' must be one of \(levels), got '\(level)'")
            }
            return .log(LogEntry(level: parsed, message: try fields.string("message")))
        case "ERROR":
            return .error(ErrorReport(message: try fields.string("message"), key: try fields.optionalString("key")))
        case "END":
            let count = try fields.required("count")
            guard case .number(let number) = count, number >= 0, number == number.rounded(), number < 1e15 else {
                throw fields.invalid("'count' must be a non-negative integer, got \(count)")
            }
            return .end(count: Int(number))
        default:
            throw ConnectorProtocolError(
                .unknownMessageType,
                "line \(line): unknown message type '\(type)' (expected one of \(typeNames.joined(separator: ", ")))",
                line: line)
        }
    }

    static func json(endpoint: CatalogEndpoint) -> JSONValue {
        var object = JSONObject()
        object["name"] = .string(endpoint.name)
        object["schema"] = endpoint.schema
        object["primary_key"] = .array(endpoint.primaryKey.map { .string($0) })
        if let cursor = endpoint.cursor { object["cursor"] = .string(cursor) }
        return .object(object)
    }

    /// The start of a line for error messages, so that a person recognises what the connector printed.
    static func preview(_ bytes: ArraySlice<UInt8>) -> String {
        let text = String(decoding: bytes.prefix(80), as: UTF8.self)
        let printable = String(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : Character($0) })
        return "'" + printable + (bytes.count > 80 ? "…'" : "'")
    }
}

/// Reads the fields of one message, failing with the line number and the field's name.
private struct MessageFields {
    let object: JSONObject
    var type: String
    let line: Int

    func invalid(_ text: String) -> ConnectorProtocolError {
        ConnectorProtocolError(.invalidMessage, "line \(line): \(type): \(text)", line: line)
    }

    func required(_ name: String) throws(ConnectorProtocolError) -> JSONValue {
        guard let value = object[name], value != .null else { throw invalid("'\(name)' is required") }
        return value
    }

    func string(_ name: String) throws(ConnectorProtocolError) -> String {
        let value = try required(name)
        guard case .string(let text) = value else { throw invalid("'\(name)' must be a string, got \(value.typeName)") }
        return text
    }

    func optionalString(_ name: String) throws(ConnectorProtocolError) -> String? {
        guard let value = object[name], value != .null else { return nil }
        guard case .string(let text) = value else { throw invalid("'\(name)' must be a string, got \(value.typeName)") }
        return text
    }

    func object(_ name: String) throws(ConnectorProtocolError) -> JSONObject {
        let value = try required(name)
        guard case .object(let object) = value else {
            throw invalid("'\(name)' must be an object, got \(value.typeName)")
        }
        return object
    }

    func array(_ name: String) throws(ConnectorProtocolError) -> [JSONValue] {
        let value = try required(name)
        guard case .array(let items) = value else { throw invalid("'\(name)' must be an array, got \(value.typeName)") }
        return items
    }

    func positiveInteger(_ value: JSONValue, name: String) throws(ConnectorProtocolError) -> Int {
        guard case .number(let number) = value, number >= 1, number == number.rounded(), number < 1e9 else {
            throw invalid("'\(name)' must be a positive integer, got \(value)")
        }
        return Int(number)
    }

    func endpoints(_ name: String, required: Bool) throws(ConnectorProtocolError) -> [CatalogEndpoint] {
        if !required, object[name] == nil || object[name] == .null { return [] }
        var result: [CatalogEndpoint] = []
        for (index, item) in try array(name).enumerated() {
            let pointer = "\(name)[\(index)]"
            guard case .object(let entry) = item else { throw invalid("'\(pointer)' must be an object") }
            guard case .string(let endpointName)? = entry["name"], !endpointName.isEmpty else {
                throw invalid("'\(pointer).name' must be a non-empty string")
            }
            let schema = entry["schema"] ?? .object(JSONObject())
            switch schema {
            case .object, .bool: break
            default: throw invalid("'\(pointer).schema' must be a JSON Schema (an object)")
            }
            var primaryKey: [String] = []
            switch entry["primary_key"] {
            case nil, .null?: break
            case .array(let fields)?:
                for field in fields {
                    guard case .string(let text) = field else {
                        throw invalid("'\(pointer).primary_key' must be an array of field names")
                    }
                    primaryKey.append(text)
                }
            default: throw invalid("'\(pointer).primary_key' must be an array of field names")
            }
            var cursor: String?
            switch entry["cursor"] {
            case nil, .null?: break
            case .string(let text)?: cursor = text
            default: throw invalid("'\(pointer).cursor' must be a field name")
            }
            result.append(CatalogEndpoint(name: endpointName, schema: schema, primaryKey: primaryKey, cursor: cursor))
        }
        return result
    }
}
