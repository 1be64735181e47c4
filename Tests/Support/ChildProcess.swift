import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What a finished child process did.
public struct ProcessResult: Sendable, CustomStringConvertible {
    /// Exit status (128 + signal when killed).
    public let status: Int32
    /// Everything it wrote to stdout.
    public let stdout: String
    /// Everything it wrote to stderr.
    public let stderr: String

    public var description: String { "exit \(status)\nstdout: \(stdout)\nstderr: \(stderr)" }
}

/// Runs real programs (the built `admin-cli`) as child processes, on a thread of their own.
public enum ChildProcess {
    /// The built admin-cli: `$SWITCHYARD_ADMIN_CLI`, else `.build/debug/admin-cli` in the repository.
    public static var adminCLI: String {
        if let path = ProcessInfo.processInfo.environment["SWITCHYARD_ADMIN_CLI"], !path.isEmpty { return path }
        return TestDatabase.repositoryRoot.appendingPathComponent(".build/debug/admin-cli").path
    }

    /// Runs admin-cli against database `database` of the test cluster.
    public static func adminCLI(
        _ arguments: [String], database: String, stdin: String = "", environment: [String: String] = [:]
    )
        async throws -> ProcessResult
    {
        var environment = environment
        environment["DATABASE_URL"] = TestDatabase.connectionString(database: database)
        environment["SWITCHYARD_MIGRATIONS"] = TestDatabase.migrationsDirectory.path
        return try await run(adminCLI, arguments, stdin: stdin, environment: environment)
    }

    /// Runs `path` with `arguments`, feeding `stdin`, with the current environment plus `environment`.
    public static func run(
        _ path: String, _ arguments: [String], stdin: String = "", environment: [String: String] = [:]
    )
        async throws -> ProcessResult
    {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result { try runBlocking(path, arguments, stdin: stdin, environment: environment) })
            }.start()
        }
    }

    private static func runBlocking(
        _ path: String, _ arguments: [String], stdin: String, environment: [String: String]
    )
        throws -> ProcessResult
    {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sy-child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let inPath = directory.appendingPathComponent("stdin").path
        let outPath = directory.appendingPathComponent("stdout").path
        let errPath = directory.appendingPathComponent("stderr").path
        _ = FileManager.default.createFile(atPath: inPath, contents: Data(stdin.utf8))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        let argv = [path] + arguments
        let envp = merged.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let spawned = withCStrings(argv) { argvPointers in
            withCStrings(envp) { envPointers in posix_spawn(&pid, path, &actions, nil, argvPointers, envPointers) }
        }
        guard spawned == 0 else {
            throw NSError(domain: "ChildProcess", code: Int(spawned), userInfo: [NSLocalizedDescriptionKey: "cannot run \(path)"])
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let out = FileManager.default.contents(atPath: outPath).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let err = FileManager.default.contents(atPath: errPath).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return ProcessResult(status: exitStatus, stdout: out, stderr: err)
    }

    private static func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { pointers.forEach { free($0) } }
        return body(pointers)
    }
}
