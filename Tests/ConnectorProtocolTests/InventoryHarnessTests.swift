import ConnectorKit
import Testing
import Values

@Suite("The Swift sample connector, in-process through ConnectorHarness")
struct InventoryHarnessTests {
    let harness = ConnectorHarness(timeout: .seconds(20))

    @Test("spec: the config schema requires path")
    func spec() async throws {
        let transcript = try await harness.run(InventoryConnector(), .spec).get()
        #expect(transcript.protocolVersion == 1)
        #expect(transcript.spec?.configSchema["required"] == ["path"])
        #expect(transcript.endCount == 0)
        #expect(transcript.exitStatus == 0)
    }

    @Test("check: ok for a readable export, failed (not an error) for a missing one or a bad config")
    func check() async throws {
        let fixture = try InventoryFixture()
        let ok = try await harness.run(InventoryConnector(), .check, input: ConnectorInput(config: fixture.config)).get()
        #expect(ok.checkResult?.status == .ok)
        let missing = try await harness.run(
            InventoryConnector(), .check, input: ConnectorInput(config: fixture.missingConfig)
        ).get()
        #expect(missing.checkResult == .failed("no readable inventory file at \(fixture.directory)/missing.jsonl"))
        let badConfig = try await harness.run(InventoryConnector(), .check, input: ConnectorInput(config: object(["path": 5])))
            .get()
        #expect(badConfig.checkResult == .failed("config/path: must be a string, got number"))
    }

    @Test("discover: one stream and one action called items, keyed by sku")
    func discover() async throws {
        let fixture = try InventoryFixture()
        let catalog = try await harness.run(InventoryConnector(), .discover, input: ConnectorInput(config: fixture.config))
            .get().catalog
        #expect(catalog?.streams.map(\.name) == ["items"])
        #expect(catalog?.streams.first?.primaryKey == ["sku"])
        #expect(catalog?.streams.first?.cursor == "updated_at")
        #expect(catalog?.actions.map(\.name) == ["items"])
    }

    @Test("read: every item, a record error for the broken line, then the newest cursor")
    func readAll() async throws {
        let fixture = try InventoryFixture()
        let input = ConnectorInput(config: fixture.config, catalog: InventoryFixture.itemsCatalog)
        let transcript = try await harness.run(InventoryConnector(), .read, input: input).get()
        #expect(transcript.records.map(\.key) == ["A-1", "B-2", "C-3"])
        #expect(transcript.records.first?.data["quantity"] == 12)
        #expect(
            transcript.errors == [
                ErrorReport(message: "\(fixture.inventoryPath) line 2: not an item with a string sku", key: "line 2")
            ])
        #expect(transcript.states == [ConnectorState(stream: "items", data: ["cursor": "2024-03-01T00:00:00Z"])])
        #expect(transcript.endCount == 3)
    }

    @Test("read from a saved state: only items changed after the cursor")
    func readIncremental() async throws {
        let fixture = try InventoryFixture()
        let input = ConnectorInput(
            config: fixture.config, catalog: InventoryFixture.itemsCatalog,
            state: [ConnectorState(stream: "items", data: ["cursor": "2024-01-15T00:00:00Z"])])
        let transcript = try await harness.run(InventoryConnector(), .read, input: input).get()
        #expect(transcript.records.map(\.key) == ["B-2", "C-3"])
        #expect(transcript.states.last?.data["cursor"] == "2024-03-01T00:00:00Z")
        #expect(transcript.endCount == 2)
    }

    @Test("write: one ACK per record, failures included, and the good ones in the output file")
    func write() async throws {
        let fixture = try InventoryFixture()
        let input = ConnectorInput(config: fixture.config, records: InventoryFixture.writeRecords)
        let transcript = try await harness.run(InventoryConnector(), .write, input: input).get()
        #expect(
            transcript.acks == [
                RecordAck(key: "ex-1", status: .ok, destinationID: "\(fixture.outputPath):1"),
                RecordAck(key: "ex-2", status: .failed, error: "an item needs a string 'sku'"),
                RecordAck(key: "ex-3", status: .ok, destinationID: "\(fixture.outputPath):2"),
            ])
        #expect(transcript.endCount == 3)
        #expect(try fixture.outputLines().map { $0["sku"] } == ["D-4", "E-5"])
    }

    @Test("write without output_path: the command fails with ERROR and exit status 1")
    func writeWithoutOutput() async throws {
        let fixture = try InventoryFixture()
        let input = ConnectorInput(config: fixture.missingConfig, records: InventoryFixture.writeRecords)
        let transcript = await harness.run(InventoryConnector(), .write, input: input)
        #expect(transcript.exitStatus == 1)
        #expect(transcript.failure?.code == .connectorFailed)
        #expect(
            transcript.failure?.message
                == "write: the connector exited with status 1: write: config/output_path: is required for write")
        #expect(transcript.endCount == nil)
    }
}

@Suite("The SDK enforces the platform's side of the protocol")
struct ConnectorSDKInputTests {
    let harness = ConnectorHarness(timeout: .seconds(20))

    struct Case: Sendable, CustomTestStringConvertible {
        let arguments: [String]
        let lines: [String]
        let error: String
        var testDescription: String { error }
    }

    static let cases: [Case] = [
        Case(
            arguments: ["sync"], lines: [],
            error: "argv[1] must be spec, check, discover, read or write, got 'sync'"),
        Case(arguments: [], lines: [], error: "argv[1] must be spec, check, discover, read or write, got nothing"),
        Case(
            arguments: ["check"], lines: [#"{"type":"CONFIG","config":{}}"#],
            error: "check: line 1: expected HELLO as the first message, got CONFIG"),
        Case(
            arguments: ["check"], lines: [#"{"type":"HELLO","versions":[2,3]}"#],
            error: "check: line 1: no common protocol version: the platform speaks [2, 3], this connector [1]"),
        Case(
            arguments: ["check"], lines: [#"{"type":"HELLO","versions":[1]}"#, "", "hello?"],
            error: "check: line 3: not a JSON message"),
        Case(
            arguments: ["check"], lines: [#"{"type":"HELLO","versions":[1]}"#, #"{"type":"CONFIG","config":{}}"#],
            error: "check: stdin ended after line 2 without END"),
        Case(
            arguments: ["check"], lines: [#"{"type":"HELLO","versions":[1]}"#, #"{"type":"END","count":0}"#],
            error: "check: line 2: CONFIG is required before END"),
        Case(
            arguments: ["read"],
            lines: [#"{"type":"HELLO","versions":[1]}"#, #"{"type":"CONFIG","config":{}}"#, #"{"type":"END","count":0}"#],
            error: "read: line 3: CATALOG is required before END"),
        Case(
            arguments: ["check"],
            lines: [
                #"{"type":"HELLO","versions":[1]}"#, #"{"type":"CONFIG","config":{}}"#,
                #"{"type":"ACK","key":"k","status":"ok"}"#,
            ],
            error: "check: line 3: ACK is not expected here during 'check'"),
        Case(
            arguments: ["write"],
            lines: [
                #"{"type":"HELLO","versions":[1]}"#, #"{"type":"CONFIG","config":{}}"#,
                #"{"type":"RECORD","action":"items","data":{"sku":"A"}}"#,
            ],
            error: "write: line 3: RECORD: a record to write needs a 'key'"),
        Case(
            arguments: ["write"],
            lines: [
                #"{"type":"HELLO","versions":[1]}"#, #"{"type":"CONFIG","config":{}}"#,
                #"{"type":"RECORD","action":"items","key":"k","data":{"sku":"A"}}"#,
                #"{"type":"RECORD","action":"items","key":"k","data":{"sku":"B"}}"#,
            ],
            error: "write: line 4: RECORD: key 'k' was sent twice"),
        Case(
            arguments: ["write"],
            lines: [
                #"{"type":"HELLO","versions":[1]}"#, #"{"type":"CONFIG","config":{}}"#,
                #"{"type":"RECORD","action":"items","key":"k","data":{"sku":"A"}}"#, #"{"type":"END","count":2}"#,
            ],
            error: "write: line 4: END says 2 records were sent, 1 arrived"),
    ]

    @Test("bad argv or input: ERROR naming the line, exit status 2", arguments: cases)
    func rejectsBadInput(bad: Case) async {
        let transcript = await harness.run(ForgetfulWriter(), arguments: bad.arguments, lines: bad.lines)
        #expect(transcript.exitStatus == 2)
        #expect(transcript.errors.count == 1)
        #expect(transcript.errors.first?.message.hasPrefix(bad.error) == true, "\(transcript.errors)")
        #expect(transcript.endCount == nil)
    }

    /// A connector that forgets to acknowledge the second record.
    struct ForgetfulWriter: ConnectorProgram {
        func spec() async throws -> ConnectorSpec { ConnectorSpec(configSchema: true) }
        func check(config: JSONObject) async throws -> CheckResult { .ok("fine") }
        func write(config: JSONObject, records: ConnectorRecordStream, output: ConnectorOutput) async throws {
            var first = true
            for try await record in records {
                if first, let key = record.key { output.ack(key: key) }
                first = false
            }
        }
    }

    @Test("a program that skips an ACK fails the write instead of ending it")
    func missingAck() async {
        let records = Array(InventoryFixture.writeRecords.prefix(2))
        let transcript = await harness.run(
            ForgetfulWriter(), .write, input: ConnectorInput(config: JSONObject(), records: records))
        #expect(transcript.acks.map(\.key) == ["ex-1"])
        #expect(transcript.exitStatus == 1)
        #expect(transcript.errors.first?.message == "write: no ACK for 'ex-2'")
        #expect(transcript.failure?.code == .connectorFailed)
    }

    @Test("commands a program does not implement fail with a clear ERROR")
    func unsupported() async {
        let transcript = await harness.run(
            ForgetfulWriter(), .read, input: ConnectorInput(config: JSONObject(), catalog: ConnectorCatalog()))
        #expect(
            transcript.failure?.message
                == "read: the connector exited with status 1: read: this connector does not support 'read'")
    }
}
