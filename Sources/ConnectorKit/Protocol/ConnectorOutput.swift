import Foundation
public import Values

/// Where a connector's commands send their messages: each call writes one line, immediately (stdout is flushed per
/// message, so the platform sees every `ACK` as soon as it is made). Safe to call from concurrent tasks.
public final class ConnectorOutput: @unchecked Sendable {
    // @unchecked: every mutable member is guarded by `lock`.
    private let lock = NSLock()
    private let sink: @Sendable ([UInt8]) -> Void
    private var recordCount = 0
    private var acknowledged: Set<String> = []
    private var duplicateAcks: [String] = []

    /// Creates an output that hands each encoded line (with its newline) to `sink`.
    public init(sink: @escaping @Sendable ([UInt8]) -> Void) {
        self.sink = sink
    }

    /// Sends any message. Prefer the typed methods below.
    public func send(_ message: ConnectorMessage) {
        let line = message.encodedLine()
        lock.withLock {
            switch message {
            case .record: recordCount += 1
            case .ack(let ack):
                if !acknowledged.insert(ack.key).inserted { duplicateAcks.append(ack.key) }
            default: break
            }
            // Writing under the lock keeps lines whole and in order when tasks emit concurrently.
            sink(line)
        }
    }

    /// `RECORD` read from `stream`; `key` is the entity key when the connector knows it.
    public func record(stream: String, key: String? = nil, data: JSONObject) {
        send(.record(ConnectorRecord(target: .stream(stream), key: key, data: data)))
    }

    /// `STATE`: everything emitted before it for `stream` is covered; the platform stores it once delivered.
    public func state(_ data: JSONValue, stream: String? = nil) {
        send(.state(ConnectorState(stream: stream, data: data)))
    }

    /// `ACK` ok for the record with `key`.
    public func ack(key: String, destinationID: String? = nil) {
        send(.ack(RecordAck(key: key, status: .ok, destinationID: destinationID)))
    }

    /// `ACK` failed for the record with `key`, with the reason.
    public func fail(key: String, error: String) {
        send(.ack(RecordAck(key: key, status: .failed, error: error.isEmpty ? "failed" : error)))
    }

    /// `LOG` line for the run log.
    public func log(_ level: LogEntry.Level, _ message: String) {
        send(.log(LogEntry(level: level, message: message)))
    }

    /// `ERROR` for one record (`key`) that could not be read; the command goes on.
    public func recordError(key: String, message: String) {
        send(.error(ErrorReport(message: message, key: key)))
    }

    /// RECORDs sent so far.
    var records: Int { lock.withLock { recordCount } }
    /// Keys acknowledged so far, and keys acknowledged twice.
    var acknowledgements: (keys: Set<String>, duplicates: [String]) { lock.withLock { (acknowledged, duplicateAcks) } }
}
