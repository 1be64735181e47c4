import Foundation
import Postgres
import TestSupport
import Testing

@Suite("Errors, transactions and settings", .enabled(if: TestDatabase.isAvailable))
struct ErrorAndTransactionTests {
    let database: String
    let pool: PostgresPool

    init() async throws {
        database = try await TestDatabase.createEmpty(prefix: "errors")
        pool = TestDatabase.pool(database)
        try await pool.query("CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)")
    }

    @Test func uniqueViolationCarriesSQLState() async throws {
        try await pool.query("INSERT INTO items VALUES (1, 'a')")
        let error = try await #require(throws: PostgresError.self) {
            try await pool.query("INSERT INTO items VALUES (1, 'b')")
        }
        #expect(error.sqlState == "23505")
        #expect(error.isUniqueViolation)
        #expect(error.constraint == "items_pkey")
        #expect(error.code == .server)
    }

    @Test func syntaxErrorCarriesSQLState() async throws {
        let error = try await #require(throws: PostgresError.self) { try await pool.query("SELEC 1") }
        #expect(error.sqlState == "42601")
        #expect(error.description.hasPrefix("database error 42601: syntax error"))
    }

    @Test func connectionStillUsableAfterError() async throws {
        try await pool.withConnection { connection in
            _ = try? await connection.query("SELECT 1/0")
            let value = try await connection.query("SELECT 2").first!.decode(Int.self)
            #expect(value == 2)
        }
    }

    @Test func transactionRollsBackOnThrow() async throws {
        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            try await pool.withTransaction { connection in
                try await connection.query("INSERT INTO items VALUES (10, 'ten')")
                throw Boom()
            }
        }
        #expect(try await pool.query("SELECT count(*) FROM items WHERE id = 10").first!.decode(Int.self) == 0)
        _ = try await pool.withTransaction { connection in
            try await connection.query("INSERT INTO items VALUES (11, 'eleven')")
        }
        #expect(try await pool.query("SELECT count(*) FROM items WHERE id = 11").first!.decode(Int.self) == 1)
    }

    @Test func settingsLastOneTransaction() async throws {
        try await pool.withConnection { connection in
            let inside = try await connection.withTransaction(settings: [("switchyard.tenant_id", "tenant-a")]) {
                try await $0.query("SELECT current_setting('switchyard.tenant_id', true)").first!.decode(String?.self)
            }
            #expect(inside == "tenant-a")
            // The same pooled connection must not carry the context into the next piece of work.
            let after = try await connection.query("SELECT current_setting('switchyard.tenant_id', true)").first!
                .decode(String?.self)
            #expect(after == nil || after == "")
        }
    }

    @Test func roleSettingSwitchesRoleForTheTransactionOnly() async throws {
        try await pool.query(
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sy_test_reader') THEN CREATE ROLE sy_test_reader; END IF; END $$"
        )
        try await pool.withConnection { connection in
            let inside = try await connection.withTransaction(settings: [("role", "sy_test_reader")]) {
                try await $0.query("SELECT current_user::text").first!.decode(String.self)
            }
            #expect(inside == "sy_test_reader")
            let after = try await connection.query("SELECT current_user::text").first!.decode(String.self)
            #expect(after != "sy_test_reader")
        }
    }

    @Test func badConnectionStringNamesTheProblemButNotThePassword() async throws {
        let secret = "Sup3rS3cretPassw0rd"
        let configuration = PostgresConfiguration(
            connectionString: "postgresql://alice:\(secret)@localhost/db?nosuchparameter=1")
        let error = try await #require(throws: PostgresError.self) {
            _ = try await PostgresConnection.connect(configuration)
        }
        #expect(error.code == .invalidConfiguration)
        #expect(error.message.contains("nosuchparameter"))
        #expect(!error.description.contains(secret))
    }

    @Test func failedConnectionNeverShowsThePassword() async throws {
        let secret = "An0therS3cret"
        // A socket folder where no server listens: libpq fails and its message must not carry the password.
        let configuration = PostgresConfiguration(
            connectionString: "host=/nonexistent-switchyard user=alice password=\(secret) dbname=x connect_timeout=2")
        let error = try await #require(throws: PostgresError.self) {
            _ = try await PostgresConnection.connect(configuration)
        }
        #expect(error.code == .connectionFailed)
        #expect(error.message.contains("/nonexistent-switchyard"))
        #expect(!error.description.contains(secret))
    }

    @Test func uriAndKeyValueFormsBothWork() async throws {
        let keyValue = TestDatabase.connectionString(database: database)
        let connection = try await PostgresConnection.connect(PostgresConfiguration(connectionString: keyValue))
        let socket = try await connection.query("SELECT current_setting('unix_socket_directories')").first!
            .decode(String.self)
        await connection.close()
        let user = try await pool.query("SELECT current_user::text").first!.decode(String.self)
        let encodedSocket = socket.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? socket
        let uri = "postgresql://\(user)@/\(database)?host=\(encodedSocket)&sslmode=disable&application_name=uri-test"
        let viaURI = try await PostgresConnection.connect(PostgresConfiguration(connectionString: uri))
        let name = try await viaURI.query("SELECT current_setting('application_name')").first!.decode(String.self)
        #expect(name == "uri-test")
        await viaURI.close()
    }

    @Test func sessionUsesUTCAndISODates() async throws {
        let row = try await pool.query("SELECT current_setting('TimeZone'), current_setting('DateStyle')").first!
        let (zone, style) = try row.decode((String, String).self)
        #expect(zone == "UTC")
        #expect(style.hasPrefix("ISO"))
    }
}
