import Foundation
import Testing
import Values

@testable import Formats

/// A by-hand throughput check, not a timed unit test:
/// `FORMATS_THROUGHPUT=1 swift test -c release --filter ThroughputCheck` prints MB/s for the CSV reader.
@Suite("Throughput check (by hand)")
struct ThroughputCheck {
    static let enabled = ProcessInfo.processInfo.environment["FORMATS_THROUGHPUT"] != nil

    @Test("CSV reader MB/s on ~200 MB", .enabled(if: enabled, "set FORMATS_THROUGHPUT=1 and build in release"))
    func csvThroughput() throws {
        var bytes: [UInt8] = Array("id,sku,name,price,quantity,date,note,flag\n".utf8)
        bytes.reserveCapacity(210_000_000)
        var row = 0
        while bytes.count < 200_000_000 {
            bytes.append(
                contentsOf: "\(row),SKU-\(row % 9973),\"Widget \(row), large\",\(row % 1000).\(row % 100),\(row % 50),"
                    .utf8)
            bytes.append(contentsOf: "2026-11-\(row % 28 + 1),plain text note number \(row),\(row % 2 == 0)\n".utf8)
            row += 1
        }
        let megabytes = Double(bytes.count) / 1_000_000
        let path = NSTemporaryDirectory() + "formats-throughput.csv"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }

        let clock = ContinuousClock()
        var rows = 0
        var reader = try CSVReader(source: FileByteSource(path: path))
        let rowsTime = try clock.measure {
            while try reader.nextRow() != nil { rows += 1 }
        }
        var records = 0
        var objectReader = try CSVReader(source: FileByteSource(path: path))
        let recordTime = try clock.measure {
            while try objectReader.next() != nil { records += 1 }
        }
        func rate(_ duration: Duration) -> String {
            let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
            return String(format: "%.0f MB/s", megabytes / seconds)
        }
        print("CSV throughput on \(Int(megabytes)) MB, \(rows) rows: nextRow \(rate(rowsTime)), next \(rate(recordTime))")
        #expect(rows == row)
        #expect(records == row)
    }
}
