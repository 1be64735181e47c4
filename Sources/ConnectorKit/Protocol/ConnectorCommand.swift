/// The command a process connector is started with, as `argv[1]`.
public enum ConnectorCommand: String, Sendable, Equatable, CaseIterable {
    /// Describe the config the connector needs (`SPEC`).
    case spec
    /// Try the config against the outside system (`CHECK_RESULT`).
    case check
    /// List the streams and actions (`CATALOG`).
    case discover
    /// Read the streams of the given catalog from the given state (`RECORD`, `STATE`).
    case read
    /// Write the records the platform streams, one `ACK` each (`ACK`, `STATE`).
    case write

    /// Whether the platform sends `CONFIG` for this command (every command but `spec`).
    public var needsConfig: Bool { self != .spec }

    /// The message types a connector may send during this command, besides `PROTOCOL`, `LOG`, `ERROR` and `END`.
    public var outputTypes: Set<String> {
        switch self {
        case .spec: return ["SPEC"]
        case .check: return ["CHECK_RESULT"]
        case .discover: return ["CATALOG"]
        case .read: return ["RECORD", "STATE"]
        case .write: return ["ACK", "STATE"]
        }
    }
}
