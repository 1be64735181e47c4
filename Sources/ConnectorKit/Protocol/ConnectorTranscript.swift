public import Values

/// What the platform sends for one command: `HELLO` first (added by the runner), then these messages and `END`.
public struct ConnectorInput: Sendable, Equatable {
    /// The installation's config; required by every command but `spec`.
    public var config: JSONObject?
    /// For `read`: the streams to read.
    public var catalog: ConnectorCatalog?
    /// For `read`: the states saved by the previous run.
    public var state: [ConnectorState]
    /// For `write`: the records to write, each with an `action` and a unique `key`.
    public var records: [ConnectorRecord]

    /// Creates an input.
    public init(
        config: JSONObject? = nil, catalog: ConnectorCatalog? = nil, state: [ConnectorState] = [],
        records: [ConnectorRecord] = []
    ) {
        self.config = config
        self.catalog = catalog
        self.state = state
        self.records = records
    }

    /// The messages after `HELLO`, in protocol order, ending with `END`.
    public var messages: [ConnectorMessage] {
        var messages: [ConnectorMessage] = []
        if let config { messages.append(.config(config)) }
        if let catalog { messages.append(.catalog(catalog)) }
        messages += state.map { .state($0) }
        messages += records.map { .record($0) }
        messages.append(.end(count: records.count))
        return messages
    }
}

/// Everything a connector said during one command, checked against the protocol.
public struct ConnectorTranscript: Sendable {
    /// The command that ran.
    public let command: ConnectorCommand
    /// The version the connector chose, once it answered `HELLO`.
    public internal(set) var protocolVersion: Int?
    /// Every message on stdout after `PROTOCOL`, in order (up to the first broken line).
    public internal(set) var messages: [ConnectorMessage] = []
    /// stderr, one entry per line (the last 200 lines).
    public internal(set) var standardError: [String] = []
    /// The exit status, when the process exited by itself (in-process: the SDK's status).
    public internal(set) var exitStatus: Int32?
    /// The first thing that went wrong, or nil when the command completed by the protocol.
    public internal(set) var failure: ConnectorProtocolError?

    init(command: ConnectorCommand) {
        self.command = command
    }

    /// The transcript when the command completed, else its failure.
    public func get() throws(ConnectorProtocolError) -> ConnectorTranscript {
        if let failure { throw failure }
        return self
    }

    /// `SPEC`, if one was sent.
    public var spec: ConnectorSpec? {
        messages.lazy.compactMap { if case .spec(let spec) = $0 { return spec } else { return nil } }.first
    }
    /// `CHECK_RESULT`, if one was sent.
    public var checkResult: CheckResult? {
        messages.lazy.compactMap { if case .checkResult(let result) = $0 { return result } else { return nil } }.first
    }
    /// `CATALOG`, if one was sent.
    public var catalog: ConnectorCatalog? {
        messages.lazy.compactMap { if case .catalog(let catalog) = $0 { return catalog } else { return nil } }.first
    }
    /// Every `RECORD`, in order.
    public var records: [ConnectorRecord] {
        messages.compactMap { if case .record(let record) = $0 { return record } else { return nil } }
    }
    /// Every `STATE`, in order.
    public var states: [ConnectorState] {
        messages.compactMap { if case .state(let state) = $0 { return state } else { return nil } }
    }
    /// Every `ACK`, in order.
    public var acks: [RecordAck] {
        messages.compactMap { if case .ack(let ack) = $0 { return ack } else { return nil } }
    }
    /// Every `LOG`, in order.
    public var logs: [LogEntry] {
        messages.compactMap { if case .log(let entry) = $0 { return entry } else { return nil } }
    }
    /// Every `ERROR`, in order.
    public var errors: [ErrorReport] {
        messages.compactMap { if case .error(let report) = $0 { return report } else { return nil } }
    }
    /// The `END` count, when the connector finished.
    public var endCount: Int? {
        messages.lazy.compactMap { if case .end(let count) = $0 { return count } else { return nil } }.first
    }
}

/// How a connector process ended.
enum ConnectorExit: Sendable, Equatable {
    /// It exited with this status.
    case exited(Int32)
    /// A signal killed it.
    case signaled(Int32)
    /// It ran past its time limit and was killed.
    case timedOut(Duration)
    /// It could not be started.
    case notStarted(String)
}

/// Checks a connector's output line by line, the way the platform reads it, and builds the transcript.
struct TranscriptRecorder {
    private(set) var transcript: ConnectorTranscript
    private let offeredVersions: [Int]
    private let expectedKeys: Set<String>
    private var acknowledged: Set<String> = []
    private var line = 0
    private var recordCount = 0
    private var fatal: String?
    private var ended = false

    init(command: ConnectorCommand, offeredVersions: [Int], recordKeys: [String]) {
        transcript = ConnectorTranscript(command: command)
        self.offeredVersions = offeredVersions
        self.expectedKeys = Set(recordKeys)
    }

    var command: ConnectorCommand { transcript.command }
    /// True once the connector answered `HELLO` with a version the platform offered.
    var negotiated: Bool { transcript.protocolVersion != nil }

    /// Takes one stdout line; false when the connector broke the protocol and should be stopped.
    mutating func accept(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard transcript.failure == nil else { return false }
        line += 1
        if bytes.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { return true }
        do throws(ConnectorProtocolError) {
            let message = try ConnectorMessage.decode(bytes, line: line)
            try check(message)
            if case .protocolVersion = message {} else { transcript.messages.append(message) }
            return true
        } catch {
            transcript.failure = ConnectorProtocolError(error.code, "\(command): stdout \(error.message)", line: line)
            return false
        }
    }

    private mutating func check(_ message: ConnectorMessage) throws(ConnectorProtocolError) {
        func violation(_ code: ConnectorProtocolError.Code, _ text: String) -> ConnectorProtocolError {
            ConnectorProtocolError(code, "line \(line): \(text)", line: line)
        }
        if ended { throw violation(.unexpectedMessage, "\(message.typeName) after END") }
        switch message {
        case .protocolVersion(let version):
            if negotiated { throw violation(.unexpectedMessage, "PROTOCOL sent twice") }
            guard offeredVersions.contains(version) else {
                throw violation(
                    .negotiationFailed, "the connector chose protocol version \(version), the platform offered \(offeredVersions)"
                )
            }
            transcript.protocolVersion = version
            return
        case .log: return
        case .error(let report):
            if report.key == nil, fatal == nil { fatal = report.message }
            return
        default: break
        }
        guard negotiated else { throw violation(.unexpectedMessage, "expected PROTOCOL first, got \(message.typeName)") }
        switch message {
        case .end(let count):
            let sent = command == .write ? acknowledged.count : command == .read ? recordCount : 0
            if count != sent {
                throw violation(.unexpectedMessage, "END says \(count), but the connector sent \(sent)")
            }
            if command == .write && acknowledged.count != expectedKeys.count {
                let missing = expectedKeys.subtracting(acknowledged).sorted()
                throw violation(.acknowledgementMismatch, "END before an ACK for \(WriteInput.list(missing))")
            }
            if fatal == nil, let needed = ["SPEC", "CHECK_RESULT", "CATALOG"].first(where: command.outputTypes.contains),
                !transcript.messages.contains(where: { $0.typeName == needed })
            {
                throw violation(.unexpectedMessage, "END without \(needed)")
            }
            ended = true
            return
        default: break
        }
        guard command.outputTypes.contains(message.typeName) else {
            throw violation(.unexpectedMessage, "\(message.typeName) is not allowed from a connector during '\(command)'")
        }
        switch message {
        case .spec, .checkResult, .catalog:
            if transcript.messages.contains(where: { $0.typeName == message.typeName }) {
                throw violation(.unexpectedMessage, "a second \(message.typeName); '\(command)' answers with exactly one")
            }
        case .record(let record):
            guard case .stream = record.target else {
                throw violation(.invalidMessage, "RECORD: a record that was read needs 'stream', not 'action'")
            }
            recordCount += 1
        case .ack(let ack):
            guard expectedKeys.contains(ack.key) else {
                throw violation(.acknowledgementMismatch, "ACK for unknown key '\(ack.key)'")
            }
            guard acknowledged.insert(ack.key).inserted else {
                throw violation(.acknowledgementMismatch, "second ACK for key '\(ack.key)'")
            }
        default: break
        }
    }

    /// Adds how the process ended and its stderr, and settles the failure, if any.
    mutating func finish(exit: ConnectorExit, standardError: [String]) -> ConnectorTranscript {
        transcript.standardError = standardError
        if case .exited(let status) = exit { transcript.exitStatus = status }
        guard transcript.failure == nil else { return transcript }
        let tail = standardError.suffix(3).joined(separator: " | ")
        let stderrNote = tail.isEmpty ? "" : "; last stderr: \(tail)"
        let errorNote = fatal.map { ": \($0)" } ?? ""
        switch exit {
        case .notStarted(let reason):
            transcript.failure = ConnectorProtocolError(.spawnFailed, "\(command): the connector could not be started: \(reason)")
        case .timedOut(let limit):
            transcript.failure = ConnectorProtocolError(
                .timeout, "\(command): no answer within \(Self.format(limit)); the connector was killed\(stderrNote)")
        case .signaled(let signal):
            transcript.failure = ConnectorProtocolError(
                .exitStatus, "\(command): the connector was killed by signal \(signal)\(errorNote)\(stderrNote)")
        case .exited(let status) where status != 0:
            let code: ConnectorProtocolError.Code = fatal == nil ? .exitStatus : .connectorFailed
            transcript.failure = ConnectorProtocolError(
                code, "\(command): the connector exited with status \(status)\(errorNote)\(stderrNote)")
        case .exited:
            if let fatal {
                transcript.failure = ConnectorProtocolError(.connectorFailed, "\(command): the connector failed: \(fatal)")
            } else if !ended {
                transcript.failure = ConnectorProtocolError(
                    .missingEnd, "\(command): the connector exited after \(line) lines without END; its output is incomplete")
            }
        }
        return transcript
    }

    static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        if attoseconds == 0 { return "\(seconds) s" }
        return "\(seconds * 1000 + attoseconds / 1_000_000_000_000_000) ms"
    }
}
