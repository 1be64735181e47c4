import ConnectorKit
import Testing
import Values

@Suite("Connector messages: one JSON line each way")
struct ConnectorMessageTests {
    static let messages: [ConnectorMessage] = [
        .hello(versions: [1, 2]),
        .protocolVersion(1),
        .config(object(["path": "/data/inventory.jsonl", "retries": 3])),
        .spec(ConnectorSpec(configSchema: ["type": "object", "required": ["path"]], documentation: "README.md")),
        .spec(ConnectorSpec(configSchema: true)),
        .checkResult(.ok("inventory file is readable")),
        .checkResult(.failed("no readable inventory file at /x")),
        .catalog(
            ConnectorCatalog(
                streams: [CatalogEndpoint(name: "items", schema: ["type": "object"], primaryKey: ["sku"], cursor: "updated_at")],
                actions: [CatalogEndpoint(name: "items", primaryKey: ["sku", "site"])])),
        .catalog(ConnectorCatalog()),
        .record(ConnectorRecord(target: .stream("items"), key: "A-1", data: object(["sku": "A-1", "quantity": 3]))),
        .record(ConnectorRecord(target: .stream("items"), key: nil, data: object([:]))),
        .record(ConnectorRecord(target: .action("items"), key: "ex-1", data: object(["text": "two\nlines \"quoted\" ü"]))),
        .state(ConnectorState(stream: "items", data: ["cursor": "2024-05-01T10:00:00Z"])),
        .state(ConnectorState(stream: nil, data: 42)),
        .ack(RecordAck(key: "ex-1", status: .ok, destinationID: "out.jsonl:4")),
        .ack(RecordAck(key: "ex-2", status: .failed, error: "no sku")),
        .log(LogEntry(level: .warning, message: "slow export")),
        .error(ErrorReport(message: "line 7 is broken", key: "line 7")),
        .error(ErrorReport(message: "disk full")),
        .end(count: 0),
        .end(count: 120),
    ]

    @Test("encode then decode gives the same message, on one line", arguments: messages)
    func roundTrip(message: ConnectorMessage) throws {
        let line = message.encodedLine()
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(line.dropLast().contains(UInt8(ascii: "\n")) == false)
        #expect(try ConnectorMessage.decode(line.dropLast(), line: 1) == message)
    }

    @Test("the wire format matches the protocol document")
    func wireFormat() {
        let ack = ConnectorMessage.ack(RecordAck(key: "k1", status: .ok, destinationID: "d-9"))
        #expect(
            String(decoding: ack.encoded(), as: UTF8.self) == #"{"type":"ACK","key":"k1","status":"ok","destination_id":"d-9"}"#)
        let record = ConnectorMessage.record(ConnectorRecord(target: .action("items"), key: "k1", data: object(["sku": "A"])))
        #expect(
            String(decoding: record.encoded(), as: UTF8.self)
                == #"{"type":"RECORD","action":"items","key":"k1","data":{"sku":"A"}}"#)
        #expect(String(decoding: ConnectorMessage.end(count: 2).encoded(), as: UTF8.self) == #"{"type":"END","count":2}"#)
        #expect(
            String(decoding: ConnectorMessage.hello(versions: [1]).encoded(), as: UTF8.self)
                == #"{"type":"HELLO","versions":[1]}"#)
    }

    @Test("a trailing CR, unknown fields and null optionals are accepted")
    func lenientDecoding() throws {
        #expect(try ConnectorMessage.decode("{\"type\":\"END\",\"count\":1}\r", line: 1) == .end(count: 1))
        #expect(
            try ConnectorMessage.decode(#"{"type":"LOG","level":"info","message":"m","since":"v1.1"}"#, line: 1)
                == .log(LogEntry(level: .info, message: "m")))
        #expect(
            try ConnectorMessage.decode(#"{"type":"ERROR","message":"m","key":null}"#, line: 1)
                == .error(ErrorReport(message: "m")))
    }

    struct BadLine: Sendable, CustomTestStringConvertible {
        let text: String
        let code: ConnectorProtocolError.Code
        let message: String
        var testDescription: String { message }
    }

    static let badLines: [BadLine] = [
        BadLine(text: "Starting up...", code: .invalidJSON, message: "line 7: not a JSON message"),
        BadLine(text: #"{"type":"END","count":1"#, code: .invalidJSON, message: "line 7: not a JSON message"),
        BadLine(text: "[1,2]", code: .invalidMessage, message: "line 7: a message must be a JSON object, got array"),
        BadLine(text: #"{"count":1}"#, code: .invalidMessage, message: "line 7: message has no 'type' field"),
        BadLine(text: #"{"type":5}"#, code: .invalidMessage, message: "line 7: 'type' must be a string, got number"),
        BadLine(text: #"{"type":"RESULT"}"#, code: .unknownMessageType, message: "line 7: unknown message type 'RESULT'"),
        BadLine(text: #"{"type":"end","count":1}"#, code: .unknownMessageType, message: "line 7: unknown message type 'end'"),
        BadLine(text: #"{"type":"HELLO"}"#, code: .invalidMessage, message: "line 7: HELLO: 'versions' is required"),
        BadLine(text: #"{"type":"HELLO","versions":[]}"#, code: .invalidMessage, message: "line 7: HELLO: 'versions' must list"),
        BadLine(
            text: #"{"type":"HELLO","versions":[1.5]}"#, code: .invalidMessage,
            message: "line 7: HELLO: 'versions[0]' must be a positive integer"),
        BadLine(
            text: #"{"type":"PROTOCOL","version":0}"#, code: .invalidMessage,
            message: "line 7: PROTOCOL: 'version' must be a positive integer"),
        BadLine(
            text: #"{"type":"CONFIG","config":[]}"#, code: .invalidMessage,
            message: "line 7: CONFIG: 'config' must be an object, got array"),
        BadLine(
            text: #"{"type":"SPEC","config_schema":"x"}"#, code: .invalidMessage,
            message: "line 7: SPEC: 'config_schema' must be a JSON Schema"),
        BadLine(
            text: #"{"type":"CHECK_RESULT","status":"succeeded","message":""}"#, code: .invalidMessage,
            message: "line 7: CHECK_RESULT: 'status' must be 'ok' or 'failed', got 'succeeded'"),
        BadLine(
            text: #"{"type":"CHECK_RESULT","status":"ok"}"#, code: .invalidMessage,
            message: "line 7: CHECK_RESULT: 'message' is required"),
        BadLine(text: #"{"type":"CATALOG"}"#, code: .invalidMessage, message: "line 7: CATALOG: 'streams' is required"),
        BadLine(
            text: #"{"type":"CATALOG","streams":[{"schema":{}}]}"#, code: .invalidMessage,
            message: "line 7: CATALOG: 'streams[0].name' must be a non-empty string"),
        BadLine(
            text: #"{"type":"CATALOG","streams":[{"name":"a","primary_key":"id"}]}"#, code: .invalidMessage,
            message: "line 7: CATALOG: 'streams[0].primary_key' must be an array of field names"),
        BadLine(
            text: #"{"type":"RECORD","data":{}}"#, code: .invalidMessage,
            message: "line 7: RECORD: a RECORD needs 'stream' (read) or 'action' (write)"),
        BadLine(
            text: #"{"type":"RECORD","stream":"a","action":"b","data":{}}"#, code: .invalidMessage,
            message: "line 7: RECORD: a RECORD has either 'stream' or 'action', not both"),
        BadLine(
            text: #"{"type":"RECORD","stream":"a","data":[1]}"#, code: .invalidMessage,
            message: "line 7: RECORD: 'data' must be an object, got array"),
        BadLine(
            text: #"{"type":"RECORD","stream":"a","key":5,"data":{}}"#, code: .invalidMessage,
            message: "line 7: RECORD: 'key' must be a string, got number"),
        BadLine(text: #"{"type":"STATE","stream":"a"}"#, code: .invalidMessage, message: "line 7: STATE: 'data' is required"),
        BadLine(text: #"{"type":"ACK","status":"ok"}"#, code: .invalidMessage, message: "line 7: ACK: 'key' is required"),
        BadLine(
            text: #"{"type":"ACK","key":"k","status":"failed"}"#, code: .invalidMessage,
            message: "line 7: ACK: a failed ACK needs an 'error' that says why (key 'k')"),
        BadLine(
            text: #"{"type":"ACK","key":"k","status":"done"}"#, code: .invalidMessage,
            message: "line 7: ACK: 'status' must be 'ok' or 'failed', got 'done'"),
        BadLine(
            text: #"{"type":"LOG","level":"fatal","message":"m"}"#, code: .invalidMessage,
            message: "line 7: LOG: 'level' must be one of debug, info, warning, error, got 'fatal'"),
        BadLine(text: #"{"type":"ERROR"}"#, code: .invalidMessage, message: "line 7: ERROR: 'message' is required"),
        BadLine(text: #"{"type":"END"}"#, code: .invalidMessage, message: "line 7: END: 'count' is required"),
        BadLine(
            text: #"{"type":"END","count":-1}"#, code: .invalidMessage,
            message: "line 7: END: 'count' must be a non-negative integer, got -1"),
    ]

    @Test("every decode error names the line and what is wrong", arguments: badLines)
    func decodeErrors(bad: BadLine) {
        #expect(throws: ConnectorProtocolError.self) { try ConnectorMessage.decode(bad.text, line: 7) }
        do {
            _ = try ConnectorMessage.decode(bad.text, line: 7)
        } catch {
            #expect(error.code == bad.code)
            #expect(error.line == 7)
            #expect(error.message.hasPrefix(bad.message), "\(error.message)")
            #expect(!error.message.contains("\n"))
        }
    }

    @Test("a line over the limit is refused before parsing")
    func lineTooLong() {
        let bytes = [UInt8](repeating: UInt8(ascii: " "), count: ConnectorMessage.maxLineLength + 1)
        do {
            _ = try ConnectorMessage.decode(bytes[...], line: 3)
            Issue.record("a line over the limit was accepted")
        } catch {
            #expect(error.code == .lineTooLong)
            #expect(error.line == 3)
        }
    }
}
