import ControlPlane
import Foundation
import Postgres

/// Databases for tests, in the throwaway cluster that `deploy/test` starts (`SWITCHYARD_TEST_DATABASE_URL` points at
/// its maintenance database). Every suite gets a database of its own, cloned from a migrated template, so suites
/// run in parallel without seeing each other's rows.
public enum TestDatabase {
    /// The repository root, found from this file's path.
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The repository's migrations folder.
    public static var migrationsDirectory: URL { repositoryRoot.appendingPathComponent("migrations") }

    /// Whether the test cluster is configured; database suites are disabled (and say so) when it is not.
    public static var isAvailable: Bool { maintenanceURL != nil }

    static var maintenanceURL: String? {
        let value = ProcessInfo.processInfo.environment["SWITCHYARD_TEST_DATABASE_URL"]
        return value?.isEmpty == false ? value : nil
    }

    /// The connection string of database `name` in the test cluster.
    public static func connectionString(database name: String) -> String {
        guard let base = maintenanceURL else { fatalError("SWITCHYARD_TEST_DATABASE_URL is not set: run deploy/test") }
        return base + " dbname='\(name)'"
    }

    /// A new empty database (no migrations).
    public static func createEmpty(prefix: String = "empty") async throws -> String {
        try await Registry.shared.create(prefix: prefix, template: nil)
    }

    /// A new database with every migration applied.
    public static func createMigrated(prefix: String = "test") async throws -> String {
        try await Registry.shared.create(prefix: prefix, template: try await Registry.shared.template())
    }

    /// A pool on database `name`.
    public static func pool(_ name: String, maxConnections: Int = 4) -> PostgresPool {
        PostgresPool(
            configuration: PostgresConfiguration(connectionString: connectionString(database: name)),
            maxConnections: maxConnections)
    }

    /// Runs `body` with a superuser connection to database `name` (for set-up and for tampering in tests).
    public static func withSuperuser<T>(
        _ name: String, _ body: (PostgresConnection) async throws -> T
    ) async throws
        -> T
    {
        let connection = try await PostgresConnection.connect(
            PostgresConfiguration(connectionString: connectionString(database: name)))
        do {
            let value = try await body(connection)
            await connection.close()
            return value
        } catch {
            await connection.close()
            throw error
        }
    }

    /// Serialises database creation: `CREATE DATABASE … TEMPLATE` needs the template to be free of other sessions.
    actor Registry {
        static let shared = Registry()
        // A task, not a name: the actor is re-entered at every await, so concurrent first callers must share one
        // creation instead of each dropping and re-creating the same template.
        private var templateTask: Task<String, any Error>?

        func template() async throws -> String {
            if templateTask == nil { templateTask = Task { try await makeTemplate() } }
            return try await templateTask!.value
        }

        private func makeTemplate() async throws -> String {
            let name = "switchyard_template_\(ProcessInfo.processInfo.processIdentifier)"
            _ = try await create(prefix: "", exactName: name, template: nil)
            let pool = TestDatabase.pool(name, maxConnections: 1)
            try await Migrator(directory: TestDatabase.migrationsDirectory).migrate(pool)
            await pool.close()
            return name
        }

        func create(prefix: String, exactName: String? = nil, template: String?) async throws -> String {
            let name = exactName ?? "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
            let maintenance = try await PostgresConnection.connect(
                PostgresConfiguration(connectionString: TestDatabase.connectionString(database: "postgres")))
            defer { Task { await maintenance.close() } }
            if let template {
                try await maintenance.query("CREATE DATABASE \(identifier: name) TEMPLATE \(identifier: template)")
            } else {
                try await maintenance.query("DROP DATABASE IF EXISTS \(identifier: name)")
                try await maintenance.query("CREATE DATABASE \(identifier: name)")
            }
            return name
        }
    }
}
