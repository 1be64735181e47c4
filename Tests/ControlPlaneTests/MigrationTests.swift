import Foundation
import Postgres
import TestSupport
import Testing

@testable import ControlPlane

/// `Migrator` and `admin-cli db`, each test on an empty database of its own.
@Suite("Migrations", .enabled(if: TestDatabase.isAvailable))
struct MigrationTests {
    /// The repository's migration files, read independently of the migrator.
    let files: [String]

    init() async throws {
        files = try FileManager.default.contentsOfDirectory(atPath: TestDatabase.migrationsDirectory.path)
            .filter { $0.hasSuffix(".sql") }.sorted()
        // 0001 creates cluster-wide roles, and advisory locks are per database: two empty databases migrated at the
        // same moment on a fresh cluster can race on CREATE ROLE. Having the shared template migrated first (the
        // registry serialises that) means the roles exist before any test here migrates its own database.
        _ = try await TestDatabase.createMigrated(prefix: "mig_roles")
    }

    /// An empty database and a pool on it, closed afterwards.
    func withEmptyDatabase(_ body: (String, PostgresPool) async throws -> Void) async throws {
        let name = try await TestDatabase.createEmpty(prefix: "mig")
        let pool = TestDatabase.pool(name, maxConnections: 2)
        do {
            try await body(name, pool)
            await pool.close()
        } catch {
            await pool.close()
            throw error
        }
    }

    /// A copy of the migrations folder that a test may edit.
    func copyOfMigrations() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sy-migrations-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for file in files {
            try FileManager.default.copyItem(
                at: TestDatabase.migrationsDirectory.appendingPathComponent(file),
                to: directory.appendingPathComponent(file))
        }
        return directory
    }

    func recorded(_ name: String) async throws -> [(Int, String, String)] {
        try await TestDatabase.withSuperuser(name) {
            try await $0.query("SELECT version, file_name, checksum FROM schema_migrations ORDER BY version")
                .decode((Int, String, String).self)
        }
    }

    /// The SHA-256 of a file as hex, computed by the server rather than by the code under test.
    func serverSHA256(of file: URL, database: String) async throws -> String {
        let data = try Data(contentsOf: file)
        return try await TestDatabase.withSuperuser(database) {
            try await $0.query("SELECT encode(sha256(\(data)), 'hex')").first!.decode(String.self)
        }
    }

    @Test func theRepositoryHasTheFoundationMigrations() throws {
        #expect(files.count >= 5)
        #expect(files.prefix(5).map { String($0.prefix(4)) } == ["0001", "0002", "0003", "0004", "0005"])
        #expect(try Migrator(directory: TestDatabase.migrationsDirectory).migrations.map(\.fileName) == files)
    }

    @Test func anEmptyDatabaseHasEveryMigrationPending() async throws {
        let migrator = try Migrator(directory: TestDatabase.migrationsDirectory)
        try await withEmptyDatabase { _, pool in
            let status = try await migrator.status(pool)
            #expect(status.map(\.fileName) == files)
            #expect(status.allSatisfy { $0.state == "pending" && $0.appliedAt == nil })
        }
    }

    @Test func migrateIsIdempotent() async throws {
        let migrator = try Migrator(directory: TestDatabase.migrationsDirectory)
        try await withEmptyDatabase { name, pool in
            #expect(try await migrator.migrate(pool) == files)
            #expect(try await migrator.migrate(pool) == [])
            let status = try await migrator.status(pool)
            #expect(status.map(\.fileName) == files)
            #expect(status.map(\.state) == Array(repeating: "applied", count: files.count))
            #expect(status.allSatisfy { $0.appliedAt != nil })
            #expect(try await recorded(name).map(\.1) == files)

            let cli = try await ChildProcess.adminCLI(["db", "migrate"], database: name)
            #expect(cli.status == 0, "\(cli)")
            #expect(cli.stdout == "database is up to date (\(files.count) migrations)\n")
            let statusJSON = try await ChildProcess.adminCLI(["db", "status", "--json"], database: name)
            #expect(statusJSON.status == 0, "\(statusJSON)")
            let rows = try #require(
                try JSONSerialization.jsonObject(with: Data(statusJSON.stdout.utf8)) as? [[String: Any]])
            #expect(rows.map { $0["file_name"] as? String } == files)
            #expect(rows.map { $0["state"] as? String } == Array(repeating: "applied", count: files.count))
            #expect(rows.map { $0["version"] as? Int } == files.map { Int($0.prefix(4)) })
            #expect(rows.allSatisfy { parseISO($0["applied_at"]) != nil })
        }
    }

    @Test func theCLIAppliesEverythingToAnEmptyDatabase() async throws {
        try await withEmptyDatabase { name, _ in
            let result = try await ChildProcess.adminCLI(["db", "migrate"], database: name)
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout == "applied \(files.count) migration(s); database is up to date\n")
            #expect(result.stderr == files.map { "applying \($0)\n" }.joined())
            #expect(try await recorded(name).map(\.1) == files)
        }
    }

    @Test func commandsRefuseADatabaseThatIsNotMigrated() async throws {
        try await withEmptyDatabase { name, _ in
            let result = try await ChildProcess.adminCLI(["tenant", "list"], database: name)
            #expect(result.status == 1)
            #expect(
                result.stderr
                    == "error: database schema is not current (\(files[0]) is pending); run: admin-cli db migrate\n")
        }
    }

    @Test func concurrentMigrationsFromTwoPoolsApplyEachFileOnce() async throws {
        let migrator = try Migrator(directory: TestDatabase.migrationsDirectory)
        try await withEmptyDatabase { name, _ in
            let first = TestDatabase.pool(name, maxConnections: 1)
            let second = TestDatabase.pool(name, maxConnections: 1)
            async let appliedByFirst = migrator.migrate(first)
            async let appliedBySecond = migrator.migrate(second)
            let (a, b) = try await (appliedByFirst, appliedBySecond)
            await first.close()
            await second.close()
            // Every file applied by exactly one of them; the lock makes the loser find nothing left to do.
            #expect((a + b).sorted() == files)
            #expect(Set(a).isDisjoint(with: b))
            let counts = try await TestDatabase.withSuperuser(name) {
                try await $0.query("SELECT file_name, count(*) FROM schema_migrations GROUP BY file_name ORDER BY 1")
                    .decode((String, Int).self)
            }
            #expect(counts.map(\.0) == files)
            #expect(counts.allSatisfy { $0.1 == 1 })
        }
    }

    @Test func concurrentCLIMigrationsAreSafe() async throws {
        try await withEmptyDatabase { name, _ in
            async let first = ChildProcess.adminCLI(["db", "migrate"], database: name)
            async let second = ChildProcess.adminCLI(["db", "migrate"], database: name)
            let results = try await [first, second]
            #expect(results.allSatisfy { $0.status == 0 }, "\(results)")
            #expect(try await recorded(name).map(\.1) == files)
        }
    }

    @Test func aChangedMigrationIsRefusedByName() async throws {
        let directory = try copyOfMigrations()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await withEmptyDatabase { name, pool in
            try await Migrator(directory: directory).migrate(pool)
            let edited = directory.appendingPathComponent("0003_tenants.sql")
            let handle = try FileHandle(forWritingTo: edited)
            handle.seekToEndOfFile()
            handle.write(Data("\n-- an innocent-looking edit\n".utf8))
            try handle.close()

            let old = try #require(try await recorded(name).first { $0.1 == "0003_tenants.sql" }).2
            let new = try await serverSHA256(of: edited, database: name)
            let message =
                "migration 0003_tenants.sql was changed after it was applied (checksum \(new.prefix(12))… differs from "
                + "\(old.prefix(12))…); migrations are forward-only: restore the file and put the change in a new migration"
            let error = await #expect(throws: ControlPlaneError.self) {
                try await Migrator(directory: directory).migrate(pool)
            }
            #expect(error?.code == .migration)
            #expect(error?.message == message)

            let status = try await Migrator(directory: directory).status(pool)
            #expect(status.map(\.state) == files.map { $0 == "0003_tenants.sql" ? "changed" : "applied" })

            let environment = [
                "DATABASE_URL": TestDatabase.connectionString(database: name), "SWITCHYARD_MIGRATIONS": directory.path,
            ]
            let cliStatus = try await ChildProcess.run(ChildProcess.adminCLI, ["db", "status"], environment: environment)
            #expect(cliStatus.status == 1, "\(cliStatus)")
            #expect(cliStatus.stderr == "error: migrations do not match the database (see the STATE column)\n")
            let line = try #require(cliStatus.stdout.split(separator: "\n").first { $0.contains("0003_tenants.sql") })
            #expect(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst(2).first == "changed")

            let cliJSON = try await ChildProcess.run(
                ChildProcess.adminCLI, ["db", "status", "--json"], environment: environment)
            #expect(cliJSON.status == 1)
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(cliJSON.stdout.utf8)) as? [[String: Any]])
            #expect(rows.map { $0["state"] as? String } == files.map { $0 == "0003_tenants.sql" ? "changed" : "applied" })

            let cliMigrate = try await ChildProcess.run(ChildProcess.adminCLI, ["db", "migrate"], environment: environment)
            #expect(cliMigrate.status == 1)
            #expect(cliMigrate.stderr == "error: \(message)\n")
            // The other commands refuse to run on a database whose history does not match.
            let cliList = try await ChildProcess.run(ChildProcess.adminCLI, ["tenant", "list"], environment: environment)
            #expect(cliList.status == 1)
            #expect(
                cliList.stderr
                    == "error: database schema is not current (0003_tenants.sql is changed); run: admin-cli db migrate\n")
        }
    }

    @Test func aBrokenMigrationIsRolledBackAndNamed() async throws {
        let directory = try copyOfMigrations()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await withEmptyDatabase { name, pool in
            try await Migrator(directory: directory).migrate(pool)
            let broken = directory.appendingPathComponent("0900_half_done.sql")
            try Data(
                """
                CREATE TABLE half_done (id integer PRIMARY KEY);
                INSERT INTO half_done VALUES (1);
                ALTER TABLE tenants ADD COLUMN half_done_flag boolean;
                SELECT 1 / 0;
                """.utf8
            ).write(to: broken)

            let error = await #expect(throws: ControlPlaneError.self) {
                try await Migrator(directory: directory).migrate(pool)
            }
            #expect(error?.code == .migration)
            #expect(error?.message == "migration 0900_half_done.sql failed and was rolled back: division by zero")

            let leftovers = try await TestDatabase.withSuperuser(name) { connection in
                try await connection.query(
                    """
                    SELECT to_regclass('public.half_done') IS NULL,
                           NOT EXISTS (SELECT FROM information_schema.columns
                                       WHERE table_name = 'tenants' AND column_name = 'half_done_flag'),
                           NOT EXISTS (SELECT FROM schema_migrations WHERE version = 900)
                    """
                ).first!.decode((Bool, Bool, Bool).self)
            }
            #expect(leftovers == (true, true, true))
            #expect(try await Migrator(directory: directory).status(pool).last?.state == "pending")

            let environment = [
                "DATABASE_URL": TestDatabase.connectionString(database: name), "SWITCHYARD_MIGRATIONS": directory.path,
            ]
            let cli = try await ChildProcess.run(ChildProcess.adminCLI, ["db", "migrate"], environment: environment)
            #expect(cli.status == 1)
            #expect(cli.stderr.hasSuffix("error: migration 0900_half_done.sql failed and was rolled back: division by zero\n"))

            // Fixed, it applies on the next run: the failure released the lock and recorded nothing.
            try Data("CREATE TABLE half_done (id integer PRIMARY KEY);\n".utf8).write(to: broken)
            #expect(try await Migrator(directory: directory).migrate(pool) == ["0900_half_done.sql"])
        }
    }
}
