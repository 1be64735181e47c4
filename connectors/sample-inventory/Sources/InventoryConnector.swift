import ConnectorKit
import Foundation
import Values

/// The sample connector for a fictional legacy warehouse system that exports its inventory as JSON Lines: one item
/// per line, `{"sku": "A-100", "name": "Bolt", "quantity": 12, "updated_at": "2024-05-01T10:00:00Z"}`.
///
/// - `check`: the inventory file exists and can be read.
/// - `discover`: one stream `items` (key `sku`, cursor `updated_at`) and one action `items`.
/// - `read`: every item changed after the saved cursor, then a `STATE` with the newest `updated_at`.
/// - `write`: appends each record to `output_path` and acknowledges it with its line number there.
struct InventoryConnector: ConnectorProgram {
    struct Config: Sendable {
        /// The inventory export to read.
        var path: String
        /// Where `write` appends items; required for `write` only.
        var outputPath: String?
    }

    static let itemSchema: JSONValue = [
        "type": "object",
        "required": ["sku", "quantity"],
        "properties": [
            "sku": ["type": "string"], "name": ["type": "string"], "quantity": ["type": "integer"],
            "updated_at": ["type": "string", "format": "date-time"],
        ],
    ]

    func makeConfig(_ config: JSONObject) throws -> Config {
        let fields = ConfigFields(config)
        return Config(path: try fields.string("path"), outputPath: try fields.optionalString("output_path"))
    }

    func spec() async throws -> ConnectorSpec {
        ConnectorSpec(
            configSchema: [
                "type": "object",
                "required": ["path"],
                "properties": [
                    "path": ["type": "string", "description": "The inventory export (JSON Lines)"],
                    "output_path": ["type": "string", "description": "Where write appends items (JSON Lines)"],
                ],
            ],
            documentation: "README.md")
    }

    func check(config: Config) async throws -> CheckResult {
        guard let handle = FileHandle(forReadingAtPath: config.path) else {
            return .failed("no readable inventory file at \(config.path)")
        }
        try? handle.close()
        return .ok("inventory file \(config.path) is readable")
    }

    func discover(config: Config) async throws -> ConnectorCatalog {
        let endpoint = CatalogEndpoint(name: "items", schema: Self.itemSchema, primaryKey: ["sku"], cursor: "updated_at")
        return ConnectorCatalog(
            streams: [endpoint], actions: [CatalogEndpoint(name: "items", schema: Self.itemSchema, primaryKey: ["sku"])])
    }

    func read(config: Config, catalog: ConnectorCatalog, state: [ConnectorState], output: ConnectorOutput) async throws {
        guard catalog.stream("items") != nil else {
            output.log(.warning, "the catalog asks for no known stream; nothing to read")
            return
        }
        // ISO 8601 timestamps in UTC compare correctly as strings, so the cursor needs no date parsing.
        let since = state.last { $0.stream == "items" }?.data["cursor"]?.stringValue
        var newest = since
        var emitted = 0
        var lineNumber = 0
        for line in try Self.lines(of: config.path) {
            lineNumber += 1
            if line.allSatisfy(\.isWhitespace) { continue }
            guard case .object(let item)? = try? JSONParser.parse(bytes: line.utf8), case .string(let sku)? = item["sku"] else {
                output.recordError(
                    key: "line \(lineNumber)", message: "\(config.path) line \(lineNumber): not an item with a string sku")
                continue
            }
            let updated = item["updated_at"]?.stringValue ?? ""
            if let since, updated <= since { continue }
            output.record(stream: "items", key: sku, data: item)
            emitted += 1
            if updated > (newest ?? "") { newest = updated }
        }
        output.log(.info, "read \(emitted) changed items from \(config.path)")
        if let newest { output.state(["cursor": .string(newest)], stream: "items") }
    }

    func write(config: Config, records: ConnectorRecordStream, output: ConnectorOutput) async throws {
        guard let outputPath = config.outputPath else { throw ConfigFields.Problem.missing("output_path", "for write") }
        if !FileManager.default.fileExists(atPath: outputPath) {
            _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        }
        guard let file = FileHandle(forWritingAtPath: outputPath) else {
            throw ConfigFields.Problem.missing("output_path", "as a writable file (\(outputPath) cannot be opened)")
        }
        defer { try? file.close() }
        var lineNumber = try Self.lines(of: outputPath).count
        try file.seekToEnd()
        for try await record in records {
            let key = record.key ?? ""
            guard case .string? = record.data["sku"] else {
                output.fail(key: key, error: "an item needs a string 'sku'")
                continue
            }
            do {
                try file.write(contentsOf: Array((JSONSerializer.serialize(.object(record.data)) + "\n").utf8))
                // Durable before acknowledged: the platform treats the ACK as a promise.
                try file.synchronize()
                lineNumber += 1
                output.ack(key: key, destinationID: "\(outputPath):\(lineNumber)")
            } catch {
                output.fail(key: key, error: "writing \(outputPath) failed: \(error)")
            }
        }
    }

    /// The lines of a text file (the sample's exports are small; a real connector would stream them).
    static func lines(of path: String) throws -> [Substring] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigFields.Problem.missing("path", "to name a readable file (\(path) cannot be read)")
        }
        if data.isEmpty { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .dropLast(data.last == UInt8(ascii: "\n") ? 1 : 0)
    }
}

extension ConfigFields.Problem {
    static func missing(_ field: String, _ detail: String) -> ConfigFields.Problem {
        ConfigFields.Problem(field: field, message: "is required \(detail)")
    }
}
