import Formats
public import Foundation
public import Values

/// A failure of a built-in connector runtime, naming the installation setting or file and the fix.
public struct ConnectorRuntimeError: Error, Sendable, CustomStringConvertible {
    /// One line.
    public let description: String
    /// Creates an error.
    public init(_ description: String) { self.description = description }
}

/// The built-in `files` runtime: reads a stream's records from files in a folder, writes an action's records to a
/// file, in the formats of the `Formats` module. Settings come from the package manifest's `runtime.settings` (per
/// stream or action), where `{{config.name}}` is replaced by the installation's config value.
///
/// Folders on SFTP (`sftp://…` locations) are not supported yet; such a location is refused with a clear error.
public struct FilesRuntime: Sendable {
    /// The manifest's `runtime.settings`.
    public let settings: JSONValue
    /// The installation's config (secrets included; never logged).
    public let config: JSONValue
    /// Relative folders are resolved against this folder.
    public let baseDirectory: URL

    /// Creates a runtime for one installation.
    public init(settings: JSONValue, config: JSONValue, baseDirectory: URL) {
        self.settings = settings
        self.config = config
        self.baseDirectory = baseDirectory
    }

    /// The settings of one stream or action, with `{{config.x}}` filled in.
    func endpointSettings(_ name: String) throws(ConnectorRuntimeError) -> JSONObject {
        guard case .object(let object)? = settings[name] else {
            throw ConnectorRuntimeError("the package declares no files settings for '\(name)' (runtime.settings.\(name))")
        }
        var filled = JSONObject()
        for (key, value) in object {
            if case .string(let text) = value {
                filled[key] = .string(try fill(text, setting: "\(name).\(key)"))
            } else {
                filled[key] = value
            }
        }
        return filled
    }

    func fill(_ text: String, setting: String) throws(ConnectorRuntimeError) -> String {
        var result = text
        while let open = result.range(of: "{{config."),
            let close = result.range(of: "}}", range: open.upperBound..<result.endIndex)
        {
            let key = String(result[open.upperBound..<close.lowerBound])
            guard let value = config[key] else {
                throw ConnectorRuntimeError(
                    "the installation config has no '\(key)', which the package's setting \(setting) uses")
            }
            let text: String
            switch value {
            case .string(let string): text = string
            default: text = JSONSerializer.serialize(value)
            }
            result.replaceSubrange(open.lowerBound..<close.upperBound, with: text)
        }
        return result
    }

    func folder(_ key: String) throws(ConnectorRuntimeError) -> URL {
        guard let location = config[key]?.stringValue, !location.isEmpty else {
            throw ConnectorRuntimeError("the installation config has no '\(key)' folder")
        }
        if location.hasPrefix("sftp://") {
            throw ConnectorRuntimeError(
                "SFTP locations are not supported by this version of the files runtime (use a local folder)")
        }
        return location.hasPrefix("/")
            ? URL(fileURLWithPath: location) : baseDirectory.appendingPathComponent(location).standardizedFileURL
    }

    static func dialect(_ settings: JSONObject) throws(ConnectorRuntimeError) -> CSVDialect {
        var dialect = CSVDialect.rfc4180
        if let delimiter = settings["delimiter"]?.stringValue {
            guard delimiter.unicodeScalars.count == 1 else {
                throw ConnectorRuntimeError("delimiter '\(delimiter)' must be one character")
            }
            dialect.delimiter = delimiter.unicodeScalars.first!
        }
        if let name = settings["encoding"]?.stringValue, !name.isEmpty {
            guard let encoding = TextEncoding(name: name) else { throw ConnectorRuntimeError("unknown encoding '\(name)'") }
            dialect.encoding = encoding
        }
        return dialect
    }

    /// The records of `stream`, read one at a time from the files in the `location` folder that match the stream's
    /// glob, in name order, so memory stays flat whatever the size of the files.
    public func records(stream: String) throws -> FilesRecordReader {
        let settings = try endpointSettings(stream)
        let directory = try folder("location")
        let glob = settings["glob"]?.stringValue ?? "*"
        guard settings["format"]?.stringValue ?? "csv" == "csv" else {
            throw ConnectorRuntimeError(
                "format '\(settings["format"]?.stringValue ?? "")' of stream '\(stream)' is not supported yet (csv is)")
        }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory.path) } catch {
            throw ConnectorRuntimeError("cannot list folder \(directory.path) (check the installation's location)")
        }
        let files = names.sorted().filter { fnmatch(glob, $0, 0) == 0 }.map { directory.appendingPathComponent($0).path }
        return FilesRecordReader(files: files, dialect: try Self.dialect(settings))
    }

    /// Checks that the installation can work: each stream's folder can be listed (and how many files match), each
    /// action's folder exists and is writable or can be created. Returns one line per stream and action.
    public func check(streams: [String], actions: [String]) throws(ConnectorRuntimeError) -> [String] {
        var lines: [String] = []
        for name in streams {
            let endpoint = try endpointSettings(name)
            let directory = try folder("location")
            let names: [String]
            do { names = try FileManager.default.contentsOfDirectory(atPath: directory.path) } catch {
                throw ConnectorRuntimeError(
                    "stream \(name): cannot list folder \(directory.path) (check the installation's location)")
            }
            let glob = endpoint["glob"]?.stringValue ?? "*"
            let matching = names.filter { fnmatch(glob, $0, 0) == 0 }.count
            lines.append("stream \(name): \(matching) file(s) matching \(glob) in \(directory.path)")
        }
        for name in actions {
            _ = try endpointSettings(name)
            let directory = try outputFolder()
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
                guard isDirectory.boolValue, FileManager.default.isWritableFile(atPath: directory.path) else {
                    throw ConnectorRuntimeError("action \(name): \(directory.path) is not a writable folder")
                }
                lines.append("action \(name): writes to \(directory.path)")
            } else {
                lines.append("action \(name): will create \(directory.path)")
            }
        }
        return lines
    }

    /// Where actions write: the config's `directory`, else its `location`.
    func outputFolder() throws(ConnectorRuntimeError) -> URL {
        try folder(config["directory"] != nil ? "directory" : "location")
    }

    /// Writes `action`'s records to the action's file in the `directory` folder (CSV, columns from the first record).
    public func writer(action: String) throws -> FilesActionWriter {
        let settings = try endpointSettings(action)
        let directory = try outputFolder()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw ConnectorRuntimeError("cannot create folder \(directory.path): \(error.localizedDescription)")
        }
        let file = settings["file"]?.stringValue ?? "\(action).csv"
        return FilesActionWriter(path: directory.appendingPathComponent(file).path, dialect: try Self.dialect(settings))
    }
}

/// Reads the records of several CSV files in turn.
public final class FilesRecordReader {
    private var files: [String]
    private let dialect: CSVDialect
    private var reader: CSVReader?
    private var file = ""
    private var number = 0

    init(files: [String], dialect: CSVDialect) {
        self.files = files.reversed()
        self.dialect = dialect
    }

    /// The next record with the name of its file and its number there, or nil after the last file.
    public func next() throws -> (record: JSONValue, file: String, number: Int)? {
        while true {
            if reader != nil, let record = try reader!.next() {
                number += 1
                return (record, file, number)
            }
            guard let path = files.popLast() else { return nil }
            reader = try CSVReader(source: try FileByteSource(path: path), dialect: dialect)
            file = (path as NSString).lastPathComponent
            number = 0
        }
    }
}

/// Writes one action's records to a CSV file; `finish` must be called to flush it.
public final class FilesActionWriter {
    /// Where the records go.
    public let path: String
    private let dialect: CSVDialect
    private var writer: CSVWriter?
    private var sink: FileByteSink?

    init(path: String, dialect: CSVDialect) {
        self.path = path
        self.dialect = dialect
    }

    /// Writes one record.
    public func write(_ record: JSONValue) throws {
        if writer == nil {
            let sink = try FileByteSink(path: path)
            self.sink = sink
            var columns: [String] = []
            if case .object(let object) = record { columns = object.keys }
            writer = try CSVWriter(sink: sink, dialect: dialect, columns: columns)
        }
        try writer!.write(record)
    }

    /// Flushes the file.
    public func finish() throws {
        try writer?.finish()
    }
}
