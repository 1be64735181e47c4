import ArgumentParser
import ConnectorKit
import Connectors
import ControlPlane
import Foundation
import Runner
import Transform
import Values

extension RouteCommand {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a route now, in this process: read the source, apply the steps, write the destination.")
        @Argument(help: "The route's name.") var name: String
        @Option(help: "The tenant's slug.") var tenant: String
        @Flag(help: "Queue the run for a worker (switchyard worker) instead of running it here.") var queue = false
        @OptionGroup var output: OutputOptions

        func run() async throws {
            if queue {
                let id = try await Session.with { session in
                    let tenantID = try await Tenants(database: session.database).find(tenant).id
                    return try await RunQueue(database: session.database).enqueue(
                        tenant: tenantID, route: name, trigger: "manual")
                }
                guard let id else {
                    throw CLIFailure(message: "a run of '\(name)' is already queued for this instant; try again")
                }
                if output.json { return print(#"{"run":"\#(id.uuidString.lowercased())","status":"queued"}"#) }
                return print("queued run \(id.uuidString.lowercased()) of '\(name)' (a switchyard worker will execute it)")
            }
            let keyring = try Session.keyring()
            let record = try await Session.with { session in
                let (run, definition, tenantID) = try await ControlPlane.Runs(database: session.database).startManual(
                    tenant: tenant, route: name, owner: "admin-cli:\(ProcessInfo.processInfo.processIdentifier)")
                let runner = RouteRunner(
                    database: session.database, keyring: keyring,
                    baseDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true),
                    validatorFactory: SchemaValidation.factory)
                do {
                    return try await runner.execute(
                        tenant: tenant, tenantID: tenantID, runID: run.id, definitionJSON: definition,
                        reportFailure: { Output.error($0) })
                } catch let failure as RunFailure {
                    throw CLIFailure(message: "run of route '\(name)' failed: \(failure.description)")
                }
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

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel a run: a queued one ends now, a running one is stopped by its worker within seconds.")
        @Argument(help: "The run id, or a unique prefix of it (as 'route runs' shows).") var run: String
        @Option(help: "The tenant's slug.") var tenant: String
        @OptionGroup var options: DatabaseOptions

        func run() async throws {
            let (id, status) = try await Session.with { session in
                try await ControlPlane.Runs(database: session.database).cancel(
                    tenant: tenant, run: run, actor: options.resolvedActor)
            }
            let text = id.uuidString.lowercased()
            print(status == "cancelled" ? "cancelled run \(text)" : "asked the worker to stop run \(text)")
        }
    }
}
