import ArgumentParser
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

    static var readable: String { allCases.map(\.rawValue).joined(separator: ", ") }
    static var writable: String { allCases.map(\.rawValue).joined(separator: ", ") }

    static func reader(for format: RecordFormat, path: String) throws -> any RecordReader {
        let source = try ByteChunks(path: path)
        switch format {
        case .jsonl: return JSONLinesReader(source: source, name: path)
        case .json: return try JSONArrayReader(source: source, name: path)
        }
    }

    static func writer(for format: RecordFormat, path: String) throws -> any RecordWriter {
        let sink = try ByteSink(path: path)
        switch format {
        case .jsonl: return JSONLinesWriter(sink: sink)
        case .json: return JSONArrayWriter(sink: sink)
        }
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
final class ByteSink {
    private let handle: FileHandle
    private var buffer: [UInt8] = []

    init(path: String) throws {
        if path == "-" {
            handle = FileHandle.standardOutput
        } else {
            guard FileManager.default.createFile(atPath: path, contents: nil), let opened = FileHandle(forWritingAtPath: path)
            else { throw CLIFailure(message: "cannot create output file '\(path)' (check the folder and permissions)") }
            handle = opened
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
final class JSONLinesReader: RecordReader {
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
final class JSONArrayReader: RecordReader {
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

final class JSONLinesWriter: RecordWriter {
    private let sink: ByteSink
    init(sink: ByteSink) { self.sink = sink }

    func write(_ value: JSONValue) throws {
        try sink.append { buffer in
            JSONSerializer.write(value, into: &buffer)
            buffer.append(10)
        }
    }

    func finish() throws { try sink.flush() }
}

final class JSONArrayWriter: RecordWriter {
    private let sink: ByteSink
    private var count = 0
    init(sink: ByteSink) { self.sink = sink }

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

/// Builds `validate` steps' validators; JSON Schema support arrives with ConnectorKit.
enum SchemaValidation {
    static let factory: EntityValidatorFactory? = nil
}
