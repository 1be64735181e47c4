import ArgumentParser
import ConnectorKit
import Connectors
import ControlPlane
import Foundation
import Transform
import Values

/// Executes one route in this process: source → steps → destination, recording the run.
///
/// This is the single-process path behind `admin-cli route run`; the scheduler and isolated workers will run the same
/// exchange from the queue.
enum RouteExecution {
    struct Endpoints {
        let source: FilesRuntime
        let stream: String
        let destination: FilesRuntime
        let action: String
    }

    static func endpoints(definition: JSONValue, tenant: String, session: Session, keyring: Keyring) async throws -> Endpoints {
        let installations = Installations(database: session.database, keyring: keyring)
        let registry = PackageRegistry(database: session.database)
        func runtime(_ name: String) async throws -> FilesRuntime {
            let installation = try await installations.find(tenant: tenant, name: name)
            let package = try await registry.find(name: installation.packageName, version: installation.packageVersion)
            let manifest = try ConnectorManifest(parsing: try JSONParser.parse(package.manifest))
            guard case .declarative(let engine, let settings) = manifest.runtime, engine == "files" else {
                throw CLIFailure(
                    message: "installation '\(name)' uses \(installation.packageName), whose runtime cannot run in this "
                        + "version yet (the built-in 'files' runtime can)")
            }
            let config = try InstallationSupport.fullConfig(
                publicJSON: installation.config, secretsJSON: try await installations.secrets(tenant: tenant, name: name))
            return FilesRuntime(
                settings: settings, config: config,
                baseDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true))
        }
        guard let sourceName = definition["source"]?["installation"]?.stringValue,
            let stream = definition["source"]?["stream"]?.stringValue,
            let destinationName = definition["destination"]?["installation"]?.stringValue,
            let action = definition["destination"]?["action"]?.stringValue
        else { throw CLIFailure(message: "the stored route definition is incomplete (apply the route again)") }
        return Endpoints(
            source: try await runtime(sourceName), stream: stream, destination: try await runtime(destinationName),
            action: action)
    }

    /// Runs the route and returns the recorded run.
    static func run(
        tenant: String, route: String, session: Session, keyring: Keyring, progress: ProgressLine
    ) async throws
        -> RunRecord
    {
        let runs = Runs(database: session.database)
        let (run, definitionText, tenantID) = try await runs.startManual(
            tenant: tenant, route: route, owner: "admin-cli:\(ProcessInfo.processInfo.processIdentifier)")
        var counts = RunCounts()
        var summary = RunSummary()
        do {
            let definition = try JSONParser.parse(definitionText)
            let endpoints = try await endpoints(definition: definition, tenant: tenant, session: session, keyring: keyring)
            let steps = try StepListParser.parse(definition["steps"] ?? .array([]), validatorFactory: SchemaValidation.factory)
            let pipeline = TransformPipeline(steps: steps, dedupeStore: InMemoryDedupeStore())
            let writer = try endpoints.destination.writer(action: endpoints.action)
            let limit = Int(definition["limits"]?["max_records_per_run"]?.numberValue ?? 1_000_000)
            var shown = 0
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
                        if shown < 20 {
                            Output.error(error.description)
                            shown += 1
                        }
                    }
                }
            }
            // One record at a time, through every step, before the next is read.
            let source = try endpoints.source.records(stream: endpoints.stream)
            while counts.read < limit, let (record, file, number) = try source.next() {
                counts.read += 1
                try handle(await pipeline.process(record, key: "\(file) record \(number)"))
                summary.read = counts.read
                summary.written = counts.written
                progress.update(summary)
            }
            try handle(await pipeline.finish())
            try writer.finish()
            progress.clear()
            let error = counts.failed > 0 ? "\(counts.failed) record(s) failed" : nil
            return try await runs.finish(
                tenant: tenantID, run: run.id, succeeded: counts.failed == 0, counts: counts, error: error)
        } catch {
            progress.clear()
            let message = (error as? CLIFailure)?.message ?? "\(error)"
            _ = try? await runs.finish(tenant: tenantID, run: run.id, succeeded: false, counts: counts, error: message)
            throw CLIFailure(message: "run of route '\(route)' failed: \(message)")
        }
    }
}

extension RouteCommand {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a route now, in this process: read the source, apply the steps, write the destination.")
        @Argument(help: "The route's name.") var name: String
        @Option(help: "The tenant's slug.") var tenant: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let keyring = try Session.keyring()
            let record = try await Session.with { session in
                try await RouteExecution.run(
                    tenant: tenant, route: name, session: session, keyring: keyring,
                    progress: ProgressLine(enabled: isatty(STDERR_FILENO) == 1))
            }
            if output.json { return try Output.json(record) }
            print(
                "run \(record.id.uuidString.lowercased()) of '\(name)' \(record.status): read \(record.recordsRead), "
                    + "written \(record.recordsWritten), filtered \(record.recordsFiltered), failed \(record.recordsFailed)")
            if record.status != "succeeded" { throw ExitCode(1) }
        }
    }

    struct Runs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a tenant's latest runs.")
        @Option(help: "The tenant's slug.") var tenant: String
        @Option(help: "Only this route's runs.") var route: String?
        @Option(help: "How many.") var limit = 50
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let runs = try await Session.with { session in
                try await ControlPlane.Runs(database: session.database).list(tenant: tenant, route: route, limit: limit)
            }
            if output.json { return try Output.json(runs) }
            Output.table(
                ["RUN", "ROUTE", "TRIGGER", "STATUS", "STARTED", "READ", "WRITTEN", "FILTERED", "FAILED"],
                runs.map {
                    [
                        String($0.id.uuidString.lowercased().prefix(8)), $0.routeName, $0.trigger, $0.status,
                        Output.date($0.startedAt), "\($0.recordsRead)", "\($0.recordsWritten)", "\($0.recordsFiltered)",
                        "\($0.recordsFailed)",
                    ]
                })
        }
    }
}
