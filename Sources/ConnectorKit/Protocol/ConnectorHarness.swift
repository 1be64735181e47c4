import Foundation

/// Runs a connector against fixture messages and returns everything it said, checked the way the platform checks
/// it: in-process (a `ConnectorProgram`, no process needed) or as an executable through `ProcessConnectorClient`.
public struct ConnectorHarness: Sendable {
    /// How long one command may take.
    public var timeout: Duration
    /// Protocol versions offered in `HELLO`.
    public var versions: [Int]

    /// Creates a harness.
    public init(timeout: Duration = .seconds(30), versions: [Int] = ConnectorMessage.supportedVersions) {
        self.timeout = timeout
        self.versions = versions
    }

    /// Runs `command` of an in-process program with `input` (`HELLO` is added first).
    public func run<Program: ConnectorProgram>(
        _ program: Program, _ command: ConnectorCommand, input: ConnectorInput = ConnectorInput(),
        arguments: [String] = []
    ) async -> ConnectorTranscript {
        let lines = ([ConnectorMessage.hello(versions: versions)] + input.messages).map { $0.encoded() }
        let keys = command == .write ? input.records.compactMap(\.key) : []
        return await run(program, arguments: [command.rawValue] + arguments, lines: lines, recordKeys: keys)
    }

    /// Runs an in-process program with raw stdin lines (for fixtures that break the protocol on purpose);
    /// `arguments` is argv without the program name, so `arguments[0]` is the command.
    public func run<Program: ConnectorProgram>(
        _ program: Program, arguments: [String], lines: [String]
    ) async -> ConnectorTranscript {
        var keys: [String] = []
        for (index, line) in lines.enumerated() {
            if case .record(let record)? = try? ConnectorMessage.decode(line, line: index + 1), let key = record.key {
                keys.append(key)
            }
        }
        return await run(program, arguments: arguments, lines: lines.map { Array($0.utf8) }, recordKeys: keys)
    }

    /// Runs `command` of a connector executable as a real child process.
    public func run(
        executable: String, _ command: ConnectorCommand, input: ConnectorInput = ConnectorInput(),
        arguments: [String] = [], environment: [String: String] = ProcessConnectorClient.defaultEnvironment
    ) async -> ConnectorTranscript {
        let client = ProcessConnectorClient(
            executable: executable, arguments: arguments, environment: environment, timeouts: .all(timeout),
            versions: versions)
        return await client.run(command, input: input)
    }

    private func run<Program: ConnectorProgram>(
        _ program: Program, arguments: [String], lines: [[UInt8]], recordKeys: [String]
    ) async -> ConnectorTranscript {
        let command = arguments.first.flatMap(ConnectorCommand.init(rawValue:)) ?? .spec
        let collected = LineCollector()
        let output = ConnectorOutput(sink: { collected.append($0) })
        let source = ArrayLineSource(lines: lines)
        let outcome = await withTimeout(timeout) {
            await ConnectorSession.run(
                program, arguments: arguments, source: source, output: output, diagnostics: { collected.diagnose($0) })
        }
        var recorder = TranscriptRecorder(command: command, offeredVersions: versions, recordKeys: recordKeys)
        for line in collected.lines {
            guard recorder.accept(line.dropLast()) else { break }
        }
        let exit: ConnectorExit = outcome.map { .exited($0) } ?? .timedOut(timeout)
        return recorder.finish(exit: exit, standardError: collected.diagnostics)
    }

    /// The result of `work`, or nil when `limit` passes first (the work is then cancelled and left behind).
    private func withTimeout(_ limit: Duration, _ work: @escaping @Sendable () async -> Int32) async -> Int32? {
        let gate = FirstResult()
        return await withCheckedContinuation { (continuation: CheckedContinuation<Int32?, Never>) in
            let worker = Task { await work() }
            let timer = Task {
                try? await Task.sleep(for: limit)
                if gate.resume(continuation, with: nil) { worker.cancel() }
            }
            Task {
                let status = await worker.value
                if gate.resume(continuation, with: status) { timer.cancel() }
            }
        }
    }
}

/// Lines the in-process program wrote, and its stderr.
private final class LineCollector: @unchecked Sendable {
    // @unchecked: guarded by `lock`.
    private let lock = NSLock()
    private var storedLines: [[UInt8]] = []
    private var storedDiagnostics: [String] = []

    func append(_ line: [UInt8]) { lock.withLock { storedLines.append(line) } }
    func diagnose(_ text: String) {
        lock.withLock { storedDiagnostics += text.split(whereSeparator: \.isNewline).map(String.init) }
    }
    var lines: [[UInt8]] { lock.withLock { storedLines } }
    var diagnostics: [String] { lock.withLock { storedDiagnostics } }
}

/// Resumes a continuation exactly once, for whichever of work and timer comes first.
private final class FirstResult: @unchecked Sendable {
    // @unchecked: guarded by `lock`.
    private let lock = NSLock()
    private var done = false

    @discardableResult
    func resume(_ continuation: CheckedContinuation<Int32?, Never>, with value: Int32?) -> Bool {
        let first = lock.withLock {
            defer { done = true }
            return !done
        }
        if first { continuation.resume(returning: value) }
        return first
    }
}
