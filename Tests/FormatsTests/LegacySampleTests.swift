import Foundation
import Testing
import Values

@testable import Formats

/// Reads the shared legacy-ERP samples with the options their README describes; expected values were read off
/// the file bytes (`xxd`, `iconv -f latin1`), not off the reader's output.
@Suite("Legacy ERP samples")
struct LegacySampleTests {
    static let folder = sharedDirectory()?.appendingPathComponent("samples/legacy-erp")
    static let present = folder.map { FileManager.default.fileExists(atPath: $0.path) } ?? false

    static func source(_ name: String) throws -> FileByteSource {
        try FileByteSource(path: folder!.appendingPathComponent(name).path)
    }

    @Test("artikel.csv: semicolons, ISO-8859-1, CRLF, decimal commas, quoted fields", .enabled(if: present))
    func artikel() throws {
        var reader = try CSVReader(source: Self.source("artikel.csv"), dialect: .excelGerman)
        var records: [JSONValue] = []
        while let record = try reader.next() { records.append(record) }
        #expect(reader.columns.first == "ARTNR")
        #expect(reader.columns.count == 9)
        #expect(records.count == 60)
        // Line 2: 10000;Akkuschrauber 18V;WZ;232,71;19;7,630;4006381000000;15.11.2026;G
        let first = try #require(records.first)
        #expect(first["VK_PREIS"] == "232,71")
        #expect(try FieldType.decimal(separator: .comma).parse(first["VK_PREIS"]!.stringValue!) == 232.71)
        #expect(try FieldType.decimal(separator: .comma).parse(first["GEWICHT_KG"]!.stringValue!) == 7.63)
        #expect(try FieldType.date(format: "dd.MM.yyyy").parse(first["GEAENDERT_AM"]!.stringValue!) == "2026-11-15")
        #expect(first["STATUS"] == "G")
        #expect(first["EAN"] == "4006381000000")
        // Line 3 holds 0xF6 (ö) and 0xDF (ß); lines 6-8 the quoted fields, 0xD7 (×); line 10 0xD8 (Ø).
        #expect(records[1]["BEZEICHNUNG"] == "Gartenschere Größe M")
        #expect(records[4]["BEZEICHNUNG"] == "Rasensprenger \"Regenbogen\"")
        #expect(records[5]["BEZEICHNUNG"] == "Topf; 24 cm")
        #expect(records[6]["BEZEICHNUNG"] == "Bohrer 8×120 mm")
        #expect(records[8]["BEZEICHNUNG"] == "Pfanne Ø 28 cm")
        #expect(records[59]["ARTNR"] == "10059")
        #expect(records[59]["VK_PREIS"] == "358,14")
    }

    @Test("bestand.txt: header, 60 details, trailer whose sum matches the unsigned quantities", .enabled(if: present))
    func bestand() throws {
        var reader = try FixedWidthReader(source: Self.source("bestand.txt"), format: FixedWidthTests.stock)
        var records: [JSONValue] = []
        while let record = try reader.next() { records.append(record) }
        #expect(records.count == 62)
        #expect(records.first == ["_type": "header", "name": "LAGERBESTAND", "created": "2026-11-28T02:00:00"])
        let details = records.filter { $0["_type"] == "detail" }
        #expect(details.count == 60)
        // D00010000RTM0000337-20261128: quantity 337 with the '-' sign column.
        #expect(
            details[0] == ["_type": "detail", "article": "00010000", "warehouse": "RTM", "quantity": -337, "date": "2026-11-28"])
        #expect(details.filter { ($0["quantity"]?.numberValue ?? 0) < 0 }.count == 4)
        let trailer = try #require(records.last)
        #expect(trailer == ["_type": "trailer", "count": 60, "sum": 15069])
        let unsignedSum = details.reduce(0.0) { $0 + abs($1["quantity"]?.numberValue ?? 0) }
        #expect(unsignedSum == trailer["sum"]?.numberValue)
    }

    @Test("auftraege.xml: declared ISO-8859-1, namespaces, attributes, single line still an array", .enabled(if: present))
    func auftraege() throws {
        let options = XMLReader.Options(recordPath: "/Envelope/Body/GetOrdersResponse/Order", alwaysArrays: ["Line"])
        var reader = try XMLReader(source: Self.source("auftraege.xml"), options: options)
        var records: [JSONValue] = []
        while let record = try reader.next() { records.append(record) }
        #expect(records.count == 3)
        #expect(
            records[0] == [
                "@number": "SO-7780", "@date": "2026-11-27",
                "Customer": ["@id": "C-19", "Name": "Müller & Söhne GmbH", "Country": "DE"],
                "Line": [["@no": "1", "Item": "10000", "Qty": "2", "Price": ["@currency": "EUR", "#text": "19.95"]]],
            ])
        #expect(records[2]["Line"].map { if case .array(let lines) = $0 { lines.count } else { 0 } } == 3)
        let body = try SOAPEnvelope.unwrap(Self.source("auftraege.xml"), alwaysArrays: ["Line"])
        if case .object(let response) = body {
            #expect(response["Order"].map { if case .array(let o) = $0 { o.count } else { 0 } } == 3)
        }
    }
}
