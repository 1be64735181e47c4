public import Foundation
import Postgres

/// A run a worker has claimed and now holds a lease on.
public struct ClaimedRun: Sendable, Equatable {
    /// Its tenant.
    public let tenantID: TenantID
    /// The run.
    public let runID: UUID
    /// The route it runs.
    public let routeID: UUID
    /// Attempt number.
    public let attempt: Int
}

/// The PostgreSQL run queue: enqueue, fair claims with leases, heartbeats, and rescue of lapsed leases.
public struct RunQueue: Sendable {
    let database: ControlPlaneDatabase

    /// The channel `NOTIFY`ed when a run becomes queued.
    public static let channel = "switchyard_runs"

    /// Uses `database`.
    public init(database: ControlPlaneDatabase) { self.database = database }

    /// Queues a run of a route. A second enqueue for the same route and instant (another scheduler) changes nothing
    /// and returns nil.
    public func enqueue(
        tenant: TenantID, route name: String, trigger: String, scheduledFor: Date = Date()
    ) async throws
        -> UUID?
    {
        try await database.withTenant(tenant) { connection in
            guard let route = try await connection.query("SELECT id, version FROM routes WHERE name = \(name)").first else {
                throw ControlPlaneError(.notFound, "unknown route '\(name)'")
            }
            let (routeID, version) = try route.decode((UUID, Int).self)
            return try await connection.query(
                """
                INSERT INTO runs (tenant_id, route_id, route_name, route_version, trigger, scheduled_for)
                VALUES (\(tenant.rawValue), \(routeID), \(name), \(version), \(trigger), \(scheduledFor))
                ON CONFLICT (tenant_id, route_id, scheduled_for) DO NOTHING
                RETURNING id
                """
            ).first.map { try $0.decode(UUID.self) }
        }
    }

    /// Claims up to `limit` runs fairly across tenants, within every tenant's and route's limits.
    public func claim(worker: String, limit: Int, lease: Duration = .seconds(30)) async throws -> [ClaimedRun] {
        try await database.pool.withTransaction(settings: [("role", ControlPlaneDatabase.applicationRole)]) { connection in
            try await connection.query(
                """
                SELECT tenant_id, id, route_id, attempt
                FROM switchyard_claim_runs(\(worker), \(Int32(limit)), make_interval(secs => \(Double(lease.components.seconds))))
                """
            ).decode((UUID, UUID, UUID, Int).self).map {
                ClaimedRun(tenantID: TenantID($0.0), runID: $0.1, routeID: $0.2, attempt: $0.3)
            }
        }
    }

    /// Renews the leases of every run `worker` holds; returns how many.
    @discardableResult
    public func heartbeat(worker: String, lease: Duration = .seconds(30)) async throws -> Int {
        try await database.pool.withTransaction(settings: [("role", ControlPlaneDatabase.applicationRole)]) { connection in
            try await connection.query(
                "SELECT switchyard_heartbeat_runs(\(worker), make_interval(secs => \(Double(lease.components.seconds))))"
            ).first!.decode(Int.self)
        }
    }

    /// Takes back runs whose lease lapsed: queued again, or dead once the retry policy is spent.
    @discardableResult
    public func rescue() async throws -> [(run: UUID, status: String)] {
        try await database.pool.withTransaction(settings: [("role", ControlPlaneDatabase.applicationRole)]) { connection in
            try await connection.query("SELECT id, status FROM switchyard_rescue_runs()").decode((UUID, String).self)
                .map { (run: $0.0, status: $0.1) }
        }
    }

    /// What a worker needs to execute a claimed run: the tenant's slug and the route's definition.
    public func context(of run: ClaimedRun) async throws -> (tenant: String, definition: String) {
        try await database.withPlatformScope(tenant: run.tenantID) { connection in
            let slug = try await connection.query("SELECT slug FROM tenants WHERE id = \(run.tenantID.rawValue)").first!
                .decode(String.self)
            guard
                let row = try await connection.query("SELECT definition::text FROM routes WHERE id = \(run.routeID)").first
            else { throw ControlPlaneError(.notFound, "the route of run \(run.runID) no longer exists") }
            return (slug, try row.decode(String.self))
        }
    }

    /// Puts runs a stopping worker could not finish back in the queue for others, without using up an attempt.
    public func release(worker: String) async throws {
        try await database.pool.withTransaction(settings: [("role", ControlPlaneDatabase.applicationRole)]) { connection in
            // Leases expire now; rescue hands them on, so one path decides between requeue and dead letter.
            _ = try await connection.query("SELECT switchyard_heartbeat_runs(\(worker), make_interval(secs => -1))")
        }
    }

    /// Enabled scheduled routes of active tenants, for the scheduler.
    public func scheduledRoutes() async throws -> [(tenant: TenantID, route: String, cron: String, timeZone: String)] {
        try await database.pool.withTransaction(settings: [("role", ControlPlaneDatabase.applicationRole)]) { connection in
            try await connection.query("SELECT tenant_id, route_name, cron, timezone FROM switchyard_scheduled_routes()")
                .decode((UUID, String, String, String).self)
                .map { (tenant: TenantID($0.0), route: $0.1, cron: $0.2, timeZone: $0.3) }
        }
    }

    /// After a run failed as a whole: queued again after the route's backoff, or dead once its attempts are spent.
    public func retryOrBury(_ run: ClaimedRun, error: String) async throws -> (status: String, attempt: Int, at: Date) {
        try await database.pool.withTransaction(settings: [("role", ControlPlaneDatabase.applicationRole)]) { connection in
            try await connection.query(
                """
                SELECT status, attempt, scheduled_for
                FROM switchyard_retry_run(\(run.tenantID.rawValue), \(run.runID), \(error))
                """
            ).first!.decode((String, Int, Date).self)
        }
    }

    /// Runs held by `worker` whose cancellation was requested.
    public func cancelledRuns(worker: String) async throws -> [UUID] {
        try await database.pool.withTransaction(settings: [("role", ControlPlaneDatabase.applicationRole)]) { connection in
            try await connection.query("SELECT id FROM switchyard_cancelled_runs(\(worker))").decode(UUID.self)
        }
    }
}
