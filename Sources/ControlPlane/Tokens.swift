public import Foundation
import Postgres

/// An issued API token, without its secret.
public struct TokenInfo: Sendable, Codable, Equatable {
    /// The public id, e.g. `tok_…`, used to revoke it.
    public let tokenID: String
    /// The tenant's slug.
    public let tenant: String
    /// The owning user's email.
    public let email: String
    /// Scopes narrowing what the user's role allows; empty means everything the role allows.
    public let scopes: [String]
    /// When it was issued.
    public let createdAt: Date
    /// When it stops working, if ever.
    public let expiresAt: Date?
    /// When it was last used.
    public let lastUsedAt: Date?
    /// When it was revoked, if so.
    public let revokedAt: Date?
}

/// A token that passed every check.
public struct AuthenticatedToken: Sendable, Codable, Equatable {
    /// The public id.
    public let tokenID: String
    /// The tenant's slug.
    public let tenant: String
    /// The tenant's id.
    public let tenantID: TenantID
    /// The user's email.
    public let email: String
    /// The user's role.
    public let role: UserRole
    /// The token's scopes.
    public let scopes: [String]
}

/// Issues, lists, revokes and verifies API tokens.
public struct Tokens: Sendable {
    let database: ControlPlaneDatabase

    /// Uses `database`.
    public init(database: ControlPlaneDatabase) { self.database = database }

    /// The scopes a token may be narrowed to.
    public static let knownScopes = [
        "routes:read", "routes:write", "installations:read", "installations:write", "runs:read", "runs:write",
        "exchanges:read", "exchanges:write", "reports:read", "usage:read", "users:write", "tokens:write",
    ]

    /// Checks scope names; the error lists the valid ones.
    public static func validateScopes(_ scopes: [String]) throws(ControlPlaneError) {
        for scope in scopes where !knownScopes.contains(scope) {
            throw ControlPlaneError(
                .invalidInput, "unknown scope '\(scope)' (use any of: \(knownScopes.joined(separator: ", ")))")
        }
    }

    /// Parses a lifetime such as `90d`, `12h`, `30m`, `2w`, or `never`.
    public static func parseLifetime(_ text: String) throws(ControlPlaneError) -> TimeInterval? {
        if text == "never" { return nil }
        let units: [Character: TimeInterval] = ["m": 60, "h": 3600, "d": 86_400, "w": 604_800]
        guard let unit = text.last, let seconds = units[unit], let count = Int(text.dropLast()), count > 0,
            count <= 100_000
        else {
            throw ControlPlaneError(
                .invalidInput, "invalid --expires-in '\(text)' (use a number with m, h, d or w, e.g. 90d, or 'never')")
        }
        return TimeInterval(count) * seconds
    }

    /// Issues a token for a user; the returned secret is shown once and never stored.
    public func issue(
        tenant slug: String, email: String, lifetime: TimeInterval?, scopes: [String], actor: Actor,
        now: Date = Date()
    ) async throws -> (token: APIToken, info: TokenInfo) {
        try Self.validateScopes(scopes)
        let tenant = try await Tenants(database: database).find(slug)
        guard tenant.status == .active else {
            throw ControlPlaneError(.conflict, "tenant '\(slug)' is \(tenant.status.rawValue); cannot issue tokens")
        }
        return try await database.withPlatformScope(tenant: tenant.id) { connection in
            let user = try await Users.find(email, tenant: slug, on: connection)
            if user.disabledAt != nil {
                throw ControlPlaneError(.conflict, "user '\(user.email)' in tenant '\(slug)' is disabled; cannot issue tokens")
            }
            let token = APIToken.generate()
            let tokenID = APIToken.newTokenID()
            let expiresAt = lifetime.map { now.addingTimeInterval($0) }
            let row = try await connection.query(
                """
                INSERT INTO api_tokens (tenant_id, token_id, user_id, secret_sha256, scopes, expires_at)
                VALUES (\(tenant.id.rawValue), \(tokenID), \(user.id.rawValue), \(token.sha256), \(scopes), \(expiresAt))
                RETURNING created_at
                """
            ).first!
            let info = TokenInfo(
                tokenID: tokenID, tenant: slug, email: user.email, scopes: scopes,
                createdAt: try row.decode(Date.self), expiresAt: expiresAt, lastUsedAt: nil, revokedAt: nil)
            try await AdminAuditLog.record(
                on: connection, actor: actor, action: "token.issue", target: "token:\(tokenID)", tenant: tenant.id,
                before: nil,
                after: [
                    "user": .string(user.email), "scopes": .strings(scopes),
                    "expires_at": expiresAt.map(AuditValue.date) ?? .null,
                ])
            return (token, info)
        }
    }

    /// The tenant's tokens, newest first.
    public func list(tenant slug: String) async throws -> [TokenInfo] {
        let tenant = try await Tenants(database: database).find(slug)
        return try await database.withTenant(tenant.id) { connection in
            let rows = try await connection.query(
                """
                SELECT t.token_id, u.email, t.scopes, t.created_at, t.expires_at, t.last_used_at, t.revoked_at
                FROM api_tokens t JOIN users u ON u.tenant_id = t.tenant_id AND u.id = t.user_id
                ORDER BY t.created_at DESC, t.token_id
                """)
            return try rows.decode((String, String, [String], Date, Date?, Date?, Date?).self).map {
                TokenInfo(
                    tokenID: $0.0, tenant: slug, email: $0.1, scopes: $0.2, createdAt: $0.3, expiresAt: $0.4,
                    lastUsedAt: $0.5, revokedAt: $0.6)
            }
        }
    }

    /// Revokes a token by its public id; it stops working at once.
    public func revoke(tokenID: String, actor: Actor) async throws -> TokenInfo {
        let tenantID = try await database.pool.withTransaction(settings: [("role", ControlPlaneDatabase.applicationRole)]) {
            connection in
            try await connection.query("SELECT switchyard_token_tenant(\(tokenID))").first!.decode(UUID?.self)
        }
        guard let tenantID else {
            throw ControlPlaneError(.notFound, "unknown token '\(tokenID)' (see: admin-cli token list --tenant <slug>)")
        }
        let tenant = TenantID(tenantID)
        return try await database.withPlatformScope(tenant: tenant) { connection in
            let slug = try await connection.query("SELECT slug FROM tenants WHERE id = \(tenantID)").first!
                .decode(String.self)
            let current = try await connection.query(
                "SELECT revoked_at FROM api_tokens WHERE token_id = \(tokenID) FOR UPDATE"
            ).first!.decode(Date?.self)
            if current != nil {
                throw ControlPlaneError(.conflict, "token '\(tokenID)' is already revoked")
            }
            let row = try await connection.query(
                """
                UPDATE api_tokens t SET revoked_at = now()
                FROM users u WHERE t.token_id = \(tokenID) AND u.tenant_id = t.tenant_id AND u.id = t.user_id
                RETURNING t.token_id, u.email, t.scopes, t.created_at, t.expires_at, t.last_used_at, t.revoked_at
                """
            ).first!
            let values = try row.decode((String, String, [String], Date, Date?, Date?, Date?).self)
            try await AdminAuditLog.record(
                on: connection, actor: actor, action: "token.revoke", target: "token:\(tokenID)", tenant: tenant,
                before: ["revoked_at": .null], after: ["revoked_at": values.6.map(AuditValue.date) ?? .null])
            return TokenInfo(
                tokenID: values.0, tenant: slug, email: values.1, scopes: values.2, createdAt: values.3,
                expiresAt: values.4, lastUsedAt: values.5, revokedAt: values.6)
        }
    }

    /// Checks a token end to end: format and checksum (no database), then existence, expiry, revocation, the user
    /// and the tenant. Records the use.
    public func verify(_ text: String, now: Date = Date()) async throws -> AuthenticatedToken {
        let token = try APIToken(parsing: text)
        let row = try await database.pool.withTransaction(settings: [("role", ControlPlaneDatabase.applicationRole)]) {
            connection in
            try await connection.query(
                """
                SELECT token_id, tenant_id, tenant_slug, tenant_status, email, role, user_disabled_at, expires_at,
                       revoked_at, scopes
                FROM switchyard_authenticate_token(\(token.sha256))
                """
            ).first
        }
        guard let row else { throw ControlPlaneError(.unauthorized, "token is not known (it may never have been issued)") }
        let (tokenID, tenantID, slug, tenantStatus, email, role, disabledAt, expiresAt, revokedAt, scopes) =
            try row.decode((String, UUID, String, String, String, String, Date?, Date?, Date?, [String]).self)
        if let revokedAt {
            throw ControlPlaneError(.unauthorized, "token \(tokenID) was revoked at \(Self.timestamp(revokedAt))")
        }
        if let expiresAt, expiresAt <= now {
            throw ControlPlaneError(.unauthorized, "token \(tokenID) expired at \(Self.timestamp(expiresAt))")
        }
        if disabledAt != nil {
            throw ControlPlaneError(.unauthorized, "token \(tokenID) belongs to disabled user '\(email)'")
        }
        if tenantStatus != TenantStatus.active.rawValue {
            throw ControlPlaneError(.unauthorized, "token \(tokenID) belongs to tenant '\(slug)', which is \(tenantStatus)")
        }
        _ = try await database.withTenant(TenantID(tenantID)) { connection in
            try await connection.query("UPDATE api_tokens SET last_used_at = now() WHERE token_id = \(tokenID)")
        }
        return AuthenticatedToken(
            tokenID: tokenID, tenant: slug, tenantID: TenantID(tenantID), email: email,
            role: UserRole(rawValue: role) ?? .viewer, scopes: scopes)
    }

    static func timestamp(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }
}
