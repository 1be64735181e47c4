import Foundation
import Testing
import Values

@testable import Formats

@Suite("CSV conformance")
struct CSVConformanceTests {
    static let spectrum = sharedDirectory()?.appendingPathComponent("conformance/csv-spectrum")

    @Test(
        "csv-spectrum: every case matches the peer-written expected JSON",
        .enabled(if: spectrum != nil, "shared/conformance/csv-spectrum not found: skipped, not passed"))
    func csvSpectrum() throws {
        let root = try #require(Self.spectrum)
        let names = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("csvs").path)
            .filter { $0.hasSuffix(".csv") }.sorted()
        var passed = 0
        var failures: [String] = []
        for name in names {
            let base = String(name.dropLast(4))
            let csv = try Data(contentsOf: root.appendingPathComponent("csvs/\(name)"))
            let json = try Data(contentsOf: root.appendingPathComponent("json/\(base).json"))
            let expected = try JSONParser.parse(bytes: json)
            do {
                let records = try readCSV(Array(csv))
                if JSONValue.array(records) == expected {
                    passed += 1
                } else {
                    failures.append("\(base): got \(JSONValue.array(records))")
                }
            } catch {
                failures.append("\(base): \(error)")
            }
        }
        print("csv-spectrum conformance: \(passed) passed, \(failures.count) failed")
        for failure in failures { print("  csv-spectrum failure: \(failure)") }
        #expect(names.count == 11)
        #expect(failures.isEmpty)
    }
}
