import Testing
import Values

@Suite struct JSONSerializerTests {
    /// Expected strings are what JavaScript's `String(n)` / `JSON.stringify(n)` produce.
    @Test(arguments: [
        (0.0, "0"),
        (-0.0, "0"),
        (1.0, "1"),
        (-42.0, "-42"),
        (3.5, "3.5"),
        (0.1, "0.1"),
        (0.1 + 0.2, "0.30000000000000004"),
        (1e21, "1e+21"),
        (1.5e21, "1.5e+21"),
        (1e20, "100000000000000000000"),
        (123456789012345680000.0, "123456789012345680000"),
        (1e-7, "1e-7"),
        (1.5e-7, "1.5e-7"),
        (0.000001, "0.000001"),
        (9007199254740993.0, "9007199254740992"),
        (-1.25e-10, "-1.25e-10"),
        (Double.leastNonzeroMagnitude, "5e-324"),
    ])
    func formatsNumbersLikeJavaScript(value: Double, expected: String) {
        #expect(JSONNumberFormatter.format(value) == expected)
        #expect(JSONSerializer.serialize(.number(value)) == expected)
    }

    @Test(arguments: [
        (0.1 + 0.2, "0.3"),
        (1.0 / 3.0, "0.333333333333333"),
        (100.0, "100"),
        (123456789.123456789, "123456789.123457"),
    ])
    func roundsToFifteenSignificantDigitsForStrings(value: Double, expected: String) {
        #expect(JSONNumberFormatter.formatPrecision15(value) == expected)
    }

    @Test func escapesControlCharactersAndQuotes() {
        let value: JSONValue = .string("a\"b\\c\n\u{01}é😀")
        #expect(JSONSerializer.serialize(value) == #""a\"b\\c\n\u0001é😀""#)
    }

    @Test func nonFiniteNumbersBecomeNull() {
        #expect(JSONSerializer.serialize([.number(.infinity), .number(.nan)]) == "[null,null]")
    }

    @Test func prettyPrintsWithIndent() {
        let value: JSONValue = ["a": [1, 2], "b": [:]]
        #expect(JSONSerializer.serialize(value, indent: 2) == "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {}\n}")
    }

    @Test(arguments: [
        #"{"name":"Ünïcødé ✓","list":[1,2.5,-3e-7,true,false,null],"nested":{"z":{},"a":[]}}"#,
        #"[{"b":1,"a":2},"\u0000 control",1e+300]"#,
    ])
    func roundTripsThroughText(text: String) throws {
        let first = try JSONParser.parse(text)
        let written = JSONSerializer.serialize(first)
        let second = try JSONParser.parse(written)
        #expect(first == second)
        #expect(JSONSerializer.serialize(second) == written)
    }

    @Test func objectEqualityIgnoresKeyOrder() throws {
        #expect(try JSONParser.parse(#"{"a":1,"b":2}"#) == JSONParser.parse(#"{"b":2,"a":1}"#))
        #expect(try JSONParser.parse("[1,2]") != JSONParser.parse("[2,1]"))
    }
}
