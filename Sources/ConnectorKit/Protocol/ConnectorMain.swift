#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The entry point of a connector executable:
///
/// ```swift
/// @main struct Main {
///     static func main() async { await ConnectorMain.run(InventoryConnector()) }
/// }
/// ```
///
/// It reads the command from `argv[1]`, negotiates the protocol version, reads stdin one line at a time, writes
/// each message to stdout at once (unbuffered `write(2)`), and exits with 0 (done), 1 (the program failed) or 2
/// (bad arguments or input).
public enum ConnectorMain {
    /// Runs `program` for the command in `arguments` (by default argv without the program name) and exits.
    public static func run<Program: ConnectorProgram>(
        _ program: Program, arguments: [String] = Array(CommandLine.arguments.dropFirst())
    ) async -> Never {
        let output = ConnectorOutput(sink: { writeAll(1, $0) })
        let status = await ConnectorSession.run(
            program, arguments: arguments, source: FileDescriptorLineSource(descriptor: 0), output: output,
            diagnostics: { writeAll(2, Array($0.utf8)) })
        exit(status)
    }

    /// Writes a line to stderr, which the platform keeps as a log line of the run; for authors who prefer plain
    /// text to `LOG` messages.
    public static func logToStandardError(_ message: String) {
        writeAll(2, Array((message.hasSuffix("\n") ? message : message + "\n").utf8))
    }

    static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    // The platform closed the pipe: nobody is listening any more.
                    exit(ConnectorSession.exitFailure)
                }
            }
        }
    }
}
