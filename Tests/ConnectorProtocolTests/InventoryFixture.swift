import ConnectorKit
import Foundation
import Values

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A private folder with a small inventory export, as the sample connectors' legacy system writes it.
struct InventoryFixture: ~Copyable {
    let directory: String
    /// Items by line: A-1 (2024-01-01), a broken line 2, B-2 (2024-02-01), C-3 (2024-03-01).
    static let lines = [
        #"{"sku":"A-1","name":"Bolt","quantity":12,"updated_at":"2024-01-01T00:00:00Z"}"#,
        #"not json at all"#,
        #"{"sku":"B-2","name":"Nut","quantity":3,"updated_at":"2024-02-01T00:00:00Z"}"#,
        #"{"sku":"C-3","name":"Washer","quantity":0,"updated_at":"2024-03-01T00:00:00Z"}"#,
    ]

    init() throws {
        directory = NSTemporaryDirectory() + "switchyard-protocol-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data((Self.lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: inventoryPath))
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    var inventoryPath: String { directory + "/inventory.jsonl" }
    var outputPath: String { directory + "/received.jsonl" }

    var config: JSONObject { object(["path": .string(inventoryPath), "output_path": .string(outputPath)]) }
    var missingConfig: JSONObject { object(["path": .string(directory + "/missing.jsonl")]) }

    static let itemsCatalog = ConnectorCatalog(streams: [CatalogEndpoint(name: "items")])

    /// Three records to write: two good ones and one without a sku.
    static let writeRecords = [
        ConnectorRecord(target: .action("items"), key: "ex-1", data: object(["sku": "D-4", "quantity": 5])),
        ConnectorRecord(target: .action("items"), key: "ex-2", data: object(["name": "no sku"])),
        ConnectorRecord(target: .action("items"), key: "ex-3", data: object(["sku": "E-5", "quantity": 1])),
    ]

    /// Writes an executable shell script into the folder and returns its path.
    func script(_ name: String, _ body: String) throws -> String {
        let path = directory + "/" + name
        // Written with O_CLOEXEC: a descriptor inherited by a child another test spawns meanwhile would keep the
        // script "busy" (ETXTBSY) for as long as that child lives.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown) }
        let bytes = Array(("#!/bin/sh\n" + body + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        guard written == bytes.count else { throw CocoaError(.fileWriteUnknown) }
        return path
    }

    func outputLines() throws -> [JSONValue] {
        let text = try String(contentsOfFile: outputPath, encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONParser.parse(String($0)) }
    }
}

/// Where the test run finds the connector executables.
enum ConnectorExecutables {
    /// The repository root, found from this file's path (Tests/ConnectorProtocolTests/…).
    static let repositoryRoot: String = {
        // Resolved, so that a build folder whose targets are symlinks still finds the real repository.
        var url = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The built Swift sample: `$SWITCHYARD_BUILD_BIN/sample-inventory-connector`, else `.build/debug/` of the root.
    static var swiftSample: String {
        let folder = ProcessInfo.processInfo.environment["SWITCHYARD_BUILD_BIN"] ?? repositoryRoot + "/.build/debug"
        return folder + "/sample-inventory-connector"
    }

    /// The Python sample, resolved through symlinks to the real file.
    static var pythonSample: String {
        URL(fileURLWithPath: repositoryRoot + "/connectors/sample-python/connector.py").resolvingSymlinksInPath().path
    }
}

/// The object of an object literal (`JSONObject` has no literal syntax of its own).
func object(_ value: JSONValue) -> JSONObject {
    guard case .object(let object) = value else { preconditionFailure("not an object literal: \(value)") }
    return object
}
