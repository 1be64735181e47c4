import Foundation
import Values

@testable import Formats

/// Hands out one byte per read, so every chunk boundary of a parser's state machine gets exercised.
final class TrickleByteSource: ByteSource {
    private let bytes: [UInt8]
    private var position = 0
    private let step: Int

    init(_ bytes: [UInt8], step: Int = 1) {
        self.bytes = bytes
        self.step = step
    }

    func read(into buffer: inout [UInt8], maxCount: Int) throws(FormatError) -> Int {
        let count = min(step, maxCount, bytes.count - position)
        guard count > 0 else { return 0 }
        buffer.append(contentsOf: bytes[position..<position + count])
        position += count
        return count
    }
}

/// A deterministic PRNG (SplitMix64) so fuzz inputs are the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Reads every CSV record of the bytes.
func readCSV(_ bytes: [UInt8], _ dialect: CSVDialect = .rfc4180, trickle: Bool = false) throws -> [JSONValue] {
    let source: any ByteSource = trickle ? TrickleByteSource(bytes) : MemoryByteSource(bytes)
    var reader = try CSVReader(source: source, dialect: dialect)
    var records: [JSONValue] = []
    while let record = try reader.next() { records.append(record) }
    return records
}

/// Reads every CSV record of the UTF-8 text.
func readCSV(_ text: String, _ dialect: CSVDialect = .rfc4180, trickle: Bool = false) throws -> [JSONValue] {
    try readCSV(Array(text.utf8), dialect, trickle: trickle)
}

/// The error a closure throws, if it is a `FormatError`.
func formatError(_ body: () throws -> Void) -> FormatError? {
    do {
        try body()
        return nil
    } catch let error as FormatError {
        return error
    } catch {
        return nil
    }
}

/// The shared folder (`shared/conformance`, `shared/samples`), from SWITCHYARD_SHARED_DIR or by walking up.
func sharedDirectory() -> URL? {
    if let path = ProcessInfo.processInfo.environment["SWITCHYARD_SHARED_DIR"] {
        let url = URL(fileURLWithPath: path)
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }
    var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while directory.path != "/" {
        let candidate = directory.appendingPathComponent("shared")
        if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("conformance").path) {
            return candidate
        }
        directory = directory.deletingLastPathComponent()
    }
    return nil
}
