import Foundation
import Postgres
import TestSupport
import Testing

@testable import ControlPlane

/// One test's own migrated database, with the control-plane handle and the helpers the database suites share.
struct ControlPlaneFixture: Sendable {
    /// The database's name in the test cluster.
    let name: String
    /// A small pool on it (the login role is a superuser; control-plane transactions switch to the app role).
    let pool: PostgresPool
    /// The control plane on that pool.
    let database: ControlPlaneDatabase

    /// Cheap scrypt parameters for seeded users: the platform's own cost (about a second per hash in a debug build)
    /// would dominate the suite. `PasswordHasher.verify` reads the parameters from the stored hash.
    static let cheapHashing = PasswordHasher.Parameters(logN: 10, r: 8, p: 1)

    /// Runs `body` on a fresh database cloned from the migrated template and closes the pool afterwards.
    static func with<T>(prefix: String = "cp", _ body: (ControlPlaneFixture) async throws -> T) async throws -> T {
        let name = try await TestDatabase.createMigrated(prefix: prefix)
        let pool = TestDatabase.pool(name, maxConnections: 2)
        let fixture = ControlPlaneFixture(name: name, pool: pool, database: ControlPlaneDatabase(pool: pool))
        do {
            let value = try await body(fixture)
            await pool.close()
            return value
        } catch {
            await pool.close()
            throw error
        }
    }

    // MARK: Seeding

    /// Creates an active tenant through the control plane (audited like the CLI does it).
    @discardableResult
    func createTenant(_ slug: String, name: String? = nil, actor: String = "seed") async throws -> Tenant {
        try await Tenants(database: database).create(
            slug: try TenantSlug(slug), displayName: name ?? slug.capitalized, actor: Actor(actor))
    }

    /// Inserts a user directly (as the superuser) with a cheaply hashed password, for tests about other things.
    func seedUser(
        _ email: String, tenant: Tenant, role: UserRole = .owner, password: String = "seeded-passphrase-1"
    )
        async throws
    {
        let hash = try PasswordHasher.hash(password, parameters: Self.cheapHashing)
        _ = try await TestDatabase.withSuperuser(name) { connection in
            try await connection.query(
                """
                INSERT INTO users (tenant_id, email, role, password_hash)
                VALUES (\(tenant.id.rawValue), \(email), \(role.rawValue), \(hash))
                """)
        }
    }

    /// Issues a token through the control plane.
    func issueToken(
        tenant: String, email: String, lifetime: TimeInterval? = 86_400, scopes: [String] = []
    ) async throws
        -> (token: APIToken, info: TokenInfo)
    {
        try await Tokens(database: database).issue(
            tenant: tenant, email: email, lifetime: lifetime, scopes: scopes, actor: Actor("seed"))
    }

    // MARK: Superuser access

    /// Runs one statement as the superuser (for checks and deliberate tampering).
    @discardableResult
    func superuser(_ query: PostgresQuery) async throws -> PostgresRows {
        try await TestDatabase.withSuperuser(name) { try await $0.query(query) }
    }

    /// The number of rows of every control-plane table, read past row-level security.
    func rowCounts() async throws -> RowCounts {
        let row = try await superuser(
            """
            SELECT (SELECT count(*) FROM tenants), (SELECT count(*) FROM users), (SELECT count(*) FROM api_tokens),
                   (SELECT count(*) FROM admin_audit)
            """
        ).first!
        let (tenants, users, tokens, audit) = try row.decode((Int, Int, Int, Int).self)
        return RowCounts(tenants: tenants, users: users, apiTokens: tokens, adminAudit: audit)
    }

    // MARK: admin-cli

    /// Runs the real admin-cli against this database.
    func cli(_ arguments: [String], stdin: String = "") async throws -> ProcessResult {
        try await ChildProcess.adminCLI(arguments, database: name, stdin: stdin)
    }

    /// Runs a command that must succeed and returns its stdout.
    @discardableResult
    func succeed(
        _ arguments: [String], stdin: String = "", sourceLocation: SourceLocation = #_sourceLocation
    )
        async throws -> String
    {
        let result = try await cli(arguments, stdin: stdin)
        #expect(result.status == 0, "admin-cli \(arguments.joined(separator: " ")): \(result)", sourceLocation: sourceLocation)
        #expect(result.stderr == "", "admin-cli \(arguments.joined(separator: " ")): \(result)", sourceLocation: sourceLocation)
        return result.stdout
    }

    /// Runs a command that must fail with exactly `status` and the one line `error: <message>` on stderr, print
    /// nothing on stdout, and leave every control-plane table as it was.
    func fail(
        _ arguments: [String], stdin: String = "", status: Int32, message: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let before = try await rowCounts()
        let result = try await cli(arguments, stdin: stdin)
        let command = "admin-cli \(arguments.joined(separator: " "))"
        #expect(result.status == status, "\(command): \(result)", sourceLocation: sourceLocation)
        #expect(result.stderr == "error: \(message)\n", "\(command)", sourceLocation: sourceLocation)
        #expect(result.stdout == "", "\(command)", sourceLocation: sourceLocation)
        #expect(try await rowCounts() == before, "\(command) left rows behind", sourceLocation: sourceLocation)
    }

    /// Runs a `--json` command that must succeed and parses its stdout.
    func json(
        _ arguments: [String], stdin: String = "", sourceLocation: SourceLocation = #_sourceLocation
    )
        async throws -> Any
    {
        let stdout = try await succeed(arguments + ["--json"], stdin: stdin, sourceLocation: sourceLocation)
        return try JSONSerialization.jsonObject(with: Data(stdout.utf8))
    }

    /// A `--json` command whose output is one object.
    func jsonObject(
        _ arguments: [String], stdin: String = "", sourceLocation: SourceLocation = #_sourceLocation
    )
        async throws -> [String: Any]
    {
        let value = try await json(arguments, stdin: stdin, sourceLocation: sourceLocation)
        return try #require(value as? [String: Any], "not a JSON object", sourceLocation: sourceLocation)
    }

    /// A `--json` command whose output is an array of objects.
    func jsonArray(
        _ arguments: [String], stdin: String = "", sourceLocation: SourceLocation = #_sourceLocation
    )
        async throws -> [[String: Any]]
    {
        let value = try await json(arguments, stdin: stdin, sourceLocation: sourceLocation)
        return try #require(value as? [[String: Any]], "not a JSON array of objects", sourceLocation: sourceLocation)
    }
}

/// Row counts of the control-plane tables, to prove that a failed command wrote nothing.
struct RowCounts: Equatable, Sendable, CustomStringConvertible {
    var tenants: Int
    var users: Int
    var apiTokens: Int
    var adminAudit: Int

    var description: String {
        "tenants \(tenants), users \(users), api_tokens \(apiTokens), admin_audit \(adminAudit)"
    }
}

/// The hint admin-cli adds to a usage error (exit 2) whose message does not already point at `--help`: the help of
/// the command that was given, e.g. `usageHint("tenant create")`.
func usageHint(_ command: String) -> String { " (see: admin-cli \(command) --help)" }

/// Reads a `FIELD  VALUE` table (`tenant show`, `token verify`) into a dictionary; the header line is skipped.
func fieldTable(_ stdout: String) -> [String: String] {
    var fields: [String: String] = [:]
    for line in stdout.split(separator: "\n").dropFirst() {
        // Field names may hold single spaces ("max runs per hour"); columns are separated by two or more.
        guard let gap = line.range(of: "  ") else { continue }
        let key = line[..<gap.lowerBound].trimmingCharacters(in: .whitespaces)
        fields[key] = line[gap.upperBound...].trimmingCharacters(in: .whitespaces)
    }
    return fields
}

/// Parses an ISO 8601 timestamp from `--json` output.
func parseISO(_ value: Any?) -> Date? {
    guard let text = value as? String else { return nil }
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.date(from: text)
}
