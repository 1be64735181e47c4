import ControlPlane
import Foundation
import Postgres
import Synchronization
import TestSupport
import Testing

@Suite("Run queue: fair claims, limits, leases", .enabled(if: TestDatabase.isAvailable))
struct RunQueueTests {
    let name: String
    let pool: PostgresPool
    let queue: RunQueue
    let a: Tenant
    let b: Tenant

    init() async throws {
        name = try await TestDatabase.createMigrated(prefix: "queue")
        pool = TestDatabase.pool(name, maxConnections: 8)
        let database = ControlPlaneDatabase(pool: pool)
        queue = RunQueue(database: database)
        let tenants = Tenants(database: database)
        a = try await tenants.create(slug: try TenantSlug("busy-a"), displayName: "A", actor: Actor("test"))
        b = try await tenants.create(slug: try TenantSlug("quiet-b"), displayName: "B", actor: Actor("test"))
        _ = try await PackageRegistry(database: database).publish(
            PackageRegistry.Submission(
                name: "q-pkg", version: "1.0.0", major: 1, minor: 0, patch: 0, prerelease: "", title: "Q",
                manifestJSON: "{}", bundle: Data([1]), sha256: String(repeating: "cd", count: 32)),
            actor: Actor("test"))
        let installations = Installations(database: database, keyring: Keyring(current: MasterKey.generate()))
        for slug in ["busy-a", "quiet-b"] {
            _ = try await installations.install(
                tenant: slug, name: "io", packageName: "q-pkg", version: "1.0.0",
                config: InstallationConfig(publicConfigJSON: "{}", secretsJSON: nil, secretPointers: []), actor: Actor("test"))
            _ = try await Routes(database: database).apply(
                RouteRecord(
                    name: "sync", definitionJSON: #"{"limits": {"max_concurrent_runs": 100}, "retry": {"max_attempts": 2}}"#,
                    sourceInstallation: "io", destinationInstallation: "io", triggerKind: "manual", cron: nil, timeZone: nil,
                    enabled: true),
                tenant: slug, dryRun: false, actor: Actor("test"))
        }
    }

    func setQuota(_ tenant: Tenant, concurrent: Int) async throws {
        _ = try await TestDatabase.withSuperuser(name) {
            try await $0.query("UPDATE tenants SET max_concurrent_runs = \(concurrent) WHERE id = \(tenant.id.rawValue)")
        }
    }

    /// Queues `count` runs, the oldest first, all due.
    func enqueue(_ tenant: Tenant, count: Int, minutesAgo: Int) async throws {
        let base = Date().addingTimeInterval(-Double(minutesAgo) * 60)
        for index in 0..<count {
            let id = try await queue.enqueue(
                tenant: tenant.id, route: "sync", trigger: "manual", scheduledFor: base.addingTimeInterval(Double(index)))
            #expect(id != nil)
        }
    }

    @Test func aBusyTenantDoesNotDelayAnotherTenantsFirstRun() async throws {
        try await setQuota(a, concurrent: 50)
        // Tenant A queued 300 runs long before tenant B's single run.
        try await enqueue(a, count: 300, minutesAgo: 60)
        try await enqueue(b, count: 1, minutesAgo: 1)
        let claimed = try await queue.claim(worker: "w1", limit: 2)
        #expect(claimed.count == 2)
        #expect(Set(claimed.map(\.tenantID)) == [a.id, b.id])
    }

    @Test func tenantQuotaHoldsAcrossClaims() async throws {
        try await setQuota(a, concurrent: 2)
        try await enqueue(a, count: 20, minutesAgo: 10)
        let first = try await queue.claim(worker: "w1", limit: 10)
        #expect(first.count == 2)
        let second = try await queue.claim(worker: "w2", limit: 10)
        #expect(second.isEmpty)
    }

    @Test func concurrentWorkersNeverExceedLimitsOrShareARun() async throws {
        try await setQuota(a, concurrent: 10)
        try await setQuota(b, concurrent: 3)
        try await enqueue(a, count: 40, minutesAgo: 10)
        try await enqueue(b, count: 40, minutesAgo: 10)
        let queue = self.queue
        let claimed = try await withThrowingTaskGroup(of: [ClaimedRun].self) { group in
            for worker in 0..<8 {
                group.addTask { try await queue.claim(worker: "w\(worker)", limit: 4) }
            }
            var all: [ClaimedRun] = []
            for try await batch in group { all += batch }
            return all
        }
        #expect(Set(claimed.map(\.runID)).count == claimed.count)
        #expect(claimed.filter { $0.tenantID == a.id }.count == 10)
        #expect(claimed.filter { $0.tenantID == b.id }.count == 3)
        let running = try await TestDatabase.withSuperuser(name) {
            try await $0.query("SELECT count(*) FROM runs WHERE status = 'running'").first!.decode(Int.self)
        }
        #expect(running == 13)
    }

    @Test func enqueueIsIdempotentPerRouteAndInstant() async throws {
        let instant = Date(timeIntervalSince1970: 1_790_000_000)
        let first = try await queue.enqueue(tenant: a.id, route: "sync", trigger: "schedule", scheduledFor: instant)
        let second = try await queue.enqueue(tenant: a.id, route: "sync", trigger: "schedule", scheduledFor: instant)
        #expect(first != nil)
        #expect(second == nil)
    }

    @Test func lapsedLeasesAreRescuedThenDeadLettered() async throws {
        try await enqueue(b, count: 1, minutesAgo: 5)
        let first = try await queue.claim(worker: "doomed", limit: 1, lease: .seconds(1))
        #expect(first.count == 1)
        #expect(try await queue.heartbeat(worker: "doomed", lease: .seconds(1)) == 1)
        try await Task.sleep(for: .milliseconds(1500))
        let rescued = try await queue.rescue()
        #expect(rescued.map(\.status) == ["queued"])
        let second = try await queue.claim(worker: "doomed-too", limit: 1, lease: .seconds(1))
        #expect(second.map(\.attempt) == [2])
        try await Task.sleep(for: .milliseconds(1500))
        // The route allows 2 attempts: the second lapse dead-letters the run.
        #expect(try await queue.rescue().map(\.status) == ["dead"])
        #expect(try await queue.claim(worker: "w", limit: 1).isEmpty)
    }

    @Test func enqueueWakesListeners() async throws {
        let listener = try await PostgresListener.start(
            PostgresConfiguration(connectionString: TestDatabase.connectionString(database: name)), channels: [RunQueue.channel])
        defer { listener.stop() }
        _ = try await queue.enqueue(tenant: b.id, route: "sync", trigger: "manual")
        var iterator = listener.notifications.makeAsyncIterator()
        let notification = await iterator.next()
        #expect(notification?.payload == b.id.description)
    }
}

@Suite("Run retries", .enabled(if: TestDatabase.isAvailable))
struct RunRetryTests {
    @Test func failedRunsBackOffThenDie() async throws {
        let name = try await TestDatabase.createMigrated(prefix: "retry")
        let pool = TestDatabase.pool(name)
        let database = ControlPlaneDatabase(pool: pool)
        let tenant = try await Tenants(database: database).create(
            slug: try TenantSlug("retry-t"), displayName: "R", actor: Actor("test"))
        _ = try await PackageRegistry(database: database).publish(
            PackageRegistry.Submission(
                name: "r-pkg", version: "1.0.0", major: 1, minor: 0, patch: 0, prerelease: "", title: "R",
                manifestJSON: "{}", bundle: Data([1]), sha256: String(repeating: "ef", count: 32)),
            actor: Actor("test"))
        _ = try await Installations(database: database, keyring: Keyring(current: MasterKey.generate())).install(
            tenant: "retry-t", name: "io", packageName: "r-pkg", version: "1.0.0",
            config: InstallationConfig(publicConfigJSON: "{}", secretsJSON: nil, secretPointers: []), actor: Actor("test"))
        _ = try await Routes(database: database).apply(
            RouteRecord(
                name: "flaky",
                definitionJSON:
                    #"{"retry": {"max_attempts": 3, "initial_delay": "10s", "max_delay": "15s", "multiplier": 2, "jitter": 0}}"#,
                sourceInstallation: "io", destinationInstallation: "io", triggerKind: "manual", cron: nil, timeZone: nil,
                enabled: true),
            tenant: "retry-t", dryRun: false, actor: Actor("test"))
        let queue = RunQueue(database: database)
        _ = try await queue.enqueue(
            tenant: tenant.id, route: "flaky", trigger: "manual", scheduledFor: Date().addingTimeInterval(-5))
        let run = try #require(try await queue.claim(worker: "w", limit: 1).first)

        let before = Date()
        let first = try await queue.retryOrBury(run, error: "source unreachable")
        // Attempt 1 failed: attempt 2 after initial_delay (10 s, no jitter).
        #expect(first.status == "queued")
        #expect(first.attempt == 2)
        #expect(abs(first.at.timeIntervalSince(before) - 10) < 2)
        // Not due yet: nothing to claim.
        #expect(try await queue.claim(worker: "w", limit: 1).isEmpty)

        let second = try await queue.retryOrBury(run, error: "source unreachable")
        // Attempt 2 failed: 10 s × 2 = 20 s, capped at max_delay 15 s.
        #expect(second.status == "queued")
        #expect(second.attempt == 3)
        #expect(abs(second.at.timeIntervalSince(Date()) - 15) < 2)

        let third = try await queue.retryOrBury(run, error: "source unreachable")
        #expect(third.status == "dead")
        #expect(third.attempt == 3)
        await pool.close()
    }
}
