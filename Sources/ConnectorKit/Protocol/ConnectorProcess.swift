import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One run of a connector executable: `posix_spawn` with three pipes, driven by a `poll(2)` loop on a dedicated
/// thread (never on the cooperative pool, never Foundation `Process`). The child gets its own process group so a
/// timeout kills everything it started.
struct ConnectorProcess: Sendable {
    /// What the loop does after a stdout line.
    enum LineAction {
        /// Keep going.
        case proceed
        /// Queue these bytes for stdin; close stdin once they are written when `thenClose`.
        case send([UInt8], thenClose: Bool)
        /// The connector broke the protocol: kill it.
        case stop
    }

    let executable: String
    let arguments: [String]
    let environment: [String: String]
    let timeout: Duration

    static let spawnLock = NSLock()
    static let standardErrorLineLimit = 200
    static let standardErrorLineLength = 2_000

    /// Runs the process on a new thread; `onLine` sees every stdout line on that thread.
    func run(
        initialInput: [UInt8], onLine: @escaping @Sendable (ArraySlice<UInt8>) -> LineAction
    ) async -> (exit: ConnectorExit, standardError: [String]) {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: self.runBlocking(initialInput: initialInput, onLine: onLine))
            }
            thread.name = "connector-process"
            thread.start()
        }
    }

    private func runBlocking(
        initialInput: [UInt8], onLine: (ArraySlice<UInt8>) -> LineAction
    ) -> (exit: ConnectorExit, standardError: [String]) {
        // The platform must survive a connector that closes stdin early: EPIPE instead of a fatal SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        var stdinPipe: [Int32] = [-1, -1]
        var stdoutPipe: [Int32] = [-1, -1]
        var stderrPipe: [Int32] = [-1, -1]
        // Pipes are made and marked close-on-exec under one lock with the spawn, so that a pipe end of one connector
        // never leaks into another spawned at the same moment (that would keep its stdin open forever).
        Self.spawnLock.lock()
        guard Self.makePipe(&stdinPipe), Self.makePipe(&stdoutPipe), Self.makePipe(&stderrPipe) else {
            Self.spawnLock.unlock()
            for fd in stdinPipe + stdoutPipe + stderrPipe where fd >= 0 { close(fd) }
            return (.notStarted("pipe() failed: \(String(cString: strerror(errno)))"), [])
        }
        let spawned = spawn(stdin: stdinPipe[0], stdout: stdoutPipe[1], stderr: stderrPipe[1])
        Self.spawnLock.unlock()
        close(stdinPipe[0])
        close(stdoutPipe[1])
        close(stderrPipe[1])
        guard case .success(let pid) = spawned else {
            close(stdinPipe[1])
            close(stdoutPipe[0])
            close(stderrPipe[0])
            if case .failure(let reason) = spawned { return (.notStarted(reason.text), []) }
            return (.notStarted("unknown"), [])
        }
        for fd in [stdinPipe[1], stdoutPipe[0], stderrPipe[0]] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }

        var stdinFD: Int32 = stdinPipe[1]
        var pending = initialInput
        var pendingOffset = 0
        var closeWhenDrained = false
        var stdoutFD: Int32 = stdoutPipe[0]
        var stderrFD: Int32 = stderrPipe[0]
        var stdoutBuffer: [UInt8] = []
        var stderrBuffer: [UInt8] = []
        var standardError: [String] = []
        var stopped = false
        var timedOut = false
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var chunk = [UInt8](repeating: 0, count: 65_536)

        func closeStdin() {
            if stdinFD >= 0 { close(stdinFD) }
            stdinFD = -1
        }
        func appendStandardError(_ bytes: ArraySlice<UInt8>) {
            var text = String(decoding: bytes.prefix(Self.standardErrorLineLength), as: UTF8.self)
            if text.hasSuffix("\r") { text.removeLast() }
            standardError.append(text)
            if standardError.count > Self.standardErrorLineLimit { standardError.removeFirst() }
        }

        while !stopped && (stdoutFD >= 0 || stderrFD >= 0) {
            let remaining = clock.now.duration(to: deadline)
            if remaining <= .zero {
                timedOut = true
                break
            }
            if pendingOffset >= pending.count && closeWhenDrained { closeStdin() }
            var fds: [pollfd] = []
            if stdoutFD >= 0 { fds.append(pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0)) }
            if stderrFD >= 0 { fds.append(pollfd(fd: stderrFD, events: Int16(POLLIN), revents: 0)) }
            if stdinFD >= 0 && pendingOffset < pending.count {
                fds.append(pollfd(fd: stdinFD, events: Int16(POLLOUT), revents: 0))
            }
            let milliseconds = Int32(clamping: max(1, remaining.components.seconds * 1000 + 1))
            let ready = poll(&fds, nfds_t(fds.count), min(milliseconds, 1000))
            if ready < 0 && errno != EINTR { break }
            if ready <= 0 { continue }
            for entry in fds where entry.revents != 0 {
                if entry.fd == stdinFD {
                    let written = pending.withUnsafeBytes {
                        write(stdinFD, $0.baseAddress! + pendingOffset, pending.count - pendingOffset)
                    }
                    if written > 0 {
                        pendingOffset += written
                        if pendingOffset == pending.count {
                            pending.removeAll(keepingCapacity: true)
                            pendingOffset = 0
                        }
                    } else if written < 0 && errno != EAGAIN && errno != EINTR {
                        // The connector closed stdin; what it printed so far still tells what happened.
                        closeStdin()
                        pending.removeAll()
                        pendingOffset = 0
                    }
                    continue
                }
                let count = chunk.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                if count < 0 && (errno == EAGAIN || errno == EINTR) { continue }
                let isStdout = entry.fd == stdoutFD
                if count <= 0 {
                    if isStdout {
                        if !stdoutBuffer.isEmpty, !stopped {
                            if case .stop = onLine(stdoutBuffer[...]) { stopped = true }
                            stdoutBuffer.removeAll()
                        }
                        close(stdoutFD)
                        stdoutFD = -1
                    } else {
                        if !stderrBuffer.isEmpty { appendStandardError(stderrBuffer[...]) }
                        stderrBuffer.removeAll()
                        close(stderrFD)
                        stderrFD = -1
                    }
                    continue
                }
                if isStdout {
                    stdoutBuffer.append(contentsOf: chunk[..<count])
                    var start = 0
                    while !stopped, let newline = stdoutBuffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                        switch onLine(stdoutBuffer[start..<newline]) {
                        case .proceed: break
                        case .stop: stopped = true
                        case .send(let bytes, let thenClose):
                            pending.append(contentsOf: bytes)
                            closeWhenDrained = closeWhenDrained || thenClose
                        }
                        start = newline + 1
                    }
                    stdoutBuffer.removeFirst(start)
                    if !stopped && stdoutBuffer.count > ConnectorMessage.maxLineLength {
                        _ = onLine(stdoutBuffer[...])
                        stopped = true
                    }
                } else {
                    stderrBuffer.append(contentsOf: chunk[..<count])
                    var start = 0
                    while let newline = stderrBuffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                        appendStandardError(stderrBuffer[start..<newline])
                        start = newline + 1
                    }
                    stderrBuffer.removeFirst(start)
                    if stderrBuffer.count > Self.standardErrorLineLength {
                        appendStandardError(stderrBuffer[...])
                        stderrBuffer.removeAll()
                    }
                }
            }
        }
        closeStdin()
        if stdoutFD >= 0 { close(stdoutFD) }
        if stderrFD >= 0 { close(stderrFD) }

        // The group is killed only before the connector is reaped: until then its pid, and so its process group id,
        // cannot be reused by an unrelated process. Stragglers of a connector that exited by itself are left to the
        // run's sandbox.
        var exit: ConnectorExit
        if stopped || timedOut {
            kill(-pid, SIGKILL)
            exit = Self.decode(status: Self.reap(pid, until: nil))
        } else if let status = Self.reap(pid, until: deadline) {
            exit = Self.decode(status: status)
        } else {
            timedOut = true
            kill(-pid, SIGKILL)
            _ = Self.reap(pid, until: nil)
            exit = .timedOut(timeout)
        }
        if timedOut { exit = .timedOut(timeout) }
        return (exit, standardError)
    }

    private struct SpawnFailure: Error {
        let text: String
    }

    private func spawn(stdin: Int32, stdout: Int32, stderr: Int32) -> Result<pid_t, SpawnFailure> {
        #if canImport(Darwin)
            var actions: posix_spawn_file_actions_t? = nil
            var attributes: posix_spawnattr_t? = nil
        #else
            var actions = posix_spawn_file_actions_t()
            var attributes = posix_spawnattr_t()
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))

        let argv = ([executable] + arguments).map { strdup($0) }
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") }
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        var result = posix_spawn(&pid, executable, &actions, &attributes, argv + [nil], envp + [nil])
        // ETXTBSY: a script written a moment ago can still be open for writing in a child forked meanwhile by
        // another thread; that clears once the child execs, so try again briefly.
        var attempts = 1
        while result == ETXTBSY && attempts < 20 {
            usleep(10_000)
            attempts += 1
            result = posix_spawn(&pid, executable, &actions, &attributes, argv + [nil], envp + [nil])
        }
        guard result == 0 else {
            return .failure(SpawnFailure(text: "\(executable): \(String(cString: strerror(result)))"))
        }
        return .success(pid)
    }

    private static func makePipe(_ fds: inout [Int32]) -> Bool {
        guard pipe(&fds) == 0 else { return false }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return true
    }

    /// Waits for `pid`; with a deadline, gives up (nil) when it passes.
    private static func reap(_ pid: pid_t, until deadline: ContinuousClock.Instant?) -> Int32? {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, deadline == nil ? 0 : WNOHANG)
            if result == pid { return status }
            if result < 0 && errno != EINTR { return nil }
            if let deadline {
                if ContinuousClock.now >= deadline { return nil }
                usleep(5_000)
            }
        }
    }

    private static func decode(status: Int32?) -> ConnectorExit {
        guard let status else { return .exited(-1) }
        // WIFEXITED / WTERMSIG are C macros Swift cannot import; this is their definition on Linux and Darwin.
        let signal = status & 0x7f
        return signal == 0 ? .exited((status >> 8) & 0xff) : .signaled(signal)
    }
}
