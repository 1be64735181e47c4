import ControlPlane
import Foundation
import TestSupport
import Testing

/// `admin-cli user …` through the real binary.
@Suite("admin-cli user", .enabled(if: TestDatabase.isAvailable))
struct AdminCLIUserCommandTests {
    static let oneTimePrefix = "one-time password (shown once, store it now): "

    /// Picks the one-time password out of `user add` / `reset-password` output.
    func oneTimePassword(_ stdout: String) throws -> String {
        let line = try #require(stdout.split(separator: "\n").first { $0.hasPrefix(Self.oneTimePrefix) })
        return String(line.dropFirst(Self.oneTimePrefix.count))
    }

    @Test func addWithAGeneratedPasswordShowsItOnceAndItVerifies() async throws {
        try await ControlPlaneFixture.with { fixture in
            try await fixture.createTenant("acme")
            let stdout = try await fixture.succeed(["user", "add", "anna@acme.example", "--tenant", "acme", "--role", "owner"])
            let password = try oneTimePassword(stdout)
            #expect(password.count == 20)
            #expect(
                stdout
                    == "added user 'anna@acme.example' (owner) in tenant 'acme'\n\(Self.oneTimePrefix)\(password)\n")

            // Only a salted scrypt hash is kept, and the audit never sees the secret.
            let stored = try await fixture.superuser("SELECT password_hash FROM users").first!.decode(String.self)
            #expect(stored.hasPrefix("$scrypt$ln=17,r=8,p=1$"))
            #expect(!stored.contains(password))
            let audit = try await fixture.superuser("SELECT string_agg(admin_audit::text, ' ') FROM admin_audit").first!
                .decode(String.self)
            #expect(!audit.contains(password))
            #expect(!audit.contains("scrypt"))

            #expect(
                try await fixture.succeed(
                    ["user", "verify-password", "anna@acme.example", "--tenant", "acme", "--password-stdin"],
                    stdin: password + "\n") == "password matches for user 'anna@acme.example' in tenant 'acme'\n")
            // A different case of the email finds the same user.
            try await fixture.succeed(
                ["user", "verify-password", "ANNA@acme.example", "--tenant", "acme", "--password-stdin"], stdin: password)
        }
    }

    @Test func addWithPasswordFromStdin() async throws {
        try await ControlPlaneFixture.with { fixture in
            try await fixture.createTenant("acme")
            let stdout = try await fixture.succeed(
                ["user", "add", "bob@acme.example", "--tenant", "acme", "--role", "developer", "--password-stdin"],
                stdin: "a good long passphrase\n")
            #expect(stdout == "added user 'bob@acme.example' (developer) in tenant 'acme'\n")
            // The trailing newline was not part of the password.
            try await fixture.succeed(
                ["user", "verify-password", "bob@acme.example", "--tenant", "acme", "--password-stdin"],
                stdin: "a good long passphrase")
            try await fixture.fail(
                ["user", "verify-password", "bob@acme.example", "--tenant", "acme", "--password-stdin"],
                stdin: "a good long passphrase\n\n", status: 1,
                message: "password does not match for user 'bob@acme.example' in tenant 'acme'")
        }
    }

    @Test(
        "add refuses bad input",
        arguments: [
            (
                ["carl@acme.example", "--role", "viewer", "--password-stdin"], "short\n", Int32(1),
                "password is too short (5 characters; use at least 12)"
            ),
            (
                ["carl@acme.example", "--role", "viewer", "--password-stdin"], "Password1234\n", 1,
                "password is on the list of common passwords; choose another"
            ),
            (
                ["carl@acme.example", "--role", "viewer", "--password-stdin"], "", 2,
                "no password on stdin (pipe it in, e.g. printf '%s' \"$SECRET\" | admin-cli …)"
            ),
            (
                ["not-an-email", "--role", "viewer"], "", 2,
                "invalid email address 'not-an-email' (expected name@example.com)\(usageHint("user add"))"
            ),
            (
                ["carl@acme", "--role", "viewer"], "", 2,
                "invalid email address 'carl@acme' (expected name@example.com)\(usageHint("user add"))"
            ),
            (
                ["carl@acme.example", "--role", "admin"], "", 2,
                "invalid role 'admin' (use one of: owner, developer, viewer, auditor)\(usageHint("user add"))"
            ),
            (
                ["carl@acme.example", "--role", "Owner"], "", 2,
                "invalid role 'Owner' (use one of: owner, developer, viewer, auditor)\(usageHint("user add"))"
            ),
            (
                ["ANNA@Acme.Example", "--role", "viewer", "--password-stdin"], "another good passphrase", 1,
                "user 'ANNA@Acme.Example' already exists in tenant 'acme'"
            ),
        ] as [([String], String, Int32, String)])
    func addRefuses(_ arguments: [String], _ stdin: String, _ status: Int32, _ message: String) async throws {
        try await ControlPlaneFixture.with { fixture in
            let acme = try await fixture.createTenant("acme")
            try await fixture.seedUser("anna@acme.example", tenant: acme)
            var command = ["user", "add", arguments[0], "--tenant", "acme"]
            command += arguments.dropFirst()
            try await fixture.fail(command, stdin: stdin, status: status, message: message)
        }
    }

    @Test func addNeedsAKnownActiveTenant() async throws {
        try await ControlPlaneFixture.with { fixture in
            try await fixture.createTenant("acme")
            try await fixture.createTenant("gone")
            _ = try await Tenants(database: fixture.database).suspend("acme", actor: Actor("seed"))
            _ = try await Tenants(database: fixture.database).delete("gone", confirmation: "gone", actor: Actor("seed"))
            let add = ["user", "add", "dana@acme.example", "--role", "viewer", "--password-stdin"]
            try await fixture.fail(
                add + ["--tenant", "nope"], stdin: "a good long passphrase", status: 1,
                message: "unknown tenant 'nope' (see: admin-cli tenant list)")
            try await fixture.fail(
                add + ["--tenant", "acme"], stdin: "a good long passphrase", status: 1,
                message: "tenant 'acme' is suspended; resume it first (admin-cli tenant resume acme)")
            try await fixture.fail(
                add + ["--tenant", "gone"], stdin: "a good long passphrase", status: 1,
                message: "tenant 'gone' is deleted; it cannot get new users")
        }
    }

    @Test func listShowsUsersByEmail() async throws {
        try await ControlPlaneFixture.with { fixture in
            let acme = try await fixture.createTenant("acme")
            let other = try await fixture.createTenant("other")
            #expect(try await fixture.jsonArray(["user", "list", "--tenant", "acme"]).isEmpty)
            #expect(try await fixture.succeed(["user", "list", "--tenant", "acme"]).hasSuffix("(none)\n"))
            try await fixture.seedUser("zoe@acme.example", tenant: acme, role: .viewer)
            try await fixture.seedUser("Anna@acme.example", tenant: acme, role: .owner)
            try await fixture.seedUser("mallory@other.example", tenant: other)
            _ = try await Users(database: fixture.database).setDisabled(
                true, email: "zoe@acme.example", tenant: "acme", actor: Actor("seed"))

            let users = try await fixture.jsonArray(["user", "list", "--tenant", "acme"])
            #expect(users.map { $0["email"] as? String } == ["Anna@acme.example", "zoe@acme.example"])
            #expect(users.map { $0["role"] as? String } == ["owner", "viewer"])
            #expect(users.allSatisfy { $0["tenant"] as? String == "acme" })
            #expect(users.allSatisfy { ($0["id"] as? String).flatMap(UUID.init(uuidString:)) != nil })
            #expect(users.allSatisfy { parseISO($0["created_at"]) != nil })
            #expect(users[0]["disabled_at"] == nil)
            #expect(parseISO(users[1]["disabled_at"]) != nil)
            #expect(users.allSatisfy { $0["password_hash"] == nil && $0["password"] == nil })

            let table = try await fixture.succeed(["user", "list", "--tenant", "acme"]).split(separator: "\n")
            #expect(table.count == 3)
            #expect(
                table[1].split(separator: " ", omittingEmptySubsequences: true).prefix(3) == [
                    "Anna@acme.example", "owner", "active",
                ])
            #expect(
                table[2].split(separator: " ", omittingEmptySubsequences: true).prefix(3) == [
                    "zoe@acme.example", "viewer", "disabled",
                ])

            try await fixture.fail(
                ["user", "list", "--tenant", "nope"], status: 1, message: "unknown tenant 'nope' (see: admin-cli tenant list)")
        }
    }

    @Test func disableAndEnable() async throws {
        try await ControlPlaneFixture.with { fixture in
            let acme = try await fixture.createTenant("acme")
            try await fixture.seedUser("anna@acme.example", tenant: acme, password: "anna's passphrase")
            let verify = ["user", "verify-password", "anna@acme.example", "--tenant", "acme", "--password-stdin"]

            #expect(
                try await fixture.succeed(["user", "disable", "anna@acme.example", "--tenant", "acme"])
                    == "disabled user 'anna@acme.example' in tenant 'acme'\n")
            try await fixture.fail(
                ["user", "disable", "anna@acme.example", "--tenant", "acme"], status: 1,
                message: "user 'anna@acme.example' in tenant 'acme' is already disabled")
            // The right password of a disabled user is still refused.
            try await fixture.fail(
                verify, stdin: "anna's passphrase", status: 1, message: "user 'anna@acme.example' in tenant 'acme' is disabled")

            #expect(
                try await fixture.succeed(["user", "enable", "anna@acme.example", "--tenant", "acme"])
                    == "enabled user 'anna@acme.example' in tenant 'acme'\n")
            try await fixture.fail(
                ["user", "enable", "anna@acme.example", "--tenant", "acme"], status: 1,
                message: "user 'anna@acme.example' in tenant 'acme' is already enabled")
            try await fixture.succeed(verify, stdin: "anna's passphrase")

            let unknownUser = "unknown user 'zed@acme.example' in tenant 'acme' (see: admin-cli user list --tenant acme)"
            try await fixture.fail(["user", "disable", "zed@acme.example", "--tenant", "acme"], status: 1, message: unknownUser)
            try await fixture.fail(["user", "enable", "zed@acme.example", "--tenant", "acme"], status: 1, message: unknownUser)
            try await fixture.fail(
                ["user", "disable", "anna@acme.example", "--tenant", "nope"], status: 1,
                message: "unknown tenant 'nope' (see: admin-cli tenant list)")

            let actions = try await fixture.jsonArray(["audit", "list", "--tenant", "acme"]).map { $0["action"] as? String }
            #expect(actions == ["tenant.create", "user.disable", "user.enable"])
        }
    }

    @Test func resetPassword() async throws {
        try await ControlPlaneFixture.with { fixture in
            let acme = try await fixture.createTenant("acme")
            try await fixture.seedUser("anna@acme.example", tenant: acme, password: "the old passphrase")
            let verify = ["user", "verify-password", "anna@acme.example", "--tenant", "acme", "--password-stdin"]

            let stdout = try await fixture.succeed(["user", "reset-password", "anna@acme.example", "--tenant", "acme"])
            let password = try oneTimePassword(stdout)
            #expect(
                stdout
                    == "reset the password of user 'anna@acme.example' (owner) in tenant 'acme'\n"
                    + "\(Self.oneTimePrefix)\(password)\n")
            try await fixture.fail(
                verify, stdin: "the old passphrase", status: 1,
                message: "password does not match for user 'anna@acme.example' in tenant 'acme'")
            try await fixture.succeed(verify, stdin: password)

            let reset = ["user", "reset-password", "anna@acme.example", "--tenant", "acme", "--password-stdin"]
            try await fixture.fail(
                reset, stdin: "too short", status: 1, message: "password is too short (9 characters; use at least 12)")
            try await fixture.fail(
                reset, stdin: "letmein12345", status: 1, message: "password is on the list of common passwords; choose another")
            try await fixture.fail(
                ["user", "reset-password", "zed@acme.example", "--tenant", "acme", "--password-stdin"],
                stdin: "a fine new passphrase", status: 1,
                message: "unknown user 'zed@acme.example' in tenant 'acme' (see: admin-cli user list --tenant acme)")
            // The refused attempts left the generated password in place.
            try await fixture.succeed(verify, stdin: password)

            let json = try await fixture.jsonObject(reset, stdin: "a fine new passphrase")
            let user = try #require(json["user"] as? [String: Any])
            #expect(user["email"] as? String == "anna@acme.example")
            #expect(json["password"] == nil)
            try await fixture.succeed(verify, stdin: "a fine new passphrase")

            let actions = try await fixture.jsonArray(["audit", "list", "--tenant", "acme"]).map { $0["action"] as? String }
            #expect(actions == ["tenant.create", "user.reset-password", "user.reset-password"])
        }
    }

    @Test func verifyPasswordRefusals() async throws {
        try await ControlPlaneFixture.with { fixture in
            let acme = try await fixture.createTenant("acme")
            try await fixture.seedUser("anna@acme.example", tenant: acme, password: "anna's passphrase")
            try await fixture.fail(
                ["user", "verify-password", "anna@acme.example", "--tenant", "acme"], stdin: "anna's passphrase", status: 2,
                message: "verify-password reads the password from stdin: add --password-stdin\(usageHint("user verify-password"))"
            )
            let verify = ["user", "verify-password", "anna@acme.example", "--tenant", "acme", "--password-stdin"]
            try await fixture.fail(
                verify, stdin: "", status: 2,
                message: "no password on stdin (pipe it in, e.g. printf '%s' \"$SECRET\" | admin-cli …)")
            try await fixture.fail(
                verify, stdin: "not anna's passphrase", status: 1,
                message: "password does not match for user 'anna@acme.example' in tenant 'acme'")
            try await fixture.fail(
                ["user", "verify-password", "zed@acme.example", "--tenant", "acme", "--password-stdin"],
                stdin: "anna's passphrase", status: 1,
                message: "unknown user 'zed@acme.example' in tenant 'acme' (see: admin-cli user list --tenant acme)")

            _ = try await Tenants(database: fixture.database).suspend("acme", actor: Actor("seed"))
            try await fixture.fail(verify, stdin: "anna's passphrase", status: 1, message: "tenant 'acme' is suspended")
        }
    }

    @Test func addJSONCarriesTheGeneratedPasswordOnce() async throws {
        try await ControlPlaneFixture.with { fixture in
            try await fixture.createTenant("acme")
            let json = try await fixture.jsonObject(["user", "add", "erin@acme.example", "--tenant", "acme", "--role", "auditor"])
            let user = try #require(json["user"] as? [String: Any])
            #expect(Set(user.keys) == ["id", "tenant", "email", "role", "created_at"])
            #expect(user["email"] as? String == "erin@acme.example")
            #expect(user["role"] as? String == "auditor")
            #expect(user["tenant"] as? String == "acme")
            let id = try await fixture.superuser("SELECT id FROM users").first!.decode(UUID.self)
            #expect(user["id"] as? String == id.uuidString.lowercased())
            let password = try #require(json["password"] as? String)
            #expect(password.count == 20)
        }
    }
}
