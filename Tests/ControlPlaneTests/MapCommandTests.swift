import Foundation
import TestSupport
import Testing

/// `admin-cli map eval` and `map run` as child processes, on real files; no database needed.
@Suite("admin-cli map")
struct MapCommandTests {
    func file(_ bytes: [UInt8], _ ext: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("map-\(UUID().uuidString).\(ext)")
        try Data(bytes).write(to: url)
        return url.path
    }

    func file(_ text: String, _ ext: String) throws -> String { try file(Array(text.utf8), ext) }

    func cli(_ arguments: [String], stdin: String = "") async throws -> ProcessResult {
        try await ChildProcess.run(ChildProcess.adminCLI, ["map"] + arguments, stdin: stdin)
    }

    @Test func evalPrintsTheResult() async throws {
        let input = try file(#"{"Order": {"Line": [{"Qty": 2, "Price": 1.5}, {"Qty": 1, "Price": 4}]}}"#, "json")
        let result = try await cli(["eval", "$sum(Order.Line.(Qty * Price))", "--input", input])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == "7\n")
    }

    @Test func evalJSONModePrintsExactlyOneObject() async throws {
        #expect(try await cli(["eval", "$x * 2", "--bind", "x=21", "--json"]).stdout == #"{"result":42}"# + "\n")
        #expect(
            try await cli(["eval", "nothing", "--input", "-", "--json"], stdin: "{}").stdout == #"{"undefined":true}"# + "\n")
        let error = try await cli(["eval", "1 +", "--json"])
        #expect(error.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(error.stdout.utf8)) as? [String: Any])
        let details = try #require(object["error"] as? [String: Any])
        #expect(details["code"] as? String == "S0207")
        #expect(details["position"] as? Int == 3)
    }

    @Test func syntaxErrorShowsACaret() async throws {
        let result = try await cli(["eval", "a.b[0] +"])
        #expect(result.status == 1)
        // JSONata reports position 8 (1-based, the end of the last token): the caret stands under the "+".
        #expect(result.stderr == "a.b[0] +\n       ^\nS0207 at position 8: Unexpected end of expression\n")
    }

    @Test func badBindingAndMissingExpressionAreUsageErrors() async throws {
        let bind = try await cli(["eval", "$x", "--bind", "x"])
        #expect(bind.status == 2)
        #expect(bind.stderr == "error: --bind 'x' must look like name=<json>, e.g. rate=1.19\n")
        let none = try await cli(["eval"])
        #expect(none.status == 2)
    }

    @Test func runMapsALatin1CSVToSprykerCSV() async throws {
        // "Größe" in ISO-8859-1: ö = 0xF6, ß = 0xDF; decimal comma prices; one blocked article (STATUS G).
        let csv: [UInt8] =
            Array("ARTNR;BEZEICHNUNG;VK_PREIS;STATUS\r\n1;Gr".utf8) + [0xF6, 0xDF]
            + Array("e M;301,24;A\r\n2;Alt;5,00;G\r\n".utf8)
        let input = try file(csv, "csv")
        let steps = try file(
            """
            - filter: STATUS = 'A'
            - map: '{"abstract_sku": ARTNR, "name.de_DE": BEZEICHNUNG, "price_gross": $round($number($replace(VK_PREIS, ",", ".")) * 100)}'
            """, "yaml")
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("map-\(UUID().uuidString).csv").path
        let result = try await cli([
            "run", "--steps", steps, "--in", input, "--in-format", "csv", "--delimiter", ";", "--encoding", "iso-8859-1",
            "--out", output, "--out-format", "csv",
        ])
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr == "read 2, written 1, filtered 1, unchanged 0, failed 0\n")
        let written = try String(contentsOfFile: output, encoding: .utf8)
        #expect(written == "abstract_sku,name.de_DE,price_gross\r\n1,Größe M,30124\r\n")
    }

    @Test func failedRecordsAreReportedAndTheRunGoesOn() async throws {
        let input = try file(#"{"c": "A"}"# + "\n" + #"{"c": "Z"}"# + "\n" + #"{"c": "A"}"# + "\n", "jsonl")
        let steps = try file("- lookup: {field: c, table: {A: alpha}}\n", "yaml")
        let result = try await cli(["run", "--steps", steps, "--in", input])
        #expect(result.status == 1)
        #expect(result.stdout == #"{"c":"alpha"}"# + "\n" + #"{"c":"alpha"}"# + "\n")
        #expect(
            result.stderr
                == "error: step 1 (lookup), entity 'line 2': value 'Z' of field 'c' is not in the lookup table "
                + "(add it or set a default)\nread 3, written 2, filtered 0, unchanged 0, failed 1\n")
    }

    @Test func badStepFileListsEveryProblem() async throws {
        let input = try file("{}\n", "jsonl")
        let steps = try file("- map: '{'\n- frob: 1\n", "yaml")
        let result = try await cli(["run", "--steps", steps, "--in", input])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("error: \(steps): step 1 (map): 'map' has S0"))
        #expect(result.stderr.contains("; step 2 (frob): unknown step kind"))
        #expect(result.stdout.isEmpty)
    }

    @Test func malformedInputNamesTheLine() async throws {
        let input = try file("{\"a\": 1}\n{\"a\": }\n", "jsonl")
        let steps = try file("- set: {b: '1'}\n", "yaml")
        let result = try await cli(["run", "--steps", steps, "--in", input])
        #expect(result.status == 1)
        #expect(result.stderr.contains("line 2, column"))
        let badCSV = try file("a,b\n\"x,1\n", "csv")
        let csv = try await cli(["run", "--steps", steps, "--in", badCSV, "--in-format", "csv"])
        #expect(csv.status == 1)
        #expect(csv.stderr.hasPrefix("error: CSV error at line 2"))
    }

    @Test func outputIsWrittenThroughTheGivenPathNotReplacingIt() async throws {
        // Writing must go through the path (a symlink here; /dev/null or a pipe in real use), never replace it.
        let target = try file("", "jsonl")
        let link = FileManager.default.temporaryDirectory.appendingPathComponent("map-\(UUID().uuidString)-link.jsonl").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let input = try file(#"{"a": 1}"# + "\n", "jsonl")
        let steps = try file("- set: {b: '2'}\n", "yaml")
        let result = try await cli(["run", "--steps", steps, "--in", input, "--out", link])
        #expect(result.status == 0, "\(result)")
        let type = try FileManager.default.attributesOfItem(atPath: link)[.type] as? FileAttributeType
        #expect(type == .typeSymbolicLink)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == #"{"a":1,"b":2}"# + "\n")
    }

    @Test func runReadsFixedWidthRecordKinds() async throws {
        // H header, D detail (article 8, warehouse 3, quantity 7 + trailing sign, date 8), T trailer; ISO-8859-1.
        let text =
            "HLAGER\u{DC}BERSICHT      202611280200\r\nD00010000RTM0000337-20261128\r\nD00010001AMS0000130 20261128\r\n"
            + "T000002000000467\r\n"
        let input = try file(Array(text.unicodeScalars.map { UInt8($0.value) }), "txt")
        let layout = try file(
            """
            encoding: iso-8859-1
            discriminator: {start: 1, length: 1}
            records:
              H: {name: header, fields: [{name: name, start: 2, length: 20}, {name: date, start: 22, length: 8, type: date, format: yyyyMMdd}]}
              D:
                name: detail
                fields:
                  - {name: article, start: 2, length: 8, type: integer}
                  - {name: warehouse, start: 10, length: 3}
                  - {name: quantity, start: 13, length: 8, type: integer, sign: trailing}
              T: {name: trailer, fields: [{name: records, start: 2, length: 6, type: integer}]}
            """, "yaml")
        let steps = try file("- filter: _type != 'trailer'\n", "yaml")
        let result = try await cli(["run", "--steps", steps, "--in", input, "--in-format", "fixed", "--layout", layout])
        #expect(result.status == 0, "\(result)")
        #expect(
            result.stdout
                == #"{"_type":"header","name":"LAGERÜBERSICHT","date":"2026-11-28"}"# + "\n"
                + #"{"_type":"detail","article":10000,"warehouse":"RTM","quantity":-337}"# + "\n"
                + #"{"_type":"detail","article":10001,"warehouse":"AMS","quantity":130}"# + "\n")
        let missing = try await cli(["run", "--steps", steps, "--in", input, "--in-format", "fixed"])
        #expect(missing.status == 2)
        #expect(missing.stderr == "error: --in-format fixed needs --layout layout.yaml (see: admin-cli map run --help)\n")
    }
}
