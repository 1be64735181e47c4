import Foundation
import Postgres
import Synchronization
import TestSupport
import Testing

@Suite("COPY, LISTEN/NOTIFY and the pool", .enabled(if: TestDatabase.isAvailable))
struct CopyListenPoolTests {
    let database: String
    let pool: PostgresPool

    init() async throws {
        database = try await TestDatabase.createEmpty(prefix: "copy")
        pool = TestDatabase.pool(database, maxConnections: 4)
    }

    @Test func copyHundredThousandRows() async throws {
        try await pool.query("CREATE TABLE bulk (id bigint, label text, amount double precision, seen boolean)")
        let count = 100_000
        let rows = (0..<count).lazy.map { index -> [any PostgresEncodable] in
            [index, "item \(index)", Double(index) / 4, index % 2 == 0]
        }
        let written = try await pool.withConnection { connection in
            try await connection.copy(into: "bulk", columns: ["id", "label", "amount", "seen"], rows: Array(rows))
        }
        #expect(written == count)
        let (total, sum, evens) = try await pool.query(
            "SELECT count(*), sum(id), count(*) FILTER (WHERE seen) FROM bulk"
        ).first!.decode((Int, Int, Int).self)
        #expect(total == count)
        #expect(sum == count * (count - 1) / 2)
        #expect(evens == count / 2)
    }

    @Test func copyEscapesSpecialCharactersAndNulls() async throws {
        try await pool.query("CREATE TABLE tricky (id int, value text)")
        let values: [String?] = ["tab\there", "new\nline", "back\\slash", "\\N", "carriage\rreturn", nil, ""]
        let rows = values.enumerated().map { index, value -> [any PostgresEncodable] in [Int32(index), value] }
        _ = try await pool.withConnection { connection in
            try await connection.copy(into: "tricky", columns: ["id", "value"], rows: rows)
        }
        let back = try await pool.query("SELECT value FROM tricky ORDER BY id").decode(String?.self)
        #expect(back == values)
    }

    @Test func copyWithABadValueWritesNothing() async throws {
        try await pool.query("CREATE TABLE strict_numbers (n int)")
        let rows: [[any PostgresEncodable]] = [[1], ["not a number"], [3]]
        let error = try await #require(throws: PostgresError.self) {
            try await pool.withConnection { connection in
                try await connection.copy(into: "strict_numbers", columns: ["n"], rows: rows)
            }
        }
        #expect(error.sqlState == "22P02")
        #expect(try await pool.query("SELECT count(*) FROM strict_numbers").first!.decode(Int.self) == 0)
        // The connection that ran the failed COPY is still usable.
        #expect(try await pool.query("SELECT 1").first!.decode(Int.self) == 1)
    }

    @Test func listenReceivesNotifications() async throws {
        let listener = try await PostgresListener.start(
            PostgresConfiguration(connectionString: TestDatabase.connectionString(database: database)),
            channels: ["runs_ready", "other"])
        defer { listener.stop() }
        try await pool.withConnection { connection in
            try await connection.notify(channel: "runs_ready", payload: "tenant-a")
            try await connection.notify(channel: "unrelated", payload: "ignored")
            try await connection.notify(channel: "other", payload: "")
        }
        var received: [PostgresNotification] = []
        for await notification in listener.notifications {
            received.append(notification)
            if received.count == 2 { break }
        }
        #expect(received.map(\.channel) == ["runs_ready", "other"])
        #expect(received.map(\.payload) == ["tenant-a", ""])
    }

    @Test func notificationInsideRolledBackTransactionIsNotDelivered() async throws {
        let listener = try await PostgresListener.start(
            PostgresConfiguration(connectionString: TestDatabase.connectionString(database: database)),
            channels: ["tx"])
        defer { listener.stop() }
        struct Abort: Error {}
        _ = try? await pool.withTransaction { connection in
            try await connection.notify(channel: "tx", payload: "rolled back")
            throw Abort()
        }
        try await pool.withTransaction { connection in
            try await connection.notify(channel: "tx", payload: "committed")
        }
        var iterator = listener.notifications.makeAsyncIterator()
        let first = await iterator.next()
        #expect(first?.payload == "committed")
    }

    @Test func poolNeverLendsOneConnectionToTwoTasks() async throws {
        final class Tracker: Sendable {
            let inUse = Mutex<Set<Int>>([])
            let seen = Mutex<Set<Int>>([])
            let violations = Atomic<Int>(0)
        }
        let tracker = Tracker()
        let pool = self.pool
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<400 {
                group.addTask {
                    try await pool.withConnection { connection in
                        let fresh = tracker.inUse.withLock { $0.insert(connection.id).inserted }
                        if !fresh { tracker.violations.add(1, ordering: .relaxed) }
                        tracker.seen.withLock { _ = $0.insert(connection.id) }
                        let value = try await connection.query("SELECT \(index)::int8 + 1").first!.decode(Int.self)
                        #expect(value == index + 1)
                        if index % 7 == 0 { try await Task.sleep(for: .milliseconds(1)) }
                        tracker.inUse.withLock { _ = $0.remove(connection.id) }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(tracker.violations.load(ordering: .relaxed) == 0)
        let distinct = tracker.seen.withLock { $0.count }
        #expect(distinct >= 1 && distinct <= pool.maxConnections)
    }

    @Test func connectionRefusesConcurrentUse() async throws {
        let connection = try await PostgresConnection.connect(
            PostgresConfiguration(connectionString: TestDatabase.connectionString(database: database)))
        async let slow: PostgresRows = connection.query("SELECT pg_sleep(0.3)")
        try await Task.sleep(for: .milliseconds(50))
        let error = try await #require(throws: PostgresError.self) { try await connection.query("SELECT 1") }
        #expect(error.code == .concurrentUse)
        _ = try await slow
        await connection.close()
    }

    @Test func cancellingATaskCancelsItsStatement() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        let pool = self.pool
        let task = Task {
            try await pool.query("SELECT pg_sleep(30)")
        }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        let result = await task.result
        #expect(throws: PostgresError.self) { try result.get() }
        #expect(clock.now - start < .seconds(10))
        if case .failure(let error as PostgresError) = result { #expect(error.sqlState == "57014") }
    }
}
