import Foundation
import Postgres
import TestSupport
import Testing

@Suite("Bound parameters and typed decoding", .enabled(if: TestDatabase.isAvailable))
struct BindingTests {
    let pool: PostgresPool

    init() async throws {
        pool = TestDatabase.pool(try await TestDatabase.createEmpty(prefix: "binding"))
    }

    /// Sends a value as a parameter, lets the server store it in a column of `type`, and reads it back.
    func roundTrip<Value: PostgresEncodable & PostgresDecodable>(_ value: Value, as type: String) async throws -> Value {
        try await pool.withConnection { connection in
            // Pooled connections keep temp tables: start from a fresh one of the wanted type.
            try await connection.query("DROP TABLE IF EXISTS pg_temp.rt")
            try await connection.query("CREATE TEMP TABLE rt (v \(unescaped: type))")
            try await connection.query("INSERT INTO rt (v) VALUES (\(value))")
            return try await connection.query("SELECT v FROM rt").first!.decode(Value.self)
        }
    }

    @Test(arguments: [0, 1, -1, Int.max, Int.min, 42])
    func int(_ value: Int) async throws { #expect(try await roundTrip(value, as: "bigint") == value) }

    @Test(arguments: [Int32.max, Int32.min, 7])
    func int32(_ value: Int32) async throws { #expect(try await roundTrip(value, as: "integer") == value) }

    @Test(arguments: [Int64.max, Int64.min])
    func int64(_ value: Int64) async throws { #expect(try await roundTrip(value, as: "bigint") == value) }

    @Test(arguments: [0.0, -0.5, 3.141592653589793, 1e300, -2.5e-300, .infinity, -.infinity])
    func double(_ value: Double) async throws { #expect(try await roundTrip(value, as: "double precision") == value) }

    @Test func doubleNaN() async throws { #expect(try await roundTrip(Double.nan, as: "double precision").isNaN) }

    @Test(arguments: [true, false])
    func bool(_ value: Bool) async throws { #expect(try await roundTrip(value, as: "boolean") == value) }

    @Test(arguments: ["", "plain", "Grüße, 東京 🚆", "quote ' and \" and \\ backslash", "tab\tnew\nline", "{a,b}", "NULL"])
    func string(_ value: String) async throws { #expect(try await roundTrip(value, as: "text") == value) }

    @Test func uuid() async throws {
        let value = UUID()
        #expect(try await roundTrip(value, as: "uuid") == value)
    }

    @Test(arguments: [0.0, 1_790_000_000.123456, -86_400.5, 1_000_000_000.000001])
    func date(_ seconds: Double) async throws {
        let value = Date(timeIntervalSince1970: seconds)
        let back = try await roundTrip(value, as: "timestamptz")
        // PostgreSQL keeps microseconds.
        #expect(abs(back.timeIntervalSince1970 - seconds) < 0.000_001)
    }

    @Test func bytea() async throws {
        let value = Data((0...255).map(UInt8.init) + [0, 0, 255])
        #expect(try await roundTrip(value, as: "bytea") == value)
        #expect(try await roundTrip(Data(), as: "bytea") == Data())
    }

    @Test func json() async throws {
        struct Item: Codable, Sendable, Equatable {
            var name: String
            var tags: [String]
            var price: Double
        }
        let item = Item(name: "Stuhl \"Öko\"", tags: ["a", "b"], price: 12.5)
        let back = try await roundTrip(PostgresJSON(item), as: "jsonb")
        #expect(back.value == item)
        let text = try await roundTrip(PostgresJSONText(#"{"b": 1, "a": [true, null]}"#), as: "jsonb")
        // jsonb normalises key order and spacing.
        #expect(text.text == #"{"a": [true, null], "b": 1}"#)
    }

    @Test func arrays() async throws {
        #expect(try await roundTrip([1, -2, 3] as [Int], as: "bigint[]") == [1, -2, 3])
        #expect(try await roundTrip([String](), as: "text[]") == [])
        let strings = ["a", "with space", "quote\"d", "back\\slash", "comma,here", "{braces}", "NULL", ""]
        #expect(try await roundTrip(strings, as: "text[]") == strings)
        let ids = [UUID(), UUID()]
        #expect(try await roundTrip(ids, as: "uuid[]") == ids)
        #expect(try await roundTrip([true, false], as: "boolean[]") == [true, false])
        #expect(try await roundTrip([1.5, -2.25], as: "double precision[]") == [1.5, -2.25])
        let blobs = [Data([0, 1, 2]), Data([255])]
        #expect(try await roundTrip(blobs, as: "bytea[]") == blobs)
        let dates = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 1_790_000_000.5)]
        #expect(try await roundTrip(dates, as: "timestamptz[]") == dates)
    }

    @Test func nullsAndOptionals() async throws {
        let none: Int? = nil
        let row = try await pool.query("SELECT \(none)::bigint, \(Optional(5))::bigint, NULL::text, 'x'::text").first!
        let (a, b, c, d) = try row.decode((Int?, Int?, String?, String?).self)
        #expect(a == nil)
        #expect(b == 5)
        #expect(c == nil)
        #expect(d == "x")
        // A NULL where a value is required is a decoding error that names the column.
        let error = try #require(throws: PostgresError.self) {
            try row.decode((Int, Int).self)
        }
        #expect(error.code == .decoding)
        #expect(error.message.contains("NULL"))
    }

    @Test func arrayWithNullElements() async throws {
        let row = try await pool.query("SELECT ARRAY['a', NULL, 'c']::text[]").first!
        #expect(throws: PostgresError.self) { try row.decode([String].self) }
    }

    @Test func injectionStringStaysData() async throws {
        let hostile = "x'); DROP TABLE victims; --"
        try await pool.query("CREATE TABLE victims (name text)")
        try await pool.query("INSERT INTO victims (name) VALUES (\(hostile))")
        let names = try await pool.query("SELECT name FROM victims WHERE name = \(hostile)").decode(String.self)
        #expect(names == [hostile])
        let stillThere = try await pool.query("SELECT count(*) FROM victims").first!.decode(Int.self)
        #expect(stillThere == 1)
    }

    @Test func identifiersAreQuoted() async throws {
        let table = "odd \"name\"; DROP"
        try await pool.query("CREATE TABLE \(identifier: table) (v int)")
        let exists = try await pool.query("SELECT to_regclass(\(quoteIdentifier(table))) IS NOT NULL").first!
            .decode(Bool.self)
        #expect(exists)
    }

    @Test func queryDescriptionNeverShowsValues() {
        let secret = "hunter2-secret"
        let query: PostgresQuery = "UPDATE users SET password = \(secret)"
        #expect(query.sql == "UPDATE users SET password = $1")
        #expect(!query.description.contains(secret))
    }

    @Test func decodeByColumnName() async throws {
        let row = try await pool.query("SELECT 1 AS one, 'two' AS two").first!
        #expect(try row.decode(column: "two", as: String.self) == "two")
        #expect(throws: PostgresError.self) { try row.decode(column: "three", as: String.self) }
    }
}
