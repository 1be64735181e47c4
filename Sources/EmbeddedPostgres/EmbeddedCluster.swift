import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The embedded default: a private PostgreSQL cluster under `.switchyard/` (or `$SWITCHYARD_HOME`), reached over a
/// Unix socket only, so that Switchyard runs on a laptop with no database set up.
///
/// PostgreSQL refuses to run as root; when started by root the cluster runs as the unprivileged system user
/// `switchyard`, created on first use.
public struct EmbeddedCluster: Sendable {
    /// The cluster's home folder (data, socket, log).
    public let home: URL
    /// The database Switchyard uses inside the cluster.
    public let databaseName = "switchyard"
    /// The cluster's superuser.
    public let superuser = "switchyard"
    /// The OS user that runs the server when the caller is root.
    public static let systemUser = "switchyard"

    /// Uses `home`.
    public init(home: URL) {
        self.home = home.standardizedFileURL
    }

    /// `$SWITCHYARD_HOME` if set, else `.switchyard` in the current directory.
    public static func defaultHome(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let home = environment["SWITCHYARD_HOME"], !home.isEmpty {
            return URL(fileURLWithPath: home, isDirectory: true)
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
            .appendingPathComponent(".switchyard", isDirectory: true)
    }

    var dataDirectory: URL { home.appendingPathComponent("pgdata", isDirectory: true) }
    var socketDirectory: URL { home.appendingPathComponent("run", isDirectory: true) }
    var logFile: URL { home.appendingPathComponent("log/postgres.log") }

    /// The libpq connection string of the cluster's Switchyard database.
    public var connectionString: String { connectionString(database: databaseName) }

    /// The libpq connection string of one database in the cluster.
    public func connectionString(database: String) -> String {
        "host='\(socketDirectory.path)' dbname='\(database)' user='\(superuser)'"
    }

    /// Whether the cluster exists and runs.
    public enum Status: Sendable, Equatable {
        /// `initdb` has not run yet.
        case notInitialized
        /// The cluster exists but no server runs.
        case stopped
        /// A server runs with this process id.
        case running(pid: Int)
    }

    /// Reads the cluster's state without changing it.
    public func status() throws(EmbeddedClusterError) -> Status {
        guard FileManager.default.fileExists(atPath: dataDirectory.appendingPathComponent("PG_VERSION").path) else {
            return .notInitialized
        }
        let tools = try PostgresTools.locate()
        let result = try run(tools.pgCtl, ["-D", dataDirectory.path, "status"])
        guard result.status == 0 else { return .stopped }
        let pidText = (try? String(contentsOf: dataDirectory.appendingPathComponent("postmaster.pid"), encoding: .utf8))?
            .split(separator: "\n").first.map(String.init)
        return .running(pid: pidText.flatMap { Int($0) } ?? 0)
    }

    /// Initialises the cluster on first use and starts it unless it runs already. Safe to call from several
    /// processes at once: they serialise on a lock file. `ephemeral` trades durability for speed (test clusters).
    public func start(ephemeral: Bool = false, progress: (String) -> Void = { _ in }) throws(EmbeddedClusterError) {
        try createHome()
        let lock = try FileLock(path: home.appendingPathComponent(".lock").path)
        defer { lock.release() }
        let tools = try PostgresTools.locate()
        if case .running = try status() { return }
        if case .notInitialized = try status() {
            progress("initialising PostgreSQL cluster in \(home.path) (first run only)")
            try prepareDirectories()
            let result = try run(
                tools.initdb,
                [
                    "-D", dataDirectory.path, "-U", superuser, "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8",
                    "--no-instructions",
                ])
            guard result.status == 0 else {
                throw EmbeddedClusterError(
                    "initdb failed in \(dataDirectory.path): \(result.lastLine) (remove \(home.path) and retry)")
            }
            try writeConfiguration(ephemeral: ephemeral)
        }
        try prepareDirectories()
        progress("starting PostgreSQL (socket in \(socketDirectory.path))")
        let result = try run(
            tools.pgCtl, ["-D", dataDirectory.path, "-l", logFile.path, "-w", "-t", "60", "start"])
        guard result.status == 0 else {
            throw EmbeddedClusterError(
                "PostgreSQL did not start: \(result.lastLine) (see \(logFile.path))")
        }
    }

    /// Stops the server (fast shutdown: open sessions are ended, data is flushed). Stopping a stopped cluster is
    /// not an error.
    public func stop() throws(EmbeddedClusterError) {
        guard case .running = try status() else { return }
        let tools = try PostgresTools.locate()
        let result = try run(tools.pgCtl, ["-D", dataDirectory.path, "-m", "fast", "-w", "-t", "60", "stop"])
        guard result.status == 0 else {
            throw EmbeddedClusterError("PostgreSQL did not stop: \(result.lastLine) (see \(logFile.path))")
        }
    }

    /// Runs `psql` against the cluster with the caller's terminal; returns psql's exit status.
    public func psql(arguments: [String]) throws(EmbeddedClusterError) -> Int32 {
        let tools = try PostgresTools.locate()
        return try Subprocess.run(tools.psql, [connectionString] + arguments, inheritStandardIO: true).status
    }

    // MARK: - Files

    private func createHome() throws(EmbeddedClusterError) {
        do {
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
            if Self.isRoot { chmod(home.path, 0o755) }
        } catch {
            throw EmbeddedClusterError("cannot create \(home.path): \(error.localizedDescription)")
        }
    }

    private func prepareDirectories() throws(EmbeddedClusterError) {
        let directories = [dataDirectory, socketDirectory, logFile.deletingLastPathComponent()]
        for directory in directories {
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            } catch {
                throw EmbeddedClusterError("cannot create \(directory.path): \(error.localizedDescription)")
            }
        }
        chmod(dataDirectory.path, 0o700)
        chmod(socketDirectory.path, 0o700)
        guard Self.isRoot else { return }
        try SystemUser.ensure(Self.systemUser)
        for directory in directories {
            let result = try run("/bin/chown", ["-R", Self.systemUser, directory.path], asSystemUser: false)
            guard result.status == 0 else {
                throw EmbeddedClusterError("cannot hand \(directory.path) to user \(Self.systemUser): \(result.lastLine)")
            }
        }
        // The server user must be able to reach its folders through every parent directory.
        var parent = home
        while parent.path != "/" {
            if access(parent.path, F_OK) == 0, !SystemUser.canTraverse(parent.path) {
                throw EmbeddedClusterError(
                    "user \(Self.systemUser) cannot enter \(parent.path) (run: chmod o+x \(parent.path), or set "
                        + "SWITCHYARD_HOME to a folder under a world-readable path)")
            }
            parent.deleteLastPathComponent()
        }
    }

    private func writeConfiguration(ephemeral: Bool) throws(EmbeddedClusterError) {
        var settings = [
            "# Written by Switchyard: Unix socket only, no TCP port.",
            "listen_addresses = ''",
            "unix_socket_directories = '\(socketDirectory.path)'",
            "unix_socket_permissions = 0700",
            "max_connections = 200",
            "shared_buffers = 128MB",
            "log_line_prefix = '%m [%p] %q%u@%d '",
        ]
        if ephemeral {
            settings += ["fsync = off", "synchronous_commit = off", "full_page_writes = off"]
        }
        let file = dataDirectory.appendingPathComponent("postgresql.auto.conf")
        let text = settings.joined(separator: "\n") + "\n"
        do {
            let handle = try FileHandle(forWritingTo: file)
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(text.utf8))
        } catch {
            throw EmbeddedClusterError("cannot write \(file.path): \(error.localizedDescription)")
        }
    }

    // MARK: - Processes

    static var isRoot: Bool { geteuid() == 0 }

    struct CommandResult {
        var status: Int32
        var output: String
        /// The line that explains a failure: the first that reports an error, else the last line.
        var lastLine: String {
            let lines = output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            let markers = ["FATAL", "ERROR", "error:", "Permission denied", "could not", "cannot", "No space"]
            if let reason = lines.first(where: { line in markers.contains { line.contains($0) } }) { return reason }
            return lines.last ?? ""
        }
    }

    /// Runs a PostgreSQL tool, as the system user when the caller is root.
    func run(
        _ executable: String, _ arguments: [String], asSystemUser: Bool = true
    ) throws(EmbeddedClusterError)
        -> CommandResult
    {
        let result: (status: Int32, output: String)
        if asSystemUser && Self.isRoot {
            result = try Subprocess.run(PostgresTools.runuser, ["-u", Self.systemUser, "--", executable] + arguments)
        } else {
            result = try Subprocess.run(executable, arguments)
        }
        return CommandResult(status: result.status, output: result.output)
    }
}

/// A failure of the embedded cluster, with a message that says what to do.
public struct EmbeddedClusterError: Error, Sendable, CustomStringConvertible {
    /// One line for people.
    public let description: String
    init(_ description: String) { self.description = description }
}
