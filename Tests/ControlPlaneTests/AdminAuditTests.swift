import ControlPlane
import Foundation
import Postgres
import TestSupport
import Testing

/// The append-only, hash-chained admin audit: `AdminAuditLog` and `admin-cli audit`.
@Suite("Admin audit", .enabled(if: TestDatabase.isAvailable))
struct AdminAuditTests {
    /// A database with five audited changes: two tenants, a suspension, a resumption, a token.
    func withHistory(_ body: (ControlPlaneFixture) async throws -> Void) async throws {
        try await ControlPlaneFixture.with { fixture in
            let acme = try await fixture.createTenant("acme", actor: "alice")
            try await fixture.createTenant("beta", actor: "bob")
            _ = try await Tenants(database: fixture.database).suspend("beta", actor: Actor("carol"))
            _ = try await Tenants(database: fixture.database).resume("beta", actor: Actor("carol"))
            try await fixture.seedUser("anna@acme.example", tenant: acme)
            _ = try await fixture.issueToken(tenant: "acme", email: "anna@acme.example")
            try await body(fixture)
        }
    }

    /// Runs `statement` as the superuser with the audit's own triggers off, the way someone with full access would
    /// tamper with it.
    func tamper(_ fixture: ControlPlaneFixture, _ statement: PostgresQuery) async throws {
        try await TestDatabase.withSuperuser(fixture.name) { connection in
            try await connection.query("ALTER TABLE admin_audit DISABLE TRIGGER USER")
            try await connection.query(statement)
            try await connection.query("ALTER TABLE admin_audit ENABLE TRIGGER USER")
        }
    }

    func expectBroken(_ fixture: ControlPlaneFixture, seq: Int, reason: String) async throws {
        #expect(try await AdminAuditLog.verify(fixture.database) == .broken(seq: seq, reason: reason))
        try await fixture.fail(["audit", "verify"], status: 1, message: "admin audit broken at row \(seq): \(reason)")
    }

    @Test func anUntouchedAuditVerifies() async throws {
        try await withHistory { fixture in
            #expect(try await fixture.rowCounts().adminAudit == 5)
            #expect(try await AdminAuditLog.verify(fixture.database) == .intact(rows: 5))
            #expect(
                try await fixture.succeed(["audit", "verify"]) == "admin audit intact: 5 rows, every hash and link matches\n")
            let json = try await fixture.jsonObject(["audit", "verify"])
            #expect(json["intact"] as? Bool == true)
            #expect(json["rows"] as? Int == 5)
            // CLI changes are chained onto the same log.
            try await fixture.succeed(["tenant", "suspend", "acme"])
            #expect(try await AdminAuditLog.verify(fixture.database) == .intact(rows: 6))
        }
    }

    @Test func anEmptyAuditVerifies() async throws {
        try await ControlPlaneFixture.with { (fixture) async throws in
            #expect(try await AdminAuditLog.verify(fixture.database) == .intact(rows: 0))
            #expect(
                try await fixture.succeed(["audit", "verify"]) == "admin audit intact: 0 rows, every hash and link matches\n")
            #expect(try await fixture.jsonArray(["audit", "list"]).isEmpty)
        }
    }

    @Test func listShowsChangesOldestFirst() async throws {
        try await withHistory { fixture in
            let entries = try await AdminAuditLog.list(fixture.database)
            #expect(entries.map(\.seq) == [1, 2, 3, 4, 5])
            #expect(
                entries.map(\.action) == ["tenant.create", "tenant.create", "tenant.suspend", "tenant.resume", "token.issue"])
            #expect(entries.map(\.actor) == ["alice", "bob", "carol", "carol", "seed"])
            #expect(entries.map(\.tenantSlug) == ["acme", "beta", "beta", "beta", "acme"])

            let json = try await fixture.jsonArray(["audit", "list"])
            #expect(json.map { $0["seq"] as? Int } == [1, 2, 3, 4, 5])
            #expect(
                json.map { $0["target"] as? String } == [
                    "tenant:acme", "tenant:beta", "tenant:beta", "tenant:beta", entries[4].target,
                ])
            for entry in json {
                #expect(
                    Set(entry.keys).isSuperset(of: ["seq", "occurred_at", "actor", "action", "target", "tenant_slug"]))
                #expect(parseISO(entry["occurred_at"]) != nil)
            }
            // Snapshots are JSON of the record, before and after.
            let suspend = try #require(json.first { $0["action"] as? String == "tenant.suspend" })
            // They are printed as JSON objects, not as strings that hold JSON.
            #expect((suspend["before"] as? [String: Any])?["status"] as? String == "active")
            #expect((suspend["after"] as? [String: Any])?["status"] as? String == "suspended")

            #expect(try await fixture.jsonArray(["audit", "list", "--tenant", "acme"]).map { $0["seq"] as? Int } == [1, 5])
            #expect(try await fixture.jsonArray(["audit", "list", "--limit", "2"]).map { $0["seq"] as? Int } == [4, 5])
            try await fixture.fail(
                ["audit", "list", "--tenant", "nope"], status: 1, message: "unknown tenant 'nope' (see: admin-cli tenant list)")

            let table = try await fixture.succeed(["audit", "list"]).split(separator: "\n")
            #expect(table.count == 6)
            #expect(table[1].split(separator: " ", omittingEmptySubsequences: true).first == "1")
            #expect(table[1].hasSuffix("tenant:acme"))
        }
    }

    @Test func theApplicationRoleCannotChangeOrRemoveRows() async throws {
        try await withHistory { (fixture) async throws in
            let statements: [PostgresQuery] = [
                "UPDATE admin_audit SET actor = 'mallory' WHERE seq = 2", "DELETE FROM admin_audit WHERE seq = 2",
                "TRUNCATE admin_audit",
            ]
            for statement in statements {
                let error = await #expect(throws: PostgresError.self, "\(statement)") {
                    try await fixture.database.withPlatformScope { try await $0.query(statement) }
                }
                #expect(error?.sqlState == "42501", "\(statement)")
            }
            // Not even the superuser, while the append-only triggers are on.
            for statement in statements {
                let error = await #expect(throws: PostgresError.self, "\(statement)") {
                    try await fixture.superuser(statement)
                }
                #expect(error?.sqlState == "42501", "\(statement)")
                #expect(error?.message.hasPrefix("admin_audit is append-only") == true, "\(statement)")
            }
            #expect(try await fixture.rowCounts().adminAudit == 5)
            #expect(try await AdminAuditLog.verify(fixture.database) == .intact(rows: 5))
        }
    }

    @Test func anAlteredRowIsNamed() async throws {
        try await withHistory { fixture in
            try await tamper(fixture, "UPDATE admin_audit SET actor = 'mallory' WHERE seq = 2")
            try await expectBroken(fixture, seq: 2, reason: "its contents do not match its row_hash (the row was altered)")
        }
    }

    @Test func anAlteredSnapshotIsNamed() async throws {
        try await withHistory { fixture in
            try await tamper(fixture, "UPDATE admin_audit SET after = after || '{\"status\": \"active\"}' WHERE seq = 3")
            try await expectBroken(fixture, seq: 3, reason: "its contents do not match its row_hash (the row was altered)")
        }
    }

    @Test func aRehashedRowBreaksTheNextLink() async throws {
        try await withHistory { fixture in
            // A careful forger recomputes the altered row's own hash; the next row's link still gives it away.
            try await tamper(fixture, "UPDATE admin_audit SET actor = 'mallory' WHERE seq = 2")
            try await tamper(
                fixture,
                """
                UPDATE admin_audit a SET row_hash = sha256(a.prev_hash || convert_to(admin_audit_canonical(a), 'UTF8'))
                WHERE seq = 2
                """)
            try await expectBroken(fixture, seq: 3, reason: "its prev_hash does not match the hash of row 2")
        }
    }

    @Test func aDeletedMiddleRowIsNamed() async throws {
        try await withHistory { fixture in
            try await tamper(fixture, "DELETE FROM admin_audit WHERE seq = 3")
            try await expectBroken(fixture, seq: 4, reason: "row 3 is missing before row 4")
        }
    }

    @Test func aDeletedFirstRowIsNamed() async throws {
        try await withHistory { fixture in
            try await tamper(fixture, "DELETE FROM admin_audit WHERE seq = 1")
            try await expectBroken(fixture, seq: 2, reason: "row 1 is missing before row 2")
        }
    }
}
