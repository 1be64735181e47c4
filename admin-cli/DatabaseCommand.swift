import ArgumentParser
import ControlPlane
import Foundation

struct DatabaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db", abstract: "Apply and inspect database migrations.",
        subcommands: [Migrate.self, Status.self])

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply pending migrations, each in its own transaction (safe to run concurrently).")

        func run() async throws {
            let migrator = try Session.migrator()
            let applied = try await Session.with(requireCurrentSchema: false) { session in
                try await migrator.migrate(session.pool) { Output.progress($0) }
            }
            print(
                applied.isEmpty
                    ? "database is up to date (\(migrator.migrations.count) migrations)"
                    : "applied \(applied.count) migration(s); database is up to date")
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show which migrations are applied or pending.")
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let migrator = try Session.migrator()
            let status = try await Session.with(requireCurrentSchema: false) { session in
                try await migrator.status(session.pool)
            }
            if output.json {
                try Output.json(status)
            } else {
                Output.table(
                    ["VERSION", "FILE", "STATE", "APPLIED"],
                    status.map { [String(format: "%04d", $0.version), $0.fileName, $0.state, Output.date($0.appliedAt)] })
            }
            if status.contains(where: { $0.state == "changed" || $0.state == "missing" }) {
                throw CLIFailure(message: "migrations do not match the database (see the STATE column)")
            }
        }
    }
}
