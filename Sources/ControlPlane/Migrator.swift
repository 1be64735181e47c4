import Crypto
public import Foundation
public import Postgres

/// One migration file: `migrations/NNNN_name.sql`.
public struct Migration: Sendable, Equatable {
    /// The number before the underscore.
    public let version: Int
    /// The file name, e.g. `0003_tenants.sql`.
    public let fileName: String
    /// The SQL text.
    public let sql: String
    /// SHA-256 of the file's bytes, hex.
    public let checksum: String
}

/// The state of one migration in a database.
public struct MigrationStatus: Sendable, Codable, Equatable {
    /// The migration's number.
    public let version: Int
    /// Its file name.
    public let fileName: String
    /// `applied`, `pending`, `changed` (applied, file edited since) or `missing` (applied, file gone).
    public let state: String
    /// When it was applied.
    public let appliedAt: Date?
}

/// Applies `migrations/NNNN_name.sql` in order, each in its own transaction, under an advisory lock so that two
/// `migrate` runs at once are safe. Applied files are recorded with their SHA-256; a changed file is refused.
public struct Migrator: Sendable {
    /// The migrations, in version order.
    public let migrations: [Migration]

    /// The advisory-lock key that serialises migrators across processes.
    static let lockKey = 7_470_318_620_001

    /// Reads every `NNNN_name.sql` file of `directory`.
    public init(directory: URL) throws(ControlPlaneError) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw ControlPlaneError(
                .migration, "cannot read migrations folder \(directory.path) (set SWITCHYARD_MIGRATIONS to its path)")
        }
        var migrations: [Migration] = []
        for name in names.sorted() where name.hasSuffix(".sql") {
            let parts = name.split(separator: "_", maxSplits: 1)
            guard parts.count == 2, parts[0].count == 4, let version = Int(parts[0]) else {
                throw ControlPlaneError(
                    .migration, "migration file \(name) is not named NNNN_name.sql (rename it, e.g. 0007_\(name))")
            }
            if let previous = migrations.last, previous.version == version {
                throw ControlPlaneError(
                    .migration, "migrations \(previous.fileName) and \(name) share the number \(parts[0]); renumber one")
            }
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path),
                let sql = String(data: data, encoding: .utf8)
            else {
                throw ControlPlaneError(.migration, "cannot read migration \(name) as UTF-8 text")
            }
            let checksum = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
            migrations.append(Migration(version: version, fileName: name, sql: sql, checksum: checksum))
        }
        guard !migrations.isEmpty else {
            throw ControlPlaneError(.migration, "no migrations found in \(directory.path)")
        }
        self.migrations = migrations
    }

    /// Finds the `migrations` folder: `$SWITCHYARD_MIGRATIONS`, then `../share/switchyard/migrations` beside the
    /// executable (installed layout), then the nearest `migrations/` above the executable or the current directory.
    public static func locateDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        if let path = environment["SWITCHYARD_MIGRATIONS"], !path.isEmpty {
            return URL(fileURLWithPath: path, isDirectory: true)
        }
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        var starts = [executable.deletingLastPathComponent()]
        starts.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true))
        let installed = executable.deletingLastPathComponent().appendingPathComponent("../share/switchyard/migrations")
        if FileManager.default.fileExists(atPath: installed.appendingPathComponent("0001_roles.sql").path) {
            return installed.standardizedFileURL
        }
        for start in starts {
            var directory = start.standardizedFileURL
            while directory.path != "/" {
                let candidate = directory.appendingPathComponent("migrations", isDirectory: true)
                if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("0001_roles.sql").path) {
                    return candidate
                }
                directory.deleteLastPathComponent()
            }
        }
        return nil
    }

    /// Applies every pending migration and returns the names of those it applied. `progress` hears each one.
    @discardableResult
    public func migrate(_ pool: PostgresPool, progress: (String) -> Void = { _ in }) async throws -> [String] {
        try await pool.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(Self.lockKey))")
            do {
                let applied = try await apply(on: connection, progress: progress)
                try await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))")
                return applied
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))")
                throw error
            }
        }
    }

    private func apply(on connection: PostgresConnection, progress: (String) -> Void) async throws -> [String] {
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY,
                file_name text NOT NULL,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """)
        let recorded = try await recordedMigrations(on: connection)
        try verify(recorded)
        var applied: [String] = []
        for migration in migrations where recorded[migration.version] == nil {
            progress("applying \(migration.fileName)")
            do {
                try await connection.withTransaction { connection in
                    // Objects belong to the owner role once it exists (after 0001), whoever logged in. The roles are
                    // cluster-wide, so they may exist before 0001 has granted the owner CREATE on this database's
                    // schema: until then 0001 must run as the login role, or its GRANT is silently a no-op.
                    let canBecomeOwner = try await connection.query(
                        """
                        SELECT CASE WHEN EXISTS (SELECT FROM pg_roles WHERE rolname = 'switchyard_owner')
                            THEN pg_has_role(current_user, 'switchyard_owner', 'MEMBER')
                                 AND has_schema_privilege('switchyard_owner', 'public', 'CREATE')
                            ELSE false END
                        """
                    ).first!.decode(Bool.self)
                    if canBecomeOwner { try await connection.query("SET LOCAL ROLE switchyard_owner") }
                    try await connection.execute(unsafeScript: migration.sql)
                    try await connection.query("RESET ROLE")
                    try await connection.query(
                        """
                        INSERT INTO schema_migrations (version, file_name, checksum)
                        VALUES (\(migration.version), \(migration.fileName), \(migration.checksum))
                        """)
                }
            } catch let error as PostgresError {
                throw ControlPlaneError(
                    .migration, "migration \(migration.fileName) failed and was rolled back: \(error.message)")
            }
            applied.append(migration.fileName)
        }
        return applied
    }

    /// Reports each migration's state without changing anything.
    public func status(_ pool: PostgresPool) async throws -> [MigrationStatus] {
        try await pool.withConnection { connection in
            let exists = try await connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL").first!
                .decode(Bool.self)
            let recorded = exists ? try await recordedMigrations(on: connection) : [:]
            var result: [MigrationStatus] = []
            for migration in migrations {
                if let row = recorded[migration.version] {
                    let state = row.checksum == migration.checksum ? "applied" : "changed"
                    result.append(
                        MigrationStatus(
                            version: migration.version, fileName: migration.fileName, state: state,
                            appliedAt: row.appliedAt))
                } else {
                    result.append(
                        MigrationStatus(
                            version: migration.version, fileName: migration.fileName, state: "pending", appliedAt: nil))
                }
            }
            let known = Set(migrations.map(\.version))
            for (version, row) in recorded.sorted(by: { $0.key < $1.key }) where !known.contains(version) {
                result.append(
                    MigrationStatus(version: version, fileName: row.fileName, state: "missing", appliedAt: row.appliedAt))
            }
            return result
        }
    }

    private struct RecordedMigration {
        var fileName: String
        var checksum: String
        var appliedAt: Date
    }

    private func recordedMigrations(on connection: PostgresConnection) async throws -> [Int: RecordedMigration] {
        let rows = try await connection.query("SELECT version, file_name, checksum, applied_at FROM schema_migrations")
        var result: [Int: RecordedMigration] = [:]
        for (version, fileName, checksum, appliedAt) in try rows.decode((Int, String, String, Date).self) {
            result[version] = RecordedMigration(fileName: fileName, checksum: checksum, appliedAt: appliedAt)
        }
        return result
    }

    private func verify(_ recorded: [Int: RecordedMigration]) throws(ControlPlaneError) {
        let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        for (version, row) in recorded.sorted(by: { $0.key < $1.key }) {
            guard let migration = known[version] else {
                throw ControlPlaneError(
                    .migration,
                    "the database has migration \(row.fileName), which this build does not have "
                        + "(run a newer Switchyard against this database)")
            }
            guard migration.checksum == row.checksum else {
                throw ControlPlaneError(
                    .migration,
                    "migration \(migration.fileName) was changed after it was applied (checksum "
                        + "\(migration.checksum.prefix(12))… differs from \(row.checksum.prefix(12))…); migrations are "
                        + "forward-only: restore the file and put the change in a new migration")
            }
        }
    }
}
