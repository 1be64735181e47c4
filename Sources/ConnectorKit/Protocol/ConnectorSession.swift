import Values

/// The connector side of one command: negotiation, input checking, calling the program, `END` and the exit status.
/// `ConnectorMain` runs it on stdin/stdout, `ConnectorHarness` on arrays.
enum ConnectorSession {
    /// Exit status of a successful command.
    static let exitSuccess: Int32 = 0
    /// Exit status after the program failed (an `ERROR` was sent).
    static let exitFailure: Int32 = 1
    /// Exit status after the platform broke the protocol or argv named no command (an `ERROR` was sent).
    static let exitProtocol: Int32 = 2

    static let usage = "usage: <connector> spec|check|discover|read|write [arguments…]; messages on stdin, one per line"

    /// What the platform sent before the command starts.
    struct Header {
        var config: JSONObject?
        var catalog: ConnectorCatalog?
        var state: [ConnectorState] = []
        var firstRecord: (record: ConnectorRecord, line: Int)?
        var endCount: Int?
    }

    static func run<Program: ConnectorProgram>(
        _ program: Program, arguments: [String], source: any LineSource, output: ConnectorOutput,
        diagnostics: @Sendable (String) -> Void
    ) async -> Int32 {
        guard let name = arguments.first, let command = ConnectorCommand(rawValue: name) else {
            let got = arguments.first.map { "'\($0)'" } ?? "nothing"
            diagnostics(usage + " (got \(got))\n")
            output.send(.error(ErrorReport(message: "argv[1] must be spec, check, discover, read or write, got \(got)")))
            return exitProtocol
        }
        let reader = MessageReader(source: source)
        let header: Header
        do {
            try await negotiate(reader: reader, output: output)
            header = try await readHeader(command: command, reader: reader)
        } catch {
            output.send(.error(ErrorReport(message: "\(command): \(error)")))
            return exitProtocol
        }
        do {
            switch command {
            case .spec:
                output.send(.spec(try await program.spec()))
            case .check:
                let result: CheckResult
                do {
                    result = try await program.check(config: try program.makeConfig(header.config ?? JSONObject()))
                } catch {
                    // A config that does not parse, or a system that cannot be reached, is what check reports.
                    result = .failed("\(error)")
                }
                output.send(.checkResult(result))
            case .discover:
                let config = try program.makeConfig(header.config ?? JSONObject())
                output.send(.catalog(try await program.discover(config: config)))
            case .read:
                let config = try program.makeConfig(header.config ?? JSONObject())
                try await program.read(
                    config: config, catalog: header.catalog ?? ConnectorCatalog(), state: header.state, output: output)
            case .write:
                let config = try program.makeConfig(header.config ?? JSONObject())
                let input = WriteInput(reader: reader, header: header)
                let records = ConnectorRecordStream(unfolding: { try await input.next() })
                try await program.write(config: config, records: records, output: output)
                try await input.verify(acknowledgements: output.acknowledgements)
            }
        } catch let error as ConnectorProtocolError
            where error.code != .unsupportedCommand && error.code != .acknowledgementMismatch
        {
            output.send(.error(ErrorReport(message: "\(command): \(error.message)")))
            return exitProtocol
        } catch {
            output.send(.error(ErrorReport(message: "\(command): \(error)")))
            return exitFailure
        }
        let count = command == .write ? output.acknowledgements.keys.count : command == .read ? output.records : 0
        output.send(.end(count: count))
        return exitSuccess
    }

    private static func negotiate(reader: MessageReader, output: ConnectorOutput) async throws {
        guard let (message, line) = try await reader.next() else {
            throw ConnectorProtocolError(.inputClosed, "stdin ended before HELLO")
        }
        guard case .hello(let versions) = message else {
            throw ConnectorProtocolError(
                .unexpectedMessage, "line \(line): expected HELLO as the first message, got \(message.typeName)", line: line)
        }
        guard let chosen = Set(versions).intersection(ConnectorMessage.supportedVersions).max() else {
            throw ConnectorProtocolError(
                .negotiationFailed,
                "line \(line): no common protocol version: the platform speaks \(versions), this connector "
                    + "\(ConnectorMessage.supportedVersions)", line: line)
        }
        output.send(.protocolVersion(chosen))
    }

    private static func readHeader(command: ConnectorCommand, reader: MessageReader) async throws -> Header {
        var header = Header()
        reading: while let (message, line) = try await reader.next() {
            switch message {
            case .config(let config) where command.needsConfig && header.config == nil:
                header.config = config
            case .catalog(let catalog) where command == .read && header.catalog == nil:
                header.catalog = catalog
            case .state(let state) where command == .read:
                header.state.append(state)
            case .record(let record) where command == .write && header.config != nil:
                header.firstRecord = (record, line)
                break reading
            case .end(let count):
                header.endCount = count
                break reading
            default:
                throw ConnectorProtocolError(
                    .unexpectedMessage, "line \(line): \(message.typeName) is not expected here during '\(command)'",
                    line: line)
            }
        }
        let line = await reader.line
        if header.firstRecord == nil && header.endCount == nil {
            throw ConnectorProtocolError(.inputClosed, "stdin ended after line \(line) without END", line: line)
        }
        if command.needsConfig && header.config == nil {
            throw ConnectorProtocolError(.unexpectedMessage, "line \(line): CONFIG is required before END", line: line)
        }
        if command == .read && header.catalog == nil {
            throw ConnectorProtocolError(.unexpectedMessage, "line \(line): CATALOG is required before END", line: line)
        }
        if command == .write, let count = header.endCount, count != 0 {
            throw ConnectorProtocolError(
                .unexpectedMessage, "line \(line): END says \(count) records were sent, 0 arrived", line: line)
        }
        return header
    }
}

/// The records of a `write`, pulled from stdin one at a time as the program asks for them, with the checks that
/// keep the audit exact: every record has an action and a key, keys are unique, END counts them.
actor WriteInput {
    private let reader: MessageReader
    private var pending: (record: ConnectorRecord, line: Int)?
    private var ended: Bool
    private var keys: [String] = []
    private var seen: Set<String> = []

    init(reader: MessageReader, header: ConnectorSession.Header) {
        self.reader = reader
        self.pending = header.firstRecord
        self.ended = header.endCount != nil
    }

    func next() async throws -> ConnectorRecord? {
        if let (record, line) = pending {
            pending = nil
            return try accept(record, line: line)
        }
        guard !ended else { return nil }
        guard let (message, line) = try await reader.next() else {
            let line = await reader.line
            throw ConnectorProtocolError(.inputClosed, "stdin ended after line \(line) without END", line: line)
        }
        switch message {
        case .record(let record):
            return try accept(record, line: line)
        case .end(let count):
            ended = true
            guard count == keys.count else {
                throw ConnectorProtocolError(
                    .unexpectedMessage, "line \(line): END says \(count) records were sent, \(keys.count) arrived",
                    line: line)
            }
            return nil
        default:
            throw ConnectorProtocolError(
                .unexpectedMessage, "line \(line): \(message.typeName) is not expected among the records of 'write'",
                line: line)
        }
    }

    private func accept(_ record: ConnectorRecord, line: Int) throws -> ConnectorRecord {
        guard case .action = record.target else {
            throw ConnectorProtocolError(
                .invalidMessage, "line \(line): RECORD: a record to write needs 'action', not 'stream'", line: line)
        }
        guard let key = record.key, !key.isEmpty else {
            throw ConnectorProtocolError(.invalidMessage, "line \(line): RECORD: a record to write needs a 'key'", line: line)
        }
        guard seen.insert(key).inserted else {
            throw ConnectorProtocolError(.invalidMessage, "line \(line): RECORD: key '\(key)' was sent twice", line: line)
        }
        keys.append(key)
        return record
    }

    /// After the program returned: all input consumed and exactly one ACK per record.
    func verify(acknowledgements: (keys: Set<String>, duplicates: [String])) throws {
        guard ended else {
            throw ConnectorProtocolError(
                .acknowledgementMismatch, "the connector returned before reading every record (no END seen)")
        }
        let missing = keys.filter { !acknowledgements.keys.contains($0) }
        let unknown = acknowledgements.keys.subtracting(seen).sorted()
        var problems: [String] = []
        if !missing.isEmpty { problems.append("no ACK for \(Self.list(missing))") }
        if !unknown.isEmpty { problems.append("ACK for unknown keys \(Self.list(unknown))") }
        if !acknowledgements.duplicates.isEmpty {
            problems.append("more than one ACK for \(Self.list(acknowledgements.duplicates))")
        }
        if !problems.isEmpty {
            throw ConnectorProtocolError(.acknowledgementMismatch, problems.joined(separator: "; "))
        }
    }

    static func list(_ keys: [String]) -> String {
        let shown = keys.prefix(5).map { "'\($0)'" }.joined(separator: ", ")
        return keys.count > 5 ? "\(shown) and \(keys.count - 5) more" : shown
    }
}
