import ControlPlane
import Foundation
import Postgres
import TestSupport
import Testing

/// `admin-cli token …` through the real binary.
@Suite("admin-cli token", .enabled(if: TestDatabase.isAvailable))
struct AdminCLITokenCommandTests {
    static let secretPrefix = "token (shown once, store it now): "

    /// A tenant `acme` with the owner `anna@acme.example`.
    func withAcme(_ body: (ControlPlaneFixture, Tenant) async throws -> Void) async throws {
        try await ControlPlaneFixture.with { fixture in
            let acme = try await fixture.createTenant("acme")
            try await fixture.seedUser("anna@acme.example", tenant: acme)
            try await body(fixture, acme)
        }
    }

    /// Issues a token with the CLI and returns its id and secret.
    func issue(_ fixture: ControlPlaneFixture, _ extra: [String] = []) async throws -> (id: String, secret: String) {
        let stdout = try await fixture.succeed(
            ["token", "issue", "--tenant", "acme", "--user", "anna@acme.example"] + extra)
        let lines = stdout.split(separator: "\n")
        try #require(lines.count == 2, "\(stdout)")
        let secretLine = try #require(lines.first { $0.hasPrefix(Self.secretPrefix) })
        let secret = String(secretLine.dropFirst(Self.secretPrefix.count))
        let id = try #require(lines[0].split(separator: " ").dropFirst(2).first.map(String.init))
        return (id, secret)
    }

    func verifyLine(_ fixture: ControlPlaneFixture, _ secret: String, status: Int32 = 1, message: String) async throws {
        try await fixture.fail(["token", "verify"], stdin: secret + "\n", status: status, message: message)
    }

    @Test func issueShowsTheSecretOnceAndStoresOnlyItsHash() async throws {
        try await withAcme { fixture, acme in
            let stdout = try await fixture.succeed(
                ["token", "issue", "--tenant", "acme", "--user", "anna@acme.example", "--expires-in", "never"])
            let secret = String(try #require(stdout.split(separator: "\n").last).dropFirst(Self.secretPrefix.count))
            let (tokenID, user, tenantID, expires, hashMatches) = try #require(
                try await fixture.superuser(
                    """
                    SELECT token_id, user_id, tenant_id, expires_at, secret_sha256 = sha256(convert_to(\(secret), 'UTF8'))
                    FROM api_tokens
                    """
                ).first
            ).decode((String, UUID, UUID, Date?, Bool).self)
            #expect(
                stdout
                    == "issued token \(tokenID) for 'anna@acme.example' in tenant 'acme', expires -\n"
                    + "\(Self.secretPrefix)\(secret)\n")
            #expect(secret.hasPrefix("sy_") && secret.count == 31)
            #expect(tokenID.hasPrefix("tok_") && tokenID.count == 20)
            #expect(hashMatches)
            #expect(tenantID == acme.id.rawValue)
            #expect(expires == nil)
            let userID = try await fixture.superuser("SELECT id FROM users").first!.decode(UUID.self)
            #expect(user == userID)
            // The secret is nowhere in the database, in any form but its hash.
            let everything = try await fixture.superuser(
                "SELECT (SELECT string_agg(t::text, ' ') FROM api_tokens t) || (SELECT string_agg(a::text, ' ') FROM admin_audit a)"
            ).first!.decode(String.self)
            #expect(!everything.contains(secret))
            #expect(!everything.contains(String(secret.dropFirst(3))))
        }
    }

    @Test func issueDefaultsToNinetyDaysAndRecordsScopes() async throws {
        try await withAcme { fixture, _ in
            let before = Date()
            let (tokenID, _) = try await issue(fixture, ["--scope", "runs:read", "--scope", "routes:read"])
            let after = Date()
            let list = try await fixture.jsonArray(["token", "list", "--tenant", "acme"])
            let entry = try #require(list.first)
            #expect(list.count == 1)
            #expect(entry["token_id"] as? String == tokenID)
            #expect(entry["scopes"] as? [String] == ["runs:read", "routes:read"])
            let expires = try #require(parseISO(entry["expires_at"]))
            #expect(expires >= before.addingTimeInterval(90 * 86_400 - 1))
            #expect(expires <= after.addingTimeInterval(90 * 86_400 + 1))

            let (shortID, _) = try await issue(fixture, ["--expires-in", "12h"])
            let expiresShort = try await fixture.superuser(
                "SELECT expires_at - created_at BETWEEN interval '11 hours 59 minutes' AND interval '12 hours 1 minute' FROM api_tokens WHERE token_id = \(shortID)"
            ).first!.decode(Bool.self)
            #expect(expiresShort)

            let audit = try await fixture.jsonArray(["audit", "list", "--tenant", "acme"])
            #expect(audit.map { $0["action"] as? String } == ["tenant.create", "token.issue", "token.issue"])
            #expect(audit.map { $0["target"] as? String } == ["tenant:acme", "token:\(tokenID)", "token:\(shortID)"])
        }
    }

    @Test(
        "issue refuses bad options as usage errors",
        arguments: [
            (["--expires-in", "90y"], "invalid --expires-in '90y' (use a number with m, h, d or w, e.g. 90d, or 'never')"),
            (["--expires-in", "0d"], "invalid --expires-in '0d' (use a number with m, h, d or w, e.g. 90d, or 'never')"),
            (["--expires-in", "soon"], "invalid --expires-in 'soon' (use a number with m, h, d or w, e.g. 90d, or 'never')"),
            (
                ["--scope", "runs:read", "--scope", "runs:delete"],
                "unknown scope 'runs:delete' (use any of: routes:read, routes:write, installations:read, "
                    + "installations:write, runs:read, runs:write, exchanges:read, exchanges:write, reports:read, "
                    + "usage:read, users:write, tokens:write)"
            ),
        ])
    func issueUsageErrors(_ options: [String], _ message: String) async throws {
        try await withAcme { fixture, _ in
            try await fixture.fail(
                ["token", "issue", "--tenant", "acme", "--user", "anna@acme.example"] + options, status: 2,
                message: message + usageHint("token issue"))
        }
    }

    @Test func issueRefusesUnknownDisabledAndSuspended() async throws {
        try await withAcme { fixture, acme in
            try await fixture.seedUser("bob@acme.example", tenant: acme)
            _ = try await Users(database: fixture.database).setDisabled(
                true, email: "bob@acme.example", tenant: "acme", actor: Actor("seed"))
            try await fixture.fail(
                ["token", "issue", "--tenant", "nope", "--user", "anna@acme.example"], status: 1,
                message: "unknown tenant 'nope' (see: admin-cli tenant list)")
            try await fixture.fail(
                ["token", "issue", "--tenant", "acme", "--user", "zed@acme.example"], status: 1,
                message: "unknown user 'zed@acme.example' in tenant 'acme' (see: admin-cli user list --tenant acme)")
            try await fixture.fail(
                ["token", "issue", "--tenant", "acme", "--user", "bob@acme.example"], status: 1,
                message: "user 'bob@acme.example' in tenant 'acme' is disabled; cannot issue tokens")
            _ = try await Tenants(database: fixture.database).suspend("acme", actor: Actor("seed"))
            try await fixture.fail(
                ["token", "issue", "--tenant", "acme", "--user", "anna@acme.example"], status: 1,
                message: "tenant 'acme' is suspended; cannot issue tokens")
        }
    }

    @Test func listNeverShowsSecrets() async throws {
        try await withAcme { fixture, _ in
            #expect(try await fixture.succeed(["token", "list", "--tenant", "acme"]).hasSuffix("(none)\n"))
            #expect(try await fixture.jsonArray(["token", "list", "--tenant", "acme"]).isEmpty)
            let first = try await issue(fixture, ["--expires-in", "never"])
            let second = try await issue(fixture, ["--scope", "runs:read"])
            _ = try await fixture.succeed(["token", "revoke", first.id])

            let list = try await fixture.jsonArray(["token", "list", "--tenant", "acme"])
            #expect(Set(list.compactMap { $0["token_id"] as? String }) == [first.id, second.id])
            for entry in list {
                #expect(entry["tenant"] as? String == "acme")
                #expect(entry["email"] as? String == "anna@acme.example")
                #expect(parseISO(entry["created_at"]) != nil)
                #expect(entry["secret"] == nil && entry["token"] == nil && entry["secret_sha256"] == nil)
            }
            let revoked = try #require(list.first { $0["token_id"] as? String == first.id })
            #expect(parseISO(revoked["revoked_at"]) != nil)
            #expect(revoked["expires_at"] == nil)
            #expect(revoked["scopes"] as? [String] == [])
            let active = try #require(list.first { $0["token_id"] as? String == second.id })
            #expect(active["revoked_at"] == nil)
            #expect(active["scopes"] as? [String] == ["runs:read"])

            let table = try await fixture.succeed(["token", "list", "--tenant", "acme"])
            #expect(!table.contains(first.secret) && !table.contains(second.secret))
            let rows = table.split(separator: "\n").dropFirst()
            #expect(rows.first { $0.hasPrefix(first.id) }?.hasSuffix("revoked") == true)
            #expect(rows.first { $0.hasPrefix(second.id) }?.hasSuffix("active") == true)

            try await fixture.fail(
                ["token", "list", "--tenant", "nope"], status: 1, message: "unknown tenant 'nope' (see: admin-cli tenant list)")
        }
    }

    @Test func revoke() async throws {
        try await withAcme { fixture, _ in
            let token = try await issue(fixture)
            #expect(
                try await fixture.succeed(["token", "revoke", token.id])
                    == "revoked token \(token.id) of 'anna@acme.example' in tenant 'acme'\n")
            try await fixture.fail(["token", "revoke", token.id], status: 1, message: "token '\(token.id)' is already revoked")
            try await fixture.fail(
                ["token", "revoke", "tok_0000000000000000"], status: 1,
                message: "unknown token 'tok_0000000000000000' (see: admin-cli token list --tenant <slug>)")
            try await fixture.fail(
                ["token", "revoke", "not-a-token-id"], status: 1,
                message: "unknown token 'not-a-token-id' (see: admin-cli token list --tenant <slug>)")
            let revokedAt = try await fixture.superuser(
                "SELECT to_char(revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM api_tokens"
            ).first!.decode(String.self)
            try await verifyLine(fixture, token.secret, message: "token \(token.id) was revoked at \(revokedAt)")
        }
    }

    @Test func verifyAValidToken() async throws {
        try await withAcme { fixture, acme in
            let token = try await issue(fixture, ["--scope", "runs:read"])
            let fields = fieldTable(try await fixture.succeed(["token", "verify"], stdin: token.secret + "\n"))
            #expect(fields["token"] == token.id)
            #expect(fields["tenant"] == "acme")
            #expect(fields["user"] == "anna@acme.example")
            #expect(fields["role"] == "owner")
            #expect(fields["scopes"] == "runs:read")

            let json = try await fixture.jsonObject(["token", "verify"], stdin: token.secret)
            #expect(Set(json.keys) == ["token_id", "tenant", "tenant_id", "email", "role", "scopes"])
            #expect(json["token_id"] as? String == token.id)
            #expect(json["tenant"] as? String == "acme")
            #expect(json["tenant_id"] as? String == acme.id.description)
            #expect(json["email"] as? String == "anna@acme.example")
            #expect(json["role"] as? String == "owner")
            #expect(json["scopes"] as? [String] == ["runs:read"])

            // Each use is recorded.
            let entry = try #require(try await fixture.jsonArray(["token", "list", "--tenant", "acme"]).first)
            #expect(parseISO(entry["last_used_at"]) != nil)
        }
    }

    @Test func verifyRefusesTokensThatAreNotRight() async throws {
        try await withAcme { fixture, _ in
            let token = try await issue(fixture)
            try await verifyLine(
                fixture, "hello", message: "token is malformed (expected 'sy_' followed by 28 letters and digits)")
            try await verifyLine(
                fixture, String(token.secret.dropLast()),
                message: "token is malformed (expected 'sy_' followed by 28 letters and digits)")
            var flipped = Array(token.secret)
            flipped[10] = flipped[10] == "a" ? "b" : "a"
            try await verifyLine(
                fixture, String(flipped), message: "token checksum does not match (mistyped, or not a Switchyard token)")
            var flippedChecksum = Array(token.secret)
            flippedChecksum[30] = flippedChecksum[30] == "0" ? "1" : "0"
            try await verifyLine(
                fixture, String(flippedChecksum),
                message: "token checksum does not match (mistyped, or not a Switchyard token)")
            try await verifyLine(
                fixture, APIToken.generate().secret, message: "token is not known (it may never have been issued)")
            try await fixture.fail(
                ["token", "verify"], stdin: "", status: 2,
                message: "no token on stdin (pipe it in, e.g. printf '%s' \"$SECRET\" | admin-cli …)")
            // The refusals above did not touch the real token.
            try await fixture.succeed(["token", "verify"], stdin: token.secret)
        }
    }

    @Test func verifyRefusesAnExpiredToken() async throws {
        try await withAcme { fixture, _ in
            let token = try await issue(fixture, ["--expires-in", "1m"])
            try await fixture.succeed(["token", "verify"], stdin: token.secret)
            // Whole seconds, so the expected text does not depend on how fractions are printed.
            try await fixture.superuser(
                "UPDATE api_tokens SET expires_at = date_trunc('second', now()) - interval '1 minute'")
            let expiredAt = try await fixture.superuser(
                "SELECT to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM api_tokens"
            ).first!.decode(String.self)
            try await verifyLine(fixture, token.secret, message: "token \(token.id) expired at \(expiredAt)")
            let table = try await fixture.succeed(["token", "list", "--tenant", "acme"])
            #expect(table.split(separator: "\n").first { $0.hasPrefix(token.id) }?.hasSuffix("expired") == true)
        }
    }

    @Test func verifyRefusesTokensOfDisabledUsersAndClosedTenants() async throws {
        try await withAcme { fixture, _ in
            let token = try await issue(fixture)

            try await fixture.succeed(["user", "disable", "anna@acme.example", "--tenant", "acme"])
            try await verifyLine(fixture, token.secret, message: "token \(token.id) belongs to disabled user 'anna@acme.example'")
            try await fixture.succeed(["user", "enable", "anna@acme.example", "--tenant", "acme"])
            try await fixture.succeed(["token", "verify"], stdin: token.secret)

            try await fixture.succeed(["tenant", "suspend", "acme"])
            try await verifyLine(
                fixture, token.secret, message: "token \(token.id) belongs to tenant 'acme', which is suspended")
            try await fixture.succeed(["tenant", "resume", "acme"])
            try await fixture.succeed(["token", "verify"], stdin: token.secret)

            try await fixture.succeed(["tenant", "delete", "acme", "--confirm", "acme"])
            try await verifyLine(fixture, token.secret, message: "token \(token.id) belongs to tenant 'acme', which is deleted")
        }
    }

    @Test func issueJSON() async throws {
        try await withAcme { fixture, _ in
            let json = try await fixture.jsonObject(
                ["token", "issue", "--tenant", "acme", "--user", "anna@acme.example", "--expires-in", "2w"])
            #expect(Set(json.keys) == ["token", "info"])
            let secret = try #require(json["token"] as? String)
            _ = try APIToken(parsing: secret)
            let info = try #require(json["info"] as? [String: Any])
            #expect(Set(info.keys) == ["token_id", "tenant", "email", "scopes", "created_at", "expires_at"])
            #expect(info["tenant"] as? String == "acme")
            let created = try #require(parseISO(info["created_at"]))
            let expires = try #require(parseISO(info["expires_at"]))
            #expect(abs(expires.timeIntervalSince(created) - 14 * 86_400) < 5)
            try await fixture.succeed(["token", "verify"], stdin: secret)
        }
    }
}
