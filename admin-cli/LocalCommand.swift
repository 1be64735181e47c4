import ArgumentParser
import EmbeddedPostgres
import Foundation

struct LocalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "local",
        abstract: "Manage the embedded PostgreSQL cluster under ./.switchyard (or $SWITCHYARD_HOME).",
        subcommands: [Start.self, Stop.self, Status.self, Psql.self])

    static var cluster: EmbeddedCluster { EmbeddedCluster(home: EmbeddedCluster.defaultHome()) }

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Initialise (first run) and start the cluster.")
        @Flag(help: "Trade durability for speed (fsync off): for throwaway test clusters only.") var ephemeral = false
        @Flag(help: "Print only the connection string (for scripts: DATABASE_URL=$(admin-cli local start --print-url)).")
        var printURL = false

        func run() async throws {
            let cluster = LocalCommand.cluster
            let ephemeral = self.ephemeral
            try await offloaded { try cluster.start(ephemeral: ephemeral) { Output.progress($0) } }
            if printURL {
                print(cluster.connectionString)
            } else {
                print("embedded PostgreSQL is running in \(cluster.home.path)")
                print("connection: \(cluster.connectionString)")
            }
        }
    }

    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the cluster (its data stays).")

        func run() async throws {
            try await offloaded { try LocalCommand.cluster.stop() }
            print("embedded PostgreSQL stopped")
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Say whether the cluster exists and runs.")
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let cluster = LocalCommand.cluster
            let status = try await offloaded { try cluster.status() }
            let state: String
            var pid: Int?
            switch status {
            case .notInitialized: state = "not initialised"
            case .stopped: state = "stopped"
            case .running(let runningPID):
                state = "running"
                pid = runningPID
            }
            if output.json {
                return try Output.json(
                    LocalStatus(home: cluster.home.path, state: state, pid: pid, connection: cluster.connectionString))
            }
            print("embedded PostgreSQL in \(cluster.home.path): \(state)\(pid.map { " (pid \($0))" } ?? "")")
            if pid != nil { print("connection: \(cluster.connectionString)") }
        }
    }

    struct Psql: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Open psql on the cluster's Switchyard database.")
        @Argument(parsing: .captureForPassthrough, help: "Arguments passed to psql.") var arguments: [String] = []

        func run() async throws {
            let cluster = LocalCommand.cluster
            guard case .running = try cluster.status() else {
                throw CLIFailure(message: "embedded PostgreSQL is not running (start it: admin-cli local start)")
            }
            let status = try cluster.psql(arguments: arguments)
            if status != 0 { throw ExitCode(status) }
        }
    }
}

private struct LocalStatus: Encodable {
    let home: String
    let state: String
    let pid: Int?
    let connection: String
}
