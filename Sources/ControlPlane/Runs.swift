public import Foundation
import Postgres

/// One run of a route, as recorded.
public struct RunRecord: Sendable, Codable, Equatable {
    /// Immutable id.
    public let id: UUID
    /// The route's name at the time.
    public let routeName: String
    /// The route's version that ran.
    public let routeVersion: Int
    /// What started it.
    public let trigger: String
    /// `queued`, `running`, `succeeded`, `failed`, `dead` or `cancelled`.
    public let status: String
    /// Attempt number.
    public let attempt: Int
    /// When it started.
    public let startedAt: Date?
    /// When it ended.
    public let finishedAt: Date?
    /// Records taken from the source.
    public let recordsRead: Int
    /// Records delivered.
    public let recordsWritten: Int
    /// Records dropped by filters or unchanged.
    public let recordsFiltered: Int
    /// Records that failed.
    public let recordsFailed: Int
    /// Why it failed.
    public let error: String?
}

/// Counts of a finished run.
public struct RunCounts: Sendable, Equatable {
    /// Records taken from the source.
    public var read = 0
    /// Records delivered.
    public var written = 0
    /// Records dropped or unchanged.
    public var filtered = 0
    /// Records that failed.
    public var failed = 0
    /// Zero counts.
    public init() {}
}

/// Records runs. Tenant data: every query runs in the tenant's context.
public struct Runs: Sendable {
    let database: ControlPlaneDatabase

    /// Uses `database`.
    public init(database: ControlPlaneDatabase) { self.database = database }

    static let columns = """
        id, route_name, route_version, trigger, status, attempt, started_at, finished_at, records_read, records_written,
        records_filtered, records_failed, error
        """

    static func decode(_ row: PostgresRow) throws -> RunRecord {
        let v = try row.decode((UUID, String, Int, String, String, Int, Date?, Date?, Int, Int, Int, Int, String?).self)
        return RunRecord(
            id: v.0, routeName: v.1, routeVersion: v.2, trigger: v.3, status: v.4, attempt: v.5, startedAt: v.6,
            finishedAt: v.7, recordsRead: v.8, recordsWritten: v.9, recordsFiltered: v.10, recordsFailed: v.11, error: v.12)
    }

    /// Starts a manual run of a route that this process executes itself; returns the run and the route's definition.
    public func startManual(
        tenant slug: String, route name: String, owner: String
    ) async throws
        -> (run: RunRecord, definition: String, tenant: TenantID)
    {
        let tenant = try await Tenants(database: database).find(slug)
        guard tenant.status == .active else {
            throw ControlPlaneError(.conflict, "tenant '\(slug)' is \(tenant.status.rawValue); its routes cannot run")
        }
        return try await database.withTenant(tenant.id) { connection in
            guard
                let route = try await connection.query(
                    "SELECT id, version, definition::text, enabled FROM routes WHERE name = \(name)"
                ).first
            else { throw Routes.unknown(name, slug) }
            let (routeID, version, definition, enabled) = try route.decode((UUID, Int, String, Bool).self)
            guard enabled else {
                throw ControlPlaneError(
                    .conflict, "route '\(name)' is disabled (enable it: admin-cli route enable \(name) --tenant \(slug))")
            }
            let row = try await connection.query(
                """
                INSERT INTO runs (tenant_id, route_id, route_name, route_version, trigger, status, lease_owner, started_at)
                VALUES (\(tenant.id.rawValue), \(routeID), \(name), \(version), 'manual', 'running', \(owner), now())
                RETURNING \(unescaped: Self.columns)
                """
            ).first!
            return (try Self.decode(row), definition, tenant.id)
        }
    }

    /// Records how a run ended.
    public func finish(
        tenant: TenantID, run: UUID, succeeded: Bool, counts: RunCounts, error: String?
    ) async throws -> RunRecord {
        try await finish(tenant: tenant, run: run, status: succeeded ? "succeeded" : "failed", counts: counts, error: error)
    }

    /// Records how a run ended, with any final status (`succeeded`, `failed`, `cancelled`).
    public func finish(
        tenant: TenantID, run: UUID, status: String, counts: RunCounts, error: String?
    ) async throws -> RunRecord {
        try await database.withTenant(tenant) { connection in
            try Self.decode(
                try await connection.query(
                    """
                    UPDATE runs SET status = \(status), finished_at = now(), lease_owner = NULL,
                        records_read = \(counts.read), records_written = \(counts.written),
                        records_filtered = \(counts.filtered), records_failed = \(counts.failed), error = \(error)
                    WHERE id = \(run) RETURNING \(unescaped: Self.columns)
                    """
                ).first!)
        }
    }

    /// Cancels a run by its id or a unique prefix of it: a queued run ends now; a running one is flagged and its
    /// worker stops it within seconds. Returns the run's status after the request.
    public func cancel(tenant slug: String, run idPrefix: String, actor: Actor) async throws -> (id: UUID, status: String) {
        let tenant = try await Tenants(database: database).find(slug)
        let prefix = idPrefix.lowercased()
        guard prefix.count >= 4, prefix.allSatisfy({ $0.isHexDigit || $0 == "-" }) else {
            throw ControlPlaneError(
                .invalidInput, "run id '\(idPrefix)' is not a run id or a prefix of one (see: admin-cli route runs)")
        }
        return try await database.withPlatformScope(tenant: tenant.id) { connection in
            let rows = try await connection.query(
                "SELECT id, status FROM runs WHERE id::text LIKE \(prefix + "%") FOR UPDATE LIMIT 2"
            ).decode((UUID, String).self)
            guard let (id, status) = rows.first else {
                throw ControlPlaneError(
                    .notFound, "unknown run '\(idPrefix)' in tenant '\(slug)' (see: admin-cli route runs --tenant \(slug))")
            }
            guard rows.count == 1 else {
                throw ControlPlaneError(.invalidInput, "run id prefix '\(idPrefix)' matches several runs; give more characters")
            }
            let after: String
            switch status {
            case "queued":
                try await connection.query(
                    """
                    UPDATE runs SET status = 'cancelled', finished_at = now(), cancel_requested_at = now(),
                        error = \("cancelled by " + actor.name) WHERE id = \(id)
                    """)
                after = "cancelled"
            case "running":
                try await connection.query("UPDATE runs SET cancel_requested_at = now() WHERE id = \(id)")
                after = "cancelling"
            default:
                throw ControlPlaneError(.conflict, "run '\(idPrefix)' is already \(status); nothing to cancel")
            }
            try await AdminAuditLog.record(
                on: connection, actor: actor, action: "run.cancel", target: "run:\(slug)/\(id.uuidString.lowercased())",
                tenant: tenant.id, before: ["status": .string(status)], after: ["status": .string(after)])
            return (id, after)
        }
    }

    /// The tenant's latest runs, newest first.
    public func list(tenant slug: String, route: String? = nil, limit: Int = 50) async throws -> [RunRecord] {
        let tenant = try await Tenants(database: database).find(slug)
        return try await database.withTenant(tenant.id) { connection in
            try await connection.query(
                """
                SELECT \(unescaped: Self.columns) FROM runs WHERE \(route)::text IS NULL OR route_name = \(route)
                ORDER BY created_at DESC LIMIT \(limit)
                """
            ).map(Self.decode)
        }
    }
}
