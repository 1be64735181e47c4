import ControlPlane
import Foundation
import TestSupport
import Testing

/// `admin-cli tenant …` through the real binary.
@Suite("admin-cli tenant", .enabled(if: TestDatabase.isAvailable))
struct AdminCLITenantCommandTests {
    static let slugRule =
        "': use 3-40 lowercase letters, digits and hyphens, starting and ending with a letter or digit (e.g. acme-shop)"

    @Test func createPrintsTheNewTenantAndAuditsIt() async throws {
        try await ControlPlaneFixture.with { fixture in
            let stdout = try await fixture.succeed(["tenant", "create", "acme-shop", "--name", "Acme Shop", "--actor", "alice"])
            let (id, slug, name, status) = try #require(
                try await fixture.superuser("SELECT id, slug, display_name, status FROM tenants").first
            ).decode((UUID, String, String, String).self)
            #expect(stdout == "created tenant 'acme-shop' (Acme Shop), id \(id.uuidString.lowercased())\n")
            #expect(slug == "acme-shop")
            #expect(name == "Acme Shop")
            #expect(status == "active")
            let audit = try await fixture.superuser("SELECT actor, action, target, tenant_id FROM admin_audit")
                .decode((String, String, String, UUID?).self)
            #expect(audit.count == 1)
            #expect(audit.first?.0 == "alice")
            #expect(audit.first?.1 == "tenant.create")
            #expect(audit.first?.2 == "tenant:acme-shop")
            #expect(audit.first?.3 == id)
        }
    }

    @Test(
        "invalid slugs are usage errors",
        arguments: ["Acme", "ab", "acme_shop", "acme-", "acme shop", String(repeating: "x", count: 41), "acmé"])
    func invalidSlug(_ slug: String) async throws {
        try await ControlPlaneFixture.with { fixture in
            try await fixture.fail(
                ["tenant", "create", slug, "--name", "Acme"], status: 2,
                message: "invalid tenant slug '\(slug)\(Self.slugRule)\(usageHint("tenant create"))")
        }
    }

    @Test func aLeadingHyphenIsRefusedToo() async throws {
        try await ControlPlaneFixture.with { fixture in
            try await fixture.fail(
                ["tenant", "create", "--name", "Acme", "--", "-acme"], status: 2,
                message: "invalid tenant slug '-acme\(Self.slugRule)\(usageHint("tenant create"))")
        }
    }

    @Test func nameRules() async throws {
        try await ControlPlaneFixture.with { fixture in
            try await fixture.fail(
                ["tenant", "create", "acme", "--name", "   "], status: 2,
                message: "--name must not be empty\(usageHint("tenant create"))")
            try await fixture.fail(
                ["tenant", "create", "acme", "--name", String(repeating: "n", count: 201)], status: 1,
                message: "tenant name must be 1-200 characters (use --name \"Acme Shop\")")
            try await fixture.fail(
                ["tenant", "create", "acme"], status: 2,
                message: "Missing expected argument '--name <name>'\(usageHint("tenant create"))")
            try await fixture.succeed(["tenant", "create", "acme", "--name", String(repeating: "n", count: 200)])
        }
    }

    @Test func duplicateSlugsAreRefused() async throws {
        try await ControlPlaneFixture.with { fixture in
            try await fixture.succeed(["tenant", "create", "acme", "--name", "Acme"])
            try await fixture.fail(
                ["tenant", "create", "acme", "--name", "Another Acme"], status: 1, message: "tenant 'acme' already exists")
        }
    }

    @Test func listAndShow() async throws {
        try await ControlPlaneFixture.with { fixture in
            #expect(try await fixture.succeed(["tenant", "list"]).hasSuffix("(none)\n"))
            #expect(try await fixture.jsonArray(["tenant", "list"]).isEmpty)
            let beta = try await fixture.createTenant("beta", name: "Beta Ltd")
            let alpha = try await fixture.createTenant("alpha", name: "Alpha Inc")

            let list = try await fixture.jsonArray(["tenant", "list"])
            #expect(list.map { $0["slug"] as? String } == ["alpha", "beta"])
            #expect(list.map { $0["id"] as? String } == [alpha.id.description, beta.id.description])
            for entry in list {
                #expect(
                    Set(entry.keys)
                        == [
                            "id", "slug", "display_name", "status", "max_concurrent_runs", "max_runs_per_hour", "created_at",
                            "updated_at",
                        ])
                #expect(entry["status"] as? String == "active")
                // The defaults of migration 0003.
                #expect(entry["max_concurrent_runs"] as? Int == 4)
                #expect(entry["max_runs_per_hour"] as? Int == 600)
                #expect(parseISO(entry["created_at"]) != nil)
                #expect(parseISO(entry["updated_at"]) != nil)
            }

            let table = try await fixture.succeed(["tenant", "list"]).split(separator: "\n")
            #expect(table.count == 3)
            #expect(table[0].split(separator: " ", omittingEmptySubsequences: true).first == "SLUG")
            #expect(table[1].hasPrefix("alpha "))
            #expect(table[1].contains(" Alpha Inc "))
            #expect(table[2].hasPrefix("beta "))

            let shown = try await fixture.jsonObject(["tenant", "show", "alpha"])
            #expect(shown["id"] as? String == alpha.id.description)
            #expect(shown["slug"] as? String == "alpha")
            #expect(shown["display_name"] as? String == "Alpha Inc")
            #expect(shown["status"] as? String == "active")

            let fields = fieldTable(try await fixture.succeed(["tenant", "show", "alpha"]))
            #expect(fields["slug"] == "alpha")
            #expect(fields["name"] == "Alpha Inc")
            #expect(fields["id"] == alpha.id.description)
            #expect(fields["status"] == "active")
            #expect(fields["max concurrent runs"] == "4")
            #expect(fields["max runs per hour"] == "600")
        }
    }

    @Test func unknownTenants() async throws {
        try await ControlPlaneFixture.with { fixture in
            try await fixture.createTenant("acme")
            let message = "unknown tenant 'nope' (see: admin-cli tenant list)"
            try await fixture.fail(["tenant", "show", "nope"], status: 1, message: message)
            try await fixture.fail(["tenant", "show", "nope", "--json"], status: 1, message: message)
            try await fixture.fail(["tenant", "suspend", "nope"], status: 1, message: message)
            try await fixture.fail(["tenant", "resume", "nope"], status: 1, message: message)
            try await fixture.fail(["tenant", "delete", "nope", "--confirm", "nope"], status: 1, message: message)
        }
    }

    @Test func suspendResumeDeleteLifecycle() async throws {
        try await ControlPlaneFixture.with { fixture in
            try await fixture.createTenant("acme")
            try await fixture.fail(["tenant", "resume", "acme"], status: 1, message: "tenant 'acme' is active; cannot resume it")

            #expect(try await fixture.succeed(["tenant", "suspend", "acme"]) == "suspended tenant 'acme'\n")
            #expect(try await fixture.jsonObject(["tenant", "show", "acme"])["status"] as? String == "suspended")
            try await fixture.fail(
                ["tenant", "suspend", "acme"], status: 1, message: "tenant 'acme' is suspended; cannot suspend it")

            #expect(try await fixture.succeed(["tenant", "resume", "acme"]) == "resumed tenant 'acme'\n")
            #expect(try await fixture.jsonObject(["tenant", "show", "acme"])["status"] as? String == "active")

            try await fixture.fail(
                ["tenant", "delete", "acme", "--confirm", "acme-shop"], status: 2,
                message: "deleting tenant 'acme' needs --confirm acme (the slug typed again)\(usageHint("tenant delete"))")
            #expect(try await fixture.jsonObject(["tenant", "show", "acme"])["status"] as? String == "active")

            #expect(try await fixture.succeed(["tenant", "delete", "acme", "--confirm", "acme"]) == "deleted tenant 'acme'\n")
            #expect(try await fixture.jsonObject(["tenant", "show", "acme"])["status"] as? String == "deleted")
            try await fixture.fail(
                ["tenant", "delete", "acme", "--confirm", "acme"], status: 1,
                message: "tenant 'acme' is deleted; cannot delete it")
            try await fixture.fail(
                ["tenant", "resume", "acme"], status: 1, message: "tenant 'acme' is deleted; cannot resume it")
            try await fixture.fail(
                ["tenant", "suspend", "acme"], status: 1, message: "tenant 'acme' is deleted; cannot suspend it")
            try await fixture.fail(
                ["tenant", "create", "acme", "--name", "Acme again"], status: 1,
                message: "tenant 'acme' already exists (deleted; slugs are never reused)")

            // A deleted tenant is still listed, and every change was audited in order.
            #expect(try await fixture.jsonArray(["tenant", "list"]).map { $0["status"] as? String } == ["deleted"])
            let audit = try await fixture.jsonArray(["audit", "list"])
            #expect(
                audit.map { $0["action"] as? String }
                    == ["tenant.create", "tenant.suspend", "tenant.resume", "tenant.delete"])
            #expect(audit.allSatisfy { $0["target"] as? String == "tenant:acme" })
            #expect(audit.allSatisfy { $0["tenant_slug"] as? String == "acme" })
            #expect(audit.map { $0["seq"] as? Int } == [1, 2, 3, 4])
        }
    }

    @Test func createJSON() async throws {
        try await ControlPlaneFixture.with { fixture in
            let created = try await fixture.jsonObject(["tenant", "create", "acme", "--name", "Acme Shop"])
            let id = try await fixture.superuser("SELECT id FROM tenants").first!.decode(UUID.self)
            #expect(created["id"] as? String == id.uuidString.lowercased())
            #expect(created["slug"] as? String == "acme")
            #expect(created["display_name"] as? String == "Acme Shop")
            #expect(created["status"] as? String == "active")
        }
    }
}
