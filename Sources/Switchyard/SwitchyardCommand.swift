import ArgumentParser
import ConnectorKit
import ControlPlane
import Cron
import Dispatch
import Foundation
import Postgres
import Runner
import Synchronization
import Transform
import Values

/// The platform's processes: `worker` executes queued runs, `scheduler` enqueues scheduled ones, `serve` does both.
@main
struct SwitchyardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchyard",
        abstract: "Run Switchyard's processes against the PostgreSQL in DATABASE_URL.",
        discussion: """
            Every role can run alone, and any number of each can run against one database: PostgreSQL is the only \
            coordination point. SIGTERM or SIGINT stops claiming new runs, lets running ones finish up to --drain \
            seconds, hands the rest back to the queue, and exits 0.
            """,
        subcommands: [Worker.self, Scheduler.self, Serve.self])

    struct Common: ParsableArguments {
        @Option(help: "Seconds a claimed run's lease lasts without a heartbeat.") var lease = 30
        @Option(help: "Seconds to let running runs finish after SIGTERM.") var drain = 30
    }

    struct Worker: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Claim queued runs fairly and execute them.")
        @Option(help: "Runs executed at once by this process.") var concurrency = 2
        @Flag(help: "Claim once, finish what was claimed, and exit (for scripts and tests).") var once = false
        @OptionGroup var common: Common

        func run() async throws {
            let context = try ProcessContext.make()
            try await WorkerLoop(context: context, concurrency: concurrency, once: once, common: common).run()
        }
    }

    struct Scheduler: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enqueue runs of scheduled routes when they are due.")
        @Flag(help: "Enqueue what is due now and exit.") var once = false
        @Option(help: "Seconds between checks.") var interval = 15

        func run() async throws {
            let context = try ProcessContext.make()
            try await SchedulerLoop(context: context, interval: interval, once: once).run()
        }
    }

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Scheduler and worker in one process (a single node).")
        @Option(help: "Runs executed at once.") var concurrency = 2
        @OptionGroup var common: Common

        func run() async throws {
            let context = try ProcessContext.make()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await SchedulerLoop(context: context, interval: 15, once: false).run() }
                group.addTask {
                    try await WorkerLoop(context: context, concurrency: concurrency, once: false, common: common).run()
                }
                try await group.waitForAll()
            }
        }
    }
}

/// What every role needs: the database, the master keys, and a stop signal.
struct ProcessContext: Sendable {
    let configuration: PostgresConfiguration
    let database: ControlPlaneDatabase
    let keyring: Keyring
    let stop: StopSignal

    static func make() throws -> ProcessContext {
        guard let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty else {
            throw ValidationError(
                "DATABASE_URL is not set (for the embedded cluster: DATABASE_URL=$(admin-cli local start --print-url))")
        }
        let configuration = PostgresConfiguration(connectionString: url, applicationName: "switchyard")
        let keyring: Keyring
        do { keyring = try Keyring.load(keyFile: nil) } catch { throw ValidationError(error.message) }
        return ProcessContext(
            configuration: configuration,
            database: ControlPlaneDatabase(pool: PostgresPool(configuration: configuration, maxConnections: 8)),
            keyring: keyring, stop: StopSignal.shared)
    }
}

/// SIGTERM/SIGINT as a flag that loops check.
final class StopSignal: @unchecked Sendable {
    static let shared = StopSignal()
    private let lock = NSLock()
    private var stopped = false
    private var sources: [any DispatchSourceSignal] = []

    private init() {
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [weak self] in self?.set() }
            source.resume()
            sources.append(source)
        }
    }

    func set() {
        lock.lock()
        stopped = true
        lock.unlock()
    }

    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }
}

/// Claims runs within this process's concurrency, executes them, heartbeats their leases, rescues lapsed ones.
struct WorkerLoop {
    let context: ProcessContext
    let concurrency: Int
    let once: Bool
    let common: SwitchyardCommand.Common

    func run() async throws {
        let worker = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
        let queue = RunQueue(database: context.database)
        let lease = Duration.seconds(common.lease)
        let runner = RouteRunner(
            database: context.database, keyring: context.keyring,
            baseDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true),
            validatorFactory: { schema in SchemaValidator(schema: try JSONSchema(compiling: schema)) })
        let listener = try await PostgresListener.start(context.configuration, channels: [RunQueue.channel])
        defer { listener.stop() }
        let state = WorkerState()
        // A NOTIFY on the queue channel ends the idle wait early; polling is the fallback.
        let wakeups = Task {
            for await _ in listener.notifications { state.notified.store(true, ordering: .releasing) }
        }
        defer { wakeups.cancel() }
        log("started as \(worker), concurrency \(concurrency)")
        let stop = context.stop
        var lastHeartbeat = ContinuousClock.now
        var lastCancelCheck = ContinuousClock.now
        // Cancelling a run cancels its task; the runner checks between records.
        func checkCancellations(force: Bool = false) async {
            guard force || ContinuousClock.now - lastCancelCheck > .milliseconds(900) else { return }
            lastCancelCheck = .now
            for id in (try? await queue.cancelledRuns(worker: worker)) ?? [] {
                state.cancel(id)
            }
        }
        while !stop.isSet {
            _ = try? await queue.rescue()
            let free = concurrency - state.inFlight.load(ordering: .acquiring)
            let claimed = free > 0 ? try await queue.claim(worker: worker, limit: free, lease: lease) : []
            for run in claimed {
                state.inFlight.add(1, ordering: .acquiringAndReleasing)
                let task = Task {
                    defer {
                        state.finished(run.runID)
                        state.inFlight.subtract(1, ordering: .acquiringAndReleasing)
                    }
                    let id = run.runID.uuidString.lowercased()
                    do {
                        let (tenant, definition) = try await queue.context(of: run)
                        let record = try await runner.execute(
                            tenant: tenant, tenantID: run.tenantID, runID: run.runID, definitionJSON: definition)
                        log(
                            "run \(id) of '\(record.routeName)' (\(tenant)) \(record.status): read \(record.recordsRead), "
                                + "written \(record.recordsWritten), failed \(record.recordsFailed)")
                    } catch is CancellationError {
                        log("run \(id) cancelled")
                    } catch {
                        let next = try? await queue.retryOrBury(run, error: "\(error)")
                        switch next?.status {
                        case "queued"?: log("run \(id) failed (\(error)); attempt \(next!.attempt) queued for \(next!.at)")
                        case "dead"?: log("run \(id) failed (\(error)); no attempts left: dead-lettered")
                        default: log("run \(id) failed: \(error)")
                        }
                    }
                }
                state.started(run.runID, task)
            }
            if once { break }
            if ContinuousClock.now - lastHeartbeat > lease / 3 {
                _ = try? await queue.heartbeat(worker: worker, lease: lease)
                lastHeartbeat = .now
            }
            // Idle until a NOTIFY, a finished run or two seconds; cancellations are looked for meanwhile.
            let busy = state.inFlight.load(ordering: .acquiring)
            for _ in 0..<20 {
                if stop.isSet || state.notified.exchange(false, ordering: .acquiringAndReleasing) { break }
                if state.inFlight.load(ordering: .acquiring) < busy { break }
                if busy > 0 { await checkCancellations() }
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        if stop.isSet {
            log("stopping: finishing \(state.inFlight.load(ordering: .acquiring)) run(s), up to \(common.drain) s")
        }
        let deadline = ContinuousClock.now + .seconds(once && !stop.isSet ? common.lease * 1000 : common.drain)
        while state.inFlight.load(ordering: .acquiring) > 0, ContinuousClock.now < deadline {
            if ContinuousClock.now - lastHeartbeat > lease / 3 {
                _ = try? await queue.heartbeat(worker: worker, lease: lease)
                lastHeartbeat = .now
            }
            await checkCancellations()
            try? await Task.sleep(for: .milliseconds(100))
        }
        if state.inFlight.load(ordering: .acquiring) > 0 {
            state.cancelAll()
            try? await queue.release(worker: worker)
            _ = try? await queue.rescue()
        }
        log("stopped")
    }

    func log(_ message: String) { FileHandle.standardError.write(Data("worker: \(message)\n".utf8)) }
}

/// Counters and run tasks shared between the worker loop and its runs.
final class WorkerState: Sendable {
    let inFlight = Atomic<Int>(0)
    let notified = Atomic<Bool>(false)
    private let tasks = Mutex<[UUID: Task<Void, Never>]>([:])

    func started(_ run: UUID, _ task: Task<Void, Never>) { tasks.withLock { $0[run] = task } }
    func finished(_ run: UUID) { _ = tasks.withLock { $0.removeValue(forKey: run) } }
    func cancel(_ run: UUID) { tasks.withLock { $0[run] }?.cancel() }
    func cancelAll() { tasks.withLock { Array($0.values) }.forEach { $0.cancel() } }
}

/// Enqueues the runs of scheduled routes that fell due since the last check (idempotent: one run per route and
/// fire instant, whatever the number of schedulers).
struct SchedulerLoop {
    let context: ProcessContext
    let interval: Int
    let once: Bool

    func run() async throws {
        let queue = RunQueue(database: context.database)
        var checkedUntil = Date().addingTimeInterval(-Double(interval) * 2)
        log("started, checking every \(interval) s")
        while !context.stop.isSet {
            let now = Date()
            for route in try await queue.scheduledRoutes() {
                guard let expression = try? CronExpression(parsing: route.cron), let zone = TimeZone(identifier: route.timeZone)
                else { continue }
                var after = checkedUntil
                while let fire = expression.next(after: after, in: zone), fire <= now {
                    if try await queue.enqueue(tenant: route.tenant, route: route.route, trigger: "schedule", scheduledFor: fire)
                        != nil
                    {
                        log("queued '\(route.route)' for \(fire)")
                    }
                    after = fire
                }
            }
            checkedUntil = now
            if once { return }
            for _ in 0..<(interval * 10) where !context.stop.isSet { try? await Task.sleep(for: .milliseconds(100)) }
        }
        log("stopped")
    }

    func log(_ message: String) { FileHandle.standardError.write(Data("scheduler: \(message)\n".utf8)) }
}

/// JSON Schema validation for `validate` steps.
struct SchemaValidator: EntityValidator {
    let schema: JSONSchema
    func violations(of entity: JSONValue) -> [String] { schema.validate(entity).map(\.message) }
}
