import Testing
import Values

@testable import Formats

@Suite("XML writer and SOAP")
struct XMLWriterTests {
    @Test("Attributes, text, children, repeats, escaping")
    func writes() throws {
        let sink = MemoryByteSink()
        var writer = try XMLWriter(
            sink: sink, options: .init(rootElement: "Orders", recordElement: "Order", namespaces: ["": "urn:o"]))
        try writer.write([
            "@id": "1 & \"2\"", "Customer": "A<B>", "Line": [["@no": 1, "Qty": 2], ["@no": 2, "Qty": 3]],
            "Note": ["@lang": "de", "#text": "x"], "Gone": nil,
        ])
        try writer.finish()
        #expect(
            sink.text == """
                <?xml version="1.0" encoding="UTF-8"?>
                <Orders xmlns="urn:o">
                  <Order id="1 &amp; &quot;2&quot;">
                    <Customer>A&lt;B&gt;</Customer>
                    <Line no="1">
                      <Qty>2</Qty>
                    </Line>
                    <Line no="2">
                      <Qty>3</Qty>
                    </Line>
                    <Note lang="de">x</Note>
                    <Gone/>
                  </Order>
                </Orders>

                """)
    }

    @Test("ISO-8859-1 output: ü is 0xFC, € becomes a character reference")
    func latin1() throws {
        let sink = MemoryByteSink()
        var writer = try XMLWriter(
            sink: sink, options: .init(rootElement: "r", recordElement: "i", encoding: .isoLatin1, indent: 0))
        try writer.write(["#text": "ü€"])
        try writer.finish()
        let expected =
            Array("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r><i>".utf8) + [0xFC] + Array("&#x20AC;</i></r>".utf8)
        #expect(sink.bytes == expected)
    }

    @Test("Writer → reader round trip with forced arrays")
    func roundTrip() throws {
        let records: [JSONValue] = [
            ["@number": "SO-1", "Customer": ["@id": "C-1", "Name": "Müller & Söhne"], "Line": [["Item": "1"]]],
            ["@number": "SO-2", "Customer": ["@id": "C-2", "Name": "<x>"], "Line": [["Item": "1"], ["Item": "2"]]],
        ]
        for encoding in [TextEncoding.utf8, .isoLatin1, .windows1252, .utf16LittleEndian] {
            let sink = MemoryByteSink()
            var writer = try XMLWriter(
                sink: sink, options: .init(rootElement: "Orders", recordElement: "Order", encoding: encoding))
            for record in records { try writer.write(record) }
            try writer.finish()
            let back = try readXML(sink.bytes, .init(recordPath: "/Orders/Order", alwaysArrays: ["Line"]))
            #expect(back == records)
        }
    }

    @Test("Invalid names are rejected")
    func names() {
        #expect(
            formatError { _ = try XMLWriter(sink: MemoryByteSink(), options: .init(rootElement: "1x", recordElement: "a")) }?.code
                == .invalidOption)
        var writer = try? XMLWriter(sink: MemoryByteSink(), options: .init(rootElement: "r", recordElement: "a"))
        #expect(formatError { try writer?.write(["bad key": 1]) }?.code == .invalidOption)
        #expect(formatError { try writer?.write(["@bad attr": 1]) }?.code == .invalidOption)
    }

    @Test("SOAP wrap and unwrap", arguments: [SOAPEnvelope.Version.v1_1, .v1_2])
    func soapRoundTrip(version: SOAPEnvelope.Version) throws {
        let envelope = try SOAPEnvelope.wrap(
            ["@id": "7", "Filter": "open"], as: "GetOrders", namespace: ("erp", "urn:erp"), version: version)
        #expect(envelope.contains("<soap:Envelope xmlns:soap=\"\(version.namespace)\">"))
        #expect(envelope.contains("<soap:Body><erp:GetOrders xmlns:erp=\"urn:erp\" id=\"7\"><Filter>open</Filter>"))
        let body = try SOAPEnvelope.unwrap(MemoryByteSource(envelope))
        #expect(body == ["@id": "7", "Filter": "open"])
    }

    @Test("SOAP 1.1 Fault is reported with faultcode and faultstring")
    func fault11() {
        let response = """
            <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault>\
            <faultcode>soap:Server</faultcode><faultstring>Order SO-1 is locked</faultstring>\
            <detail><code>42</code></detail></soap:Fault></soap:Body></soap:Envelope>
            """
        let error = formatError { _ = try SOAPEnvelope.unwrap(MemoryByteSource(response)) }
        #expect(error?.code == .soapFault)
        #expect(error?.message == "SOAP Fault soap:Server: Order SO-1 is locked")
        let fault = SOAPEnvelope.fault(in: ["faultcode": "soap:Client", "faultstring": "bad", "detail": ["code": "1"]])
        #expect(fault == SOAPEnvelope.Fault(code: "soap:Client", reason: "bad", detail: ["code": "1"]))
    }

    @Test("SOAP 1.2 Fault is reported with Code/Value and Reason/Text")
    func fault12() {
        let response = """
            <env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><env:Fault>\
            <env:Code><env:Value>env:Sender</env:Value></env:Code>\
            <env:Reason><env:Text xml:lang="en">Missing order number</env:Text></env:Reason>\
            </env:Fault></env:Body></env:Envelope>
            """
        let error = formatError { _ = try SOAPEnvelope.unwrap(MemoryByteSource(response)) }
        #expect(error?.message == "SOAP Fault env:Sender: Missing order number")
    }

    @Test("A document without envelope body is an invalid envelope")
    func noBody() {
        let error = formatError { _ = try SOAPEnvelope.unwrap(MemoryByteSource("<Envelope><Header/></Envelope>")) }
        #expect(error?.code == .invalidEnvelope)
    }
}
