import Foundation
public import Values

/// The platform side of the protocol: starts a connector executable for one command, negotiates the version, sends
/// the input, reads and checks every output line within a time limit, and turns every failure into one line.
public struct ProcessConnectorClient: Sendable {
    /// Time limits per command; a connector still running at its limit is killed (with its process group).
    public struct Timeouts: Sendable, Equatable {
        /// `spec`, default 30 s.
        public var spec: Duration
        /// `check`, default 30 s.
        public var check: Duration
        /// `discover`, default 60 s.
        public var discover: Duration
        /// `read`, default 1 h.
        public var read: Duration
        /// `write`, default 1 h.
        public var write: Duration

        /// Creates limits; the defaults suit connectors that talk to slow legacy systems.
        public init(
            spec: Duration = .seconds(30), check: Duration = .seconds(30), discover: Duration = .seconds(60),
            read: Duration = .seconds(3600), write: Duration = .seconds(3600)
        ) {
            self.spec = spec
            self.check = check
            self.discover = discover
            self.read = read
            self.write = write
        }

        /// The same limit for every command (tests).
        public static func all(_ limit: Duration) -> Timeouts {
            Timeouts(spec: limit, check: limit, discover: limit, read: limit, write: limit)
        }

        /// The limit of `command`.
        public subscript(_ command: ConnectorCommand) -> Duration {
            switch command {
            case .spec: return spec
            case .check: return check
            case .discover: return discover
            case .read: return read
            case .write: return write
            }
        }
    }

    /// Path of the executable.
    public var executable: String
    /// Arguments after the command (the manifest's `args`).
    public var arguments: [String]
    /// The whole environment of the child; nothing is inherited.
    public var environment: [String: String]
    /// Time limits.
    public var timeouts: Timeouts
    /// Protocol versions offered in `HELLO`.
    public var versions: [Int]

    /// The default environment: a `PATH` and a UTF-8 locale, no secrets of the platform process.
    public static let defaultEnvironment = ["PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"]

    /// A client for an executable.
    public init(
        executable: String, arguments: [String] = [], environment: [String: String] = defaultEnvironment,
        timeouts: Timeouts = Timeouts(), versions: [Int] = ConnectorMessage.supportedVersions
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.timeouts = timeouts
        self.versions = versions
    }

    /// A client for the program of an unpacked bundle: `runtime.command` relative to `directory`.
    public init(
        bundleDirectory directory: String, manifest: ConnectorManifest, environment: [String: String] = defaultEnvironment,
        timeouts: Timeouts = Timeouts()
    ) throws(ConnectorProtocolError) {
        guard case .process(let command, let arguments) = manifest.runtime else {
            throw ConnectorProtocolError(
                .spawnFailed, "\(manifest.name): runtime is declarative; only process connectors have a program")
        }
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        self.init(executable: base + command, arguments: arguments, environment: environment, timeouts: timeouts)
    }

    /// Runs `command` with `input` and returns everything the connector said; `failure` tells whether it completed.
    /// ACKs received before a failure are kept, so a broken `write` is still audited record by record.
    public func run(_ command: ConnectorCommand, input: ConnectorInput = ConnectorInput()) async -> ConnectorTranscript {
        let keys = command == .write ? input.records.compactMap(\.key) : []
        let box = RecorderBox(
            TranscriptRecorder(command: command, offeredVersions: versions, recordKeys: keys),
            rest: input.messages.flatMap { $0.encodedLine() })
        let process = ConnectorProcess(
            executable: executable, arguments: [command.rawValue] + arguments, environment: environment,
            timeout: timeouts[command])
        let outcome = await process.run(initialInput: ConnectorMessage.hello(versions: versions).encodedLine()) { line in
            box.accept(line)
        }
        return box.recorder.finish(exit: outcome.exit, standardError: outcome.standardError)
    }

    /// `spec`: the connector's config schema.
    public func spec() async throws(ConnectorProtocolError) -> ConnectorSpec {
        try await run(.spec).get().spec!
    }

    /// `check`: whether `config` works (a failing check is a result, not an error).
    public func check(config: JSONObject) async throws(ConnectorProtocolError) -> CheckResult {
        try await run(.check, input: ConnectorInput(config: config)).get().checkResult!
    }

    /// `discover`: the connector's streams and actions.
    public func discover(config: JSONObject) async throws(ConnectorProtocolError) -> ConnectorCatalog {
        try await run(.discover, input: ConnectorInput(config: config)).get().catalog!
    }
}

/// The recorder and the rest of the input, used only on the process thread and read after it finished.
private final class RecorderBox: @unchecked Sendable {
    // @unchecked: `ConnectorProcess` calls `accept` on its one thread only, and the caller reads `recorder` after the
    // thread resumed its continuation, which orders the accesses.
    var recorder: TranscriptRecorder
    private var rest: [UInt8]?

    init(_ recorder: TranscriptRecorder, rest: [UInt8]) {
        self.recorder = recorder
        self.rest = rest
    }

    func accept(_ line: ArraySlice<UInt8>) -> ConnectorProcess.LineAction {
        let wasNegotiated = recorder.negotiated
        guard recorder.accept(line) else { return .stop }
        // Negotiation: the rest of the input goes out only in the version the connector chose.
        if !wasNegotiated && recorder.negotiated, let rest {
            self.rest = nil
            return .send(rest, thenClose: true)
        }
        return .proceed
    }
}
