import Testing
import Values

@Suite struct JSONParserTests {
    @Test(arguments: [
        ("null", JSONValue.null),
        ("true", .bool(true)),
        ("false", .bool(false)),
        ("0", .number(0)),
        ("-12", .number(-12)),
        ("3.25", .number(3.25)),
        ("1e3", .number(1000)),
        ("-2.5E-3", .number(-0.0025)),
        ("12345678901234567890", .number(1.2345678901234567e19)),
        ("\"hi\"", .string("hi")),
        ("[]", .array([])),
        ("{}", .object(JSONObject())),
        (" [1, [2, {\"a\": null}]] ", .array([1, .array([2, ["a": .null]])])),
    ])
    func parsesScalarsAndContainers(text: String, expected: JSONValue) throws {
        #expect(try JSONParser.parse(text) == expected)
    }

    @Test func objectsKeepInsertionOrder() throws {
        let value = try JSONParser.parse(#"{"zebra": 1, "apple": 2, "mango": 3}"#)
        guard case .object(let object) = value else {
            Issue.record("expected an object")
            return
        }
        #expect(object.keys == ["zebra", "apple", "mango"])
        #expect(JSONSerializer.serialize(value) == #"{"zebra":1,"apple":2,"mango":3}"#)
    }

    @Test func duplicateKeysKeepTheFirstPositionAndLastValue() throws {
        let value = try JSONParser.parse(#"{"a": 1, "b": 2, "a": 3}"#)
        #expect(JSONSerializer.serialize(value) == #"{"a":3,"b":2}"#)
    }

    @Test func largeObjectsStillLookUpByKey() throws {
        var object = JSONObject()
        for i in 0..<100 { object["k\(i)"] = .number(Double(i)) }
        #expect(object["k77"] == .number(77))
        object["k10"] = nil
        #expect(object["k10"] == nil)
        #expect(object["k99"] == .number(99))
        #expect(object.count == 99)
    }

    @Test(arguments: [
        (#""\u00e9""#, "é"),
        (#""\u20AC""#, "€"),
        (#""\ud83d\ude00""#, "😀"),
        (#""a\nb\t\"c\"\\/""#, "a\nb\t\"c\"\\/"),
        ("\"日本\"", "日本"),
    ])
    func decodesEscapesAndSurrogatePairs(text: String, expected: String) throws {
        #expect(try JSONParser.parse(text) == .string(expected))
    }

    @Test(arguments: [
        ("{\"a\" 1}", 1, 6),
        ("[1, 2,\n  x]", 2, 3),
        ("[1 2]", 1, 4),
        ("\"abc", 1, 1),
        ("01", 1, 2),
        ("{\"a\": tru}", 1, 7),
        ("", 1, 1),
        ("[1] 2", 1, 5),
    ])
    func reportsLineAndColumnOfBadJSON(text: String, line: Int, column: Int) {
        #expect {
            _ = try JSONParser.parse(text)
        } throws: { error in
            guard let error = error as? JSONParseError else { return false }
            return error.line == line && error.column == column
        }
    }

    @Test func rejectsExcessiveNesting() {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: JSONParseError.self) { _ = try JSONParser.parse(deep) }
    }

    @Test func errorDescriptionNamesThePosition() {
        do {
            _ = try JSONParser.parse("{\n  \"a\": }")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("invalid JSON at line 2, column 8:"))
        }
    }
}

@Suite struct JSONParserInputTests {
    @Test func parsesSlicesAndBuffersWithoutCopying() throws {
        let lines = Array("{\"a\":1}\n[true]\n".utf8)
        let newline = try #require(lines.firstIndex(of: 0x0A))
        #expect(try JSONParser.parse(lines[..<newline]) == ["a": 1])
        #expect(try JSONParser.parse(lines[(newline + 1)..<(lines.count - 1)]) == [true])
        let fromBuffer = try lines[..<newline].withUnsafeBufferPointer { try JSONParser.parse(buffer: $0) }
        #expect(fromBuffer == ["a": 1])
    }

    @Test func rejectsMalformedUTF8() {
        #expect(throws: JSONParseError.self) { _ = try JSONParser.parse([0x22, 0xC3, 0x28, 0x22]) }
    }
}
