import Testing
import Values

@testable import Formats

/// Generates CSV rows on demand, so the test never holds the whole input either.
final class GeneratedCSVSource: ByteSource {
    private let rows: Int
    private var next = 0
    private var pending: [UInt8] = Array("id;name;price;note\r\n".utf8)
    private(set) var bytesProduced = 0

    init(rows: Int) { self.rows = rows }

    func read(into buffer: inout [UInt8], maxCount: Int) throws(FormatError) -> Int {
        while pending.count < maxCount && next < rows {
            pending.append(contentsOf: "\(next);\"Artikel \(next); Größe M\";\(next % 1000),\(next % 100);x\r\n".utf8)
            next += 1
        }
        let count = min(maxCount, pending.count)
        buffer.append(contentsOf: pending[0..<count])
        pending.removeFirst(count)
        bytesProduced += count
        return count
    }
}

@Suite("CSV streaming and robustness")
struct CSVStreamingTests {
    @Test("200k generated rows stream through the reader, counted not kept")
    func largeInput() throws {
        let source = GeneratedCSVSource(rows: 200_000)
        var reader = try CSVReader(source: source, dialect: CSVDialect(delimiter: ";"))
        var count = 0
        var last: JSONValue? = nil
        while let record = try reader.next() {
            count += 1
            last = record
        }
        #expect(count == 200_000)
        #expect(last?["name"] == "Artikel 199999; Größe M")
        #expect(last?["price"] == "999,99")
        #expect(source.bytesProduced > 8_000_000)
    }

    static let seeds: [String] = [
        "a,b,c\r\n1,\"x,y\",3\r\n\"q\"\"q\",,\"\"\r\n",
        "h;i\n\"multi\nline\";\\;x\n",
        "x\r\"a\"\"b\"\r\r\n 1 , \" 2 \" \n",
    ]

    @Test("Fuzz: mutated inputs either parse or throw FormatError, in every dialect", arguments: [1, 2, 3] as [UInt64])
    func fuzz(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        let alphabet: [UInt8] = Array(",;\"'\\\r\n \tab".utf8) + [0x00, 0xC3, 0xBC, 0xFF, 0xFE, 0xEF, 0xBB, 0xBF]
        let dialects: [CSVDialect] = [
            .rfc4180, CSVDialect(escape: .backslash, trimWhitespace: true, emptyAsNull: true),
            CSVDialect(delimiter: ";", header: .none, skipLines: 1, encoding: .utf16),
            CSVDialect(quote: nil, raggedRows: .padOrTruncate, encoding: .windows1252),
        ]
        for _ in 0..<400 {
            var bytes = Array(Self.seeds.randomElement(using: &random)!.utf8)
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                let position = Int.random(in: 0...bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes.insert(alphabet.randomElement(using: &random)!, at: position)
                case 1: if position < bytes.count { bytes.remove(at: position) }
                default: if position < bytes.count { bytes[position] = alphabet.randomElement(using: &random)! }
                }
            }
            for dialect in dialects {
                for trickle in [false, true] {
                    do {
                        _ = try readCSV(bytes, dialect, trickle: trickle)
                    } catch is FormatError {
                    } catch {
                        Issue.record("unexpected error type: \(error)")
                    }
                }
            }
        }
    }
}
