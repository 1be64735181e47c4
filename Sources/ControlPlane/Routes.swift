import Crypto
public import Foundation
import Postgres

/// A stored route.
public struct StoredRoute: Sendable, Equatable {
    /// Immutable id.
    public let id: UUID
    /// Name within the tenant.
    public let name: String
    /// The normalised definition as JSON text.
    public let definition: String
    /// `schedule`, `webhook` or `manual`.
    public let triggerKind: String
    /// Whether it runs.
    public let enabled: Bool
    /// Bumped on every change.
    public let version: Int
    /// When it last changed.
    public let updatedAt: Date
}

/// What `apply` did.
public enum RouteApplyOutcome: Sendable, Equatable {
    case created
    case updated
    case unchanged
}

/// A checked route ready to store.
public struct RouteRecord: Sendable {
    /// Name.
    public var name: String
    /// Normalised definition JSON.
    public var definitionJSON: String
    /// Source installation name.
    public var sourceInstallation: String
    /// Destination installation name.
    public var destinationInstallation: String
    /// Trigger kind.
    public var triggerKind: String
    /// Cron expression of a schedule.
    public var cron: String?
    /// Time zone of a schedule.
    public var timeZone: String?
    /// Whether it runs.
    public var enabled: Bool

    /// Creates a record.
    public init(
        name: String, definitionJSON: String, sourceInstallation: String, destinationInstallation: String,
        triggerKind: String, cron: String?, timeZone: String?, enabled: Bool
    ) {
        self.name = name
        self.definitionJSON = definitionJSON
        self.sourceInstallation = sourceInstallation
        self.destinationInstallation = destinationInstallation
        self.triggerKind = triggerKind
        self.cron = cron
        self.timeZone = timeZone
        self.enabled = enabled
    }
}

/// Stores tenants' routes. Tenant data: every query runs in the tenant's context.
public struct Routes: Sendable {
    let database: ControlPlaneDatabase

    /// Uses `database`.
    public init(database: ControlPlaneDatabase) { self.database = database }

    static let columns = "id, name, definition::text, trigger_kind, enabled, version, updated_at"

    static func decode(_ row: PostgresRow) throws -> StoredRoute {
        let v = try row.decode((UUID, String, String, String, Bool, Int, Date).self)
        return StoredRoute(id: v.0, name: v.1, definition: v.2, triggerKind: v.3, enabled: v.4, version: v.5, updatedAt: v.6)
    }

    /// Creates or replaces a route; a definition equal to the stored one changes nothing. With `dryRun` the
    /// transaction is rolled back after computing the outcome.
    public func apply(
        _ record: RouteRecord, tenant slug: String, dryRun: Bool, actor: Actor
    ) async throws
        -> (outcome: RouteApplyOutcome, before: StoredRoute?)
    {
        let tenant = try await Tenants(database: database).find(slug)
        guard tenant.status == .active else {
            throw ControlPlaneError(.conflict, "tenant '\(slug)' is \(tenant.status.rawValue); it cannot change routes")
        }
        struct DryRun: Error { let outcome: RouteApplyOutcome; let before: StoredRoute? }
        do {
            return try await database.withPlatformScope(tenant: tenant.id) { connection in
                let before = try await connection.query(
                    "SELECT \(unescaped: Self.columns) FROM routes WHERE name = \(record.name) FOR UPDATE"
                ).first.map(Self.decode)
                var ids: [String: UUID] = [:]
                for name in [record.sourceInstallation, record.destinationInstallation] {
                    guard let row = try await connection.query("SELECT id FROM installations WHERE name = \(name)").first else {
                        throw ControlPlaneError(.notFound, "unknown installation '\(name)' in tenant '\(slug)'")
                    }
                    ids[name] = try row.decode(UUID.self)
                }
                let outcome: RouteApplyOutcome
                if let before {
                    let same = try await connection.query(
                        "SELECT \(PostgresJSONText(record.definitionJSON))::jsonb = definition FROM routes WHERE id = \(before.id)"
                    ).first!.decode(Bool.self)
                    if same { return (.unchanged, before) }
                    try await connection.query(
                        """
                        UPDATE routes SET definition = \(PostgresJSONText(record.definitionJSON)),
                            source_installation_id = \(ids[record.sourceInstallation]!),
                            destination_installation_id = \(ids[record.destinationInstallation]!),
                            trigger_kind = \(record.triggerKind), cron = \(record.cron), timezone = \(record.timeZone),
                            enabled = \(record.enabled), version = version + 1, updated_at = now()
                        WHERE id = \(before.id)
                        """)
                    outcome = .updated
                } else {
                    try await connection.query(
                        """
                        INSERT INTO routes (tenant_id, name, definition, source_installation_id, destination_installation_id,
                            trigger_kind, cron, timezone, enabled)
                        VALUES (\(tenant.id.rawValue), \(record.name), \(PostgresJSONText(record.definitionJSON)),
                            \(ids[record.sourceInstallation]!), \(ids[record.destinationInstallation]!), \(record.triggerKind),
                            \(record.cron), \(record.timeZone), \(record.enabled))
                        """)
                    outcome = .created
                }
                try await AdminAuditLog.record(
                    on: connection, actor: actor, action: outcome == .created ? "route.create" : "route.update",
                    target: "route:\(slug)/\(record.name)", tenant: tenant.id,
                    before: before.map { ["version": .int($0.version)] },
                    after: [
                        "definition_sha256": .string(
                            SHA256.hash(data: Data(record.definitionJSON.utf8)).map { String(format: "%02x", $0) }.joined())
                    ])
                if dryRun { throw DryRun(outcome: outcome, before: before) }
                return (outcome, before)
            }
        } catch let dry as DryRun {
            return (dry.outcome, dry.before)
        }
    }

    /// The tenant's routes by name.
    public func list(tenant slug: String) async throws -> [StoredRoute] {
        let tenant = try await Tenants(database: database).find(slug)
        return try await database.withTenant(tenant.id) { connection in
            try await connection.query("SELECT \(unescaped: Self.columns) FROM routes ORDER BY name").map(Self.decode)
        }
    }

    /// One route.
    public func find(tenant slug: String, name: String) async throws -> StoredRoute {
        let tenant = try await Tenants(database: database).find(slug)
        return try await database.withTenant(tenant.id) { connection in
            guard let row = try await connection.query("SELECT \(unescaped: Self.columns) FROM routes WHERE name = \(name)").first
            else { throw Self.unknown(name, slug) }
            return try Self.decode(row)
        }
    }

    static func unknown(_ name: String, _ slug: String) -> ControlPlaneError {
        ControlPlaneError(.notFound, "unknown route '\(name)' in tenant '\(slug)' (see: admin-cli route list --tenant \(slug))")
    }

    /// Enables or disables a route.
    public func setEnabled(_ enabled: Bool, tenant slug: String, name: String, actor: Actor) async throws {
        let tenant = try await Tenants(database: database).find(slug)
        try await database.withPlatformScope(tenant: tenant.id) { connection in
            let updated = try await connection.query(
                """
                UPDATE routes SET enabled = \(enabled),
                    definition = jsonb_set(definition, '{enabled}', to_jsonb(\(enabled))), updated_at = now()
                WHERE name = \(name) RETURNING id
                """)
            guard !updated.isEmpty else { throw Self.unknown(name, slug) }
            try await AdminAuditLog.record(
                on: connection, actor: actor, action: enabled ? "route.enable" : "route.disable",
                target: "route:\(slug)/\(name)", tenant: tenant.id, before: nil, after: ["enabled": .bool(enabled)])
        }
    }

    /// Deletes a route.
    public func delete(tenant slug: String, name: String, actor: Actor) async throws {
        let tenant = try await Tenants(database: database).find(slug)
        try await database.withPlatformScope(tenant: tenant.id) { connection in
            let deleted = try await connection.query("DELETE FROM routes WHERE name = \(name) RETURNING version")
            guard let row = deleted.first else { throw Self.unknown(name, slug) }
            try await AdminAuditLog.record(
                on: connection, actor: actor, action: "route.delete", target: "route:\(slug)/\(name)", tenant: tenant.id,
                before: ["version": .int(try row.decode(Int.self))], after: nil)
        }
    }

    /// Names of the routes that use an installation, for refusing its removal with a useful message.
    static func using(installation id: UUID, on connection: PostgresConnection) async throws -> [String] {
        try await connection.query(
            """
            SELECT name FROM routes WHERE source_installation_id = \(id) OR destination_installation_id = \(id) ORDER BY name
            """
        ).decode(String.self)
    }
}
