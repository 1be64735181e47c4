import CLibPQ
import Foundation
import Synchronization

/// One libpq connection, owned by one task at a time. Every blocking libpq call runs on the connection's own
/// thread; async callers suspend until it finishes.
public final class PostgresConnection: @unchecked Sendable {
    // `handle` is touched only on `thread`, and only by the one task that holds `inUse`.
    private let handle: OpaquePointer
    private let thread: DedicatedThread
    private let cancelHandle: OpaquePointer?
    private let inUse = Atomic<Bool>(false)
    private let closed = Atomic<Bool>(false)
    private let configuration: PostgresConfiguration
    /// A number that identifies this connection in tests and logs.
    public let id: Int

    private static let counter = Atomic<Int>(0)

    private init(handle: OpaquePointer, thread: DedicatedThread, configuration: PostgresConfiguration) {
        self.handle = handle
        self.thread = thread
        self.configuration = configuration
        self.cancelHandle = PQgetCancel(handle)
        self.id = Self.counter.add(1, ordering: .relaxed).newValue
    }

    deinit {
        if let cancelHandle { PQfreeCancel(cancelHandle) }
        if !closed.load(ordering: .acquiring) {
            let handle = self.handle
            nonisolated(unsafe) let unsafeHandle = handle
            thread.submit { PQfinish(unsafeHandle) }
        }
        thread.stop()
    }

    /// Opens a connection. The session uses UTF-8, ISO dates and UTC, which the row decoders rely on.
    public static func connect(
        _ configuration: PostgresConfiguration
    ) async throws(PostgresError)
        -> PostgresConnection
    {
        try configuration.validate()
        let thread = DedicatedThread(name: "postgres-connection")
        do {
            let handle = try await thread.run { () throws(PostgresError) -> UnsafeSendable<OpaquePointer> in
                let (keywords, values) = configuration.connectKeywords
                let handle = withCStringArray(keywords) { keywordPointers in
                    withCStringArray(values) { valuePointers in
                        PQconnectdbParams(keywordPointers, valuePointers, 1)
                    }
                }
                guard let handle else {
                    throw PostgresError(code: .connectionFailed, message: "out of memory while connecting")
                }
                guard PQstatus(handle) == CONNECTION_OK else {
                    let text = String(cString: PQerrorMessage(handle))
                        .trimmingCharacters(in: .whitespacesAndNewlines)
                        .replacingOccurrences(of: "\n", with: "; ")
                    PQfinish(handle)
                    throw PostgresError(
                        code: .connectionFailed,
                        message: "cannot connect to PostgreSQL: \(configuration.redactAll(text))")
                }
                PQsetClientEncoding(handle, "UTF8")
                // Server notices (e.g. "relation already exists, skipping") are not for the user's terminal.
                PQsetNoticeProcessor(handle, { _, _ in }, nil)
                let setup = PQexec(handle, "SET DateStyle = 'ISO, YMD'; SET TimeZone = 'UTC'; SET IntervalStyle = 'iso_8601'")
                PQclear(setup)
                return UnsafeSendable(handle)
            }
            return PostgresConnection(handle: handle.value, thread: thread, configuration: configuration)
        } catch let error as PostgresError {
            thread.stop()
            throw error
        } catch {
            thread.stop()
            throw PostgresError(code: .connectionFailed, message: "cannot connect to PostgreSQL: \(error)")
        }
    }

    /// True while the server connection is healthy.
    public var isHealthy: Bool {
        !closed.load(ordering: .acquiring)
    }

    /// Closes the connection; further use fails.
    public func close() async {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        nonisolated(unsafe) let handle = self.handle
        _ = try? await thread.run { PQfinish(handle) }
    }

    /// Runs a statement with bound parameters and returns all its rows.
    @discardableResult
    public func query(_ query: PostgresQuery) async throws(PostgresError) -> PostgresRows {
        try await withExclusiveHandle { handle, configuration throws(PostgresError) in
            try Self.execute(query, on: handle, configuration: configuration)
        }
    }

    /// Runs SQL text that may hold several statements (a migration file), without parameters. The caller vouches
    /// that the text is not built from user input.
    public func execute(unsafeScript script: String) async throws(PostgresError) {
        try await withExclusiveHandle { handle, configuration throws(PostgresError) in
            let result = PQexec(handle, script)
            defer { PQclear(result) }
            try Self.check(result, handle: handle, configuration: configuration)
        }
    }

    /// Runs `body` with the raw handle on the connection's thread, refusing concurrent use and cancelling the
    /// server-side statement when the calling task is cancelled.
    func withExclusiveHandle<T: Sendable>(
        _ body: @escaping @Sendable (OpaquePointer, PostgresConfiguration) throws(PostgresError) -> T
    ) async throws(PostgresError) -> T {
        guard !closed.load(ordering: .acquiring) else {
            throw PostgresError(code: .connectionClosed, message: "connection is closed")
        }
        guard inUse.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
        else {
            throw PostgresError(code: .concurrentUse, message: "connection \(id) is already in use by another task")
        }
        defer { inUse.store(false, ordering: .releasing) }
        nonisolated(unsafe) let handle = self.handle
        let configuration = self.configuration
        let cancel = UnsafeSendable(cancelHandle)
        let call = CallState()
        do {
            return try await withTaskCancellationHandler {
                try await thread.run { () throws(PostgresError) -> T in
                    defer { call.finished.store(true, ordering: .releasing) }
                    guard !call.cancelled.load(ordering: .acquiring) else {
                        throw PostgresError(
                            code: .cancelled, sqlState: "57014", message: "statement cancelled before it started")
                    }
                    call.started.store(true, ordering: .releasing)
                    return try body(handle, configuration)
                }
            } onCancel: {
                call.cancelled.store(true, ordering: .releasing)
                guard let pointer = cancel.value else { return }
                // A cancel request that reaches the server before the statement does is ignored, so keep asking
                // until the statement has finished.
                let request = UnsafeSendable(pointer)
                Thread {
                    while !call.finished.load(ordering: .acquiring) {
                        if call.started.load(ordering: .acquiring) {
                            var buffer = [CChar](repeating: 0, count: 256)
                            _ = PQcancel(request.value, &buffer, 256)
                        }
                        usleep(100_000)
                    }
                }.start()
            }
        } catch let error as PostgresError {
            if PQstatus(handle) != CONNECTION_OK { closed.store(true, ordering: .releasing) }
            throw error
        } catch {
            throw PostgresError(code: .server, message: "\(error)")
        }
    }

    static func execute(
        _ query: PostgresQuery, on handle: OpaquePointer, configuration: PostgresConfiguration
    )
        throws(PostgresError) -> PostgresRows
    {
        let result = withCStringArray(query.values) { valuePointers in
            query.types.map(\.oid).withUnsafeBufferPointer { typePointer in
                PQexecParams(
                    handle, query.sql, Int32(query.values.count), typePointer.baseAddress, valuePointers, nil, nil, 0)
            }
        }
        defer { PQclear(result) }
        try check(result, handle: handle, configuration: configuration)
        return rows(of: result!)
    }

    static func rows(of result: OpaquePointer) -> PostgresRows {
        let columnCount = Int(PQnfields(result))
        let rowCount = Int(PQntuples(result))
        var columns: [String] = []
        columns.reserveCapacity(columnCount)
        for column in 0..<columnCount { columns.append(String(cString: PQfname(result, Int32(column)))) }
        var cells: [[String?]] = []
        cells.reserveCapacity(rowCount)
        for row in 0..<rowCount {
            var values: [String?] = []
            values.reserveCapacity(columnCount)
            for column in 0..<columnCount {
                if PQgetisnull(result, Int32(row), Int32(column)) == 1 {
                    values.append(nil)
                } else {
                    values.append(String(cString: PQgetvalue(result, Int32(row), Int32(column))))
                }
            }
            cells.append(values)
        }
        let affected = Int(String(cString: PQcmdTuples(result))) ?? rowCount
        return PostgresRows(columns: columns, cells: cells, affectedRows: affected)
    }

    /// Turns a failed result into a `PostgresError` carrying the server's fields.
    static func check(
        _ result: OpaquePointer?, handle: OpaquePointer, configuration: PostgresConfiguration
    )
        throws(PostgresError)
    {
        guard let result else {
            throw PostgresError(
                code: .connectionClosed,
                message: configuration.redactAll(String(cString: PQerrorMessage(handle)))
                    .trimmingCharacters(in: .whitespacesAndNewlines))
        }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY, PGRES_COPY_IN:
            return
        default:
            throw error(from: result, handle: handle, configuration: configuration)
        }
    }

    static func error(
        from result: OpaquePointer, handle: OpaquePointer, configuration: PostgresConfiguration
    )
        -> PostgresError
    {
        func field(_ code: Character) -> String? {
            guard let pointer = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
            return configuration.redactAll(String(cString: pointer))
        }
        let message =
            field("M")
            ?? configuration.redactAll(String(cString: PQerrorMessage(handle)))
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let sqlState = field("C")
        let closed = PQstatus(handle) != CONNECTION_OK
        return PostgresError(
            code: closed ? .connectionClosed : .server, sqlState: sqlState, message: message, detail: field("D"),
            hint: field("H"), constraint: field("n"))
    }
}

/// What a cancellation handler knows about the statement it may have to cancel.
final class CallState: Sendable {
    let started = Atomic<Bool>(false)
    let finished = Atomic<Bool>(false)
    let cancelled = Atomic<Bool>(false)
}

/// Carries a value the compiler cannot prove `Sendable` across a thread hop whose exclusivity the caller ensures.
struct UnsafeSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Calls `body` with a C array of C strings (nil entries stay NULL), valid for the duration of the call.
func withCStringArray<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let pointers: [UnsafeMutablePointer<CChar>?] = strings.map { $0.map { strdup($0) } ?? nil }
    defer { pointers.forEach { free($0) } }
    return body(pointers.map { $0.map { UnsafePointer($0) } })
}

/// Same as above for non-optional strings, adding the terminating NULL libpq's keyword arrays need.
func withCStringArray<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    withCStringArray(strings.map { Optional($0) } + [nil], body)
}
