import ConfigFiles
import Foundation
import Testing
import Values

@Suite("YAML and JSON configuration files")
struct ConfigFileTests {
    func yaml(_ text: String) throws -> JSONValue {
        try ConfigFile.parse(Data(text.utf8), name: "test.yaml")
    }

    @Test func stepListKeepsOrderAndTypes() throws {
        let value = try yaml(
            """
            - map: '{"sku": ARTNR}'
            - lookup:
                field: CAT
                table: {A01: furniture, "7": lamps}
                default: null
            - set: {price: "1.50", qty: 3, ratio: 0.5, flag: true, off: false, empty: ~}
            """)
        let expected = try JSONParser.parse(
            #"""
            [{"map": "{\"sku\": ARTNR}"},
             {"lookup": {"field": "CAT", "table": {"A01": "furniture", "7": "lamps"}, "default": null}},
             {"set": {"price": "1.50", "qty": 3, "ratio": 0.5, "flag": true, "off": false, "empty": null}}]
            """#)
        #expect(value == expected)
        guard case .object(let table)? = value[1]?["lookup"]?["table"] else {
            Issue.record("table missing")
            return
        }
        #expect(table.keys == ["A01", "7"])
    }

    @Test(arguments: [
        ("12", JSONValue.number(12)), ("-3.5", .number(-3.5)), ("1e3", .number(1000)), ("0x1F", .number(31)),
        ("'12'", .string("12")), ("yes", .string("yes")), ("1.2.3", .string("1.2.3")), ("+1", .number(1)),
    ])
    func scalars(_ text: String, _ expected: JSONValue) throws {
        #expect(try yaml("v: \(text)")["v"] == expected)
    }

    @Test func syntaxErrorNamesLineAndColumn() throws {
        let error = try #require(throws: ConfigFileError.self) { try yaml("a: 1\nb: [1, 2\nc: 3\n") }
        #expect(error.file == "test.yaml")
        #expect(error.line != nil)
        #expect(error.description.hasPrefix("test.yaml:"))
        #expect(error.message.hasPrefix("invalid YAML"))
    }

    @Test func duplicateKeysAreRefused() throws {
        let error = try #require(throws: ConfigFileError.self) { try yaml("top: 0\nnested:\n  a: 1\n  b: 2\n  a: 3\n") }
        #expect(error.message == "duplicate key 'a' in the mapping that starts here")
        #expect(error.line == 3)
    }

    @Test func jsonFilesUseTheJSONParser() throws {
        let error = try #require(throws: ConfigFileError.self) {
            try ConfigFile.parse(Data("{\"a\": 1,\n \"b\": }".utf8), name: "x.json", json: true)
        }
        #expect(error.line == 2)
        #expect(error.file == "x.json")
    }

    @Test func missingFile() throws {
        let error = try #require(throws: ConfigFileError.self) { try ConfigFile.load("/nonexistent/steps.yaml") }
        #expect(error.description == "/nonexistent/steps.yaml: file not found")
    }
}
