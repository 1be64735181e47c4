import Testing
import Values

@testable import Formats

@Suite("JSON Lines and streamed JSON arrays")
struct JSONLinesTests {
    func readLines(_ text: String, trickle: Bool = false) throws -> [JSONValue] {
        let bytes = Array(text.utf8)
        var reader = JSONLinesReader(source: trickle ? TrickleByteSource(bytes) : MemoryByteSource(bytes))
        var values: [JSONValue] = []
        while let value = try reader.next() { values.append(value) }
        return values
    }

    func readArray(_ text: String, path: [String] = [], trickle: Bool = false) throws -> [JSONValue] {
        let bytes = Array(text.utf8)
        let source: any ByteSource = trickle ? TrickleByteSource(bytes) : MemoryByteSource(bytes)
        var reader = JSONArrayReader(source: source, path: path)
        var values: [JSONValue] = []
        while let value = try reader.next() { values.append(value) }
        return values
    }

    @Test("One value per line, any line ending, blank lines skipped")
    func lines() throws {
        for trickle in [false, true] {
            let values = try readLines("{\"a\":1}\r\n\n  \n[1,2]\r\"x\"\nnull", trickle: trickle)
            #expect(values == [["a": 1], [1, 2], "x", nil])
        }
    }

    @Test("A bad line names its line number and column")
    func badLine() {
        let error = formatError { _ = try readLines("{\"a\":1}\n\n{\"a\":}\n") }
        #expect(error?.code == .invalidJSON)
        #expect(error?.format == .jsonLines)
        #expect(error?.line == 3)
        #expect(error?.column == 6)
    }

    @Test("Two values on one line are an error")
    func twoValues() {
        let error = formatError { _ = try readLines("1 2\n") }
        #expect(error?.line == 1)
    }

    @Test("Lines longer than the limit fail instead of growing memory")
    func lineLimit() {
        var reader = JSONLinesReader(source: MemoryByteSource("[1,2,3,4,5,6,7,8,9]\n"), maxLineBytes: 8)
        #expect(formatError { _ = try reader.next() }?.line == 1)
    }

    @Test("UTF-16 input with BOM")
    func utf16() throws {
        var reader = JSONLinesReader(source: MemoryByteSource([0xFF, 0xFE, 0x22, 0x00, 0xE4, 0x00, 0x22, 0x00]))
        #expect(try reader.next() == "ä")
    }

    @Test("Writer → reader round trip")
    func roundTrip() throws {
        let values: [JSONValue] = [["name": "Grüße\nzeile", "n": 1.5], [], "x", nil, ["nested": ["a": [true]]]]
        let sink = MemoryByteSink()
        var writer = JSONLinesWriter(sink: sink)
        for value in values { try writer.write(value) }
        try writer.finish()
        #expect(sink.text.split(separator: "\n").count == 5)
        #expect(sink.text.hasPrefix("{\"name\":\"Grüße\\nzeile\",\"n\":1.5}\n"))
        #expect(try readLines(sink.text) == values)
    }

    @Test("Top-level array elements one at a time")
    func topLevel() throws {
        for trickle in [false, true] {
            let values = try readArray(" [ {\"a\": \"]}\\\"\"}, 1 ,\n[2, [3]], \"s\", true, null ] trailing", trickle: trickle)
            #expect(values == [["a": "]}\""], 1, [2, [3]], "s", true, nil])
        }
        #expect(try readArray("[]").isEmpty)
    }

    @Test("Array at a path, skipping other members of any kind")
    func atPath() throws {
        let text = """
            {"meta": {"items": [9], "s": "data"}, "count": 2, "data": {"x": [1, {"y": "]"}], "items": [{"id": 1}, {"id": 2}]}}
            """
        for trickle in [false, true] {
            #expect(try readArray(text, path: ["data", "items"], trickle: trickle) == [["id": 1], ["id": 2]])
        }
        var reader = JSONArrayReader(source: MemoryByteSource(text), dottedPath: "meta.items")
        #expect(try reader.next() == 9)
        #expect(try reader.next() == nil)
    }

    @Test("Missing path, non-array target and bad elements are errors with places")
    func errors() {
        let missing = formatError { _ = try readArray("{\"a\": 1}", path: ["data"]) }
        #expect(missing?.code == .notAnArray)
        let notArray = formatError { _ = try readArray("{\"data\": {}}", path: ["data"]) }
        #expect(notArray?.code == .notAnArray)
        #expect(notArray?.column == 10)
        let bad = formatError { _ = try readArray("[1,\n  {\"a\" 2}]") }
        #expect(bad?.code == .invalidJSON)
        #expect(bad?.line == 2)
        #expect(bad?.column == 8)
        let unclosed = formatError { _ = try readArray("[1, 2") }
        #expect(unclosed?.code == .invalidJSON)
        let noComma = formatError { _ = try readArray("[1 2]") }
        #expect(noComma?.line == 1)
        #expect(noComma?.column == 4)
    }

    @Test("Fuzz: mutated JSON Lines and arrays either parse or throw FormatError", arguments: [11, 12] as [UInt64])
    func fuzz(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        let alphabet = Array("{}[]\",:\\ \n\r01-eE.tfn".utf8) + [0xC3, 0x00]
        let seedText = Array("{\"data\": {\"items\": [{\"a\": \"x\\\"y\"}, [1, 2.5e3], true, null]}}\n[1]\n".utf8)
        for _ in 0..<300 {
            var bytes = seedText
            for _ in 0..<Int.random(in: 1...5, using: &random) {
                let position = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes.insert(alphabet.randomElement(using: &random)!, at: position)
                case 1: bytes.remove(at: position)
                default: bytes[position] = alphabet.randomElement(using: &random)!
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            for body in [
                { () throws -> Void in _ = try readLines(text) },
                { () throws -> Void in _ = try readArray(text, path: ["data", "items"]) },
                { () throws -> Void in _ = try readArray(text) },
            ] {
                do {
                    try body()
                } catch is FormatError {
                } catch {
                    Issue.record("unexpected error type: \(error)")
                }
            }
        }
    }
}
