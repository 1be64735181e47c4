import ControlPlane
import Foundation
import Postgres
import TestSupport
import Testing

/// Row-level security as the application role sees it: one tenant's context never reaches another tenant's rows.
/// The tables are found in the catalog, so a table added later is covered without touching this suite.
@Suite("Tenant isolation", .enabled(if: TestDatabase.isAvailable))
struct TenantIsolationTests {
    /// Tenants A and B, each with a user and a token, made through the control plane; shared by the suite's tests,
    /// which only read or attempt writes that must fail.
    struct World: Sendable {
        let fixtureName: String
        let pool: PostgresPool
        let a: Tenant
        let b: Tenant
        /// Every table of schema `public` with a `tenant_id` column.
        let tenantTables: [String]

        var database: ControlPlaneDatabase { ControlPlaneDatabase(pool: pool) }

        static func make() async throws -> World {
            let name = try await TestDatabase.createMigrated(prefix: "isolation")
            let pool = TestDatabase.pool(name, maxConnections: 2)
            let database = ControlPlaneDatabase(pool: pool)
            let tenants = Tenants(database: database)
            let a = try await tenants.create(slug: try TenantSlug("tenant-a"), displayName: "A", actor: Actor("test"))
            let b = try await tenants.create(slug: try TenantSlug("tenant-b"), displayName: "B", actor: Actor("test"))
            for (slug, email) in [("tenant-a", "anna@a.example"), ("tenant-b", "bert@b.example")] {
                _ = try await Users(database: database).add(
                    email: try EmailAddress(email), tenant: slug, role: .owner, password: "a long passphrase",
                    actor: Actor("test"))
                _ = try await Tokens(database: database).issue(
                    tenant: slug, email: email, lifetime: nil, scopes: [], actor: Actor("test"))
            }
            // An installation per tenant (a minimal package version to install first).
            let submission = PackageRegistry.Submission(
                name: "iso-pkg", version: "1.0.0", major: 1, minor: 0, patch: 0, prerelease: "", title: "Isolation",
                manifestJSON: "{}", bundle: Data([1]), sha256: String(repeating: "ab", count: 32))
            _ = try await PackageRegistry(database: database).publish(submission, actor: Actor("test"))
            let installations = Installations(database: database, keyring: Keyring(current: MasterKey.generate()))
            for slug in ["tenant-a", "tenant-b"] {
                _ = try await installations.install(
                    tenant: slug, name: "erp", packageName: "iso-pkg", version: "1.0.0",
                    config: InstallationConfig(
                        publicConfigJSON: #"{"host": "h"}"#, secretsJSON: #"{"/password": "p"}"#, secretPointers: ["/password"]),
                    actor: Actor("test"))
            }
            // And a route per tenant, using that installation at both ends.
            for slug in ["tenant-a", "tenant-b"] {
                _ = try await Routes(database: database).apply(
                    RouteRecord(
                        name: "nightly", definitionJSON: #"{"name": "nightly"}"#, sourceInstallation: "erp",
                        destinationInstallation: "erp", triggerKind: "manual", cron: nil, timeZone: nil, enabled: true),
                    tenant: slug, dryRun: false, actor: Actor("test"))
                // And a run of it.
                _ = try await Runs(database: database).startManual(tenant: slug, route: "nightly", owner: "test")
            }
            let tables = try await TestDatabase.withSuperuser(name) {
                try await $0.query(
                    """
                    SELECT c.table_name FROM information_schema.columns c
                    JOIN information_schema.tables t USING (table_schema, table_name)
                    WHERE c.table_schema = 'public' AND c.column_name = 'tenant_id' AND t.table_type = 'BASE TABLE'
                    ORDER BY 1
                    """
                ).decode(String.self)
            }
            return World(fixtureName: name, pool: pool, a: a, b: b, tenantTables: tables)
        }
    }

    private actor SharedWorld {
        static let shared = SharedWorld()
        private var task: Task<World, any Error>?

        func get() async throws -> World {
            if task == nil { task = Task { try await World.make() } }
            return try await task!.value
        }
    }

    let world: World

    init() async throws {
        world = try await SharedWorld.shared.get()
    }

    /// One transaction as `switchyard_app`, in tenant `tenant`'s context or in none.
    func asApp<T>(tenant: Tenant?, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        var settings: [(name: String, value: String)] = [("role", "switchyard_app")]
        if let tenant { settings.append(("switchyard.tenant_id", tenant.id.description)) }
        return try await world.pool.withTransaction(settings: settings, body)
    }

    func superuserCount(_ table: String, tenant: Tenant) async throws -> Int {
        try await TestDatabase.withSuperuser(world.fixtureName) {
            try await $0.query("SELECT count(*) FROM \(identifier: table) WHERE tenant_id = \(tenant.id.rawValue)")
                .first!.decode(Int.self)
        }
    }

    func appHasPrivilege(_ table: String, _ privilege: String) async throws -> Bool {
        try await TestDatabase.withSuperuser(world.fixtureName) {
            try await $0.query("SELECT has_table_privilege('switchyard_app', \(table), \(privilege))").first!
                .decode(Bool.self)
        }
    }

    @Test func theCatalogListsTheTenantTables() {
        // At least the tables of the foundation migrations; later ones join automatically.
        #expect(Set(world.tenantTables).isSuperset(of: ["users", "api_tokens", "admin_audit"]))
    }

    @Test func anotherTenantsRowsAreInvisible() async throws {
        for table in world.tenantTables {
            // Both tenants have rows here, so a zero below means hidden, not absent.
            #expect(try await superuserCount(table, tenant: world.a) > 0, "\(table)")
            #expect(try await superuserCount(table, tenant: world.b) > 0, "\(table)")
            let (ofA, ofB, all) = try await asApp(tenant: world.b) { connection in
                try await connection.query(
                    """
                    SELECT count(*) FILTER (WHERE tenant_id = \(world.a.id.rawValue)),
                           count(*) FILTER (WHERE tenant_id = \(world.b.id.rawValue)), count(*)
                    FROM \(identifier: table)
                    """
                ).first!.decode((Int, Int, Int).self)
            }
            #expect(ofA == 0, "\(table): tenant B sees \(ofA) rows of tenant A")
            #expect(ofB == (try await superuserCount(table, tenant: world.b)), "\(table)")
            #expect(all == ofB, "\(table)")
        }
    }

    @Test func insertingForAnotherTenantIsRefused() async throws {
        for table in world.tenantTables {
            // A's own row, copied: only its tenant_id can make it unacceptable in B's context (row-level security
            // is checked before unique constraints, so a missing policy would show up as 23505, not 42501).
            let rowOfA = try await TestDatabase.withSuperuser(world.fixtureName) { connection -> String? in
                try await connection.query(
                    "SELECT row_to_json(t)::text FROM \(identifier: table) t WHERE tenant_id = \(world.a.id.rawValue) LIMIT 1"
                ).first?.decode(String.self)
            }
            // A new tenant table must get rows in World.make, or this check would prove nothing.
            guard let rowOfA = rowOfA else {
                Issue.record("\(table) has no row of tenant A: add one to World.make")
                continue
            }
            let error = await #expect(throws: PostgresError.self, "\(table)") {
                try await asApp(tenant: world.b) { connection in
                    try await connection.query(
                        """
                        INSERT INTO \(identifier: table)
                        SELECT * FROM json_populate_record(NULL::\(identifier: table), \(rowOfA)::json)
                        """)
                }
            }
            #expect(error?.sqlState == "42501", "\(table): \(String(describing: error))")
        }
    }

    @Test func updatingAnotherTenantsRowsTouchesNothing() async throws {
        for table in world.tenantTables {
            let before = try await superuserCount(table, tenant: world.a)
            let update: PostgresQuery =
                "UPDATE \(identifier: table) SET tenant_id = \(world.b.id.rawValue) WHERE tenant_id = \(world.a.id.rawValue)"
            if try await appHasPrivilege(table, "UPDATE") {
                let affected = try await asApp(tenant: world.b) { try await $0.query(update).affectedRows }
                #expect(affected == 0, "\(table)")
            } else {
                let error = await #expect(throws: PostgresError.self, "\(table)") {
                    try await asApp(tenant: world.b) { try await $0.query(update) }
                }
                #expect(error?.sqlState == "42501", "\(table)")
            }
            #expect(try await superuserCount(table, tenant: world.a) == before, "\(table)")
        }
    }

    @Test func withoutATenantContextNothingIsVisible() async throws {
        for table in world.tenantTables + ["tenants"] {
            let count = try await asApp(tenant: nil) { connection in
                try await connection.query("SELECT count(*) FROM \(identifier: table)").first!.decode(Int.self)
            }
            #expect(count == 0, "\(table)")
        }
    }

    @Test func aTenantSeesOnlyItsOwnTenantRow() async throws {
        let slugs = try await asApp(tenant: world.b) { connection in
            try await connection.query("SELECT slug FROM tenants ORDER BY slug").decode(String.self)
        }
        #expect(slugs == ["tenant-b"])
        let renamed = try await asApp(tenant: world.b) { connection in
            try await connection.query("UPDATE tenants SET display_name = 'hijacked'").affectedRows
        }
        #expect(renamed == 0)
    }

    @Test func rowLevelSecurityIsEnabledAndForced() async throws {
        let tables = world.tenantTables + ["tenants"]
        let flags = try await TestDatabase.withSuperuser(world.fixtureName) {
            try await $0.query(
                """
                SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relname = ANY(\(tables)) ORDER BY 1
                """
            ).decode((String, Bool, Bool).self)
        }
        #expect(flags.map(\.0) == tables.sorted())
        for (table, enabled, forced) in flags {
            #expect(enabled, "\(table): row-level security is not enabled")
            #expect(forced, "\(table): row-level security is not forced")
        }
    }

    @Test func theRuntimeRolesOwnNothingAndBypassNothing() async throws {
        let (owned, powers) = try await TestDatabase.withSuperuser(world.fixtureName) { connection in
            let owned = try await connection.query(
                """
                SELECT c.relname || ' owned by ' || pg_get_userbyid(c.relowner)
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
                  AND pg_get_userbyid(c.relowner) IN ('switchyard_app', 'switchyard_auditor')
                """
            ).decode(String.self)
            let powers = try await connection.query(
                """
                SELECT rolname, rolbypassrls, rolsuper FROM pg_roles
                WHERE rolname IN ('switchyard_app', 'switchyard_auditor') ORDER BY 1
                """
            ).decode((String, Bool, Bool).self)
            return (owned, powers)
        }
        #expect(owned.isEmpty, "\(owned)")
        #expect(powers.map(\.0) == ["switchyard_app", "switchyard_auditor"])
        for (role, bypassRLS, superuser) in powers {
            #expect(!bypassRLS, "\(role) bypasses row-level security")
            #expect(!superuser, "\(role) is a superuser")
        }
    }
}
