import ArgumentParser
import ControlPlane
import EmbeddedPostgres
import Foundation
import Postgres

/// Options every command that talks to the database shares.
struct DatabaseOptions: ParsableArguments {
    @Option(help: "Name recorded in the admin audit for changes (default: the OS user).")
    var actor: String?

    var resolvedActor: Actor {
        if let actor, !actor.trimmingCharacters(in: .whitespaces).isEmpty { return Actor(actor) }
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return Actor(String(cString: name)) }
        return Actor(ProcessInfo.processInfo.environment["USER"] ?? "unknown")
    }
}

/// Options of commands that print data.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print JSON instead of a table.")
    var json = false
}

/// An open connection to the control plane: `DATABASE_URL`, or the embedded cluster started on demand.
struct Session {
    let pool: PostgresPool
    let database: ControlPlaneDatabase

    /// Opens the database. The embedded default is started and migrated automatically; an external database must be
    /// migrated with `admin-cli db migrate` first (`requireCurrentSchema` checks that).
    static func open(requireCurrentSchema: Bool = true) async throws -> Session {
        let environment = ProcessInfo.processInfo.environment
        let pool: PostgresPool
        if let url = environment["DATABASE_URL"], !url.isEmpty {
            pool = PostgresPool(
                configuration: PostgresConfiguration(connectionString: url, applicationName: "admin-cli"), maxConnections: 4)
            if requireCurrentSchema {
                let pending = try await migrator().status(pool).filter { $0.state != "applied" }
                if let first = pending.first {
                    throw CLIFailure(
                        message: "database schema is not current (\(first.fileName) is \(first.state)); "
                            + "run: admin-cli db migrate")
                }
            }
        } else {
            pool = try await openEmbedded()
            try await migrator().migrate(pool) { Output.progress($0) }
        }
        return Session(pool: pool, database: ControlPlaneDatabase(pool: pool))
    }

    static func migrator() throws -> Migrator {
        guard let directory = Migrator.locateDirectory() else {
            throw CLIFailure(
                message: "migrations folder not found (set SWITCHYARD_MIGRATIONS to the repository's migrations/ path)")
        }
        return try Migrator(directory: directory)
    }

    /// Starts the embedded cluster if needed and makes sure its database exists.
    static func openEmbedded() async throws -> PostgresPool {
        let cluster = EmbeddedCluster(home: EmbeddedCluster.defaultHome())
        try await offloaded { try cluster.start { Output.progress($0) } }
        let admin = try await PostgresConnection.connect(
            PostgresConfiguration(connectionString: cluster.connectionString(database: "postgres")))
        let exists = try await admin.query("SELECT 1 FROM pg_database WHERE datname = \(cluster.databaseName)")
        if exists.isEmpty {
            do {
                try await admin.query("CREATE DATABASE \(identifier: cluster.databaseName)")
            } catch {
                // Another admin-cli may have created it a moment ago; anything else is a real failure.
                guard error.sqlState == "42P04" else {
                    await admin.close()
                    throw error
                }
            }
        }
        await admin.close()
        return PostgresPool(
            configuration: PostgresConfiguration(connectionString: cluster.connectionString, applicationName: "admin-cli"),
            maxConnections: 4)
    }

    func close() async { await pool.close() }
}

extension Session {
    /// Opens a session, runs `body`, and closes the session whatever happens.
    static func with<T>(requireCurrentSchema: Bool = true, _ body: (Session) async throws -> T) async throws -> T {
        let session = try await open(requireCurrentSchema: requireCurrentSchema)
        do {
            let value = try await body(session)
            await session.close()
            return value
        } catch {
            await session.close()
            throw error
        }
    }
}
