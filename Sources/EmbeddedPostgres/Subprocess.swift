import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a program with `posix_spawn` and `waitpid`.
///
/// Foundation's `Process` waits for exit through its run loop and has been seen to miss the exit of a child whose
/// own child (the PostgreSQL server) lives on; `waitpid` cannot miss it. Output goes to a file, not a pipe, so a
/// daemon that inherits the descriptor can never keep the caller waiting for end-of-file.
enum Subprocess {
    /// Runs `path` with `arguments` and returns its exit status and what it printed (stdout and stderr together).
    /// With `inheritStandardIO` the child uses the caller's terminal and nothing is captured.
    static func run(
        _ path: String, _ arguments: [String], inheritStandardIO: Bool = false
    ) throws(EmbeddedClusterError)
        -> (status: Int32, output: String)
    {
        var outputPath = "/tmp/switchyard-subprocess-XXXXXX"
        var descriptor: Int32 = -1
        if !inheritStandardIO {
            var template = Array(outputPath.utf8CString)
            descriptor = mkstemp(&template)
            guard descriptor >= 0 else { throw EmbeddedClusterError("cannot create a temporary file in /tmp") }
            outputPath = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        defer {
            if descriptor >= 0 {
                close(descriptor)
                unlink(outputPath)
            }
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if !inheritStandardIO {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_adddup2(&actions, descriptor, 1)
            posix_spawn_file_actions_adddup2(&actions, descriptor, 2)
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }

        var environment = ProcessInfo.processInfo.environment
        environment["LC_ALL"] = "C.UTF-8"
        let argv = [path] + arguments
        let envp = environment.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let spawned = withCStrings(argv) { argvPointers in
            withCStrings(envp) { envPointers in
                posix_spawn(&pid, path, &actions, nil, argvPointers, envPointers)
            }
        }
        guard spawned == 0 else {
            throw EmbeddedClusterError("cannot run \(path): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw EmbeddedClusterError("lost track of \(path) (waitpid failed)") }
        }
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        var output = ""
        if !inheritStandardIO, let data = FileManager.default.contents(atPath: outputPath) {
            output = String(decoding: data, as: UTF8.self)
        }
        return (exitStatus, output)
    }

    private static func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { pointers.forEach { free($0) } }
        return body(pointers)
    }
}
