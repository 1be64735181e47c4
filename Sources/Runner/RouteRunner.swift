import ConnectorKit
import Connectors
public import ControlPlane
public import Foundation
import Transform
import Values

/// A run that could not execute, with a message for people.
public struct RunFailure: Error, Sendable, CustomStringConvertible {
    /// One line.
    public let description: String
    /// Creates a failure.
    public init(_ description: String) { self.description = description }
}

/// Executes one run of a route: source → steps → destination, record by record, and records the outcome.
///
/// Shared by `admin-cli route run` (in-process) and `switchyard worker` (claimed from the queue).
public struct RouteRunner: Sendable {
    let database: ControlPlaneDatabase
    let keyring: Keyring
    let baseDirectory: URL
    let validatorFactory: EntityValidatorFactory?

    /// Creates a runner; relative folders in installation configs resolve against `baseDirectory`.
    public init(
        database: ControlPlaneDatabase, keyring: Keyring, baseDirectory: URL, validatorFactory: EntityValidatorFactory?
    ) {
        self.database = database
        self.keyring = keyring
        self.baseDirectory = baseDirectory
        self.validatorFactory = validatorFactory
    }

    /// Executes a run whose row exists (status `running`), and records its end. `reportFailure` hears failed records.
    public func execute(
        tenant slug: String, tenantID: TenantID, runID: UUID, definitionJSON: String,
        reportFailure: @Sendable (String) -> Void = { _ in }, progress: @Sendable (Int, Int) -> Void = { _, _ in }
    ) async throws -> RunRecord {
        let runs = Runs(database: database)
        var counts = RunCounts()
        do {
            let definition = try JSONParser.parse(definitionJSON)
            let (source, stream) = try await runtime(definition["source"], key: "stream", tenant: slug)
            let (destination, action) = try await runtime(definition["destination"], key: "action", tenant: slug)
            let steps = try StepListParser.parse(definition["steps"] ?? .array([]), validatorFactory: validatorFactory)
            let pipeline = TransformPipeline(steps: steps, dedupeStore: InMemoryDedupeStore())
            let writer = try destination.writer(action: action)
            let limit = Int(definition["limits"]?["max_records_per_run"]?.numberValue ?? 1_000_000)
            func handle(_ outcomes: [TransformOutcome]) throws {
                for outcome in outcomes {
                    switch outcome {
                    case .entity(let value, _, _):
                        try writer.write(value)
                        counts.written += 1
                    case .filtered, .unchanged: counts.filtered += 1
                    case .grouped: break
                    case .failed(let error):
                        counts.failed += 1
                        reportFailure(error.description)
                    }
                }
            }
            // One record at a time, through every step, before the next is read.
            let records = try source.records(stream: stream)
            while counts.read < limit, let (record, file, number) = try records.next() {
                try Task.checkCancellation()
                counts.read += 1
                try handle(await pipeline.process(record, key: "\(file) record \(number)"))
                progress(counts.read, counts.written)
            }
            try handle(await pipeline.finish())
            try writer.finish()
            let error = counts.failed > 0 ? "\(counts.failed) record(s) failed" : nil
            return try await runs.finish(
                tenant: tenantID, run: runID, succeeded: counts.failed == 0, counts: counts, error: error)
        } catch is CancellationError {
            // Recorded from a fresh task: this one is cancelled, and its database calls would be cancelled too.
            let final = counts
            _ = try? await Task {
                try await runs.finish(
                    tenant: tenantID, run: runID, status: "cancelled", counts: final, error: "cancelled while running")
            }.value
            throw CancellationError()
        } catch {
            let message = (error as? RunFailure)?.description ?? "\(error)"
            _ = try? await runs.finish(tenant: tenantID, run: runID, succeeded: false, counts: counts, error: message)
            throw RunFailure(message)
        }
    }

    /// The runtime behind one end of a route.
    func runtime(_ endpoint: JSONValue?, key: String, tenant: String) async throws -> (FilesRuntime, String) {
        guard let name = endpoint?["installation"]?.stringValue, let endpointName = endpoint?[key]?.stringValue else {
            throw RunFailure("the stored route definition is incomplete (apply the route again)")
        }
        let installations = Installations(database: database, keyring: keyring)
        let installation = try await installations.find(tenant: tenant, name: name)
        let package = try await PackageRegistry(database: database).find(
            name: installation.packageName, version: installation.packageVersion)
        let manifest = try ConnectorManifest(parsing: try JSONParser.parse(package.manifest))
        guard case .declarative(let engine, let settings) = manifest.runtime, engine == "files" else {
            throw RunFailure(
                "installation '\(name)' uses \(installation.packageName), whose runtime cannot run in this version yet "
                    + "(the built-in 'files' runtime can)")
        }
        let config = try InstallationConfigs.merged(
            publicJSON: installation.config, secretsJSON: try await installations.secrets(tenant: tenant, name: name))
        return (FilesRuntime(settings: settings, config: config, baseDirectory: baseDirectory), endpointName)
    }
}
