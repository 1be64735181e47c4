// Generates a large CSV file (default 500 MB) once and parses it with the streaming CSV reader, twice: fields only
// (`nextRow`) and records as objects (`next`). Prints MB/s against the 100 MB/s target. Run it in release mode through
// Benchmarks/run-csv-benchmark.
import Formats
import Foundation
import Values

var megabytes = 500
var directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-bench").path
var iterator = CommandLine.arguments.dropFirst().makeIterator()
while let argument = iterator.next() {
    switch argument {
    case "--megabytes": megabytes = Int(iterator.next() ?? "") ?? megabytes
    case "--dir": directory = iterator.next() ?? directory
    default:
        FileHandle.standardError.write(Data("usage: csv-benchmark [--megabytes N] [--dir D]\n".utf8))
        exit(2)
    }
}
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
let path = directory + "/products-\(megabytes)mb.csv"

if !FileManager.default.fileExists(atPath: path) {
    print("generating \(megabytes) MB of CSV into \(path)")
    _ = FileManager.default.createFile(atPath: path, contents: nil)
    let handle = FileHandle(forWritingAtPath: path)!
    var chunk = "SKU,DESCR,PRICE,CURRENCY,CATEGORY,STOCK,NOTE\r\n"
    var written = 0
    var index = 0
    while written < megabytes * 1_000_000 {
        // Every tenth row has a quoted field with a delimiter, a doubled quote and a line break.
        let note = index % 10 == 0 ? "\"says \"\"hi\"\", then\r\nbye, twice\"" : "plain note \(index % 97)"
        chunk +=
            "SKU-\(index),Chair model \(index % 1000) in oak,\(index % 50000).\(index % 100),EUR,chairs,\(index % 40),\(note)\r\n"
        index += 1
        if chunk.utf8.count > 4_000_000 {
            handle.write(Data(chunk.utf8))
            written += chunk.utf8.count
            chunk = ""
        }
    }
    handle.write(Data(chunk.utf8))
    try handle.close()
}

let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
let clock = ContinuousClock()
func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

var rows = 0
let fieldsTime = try clock.measure {
    var reader = try CSVReader(source: try FileByteSource(path: path))
    while try reader.nextRow() != nil { rows += 1 }
}
var records = 0
let recordsTime = try clock.measure {
    var reader = try CSVReader(source: try FileByteSource(path: path))
    while try reader.next() != nil { records += 1 }
}
let megabytesRead = Double(size) / 1e6
print(String(format: "file: %.0f MB, %d rows", megabytesRead, rows))
print(
    String(
        format: "nextRow (fields): %.2f s = %.0f MB/s (target >= 100 MB/s)", seconds(fieldsTime),
        megabytesRead / seconds(fieldsTime)))
print(
    String(
        format: "next (objects):   %.2f s = %.0f MB/s (target >= 100 MB/s)", seconds(recordsTime),
        megabytesRead / seconds(recordsTime)))
if rows != records { print("row counts differ: \(rows) vs \(records)"); exit(1) }
