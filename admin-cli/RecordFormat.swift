import ArgumentParser
import ConnectorKit
import Formats
import Foundation
import Transform
import Values

/// One record read from an input file.
struct InputRecord {
    let value: JSONValue
}

/// Reads records one at a time; `line` is where the current record started, for messages.
protocol RecordReader: AnyObject {
    var line: Int { get }
    func next() throws -> InputRecord?
}

/// Writes records one at a time.
protocol RecordWriter: AnyObject {
    func write(_ value: JSONValue) throws
    func finish() throws
}

/// The file formats `map run` reads and writes.
enum RecordFormat: String, ExpressibleByArgument, CaseIterable {
    case jsonl
    case json
    case csv
    case xml
    case fixed

    static var readable: String { allCases.map(\.rawValue).joined(separator: ", ") }
    static var writable: String { [RecordFormat.jsonl, .json, .csv].map(\.rawValue).joined(separator: ", ") }

    static func reader(for format: RecordFormat, path: String, options: FormatOptions) throws -> any RecordReader {
        switch format {
        case .jsonl: return JSONLinesRecordReader(source: try ByteChunks(path: path), name: path)
        case .json: return try JSONArrayRecordReader(source: try ByteChunks(path: path), name: path)
        case .csv:
            let dialect = try options.csvDialect()
            return try FormatRecordReader(path: path) { (source) throws(FormatError) in
                try CSVReader(source: source, dialect: dialect)
            }
        case .fixed:
            guard let layout = options.layout else {
                throw CLIFailure(
                    message: "--in-format fixed needs --layout layout.yaml (see: admin-cli map run --help)", exitCode: 2)
            }
            let format = try FixedWidthLayoutFile.load(
                layout, encoding: options.encoding == "auto" ? nil : try options.textEncoding())
            return try FormatRecordReader(path: path) { (source) throws(FormatError) in
                try FixedWidthReader(source: source, format: format)
            }
        case .xml:
            guard let recordPath = options.recordPath else {
                throw CLIFailure(message: "--in-format xml needs --record-path, e.g. /Envelope/Body/Orders/Order", exitCode: 2)
            }
            let xmlOptions = XMLReader.Options(
                recordPath: recordPath, alwaysArrays: Set(options.alwaysArray), encoding: try options.textEncoding())
            return try FormatRecordReader(path: path) { (source) throws(FormatError) in
                try XMLReader(source: source, options: xmlOptions)
            }
        }
    }

    static func writer(for format: RecordFormat, path: String, options: FormatOptions) throws -> any RecordWriter {
        switch format {
        case .jsonl: return JSONLinesRecordWriter(sink: try OutputBuffer(path: path))
        case .json: return JSONArrayRecordWriter(sink: try OutputBuffer(path: path))
        case .csv: return try CSVRecordWriter(path: path, dialect: options.csvOutputDialect())
        case .xml, .fixed:
            throw CLIFailure(message: "\(format) output is not available in map run yet; use jsonl, json or csv", exitCode: 2)
        }
    }
}

/// Format options of `map run`.
struct FormatOptions: ParsableArguments {
    @Option(help: "CSV: field delimiter (use '\\t' for tab).") var delimiter = ","
    @Option(help: "Input text encoding: utf-8, iso-8859-1, windows-1252, utf-16, auto.") var encoding = "auto"
    @Flag(help: "CSV: the first row is data, not column names (columns are named by --columns or 1, 2, …).")
    var noHeader = false
    @Option(help: "CSV: column names, comma-separated (implies the file has no header row).") var columns: String?
    @Option(help: "CSV: lines to skip before the header.") var skipLines = 0
    @Flag(help: "CSV: trim spaces around fields.") var trim = false
    @Flag(help: "CSV: allow rows with too many or too few fields (pad or cut).") var allowRagged = false
    @Option(help: "Fixed width: the layout file (fields, record kinds; see docs/mapping.md).") var layout: String?
    @Option(help: "XML: path of the record elements, e.g. /Envelope/Body/GetOrdersResponse/Order.") var recordPath: String?
    @Option(help: "XML: element that is always an array (repeatable), e.g. Line.") var alwaysArray: [String] = []
    @Option(help: "CSV output: field delimiter.") var outDelimiter = ","
    @Option(help: "CSV output: text encoding.") var outEncoding = "utf-8"

    func textEncoding(_ name: String? = nil) throws -> TextEncoding {
        let name = name ?? encoding
        if name == "auto" { return .automatic }
        guard let encoding = TextEncoding(name: name) else {
            throw CLIFailure(
                message: "unknown encoding '\(name)' (use utf-8, iso-8859-1, windows-1252, utf-16 or auto)", exitCode: 2)
        }
        return encoding
    }

    static func scalar(_ text: String, option: String) throws -> Unicode.Scalar {
        let unescaped = text == "\\t" ? "\t" : text
        guard unescaped.unicodeScalars.count == 1, let scalar = unescaped.unicodeScalars.first else {
            throw CLIFailure(message: "\(option) must be one character (got '\(text)')", exitCode: 2)
        }
        return scalar
    }

    func csvDialect() throws -> CSVDialect {
        var dialect = CSVDialect.rfc4180
        dialect.delimiter = try Self.scalar(delimiter, option: "--delimiter")
        dialect.encoding = try textEncoding()
        dialect.skipLines = skipLines
        dialect.trimWhitespace = trim
        if allowRagged { dialect.raggedRows = .padOrTruncate }
        if let columns {
            dialect.header = .columns(columns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        } else if noHeader {
            dialect.header = .none
        }
        return dialect
    }

    func csvOutputDialect() throws -> CSVDialect {
        var dialect = CSVDialect.rfc4180
        dialect.delimiter = try Self.scalar(outDelimiter, option: "--out-delimiter")
        dialect.encoding = try textEncoding(outEncoding)
        return dialect
    }
}

/// A streaming reader of the Formats module that yields one record per call.
protocol FormatRecordSource {
    mutating func next() throws(FormatError) -> JSONValue?
}

extension CSVReader: FormatRecordSource {}
extension XMLReader: FormatRecordSource {}

/// Records from a Formats reader (CSV, XML); positions are record numbers.
final class FormatRecordReader<Source: FormatRecordSource>: RecordReader {
    private var reader: Source
    private(set) var line = 0

    /// Opens `path` (`-` for stdin) and hands the byte source to `make`.
    init(path: String, _ make: (FileByteSource) throws(FormatError) -> Source) throws {
        do {
            reader = try make(try FileByteSource(path: path == "-" ? "/dev/stdin" : path))
        } catch { throw CLIFailure(message: "\(path): \(error)") }
    }

    func next() throws -> InputRecord? {
        do {
            guard let value = try reader.next() else { return nil }
            line += 1
            return InputRecord(value: value)
        } catch { throw CLIFailure(message: "\(error)") }
    }
}

/// CSV output; columns come from the first record.
final class CSVRecordWriter: RecordWriter {
    private var writer: CSVWriter?
    private let path: String
    private let dialect: CSVDialect
    private let sink: FileByteSink

    init(path: String, dialect: CSVDialect) throws {
        self.path = path
        self.dialect = dialect
        do { sink = try FileByteSink(path: path == "-" ? "/dev/stdout" : path) } catch {
            throw CLIFailure(message: "\(path): \(error)")
        }
    }

    func write(_ value: JSONValue) throws {
        do {
            if writer == nil {
                var columns: [String] = []
                if case .object(let object) = value { columns = object.keys }
                writer = try CSVWriter(sink: sink, dialect: dialect, columns: columns)
            }
            try writer!.write(value)
        } catch { throw CLIFailure(message: "\(path): \(error)") }
    }

    func finish() throws {
        do { try writer?.finish() } catch { throw CLIFailure(message: "\(path): \(error)") }
    }
}

/// A file (or stdin) read in 64 KiB chunks, so memory stays flat whatever the file size.
final class ByteChunks {
    private let handle: FileHandle

    init(path: String) throws {
        if path == "-" {
            handle = FileHandle.standardInput
        } else {
            guard let opened = FileHandle(forReadingAtPath: path) else {
                throw CLIFailure(message: "cannot open input file '\(path)' (check the path)")
            }
            handle = opened
        }
    }

    func next() throws -> [UInt8]? {
        guard let data = try handle.read(upToCount: 65_536), !data.isEmpty else { return nil }
        return Array(data)
    }
}

/// A file (or stdout) written through a 64 KiB buffer.
final class OutputBuffer {
    private let handle: FileHandle
    private var buffer: [UInt8] = []

    init(path: String) throws {
        if path == "-" {
            handle = FileHandle.standardOutput
        } else {
            // open(2), not FileManager.createFile: that writes a new file and renames it over the path, which would
            // replace a device such as /dev/null or a named pipe instead of writing into it.
            let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard descriptor >= 0 else {
                throw CLIFailure(message: "cannot create output file '\(path)' (check the folder and permissions)")
            }
            handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        }
        buffer.reserveCapacity(70_000)
    }

    func append(_ bytes: [UInt8]) throws {
        buffer += bytes
        if buffer.count >= 65_536 { try flush() }
    }

    func append(_ body: (inout [UInt8]) -> Void) throws {
        body(&buffer)
        if buffer.count >= 65_536 { try flush() }
    }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}

/// JSON Lines: one JSON value per line; blank lines are skipped.
final class JSONLinesRecordReader: RecordReader {
    private let source: ByteChunks
    private let name: String
    private var pending: [UInt8] = []
    private var start = 0
    private var finished = false
    private(set) var line = 0

    init(source: ByteChunks, name: String) {
        self.source = source
        self.name = name
    }

    func next() throws -> InputRecord? {
        while true {
            if let newline = pending[start...].firstIndex(of: 10) {
                let lineBytes = pending[start..<newline]
                start = newline + 1
                line += 1
                if let record = try parse(lineBytes) { return record }
                continue
            }
            if finished {
                guard start < pending.count else { return nil }
                let rest = pending[start...]
                start = pending.count
                line += 1
                return try parse(rest)
            }
            pending.removeFirst(start)
            start = 0
            if let chunk = try source.next() { pending += chunk } else { finished = true }
        }
    }

    private func parse(_ bytes: ArraySlice<UInt8>) throws -> InputRecord? {
        var slice = bytes
        while let last = slice.last, last == 13 || last == 32 || last == 9 { slice = slice.dropLast() }
        guard slice.contains(where: { $0 != 32 && $0 != 9 }) else { return nil }
        do {
            return InputRecord(value: try JSONParser.parse(Array(slice)))
        } catch {
            throw CLIFailure(message: "\(name) line \(line), column \(error.column): \(error.message)")
        }
    }
}

/// A JSON document whose top level is an array of records (or a single record).
final class JSONArrayRecordReader: RecordReader {
    private var items: IndexingIterator<[JSONValue]>
    private(set) var line = 0

    init(source: ByteChunks, name: String) throws {
        var bytes: [UInt8] = []
        while let chunk = try source.next() { bytes += chunk }
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch { throw CLIFailure(message: "\(name): \(error)") }
        if case .array(let array) = value { items = array.makeIterator() } else { items = [value].makeIterator() }
    }

    func next() throws -> InputRecord? {
        guard let value = items.next() else { return nil }
        line += 1
        return InputRecord(value: value)
    }
}

final class JSONLinesRecordWriter: RecordWriter {
    private let sink: OutputBuffer
    init(sink: OutputBuffer) { self.sink = sink }

    func write(_ value: JSONValue) throws {
        try sink.append { buffer in
            JSONSerializer.write(value, into: &buffer)
            buffer.append(10)
        }
    }

    func finish() throws { try sink.flush() }
}

final class JSONArrayRecordWriter: RecordWriter {
    private let sink: OutputBuffer
    private var count = 0
    init(sink: OutputBuffer) { self.sink = sink }

    func write(_ value: JSONValue) throws {
        try sink.append { buffer in
            buffer += Array((self.count == 0 ? "[\n  " : ",\n  ").utf8)
            JSONSerializer.write(value, into: &buffer)
        }
        count += 1
    }

    func finish() throws {
        try sink.append(Array((count == 0 ? "[]\n" : "\n]\n").utf8))
        try sink.flush()
    }
}

/// Builds `validate` steps' validators from ConnectorKit's JSON Schema engine.
enum SchemaValidation {
    static let factory: EntityValidatorFactory? = { schema in
        SchemaEntityValidator(schema: try JSONSchema(compiling: schema))
    }
}

/// A `validate` step's check: every violation of the schema, one line each.
struct SchemaEntityValidator: EntityValidator {
    let schema: JSONSchema
    func violations(of entity: JSONValue) -> [String] { schema.validate(entity).map(\.message) }
}
