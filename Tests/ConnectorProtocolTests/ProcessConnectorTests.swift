import ConnectorKit
import Foundation
import Testing
import Values

/// The two sample connectors as real child processes, through the platform's `ProcessConnectorClient`: the same
/// expectations hold for the Swift SDK build and for the Python standard-library implementation.
@Suite("Sample connectors as child processes")
struct SampleConnectorProcessTests {
    static let samples = ["swift", "python"]

    func client(_ sample: String) throws -> ProcessConnectorClient {
        let executable = sample == "swift" ? ConnectorExecutables.swiftSample : ConnectorExecutables.pythonSample
        try #require(
            FileManager.default.isExecutableFile(atPath: executable),
            "build the sample first (swift build), or set SWITCHYARD_BUILD_BIN: \(executable)")
        return ProcessConnectorClient(executable: executable, timeouts: .all(.seconds(30)))
    }

    @Test("spec: a config schema that requires path", arguments: samples)
    func spec(sample: String) async throws {
        let spec = try await client(sample).spec()
        #expect(spec.configSchema["required"] == ["path"])
        #expect(spec.configSchema["properties"]?["path"]?["type"] == "string")
    }

    @Test("check: ok for a readable export, failed for a missing one", arguments: samples)
    func check(sample: String) async throws {
        let fixture = try InventoryFixture()
        let client = try client(sample)
        #expect(try await client.check(config: fixture.config).status == .ok)
        #expect(
            try await client.check(config: fixture.missingConfig)
                == .failed("no readable inventory file at \(fixture.directory)/missing.jsonl"))
    }

    @Test("discover: stream and action items, keyed by sku, cursor updated_at", arguments: samples)
    func discover(sample: String) async throws {
        let fixture = try InventoryFixture()
        let catalog = try await client(sample).discover(config: fixture.config)
        #expect(catalog.streams.map(\.name) == ["items"])
        #expect(catalog.streams.first?.primaryKey == ["sku"])
        #expect(catalog.streams.first?.cursor == "updated_at")
        #expect(catalog.actions.map(\.name) == ["items"])
    }

    @Test("read with state: the items after the cursor, a record error, the new cursor, END with the count", arguments: samples)
    func read(sample: String) async throws {
        let fixture = try InventoryFixture()
        let input = ConnectorInput(
            config: fixture.config, catalog: InventoryFixture.itemsCatalog,
            state: [ConnectorState(stream: "items", data: ["cursor": "2024-01-15T00:00:00Z"])])
        let transcript = try await client(sample).run(.read, input: input).get()
        #expect(transcript.protocolVersion == 1)
        #expect(transcript.records.map(\.key) == ["B-2", "C-3"])
        #expect(transcript.records.map(\.target) == [.stream("items"), .stream("items")])
        #expect(transcript.records.last?.data["name"] == "Washer")
        #expect(transcript.errors.map(\.key) == ["line 2"])
        #expect(transcript.states == [ConnectorState(stream: "items", data: ["cursor": "2024-03-01T00:00:00Z"])])
        #expect(transcript.endCount == 2)
        #expect(transcript.exitStatus == 0)
    }

    @Test("write: exactly one ACK per record key, and the good records on disk", arguments: samples)
    func write(sample: String) async throws {
        let fixture = try InventoryFixture()
        let input = ConnectorInput(config: fixture.config, records: InventoryFixture.writeRecords)
        let transcript = try await client(sample).run(.write, input: input).get()
        #expect(Set(transcript.acks.map(\.key)) == ["ex-1", "ex-2", "ex-3"])
        #expect(transcript.acks.count == 3)
        let byKey = Dictionary(uniqueKeysWithValues: transcript.acks.map { ($0.key, $0) })
        #expect(byKey["ex-1"]?.status == .ok)
        #expect(byKey["ex-2"]?.status == .failed)
        #expect(byKey["ex-2"]?.error == "an item needs a string 'sku'")
        #expect(byKey["ex-3"]?.destinationID == "\(fixture.outputPath):2")
        #expect(transcript.endCount == 3)
        #expect(try fixture.outputLines().map { $0["sku"] } == ["D-4", "E-5"])
    }

    @Test("the harness runs the built executable the same way", arguments: samples)
    func harnessExecutable(sample: String) async throws {
        let fixture = try InventoryFixture()
        let executable = try client(sample).executable
        let transcript = try await ConnectorHarness(timeout: .seconds(30))
            .run(executable: executable, .check, input: ConnectorInput(config: fixture.config)).get()
        #expect(transcript.checkResult?.status == .ok)
        #expect(transcript.exitStatus == 0)
    }

    @Test("a platform that speaks only an unknown version: negotiation fails with the connector's ERROR", arguments: samples)
    func negotiation(sample: String) async throws {
        var client = try client(sample)
        client.versions = [9]
        let transcript = await client.run(.spec)
        #expect(transcript.exitStatus == 2)
        #expect(transcript.failure?.code == .connectorFailed)
        #expect(
            transcript.failure?.message.hasPrefix(
                "spec: the connector exited with status 2: spec: line 1: no common protocol version") == true)
    }
}

/// Connectors that misbehave, as tiny shell scripts: each gives the error the protocol document promises.
@Suite("Misbehaving connector processes")
struct MisbehavingConnectorTests {
    static let answerHello = #"read hello; echo '{"type":"PROTOCOL","version":1}'"#

    func run(
        _ body: String, timeout: Duration = .seconds(20), command: ConnectorCommand = .check,
        records: [ConnectorRecord] = []
    ) async throws -> ConnectorTranscript {
        let fixture = try InventoryFixture()
        let script = try fixture.script("connector.sh", body)
        let client = ProcessConnectorClient(executable: script, timeouts: .all(timeout))
        return await client.run(command, input: ConnectorInput(config: object(["path": "x"]), records: records))
    }

    @Test("a write that crashes midway: the ACKs before the crash still count, the rest are unknown")
    func crashDuringWrite() async throws {
        let transcript = try await run(
            Self.answerHello + "\nread config\nread first\n"
                + #"echo '{"type":"ACK","key":"ex-1","status":"ok","destination_id":"row-1"}'"# + "\nexit 1",
            command: .write, records: InventoryFixture.writeRecords)
        #expect(transcript.acks == [RecordAck(key: "ex-1", status: .ok, destinationID: "row-1")])
        #expect(transcript.failure?.code == .exitStatus)
        #expect(transcript.failure?.message == "write: the connector exited with status 1")
    }

    @Test("an ACK for a key the platform never sent: the write is stopped")
    func unknownAck() async throws {
        let transcript = try await run(
            Self.answerHello + "\n" + #"echo '{"type":"ACK","key":"ex-9","status":"ok"}'"# + "\nsleep 20",
            command: .write, records: InventoryFixture.writeRecords)
        #expect(transcript.failure?.code == .acknowledgementMismatch)
        #expect(transcript.failure?.message == "write: stdout line 2: ACK for unknown key 'ex-9'")
    }

    @Test("END before every record is acknowledged: the write is incomplete")
    func endBeforeAcks() async throws {
        let transcript = try await run(
            Self.answerHello + "\n" + #"echo '{"type":"ACK","key":"ex-2","status":"failed","error":"no sku"}'"# + "\n"
                + #"echo '{"type":"END","count":1}'"#,
            command: .write, records: InventoryFixture.writeRecords)
        #expect(transcript.acks.map(\.key) == ["ex-2"])
        #expect(transcript.failure?.code == .acknowledgementMismatch)
        #expect(transcript.failure?.message == "write: stdout line 3: END before an ACK for 'ex-1', 'ex-3'")
    }

    @Test("printing non-JSON: an error naming stdout line 2")
    func nonJSON() async throws {
        let transcript = try await run(Self.answerHello + "\necho 'Starting up...'\nsleep 20")
        #expect(transcript.failure?.code == .invalidJSON)
        #expect(transcript.failure?.line == 2)
        #expect(transcript.failure?.message.hasPrefix("check: stdout line 2: not a JSON message") == true)
        #expect(transcript.failure?.message.hasSuffix(": 'Starting up...'") == true)
    }

    @Test("an unknown message type: an error naming the type and the line")
    func unknownType() async throws {
        let transcript = try await run(Self.answerHello + "\necho '{\"type\":\"RESULT\",\"ok\":true}'")
        #expect(transcript.failure?.code == .unknownMessageType)
        #expect(transcript.failure?.message.hasPrefix("check: stdout line 2: unknown message type 'RESULT'") == true)
    }

    @Test("a message not allowed for the command: an error naming it")
    func wrongMessage() async throws {
        let transcript = try await run(
            Self.answerHello + "\necho '{\"type\":\"RECORD\",\"stream\":\"items\",\"data\":{}}'")
        #expect(transcript.failure?.code == .unexpectedMessage)
        #expect(transcript.failure?.message == "check: stdout line 2: RECORD is not allowed from a connector during 'check'")
    }

    @Test("two answers to check: the second is refused")
    func secondAnswer() async throws {
        let answer = #"echo '{"type":"CHECK_RESULT","status":"ok","message":"fine"}'"#
        let transcript = try await run(Self.answerHello + "\n" + answer + "\n" + answer)
        #expect(transcript.failure?.code == .unexpectedMessage)
        #expect(transcript.failure?.message == "check: stdout line 3: a second CHECK_RESULT; 'check' answers with exactly one")
    }

    @Test("a non-zero exit: the status and the last stderr lines")
    func exitStatus() async throws {
        let transcript = try await run(
            Self.answerHello + "\necho 'opening export' >&2\necho 'disk on fire' >&2\nexit 3")
        #expect(transcript.exitStatus == 3)
        #expect(transcript.standardError == ["opening export", "disk on fire"])
        #expect(transcript.failure?.code == .exitStatus)
        #expect(
            transcript.failure?.message == "check: the connector exited with status 3; last stderr: opening export | disk on fire"
        )
    }

    @Test("exit 0 without END: the output is incomplete")
    func missingEnd() async throws {
        let transcript = try await run(
            Self.answerHello + "\necho '{\"type\":\"CHECK_RESULT\",\"status\":\"ok\",\"message\":\"fine\"}'")
        #expect(transcript.checkResult == .ok("fine"))
        #expect(transcript.failure?.code == .missingEnd)
        #expect(transcript.failure?.message == "check: the connector exited after 2 lines without END; its output is incomplete")
    }

    @Test("no answer within the time limit: killed, with its children, and reported")
    func timeout() async throws {
        let started = ContinuousClock.now
        let transcript = try await run(
            Self.answerHello + "\necho 'connecting to the mainframe' >&2\nsleep 30", timeout: .milliseconds(700))
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(transcript.failure?.code == .timeout)
        #expect(
            transcript.failure?.message
                == "check: no answer within 700 ms; the connector was killed; last stderr: connecting to the mainframe")
    }

    @Test("a program that does not exist: spawn failed")
    func spawnFailed() async {
        let client = ProcessConnectorClient(executable: "/nonexistent/connector")
        let transcript = await client.run(.spec)
        #expect(transcript.failure?.code == .spawnFailed)
        #expect(
            transcript.failure?.message
                == "spec: the connector could not be started: /nonexistent/connector: No such file or directory")
    }

    @Test("a connector that never answers HELLO times out instead of hanging")
    func silent() async throws {
        let transcript = try await run("sleep 30", timeout: .milliseconds(500))
        #expect(transcript.failure?.code == .timeout)
        #expect(transcript.protocolVersion == nil)
    }
}
