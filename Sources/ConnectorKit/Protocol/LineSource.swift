import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where the SDK reads the platform's lines from: stdin in a connector process, an array in the harness.
protocol LineSource: Sendable {
    /// The next line without its newline, or nil at the end of input.
    func nextLine() async throws -> [UInt8]?
}

/// Lines of a file descriptor, read with blocking `read(2)` on a private serial queue so that no task of the
/// cooperative pool ever blocks; pulling one line at a time gives natural back-pressure.
final class FileDescriptorLineSource: LineSource, @unchecked Sendable {
    // @unchecked: `buffer`, `start` and `atEnd` are only touched on `queue`.
    private let descriptor: Int32
    private let queue = DispatchQueue(label: "switchyard.connector.stdin")
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    func nextLine() async throws -> [UInt8]? {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try self.readLine() }) }
        }
    }

    private func readLine() throws -> [UInt8]? {
        var searchFrom = start
        while true {
            if let newline = buffer[searchFrom...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[start..<newline])
                start = newline + 1
                if start > 65_536 {
                    buffer.removeFirst(start)
                    start = 0
                }
                return line
            }
            searchFrom = buffer.count
            if atEnd {
                guard start < buffer.count else { return nil }
                let line = Array(buffer[start...])
                start = buffer.count
                return line
            }
            if buffer.count - start > ConnectorMessage.maxLineLength {
                throw ConnectorProtocolError(
                    .lineTooLong, "input line is longer than the limit of \(ConnectorMessage.maxLineLength) bytes")
            }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                buffer.append(contentsOf: chunk[..<count])
            } else if count == 0 {
                atEnd = true
            } else if errno != EINTR {
                throw ConnectorProtocolError(.inputClosed, "reading stdin failed: errno \(errno)")
            }
        }
    }
}

/// Fixed lines, for the in-process harness.
final class ArrayLineSource: LineSource, @unchecked Sendable {
    // @unchecked: `position` is guarded by `lock`.
    private let lines: [[UInt8]]
    private let lock = NSLock()
    private var position = 0

    init(lines: [[UInt8]]) {
        self.lines = lines
    }

    func nextLine() async throws -> [UInt8]? {
        lock.withLock {
            guard position < lines.count else { return nil }
            defer { position += 1 }
            return lines[position]
        }
    }
}

/// Decodes a line source into messages, counting lines (1-based, blank lines counted but skipped).
actor MessageReader {
    private let source: any LineSource
    private(set) var line = 0

    init(source: any LineSource) {
        self.source = source
    }

    func next() async throws -> (message: ConnectorMessage, line: Int)? {
        while let bytes = try await source.nextLine() {
            line += 1
            if bytes.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { continue }
            return (try ConnectorMessage.decode(bytes[...], line: line), line)
        }
        return nil
    }
}
