import Testing
import Values

@testable import Formats

func readXML(_ bytes: [UInt8], _ options: XMLReader.Options, trickle: Bool = false) throws -> [JSONValue] {
    let source: any ByteSource = trickle ? TrickleByteSource(bytes) : MemoryByteSource(bytes)
    var reader = try XMLReader(source: source, options: options)
    var records: [JSONValue] = []
    while let record = try reader.next() { records.append(record) }
    return records
}

func readXML(_ text: String, _ options: XMLReader.Options, trickle: Bool = false) throws -> [JSONValue] {
    try readXML(Array(text.utf8), options, trickle: trickle)
}

@Suite("XML reader")
struct XMLReaderTests {
    static let orders = """
        <?xml version="1.0"?>
        <!-- export -->
        <Orders>
          <Order id="1" status='open'>
            <Customer>ACME &amp; Co</Customer>
            <Line no="1"><Sku>A</Sku><Qty>2</Qty></Line>
            <Line no="2"><Sku>B</Sku><Qty>3</Qty></Line>
            <Note lang="de">Eilig</Note>
            <Empty/>
          </Order>
          <Order id="2"><Line no="1"><Sku>C</Sku></Line></Order>
        </Orders>
        """

    @Test("Elements, attributes, repeats as arrays, text next to attributes, empty elements")
    func mapping() throws {
        for trickle in [false, true] {
            let records = try readXML(Self.orders, .init(recordPath: "/Orders/Order"), trickle: trickle)
            #expect(
                records == [
                    [
                        "@id": "1", "@status": "open", "Customer": "ACME & Co",
                        "Line": [["@no": "1", "Sku": "A", "Qty": "2"], ["@no": "2", "Sku": "B", "Qty": "3"]],
                        "Note": ["@lang": "de", "#text": "Eilig"], "Empty": "",
                    ],
                    ["@id": "2", "Line": ["@no": "1", "Sku": "C"]],
                ])
        }
    }

    @Test("Forced arrays by name or by path keep single elements in a list")
    func forcedArrays() throws {
        let byName = try readXML(Self.orders, .init(recordPath: "/Orders/Order", alwaysArrays: ["Line"]))
        #expect(byName[1]["Line"] == [["@no": "1", "Sku": "C"]])
        let byPath = try readXML(Self.orders, .init(recordPath: "/Orders/Order", alwaysArrays: ["Line/Sku"]))
        #expect(byPath[1]["Line"] == ["@no": "1", "Sku": ["C"]])
    }

    @Test("Namespaces: prefixes kept or dropped; path segments without prefix match any prefix")
    func namespaces() throws {
        let text = """
            <s:Envelope xmlns:s="urn:s" xmlns:e="urn:e"><s:Body><e:Items>\
            <e:Item e:code="x"><e:Name>A</e:Name></e:Item></e:Items></s:Body></s:Envelope>
            """
        let ignored = try readXML(text, .init(recordPath: "/Envelope/Body/Items/Item"))
        #expect(ignored == [["@code": "x", "Name": "A"]])
        let kept = try readXML(text, .init(recordPath: "/s:Envelope/Body/e:Items/Item", namespaces: .keepPrefix))
        #expect(kept == [["@e:code": "x", "e:Name": "A"]])
        let wrongPrefix = try readXML(text, .init(recordPath: "/x:Envelope/Body/Items/Item"))
        #expect(wrongPrefix.isEmpty)
    }

    @Test("CDATA, character references, mixed content and trimming")
    func textForms() throws {
        let text =
            "<r><i>a<![CDATA[<b> & ]]]]>c</i><i>&#x20AC; &#8364; &lt;&gt;&quot;&apos;</i>"
            + "<i k='v'>  one <b>x</b> two  </i><i>  </i></r>"
        for trickle in [false, true] {
            let records = try readXML(text, .init(recordPath: "/r/i"), trickle: trickle)
            #expect(
                records == [
                    ["#text": "a<b> & ]]c"], ["#text": "€ € <>\"'"], ["@k": "v", "#text": "one  two", "b": "x"],
                    ["#text": ""],
                ])
        }
        let untrimmed = try readXML("<r><i> a </i></r>", .init(recordPath: "/r/i", trimText: false))
        #expect(untrimmed == [["#text": " a "]])
    }

    @Test("The declared ISO-8859-1 encoding decodes umlauts; UTF-16 with BOM works")
    func encodings() throws {
        // <?xml version="1.0" encoding="ISO-8859-1"?><r><i>Müller</i></r> with ü = 0xFC
        let latin1 =
            Array("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r><i>M".utf8) + [0xFC]
            + Array("ller</i></r>".utf8)
        #expect(try readXML(latin1, .init(recordPath: "/r/i")) == [["#text": "Müller"]])
        let utf16: [UInt8] = [0xFF, 0xFE] + Array("<r><i>€</i></r>".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        #expect(try readXML(utf16, .init(recordPath: "/r/i")) == [["#text": "€"]])
        let unsupported = formatError {
            _ = try readXML("<?xml version=\"1.0\" encoding=\"EBCDIC-XY\"?><r/>", .init(recordPath: "/r"))
        }
        #expect(unsupported?.code == .unsupportedEncoding)
    }

    @Test("DOCTYPE and processing instructions are skipped; wildcard path segments")
    func prolog() throws {
        let text = "<!DOCTYPE r [<!ELEMENT r ANY>]><?pi data?><r><a><i>1</i></a><b><i>2</i></b></r>"
        #expect(try readXML(text, .init(recordPath: "/r/*/i")) == [["#text": "1"], ["#text": "2"]])
    }

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        let name: String
        let text: String
        let line: Int
        let column: Int
        var testDescription: String { name }
    }

    static let errorCases: [ErrorCase] = [
        // </b> starts at line 2, column 4.
        ErrorCase(name: "mismatched end tag", text: "<r>\n<a></b></r>", line: 2, column: 4),
        ErrorCase(name: "unclosed at end", text: "<r>\n<a>", line: 2, column: 4),
        // &nbsp; starts at column 8.
        ErrorCase(name: "unknown entity", text: "<r><a>x&nbsp;</a></r>", line: 1, column: 8),
        ErrorCase(name: "unquoted attribute", text: "<r a=1/>", line: 1, column: 6),
        ErrorCase(name: "lt in attribute", text: "<r a=\"<\"/>", line: 1, column: 7),
        ErrorCase(name: "second root", text: "<r/>\n<s/>", line: 2, column: 1),
        ErrorCase(name: "text after root", text: "<r/>x", line: 1, column: 5),
        ErrorCase(name: "stray end tag", text: "</r>", line: 1, column: 1),
        ErrorCase(name: "bad name", text: "<1a/>", line: 1, column: 2),
        ErrorCase(name: "empty document", text: "  ", line: 1, column: 3),
        ErrorCase(name: "unterminated comment", text: "<r><!-- x", line: 1, column: 10),
        ErrorCase(name: "bad char ref", text: "<r>&#xZZ;</r>", line: 1, column: 4),
    ]

    @Test("Malformed XML names line and column", arguments: errorCases)
    func malformed(testCase: ErrorCase) {
        for trickle in [false, true] {
            let error = formatError { _ = try readXML(testCase.text, .init(recordPath: "/r/a"), trickle: trickle) }
            #expect(error?.code == .malformedXML)
            #expect(error?.line == testCase.line)
            #expect(error?.column == testCase.column)
        }
    }

    @Test("Nesting deeper than maxDepth fails")
    func depth() {
        let text = String(repeating: "<a>", count: 50) + String(repeating: "</a>", count: 50)
        let error = formatError { _ = try readXML(text, .init(recordPath: "/a", maxDepth: 10)) }
        #expect(error?.code == .malformedXML)
    }

    @Test("Fuzz: mutated XML either parses or throws FormatError", arguments: [7, 8] as [UInt64])
    func fuzz(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        let alphabet = Array("<>/=\"'&;![]-?: \nax#".utf8) + [0xC3, 0xFC, 0x00]
        let seedText = Array(Self.orders.utf8)
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
            for options in [
                XMLReader.Options(recordPath: "/Orders/Order"), .init(recordPath: "/*/*/Line", namespaces: .keepPrefix),
            ] {
                do {
                    _ = try readXML(bytes, options)
                } catch is FormatError {
                } catch {
                    Issue.record("unexpected error type: \(error)")
                }
            }
        }
    }
}
