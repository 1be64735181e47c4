import CLibPQ
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A notification sent with `NOTIFY channel, 'payload'` or `pg_notify`.
public struct PostgresNotification: Sendable, Hashable {
    /// The channel it was sent on.
    public var channel: String
    /// The payload text (empty when none was given).
    public var payload: String
    /// The server process that sent it.
    public var senderPID: Int32
}

/// A dedicated connection that `LISTEN`s on channels and delivers notifications as an async sequence.
///
/// Its thread waits on the socket with `poll`, so a notification arrives within milliseconds and an idle listener
/// costs no CPU. Call `stop()` to end the sequence.
public final class PostgresListener: Sendable {
    /// Notifications in arrival order; the sequence ends when the listener stops or its connection breaks.
    public let notifications: AsyncStream<PostgresNotification>
    private let continuation: AsyncStream<PostgresNotification>.Continuation
    private let stopping = Atomic<Bool>(false)

    private init() {
        (notifications, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(10_000))
    }

    /// Connects, listens on `channels`, and starts delivering.
    public static func start(
        _ configuration: PostgresConfiguration, channels: [String]
    ) async throws(PostgresError)
        -> PostgresListener
    {
        try configuration.validate()
        let listener = PostgresListener()
        let ready = DedicatedThread(name: "postgres-listener")
        do {
            let handle = try await ready.run { () throws(PostgresError) -> UnsafeSendable<OpaquePointer> in
                let (keywords, values) = configuration.connectKeywords
                let handle = withCStringArray(keywords) { keys in
                    withCStringArray(values) { vals in PQconnectdbParams(keys, vals, 1) }
                }
                guard let handle, PQstatus(handle) == CONNECTION_OK else {
                    let text = handle.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"
                    if let handle { PQfinish(handle) }
                    throw PostgresError(
                        code: .connectionFailed,
                        message: "cannot connect to PostgreSQL: \(configuration.redactAll(text))")
                }
                for channel in channels {
                    let result = PQexec(handle, "LISTEN \(quoteIdentifier(channel))")
                    defer { PQclear(result) }
                    if PQresultStatus(result) != PGRES_COMMAND_OK {
                        let error = PostgresConnection.error(from: result!, handle: handle, configuration: configuration)
                        PQfinish(handle)
                        throw error
                    }
                }
                return UnsafeSendable(handle)
            }
            // The same thread now loops on the socket until stopped.
            let sendableHandle = handle
            ready.submit { listener.pump(sendableHandle.value) }
            ready.stop()
            return listener
        } catch let error as PostgresError {
            ready.stop()
            throw error
        } catch {
            ready.stop()
            throw PostgresError(code: .connectionFailed, message: "\(error)")
        }
    }

    /// Stops listening and ends the notification sequence.
    public func stop() {
        stopping.store(true, ordering: .releasing)
    }

    private func pump(_ handle: OpaquePointer) {
        defer {
            PQfinish(handle)
            continuation.finish()
        }
        let socket = PQsocket(handle)
        guard socket >= 0 else { return }
        while !stopping.load(ordering: .acquiring) {
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 100)
            if ready < 0 && errno != EINTR { return }
            if ready > 0 {
                guard PQconsumeInput(handle) == 1 else { return }
                while let notify = PQnotifies(handle) {
                    let item = PostgresNotification(
                        channel: String(cString: notify.pointee.relname),
                        payload: String(cString: notify.pointee.extra),
                        senderPID: notify.pointee.be_pid)
                    PQfreemem(notify)
                    continuation.yield(item)
                }
            }
        }
    }
}

extension PostgresConnection {
    /// Sends a notification on `channel`; listeners receive it when the current transaction commits.
    public func notify(channel: String, payload: String = "") async throws(PostgresError) {
        try await query("SELECT pg_notify(\(channel), \(payload))")
    }
}
