public import Foundation
import Postgres

/// A person of one tenant.
public struct User: Sendable, Codable, Equatable {
    /// Immutable id.
    public let id: UserID
    /// The tenant's slug.
    public let tenant: String
    /// Login name.
    public let email: String
    /// What the user may do.
    public let role: UserRole
    /// When the user was disabled, if so.
    public let disabledAt: Date?
    /// When the user was created.
    public let createdAt: Date

    var auditSnapshot: [String: AuditValue] {
        [
            "email": .string(email), "role": .string(role.rawValue),
            "disabled_at": disabledAt.map(AuditValue.date) ?? .null,
        ]
    }
}

/// A user just created or given a new password; `generatedPassword` is set when the platform chose it and must be
/// shown once.
public struct UserWithPassword: Sendable {
    /// The user.
    public let user: User
    /// The one-time password, when generated.
    public let generatedPassword: String?
}

/// Adds users to tenants and manages their passwords. Tenant data: every query runs in that tenant's context.
public struct Users: Sendable {
    let database: ControlPlaneDatabase

    /// Uses `database`.
    public init(database: ControlPlaneDatabase) { self.database = database }

    static let columns = "id, email, role, disabled_at, created_at"

    static func decode(_ row: PostgresRow, tenant: String) throws -> User {
        let (id, email, role, disabled, created) = try row.decode((UUID, String, String, Date?, Date).self)
        return User(
            id: UserID(id), tenant: tenant, email: email, role: UserRole(rawValue: role) ?? .viewer,
            disabledAt: disabled, createdAt: created)
    }

    /// Adds a user. With `password` nil a strong one-time password is generated and returned.
    public func add(
        email: EmailAddress, tenant slug: String, role: UserRole, password: String?, actor: Actor
    )
        async throws -> UserWithPassword
    {
        if let password { try PasswordPolicy.check(password) }
        let chosen = password ?? PasswordPolicy.generate()
        // Hash before the transaction: scrypt takes a while and must not hold locks.
        let hash = try PasswordHasher.hash(chosen)
        let tenant = try await activeTenant(slug)
        return try await database.withPlatformScope(tenant: tenant.id) { connection in
            let exists = try await connection.query(
                "SELECT 1 FROM users WHERE tenant_id = \(tenant.id.rawValue) AND lower(email) = lower(\(email.rawValue))")
            if !exists.isEmpty {
                throw ControlPlaneError(.alreadyExists, "user '\(email)' already exists in tenant '\(slug)'")
            }
            let row = try await connection.query(
                """
                INSERT INTO users (tenant_id, email, role, password_hash)
                VALUES (\(tenant.id.rawValue), \(email.rawValue), \(role.rawValue), \(hash))
                RETURNING \(unescaped: Self.columns)
                """
            ).first!
            let user = try Self.decode(row, tenant: slug)
            try await AdminAuditLog.record(
                on: connection, actor: actor, action: "user.add", target: "user:\(slug)/\(email)", tenant: tenant.id,
                before: nil, after: user.auditSnapshot)
            return UserWithPassword(user: user, generatedPassword: password == nil ? chosen : nil)
        }
    }

    /// The tenant's users by email.
    public func list(tenant slug: String) async throws -> [User] {
        let tenant = try await Tenants(database: database).find(slug)
        return try await database.withTenant(tenant.id) { connection in
            try await connection.query("SELECT \(unescaped: Self.columns) FROM users ORDER BY lower(email)")
                .map { try Self.decode($0, tenant: slug) }
        }
    }

    /// Disables (`true`) or re-enables a user; a disabled user's tokens stop working at once.
    public func setDisabled(_ disabled: Bool, email: String, tenant slug: String, actor: Actor) async throws -> User {
        let tenant = try await Tenants(database: database).find(slug)
        return try await database.withPlatformScope(tenant: tenant.id) { connection in
            let before = try await Self.find(email, tenant: slug, on: connection)
            if disabled == (before.disabledAt != nil) {
                throw ControlPlaneError(
                    .conflict, "user '\(before.email)' in tenant '\(slug)' is already \(disabled ? "disabled" : "enabled")")
            }
            let row = try await connection.query(
                """
                UPDATE users SET disabled_at = \(disabled ? "now" : nil as String?)::timestamptz, updated_at = now()
                WHERE id = \(before.id.rawValue) RETURNING \(unescaped: Self.columns)
                """
            ).first!
            let user = try Self.decode(row, tenant: slug)
            try await AdminAuditLog.record(
                on: connection, actor: actor, action: disabled ? "user.disable" : "user.enable",
                target: "user:\(slug)/\(before.email)", tenant: tenant.id, before: before.auditSnapshot,
                after: user.auditSnapshot)
            return user
        }
    }

    /// Sets a new password (generated when `password` is nil).
    public func resetPassword(
        email: String, tenant slug: String, password: String?, actor: Actor
    ) async throws
        -> UserWithPassword
    {
        if let password { try PasswordPolicy.check(password) }
        let chosen = password ?? PasswordPolicy.generate()
        let hash = try PasswordHasher.hash(chosen)
        let tenant = try await Tenants(database: database).find(slug)
        return try await database.withPlatformScope(tenant: tenant.id) { connection in
            let user = try await Self.find(email, tenant: slug, on: connection)
            try await connection.query(
                "UPDATE users SET password_hash = \(hash), updated_at = now() WHERE id = \(user.id.rawValue)")
            try await AdminAuditLog.record(
                on: connection, actor: actor, action: "user.reset-password", target: "user:\(slug)/\(user.email)",
                tenant: tenant.id, before: nil, after: ["password": .string("changed")])
            return UserWithPassword(user: user, generatedPassword: password == nil ? chosen : nil)
        }
    }

    /// Checks a password; throws `unauthorized` with the reason when it does not match or the account is closed.
    public func verifyPassword(email: String, tenant slug: String, password: String) async throws -> User {
        let tenant = try await Tenants(database: database).find(slug)
        let (user, hash) = try await database.withTenant(tenant.id) { connection in
            let user = try await Self.find(email, tenant: slug, on: connection)
            let hash = try await connection.query("SELECT password_hash FROM users WHERE id = \(user.id.rawValue)")
                .first!.decode(String.self)
            return (user, hash)
        }
        guard PasswordHasher.verify(password, against: hash) else {
            throw ControlPlaneError(.unauthorized, "password does not match for user '\(user.email)' in tenant '\(slug)'")
        }
        if user.disabledAt != nil {
            throw ControlPlaneError(.unauthorized, "user '\(user.email)' in tenant '\(slug)' is disabled")
        }
        if tenant.status != .active {
            throw ControlPlaneError(.unauthorized, "tenant '\(slug)' is \(tenant.status.rawValue)")
        }
        return user
    }

    static func find(_ email: String, tenant slug: String, on connection: PostgresConnection) async throws -> User {
        guard
            let row = try await connection.query(
                "SELECT \(unescaped: columns) FROM users WHERE lower(email) = lower(\(email))"
            ).first
        else { throw ControlPlaneError.unknownUser(email, tenant: slug) }
        return try decode(row, tenant: slug)
    }

    private func activeTenant(_ slug: String) async throws -> Tenant {
        let tenant = try await Tenants(database: database).find(slug)
        guard tenant.status == .active else {
            // Only a suspended tenant can be resumed; a deleted one is final.
            let fix =
                tenant.status == .suspended ? "resume it first (admin-cli tenant resume \(slug))" : "it cannot get new users"
            throw ControlPlaneError(.conflict, "tenant '\(slug)' is \(tenant.status.rawValue); \(fix)")
        }
        return tenant
    }
}
