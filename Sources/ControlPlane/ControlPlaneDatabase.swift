public import Postgres

/// The control plane's handle on PostgreSQL: a pool, and transactions that always run as the application role
/// with either one tenant's context or the operators' platform scope.
public struct ControlPlaneDatabase: Sendable {
    /// The role every runtime transaction switches to, so row-level security applies even when the login role is a
    /// superuser (the embedded default).
    public static let applicationRole = "switchyard_app"

    /// The pool the transactions run on.
    public let pool: PostgresPool

    /// Wraps a pool.
    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Runs `body` in one transaction scoped to `tenant`: only that tenant's rows are visible or writable.
    public func withTenant<T>(_ tenant: TenantID, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await pool.withTransaction(
            settings: [("role", Self.applicationRole), ("switchyard.tenant_id", tenant.description)], body)
    }

    /// Runs `body` in one transaction with the platform scope: operators' work across tenants (tenants table, admin
    /// audit). Tenant data tables stay closed without a tenant context.
    public func withPlatformScope<T>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await pool.withTransaction(settings: [("role", Self.applicationRole), ("switchyard.scope", "platform")], body)
    }

    /// Runs `body` in one transaction with both the platform scope and one tenant's context, for operator changes to
    /// a tenant's data that are audited in the same transaction.
    public func withPlatformScope<T>(
        tenant: TenantID, _ body: (PostgresConnection) async throws -> T
    ) async throws
        -> T
    {
        try await pool.withTransaction(
            settings: [
                ("role", Self.applicationRole), ("switchyard.scope", "platform"),
                ("switchyard.tenant_id", tenant.description),
            ], body)
    }
}
