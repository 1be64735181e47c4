import Synchronization

/// A bounded pool of connections. A connection has one owner at a time: `withConnection` lends it to one task and
/// takes it back afterwards; tasks beyond the bound wait in line.
public final class PostgresPool: Sendable {
    private struct Waiter {
        let id: Int
        let continuation: CheckedContinuation<PostgresConnection?, any Error>
    }

    private struct State {
        var idle: [PostgresConnection] = []
        var open = 0
        var waiters: [Waiter] = []
        var nextWaiterID = 0
        var closed = false
    }

    /// Where the connections go.
    public let configuration: PostgresConfiguration
    /// The most connections the pool opens at once.
    public let maxConnections: Int
    private let state = Mutex(State())

    /// Creates a pool; connections open lazily, on first use.
    public init(configuration: PostgresConfiguration, maxConnections: Int = 8) {
        precondition(maxConnections > 0, "a pool needs at least one connection")
        self.configuration = configuration
        self.maxConnections = maxConnections
    }

    /// Lends a connection to `body` and takes it back when `body` returns or throws.
    public func withConnection<T>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        let connection = try await acquire()
        do {
            let value = try await body(connection)
            release(connection)
            return value
        } catch {
            release(connection)
            throw error
        }
    }

    /// Runs `body` in a transaction on a pooled connection; see `PostgresConnection.withTransaction`.
    public func withTransaction<T>(
        settings: [(name: String, value: String)] = [], _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await withConnection { connection in
            try await connection.withTransaction(settings: settings, body)
        }
    }

    /// Runs one statement on a pooled connection.
    @discardableResult
    public func query(_ query: PostgresQuery) async throws -> PostgresRows {
        try await withConnection { connection in try await connection.query(query) }
    }

    /// Closes idle connections and refuses new work; lent connections close when they come back.
    public func close() async {
        let (idle, waiters) = state.withLock { state in
            state.closed = true
            defer {
                state.idle = []
                state.waiters = []
            }
            return (state.idle, state.waiters)
        }
        for waiter in waiters {
            waiter.continuation.resume(throwing: PostgresError(code: .poolClosed, message: "the pool is closed"))
        }
        for connection in idle { await connection.close() }
    }

    private enum Acquisition {
        case reuse(PostgresConnection)
        case open
        case wait
        case closed
    }

    private func acquire() async throws -> PostgresConnection {
        try Task.checkCancellation()
        let decision: Acquisition = state.withLock { state in
            if state.closed { return .closed }
            if let connection = state.idle.popLast() { return .reuse(connection) }
            if state.open < maxConnections {
                state.open += 1
                return .open
            }
            return .wait
        }
        switch decision {
        case .closed:
            throw PostgresError(code: .poolClosed, message: "the pool is closed")
        case .reuse(let connection):
            return connection
        case .open:
            do {
                return try await PostgresConnection.connect(configuration)
            } catch {
                state.withLock { $0.open -= 1 }
                wakeOneWaiterToOpen()
                throw error
            }
        case .wait:
            let handedOver = try await waitForConnection()
            if let handedOver { return handedOver }
            // A slot was freed rather than a connection handed over: open a new one in it.
            do {
                return try await PostgresConnection.connect(configuration)
            } catch {
                state.withLock { $0.open -= 1 }
                wakeOneWaiterToOpen()
                throw error
            }
        }
    }

    private func waitForConnection() async throws -> PostgresConnection? {
        let waiterID = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<PostgresConnection?, any Error>) in
                let enqueued = state.withLock { state -> Bool in
                    if state.closed { return false }
                    state.waiters.append(Waiter(id: waiterID, continuation: continuation))
                    return true
                }
                if !enqueued {
                    continuation.resume(throwing: PostgresError(code: .poolClosed, message: "the pool is closed"))
                }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == waiterID }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    private func release(_ connection: PostgresConnection) {
        enum Next {
            case handOver(Waiter)
            case keep
            case discard(Waiter?)
        }
        let next: Next = state.withLock { state in
            guard connection.isHealthy, !state.closed else {
                // A broken connection frees its slot; a waiter may open a fresh one in it.
                if state.waiters.isEmpty {
                    state.open -= 1
                    return .discard(nil)
                }
                return .discard(state.waiters.removeFirst())
            }
            if !state.waiters.isEmpty { return .handOver(state.waiters.removeFirst()) }
            state.idle.append(connection)
            return .keep
        }
        switch next {
        case .handOver(let waiter):
            waiter.continuation.resume(returning: connection)
        case .keep:
            break
        case .discard(let waiter):
            waiter?.continuation.resume(returning: nil)
            Task { await connection.close() }
        }
    }

    private func wakeOneWaiterToOpen() {
        let waiter = state.withLock { state -> Waiter? in
            guard !state.waiters.isEmpty, state.open < maxConnections else { return nil }
            state.open += 1
            return state.waiters.removeFirst()
        }
        waiter?.continuation.resume(returning: nil)
    }
}
