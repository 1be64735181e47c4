public import Foundation
import Postgres

/// A tenant account.
public struct Tenant: Sendable, Codable, Equatable {
    /// Immutable id.
    public let id: TenantID
    /// The slug people type.
    public let slug: String
    /// The name people read.
    public let displayName: String
    /// Lifecycle state.
    public let status: TenantStatus
    /// Quota: runs at once.
    public let maxConcurrentRuns: Int
    /// Quota: runs per hour.
    public let maxRunsPerHour: Int
    /// When it was created.
    public let createdAt: Date
    /// When it last changed.
    public let updatedAt: Date

    var auditSnapshot: [String: AuditValue] {
        [
            "slug": .string(slug), "display_name": .string(displayName), "status": .string(status.rawValue),
            "max_concurrent_runs": .int(maxConcurrentRuns), "max_runs_per_hour": .int(maxRunsPerHour),
        ]
    }
}

/// Creates, lists and changes tenants (operators' work, in the platform scope). Every change is one transaction
/// with its audit row.
public struct Tenants: Sendable {
    let database: ControlPlaneDatabase

    /// Uses `database`.
    public init(database: ControlPlaneDatabase) { self.database = database }

    static let columns =
        "id, slug, display_name, status, max_concurrent_runs, max_runs_per_hour, created_at, updated_at"

    static func decode(_ row: PostgresRow) throws -> Tenant {
        let (id, slug, name, status, concurrent, perHour, created, updated) = try row.decode(
            (UUID, String, String, String, Int, Int, Date, Date).self)
        return Tenant(
            id: TenantID(id), slug: slug, displayName: name, status: TenantStatus(rawValue: status) ?? .active,
            maxConcurrentRuns: concurrent, maxRunsPerHour: perHour, createdAt: created, updatedAt: updated)
    }

    /// Creates an active tenant.
    public func create(slug: TenantSlug, displayName: String, actor: Actor) async throws -> Tenant {
        let name = displayName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(name.count) else {
            throw ControlPlaneError(.invalidInput, "tenant name must be 1-200 characters (use --name \"Acme Shop\")")
        }
        return try await database.withPlatformScope { connection in
            let existing = try await connection.query(
                "SELECT status FROM tenants WHERE slug = \(slug.rawValue)"
            ).first.map { try $0.decode(String.self) }
            if let existing {
                let note = existing == "deleted" ? " (deleted; slugs are never reused)" : ""
                throw ControlPlaneError(.alreadyExists, "tenant '\(slug)' already exists\(note)")
            }
            let row = try await connection.query(
                """
                INSERT INTO tenants (slug, display_name) VALUES (\(slug.rawValue), \(name))
                RETURNING \(unescaped: Self.columns)
                """
            ).first!
            let tenant = try Self.decode(row)
            try await AdminAuditLog.record(
                on: connection, actor: actor, action: "tenant.create", target: "tenant:\(slug)", tenant: tenant.id,
                before: nil, after: tenant.auditSnapshot)
            return tenant
        }
    }

    /// Every tenant, deleted ones included, by slug.
    public func list() async throws -> [Tenant] {
        try await database.withPlatformScope { connection in
            try await connection.query("SELECT \(unescaped: Self.columns) FROM tenants ORDER BY slug").map(Self.decode)
        }
    }

    /// One tenant by slug.
    public func find(_ slug: String) async throws -> Tenant {
        try await database.withPlatformScope { connection in
            try await Self.find(slug, on: connection)
        }
    }

    static func find(_ slug: String, on connection: PostgresConnection) async throws -> Tenant {
        guard let row = try await connection.query("SELECT \(unescaped: columns) FROM tenants WHERE slug = \(slug)").first
        else { throw ControlPlaneError.unknownTenant(slug) }
        return try decode(row)
    }

    /// Suspends an active tenant: its users and tokens stop working at once.
    public func suspend(_ slug: String, actor: Actor) async throws -> Tenant {
        try await changeStatus(slug, to: .suspended, from: [.active], action: "tenant.suspend", actor: actor)
    }

    /// Resumes a suspended tenant.
    public func resume(_ slug: String, actor: Actor) async throws -> Tenant {
        try await changeStatus(slug, to: .active, from: [.suspended], action: "tenant.resume", actor: actor)
    }

    /// Marks a tenant deleted: its users and tokens stop working at once; its rows stay for the audit.
    public func delete(_ slug: String, confirmation: String, actor: Actor) async throws -> Tenant {
        guard confirmation == slug else {
            throw ControlPlaneError(
                .invalidInput, "deleting tenant '\(slug)' needs --confirm \(slug) (the slug typed again)")
        }
        return try await changeStatus(
            slug, to: .deleted, from: [.active, .suspended], action: "tenant.delete", actor: actor)
    }

    private func changeStatus(
        _ slug: String, to status: TenantStatus, from allowed: Set<TenantStatus>, action: String, actor: Actor
    ) async throws -> Tenant {
        try await database.withPlatformScope { connection in
            guard
                let row = try await connection.query(
                    "SELECT \(unescaped: Self.columns) FROM tenants WHERE slug = \(slug) FOR UPDATE"
                ).first
            else { throw ControlPlaneError.unknownTenant(slug) }
            let before = try Self.decode(row)
            guard allowed.contains(before.status) else {
                throw ControlPlaneError(
                    .conflict, "tenant '\(slug)' is \(before.status.rawValue); cannot \(action.dropFirst(7)) it")
            }
            let updated = try Self.decode(
                try await connection.query(
                    """
                    UPDATE tenants SET status = \(status.rawValue), updated_at = now() WHERE id = \(before.id.rawValue)
                    RETURNING \(unescaped: Self.columns)
                    """
                ).first!)
            try await AdminAuditLog.record(
                on: connection, actor: actor, action: action, target: "tenant:\(slug)", tenant: before.id,
                before: before.auditSnapshot, after: updated.auditSnapshot)
            return updated
        }
    }
}
