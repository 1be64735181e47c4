import ArgumentParser
import ControlPlane
import EmbeddedPostgres
import Foundation
import Postgres

/// The operators' CLI: tenants, users, tokens, migrations, the audit trail and the embedded database.
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin-cli",
        abstract: "Operate a Switchyard platform: tenants, users, API tokens, database and audit.",
        discussion: """
            Switchyard connects shops with legacy systems (source connector → mapping → destination connector) \
            for many tenants on one platform. admin-cli is the operators' tool for its control plane.

            Database: set DATABASE_URL (a libpq URI or key=value string). Without it, admin-cli runs a private \
            PostgreSQL cluster under ./.switchyard (or $SWITCHYARD_HOME), starting it and applying migrations on \
            first use.

            Examples:
              admin-cli tenant create acme --name "Acme Shop"
              admin-cli user add anna@acme.example --tenant acme --role owner
              admin-cli token issue --tenant acme --user anna@acme.example --expires-in 90d
              admin-cli audit verify

            Exit status: 0 success, 1 failure, 2 usage error. Add --json to any command that prints data.
            """,
        version: "0.1.0",
        subcommands: [
            DatabaseCommand.self, TenantCommand.self, UserCommand.self, TokenCommand.self, AuditCommand.self,
            LocalCommand.self, CronCommand.self, MapCommand.self, SchemaCommand.self, PackageCommand.self, KeysCommand.self,
            ConnectionCommand.self, RouteCommand.self,
        ]
    )
}

@main
enum AdminCLIMain {
    static func main() async {
        let code: Int32
        do {
            var command = try AdminCommand.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            code = 0
        } catch {
            code = report(error)
        }
        exit(code)
    }

    /// Prints one line for a failure and returns the exit status: 1 for failures, 2 for usage errors.
    static func report(_ error: any Error) -> Int32 {
        switch error {
        case let error as ControlPlaneError:
            Output.error(error.message)
            return 1
        case let error as PostgresError:
            Output.error(error.description)
            return 1
        case let error as EmbeddedClusterError:
            Output.error(error.description)
            return 1
        case let error as CLIFailure:
            Output.error(error.message)
            return error.exitCode
        default:
            let exitCode = AdminCommand.exitCode(for: error)
            if exitCode == .success {
                // --help and --version
                print(AdminCommand.fullMessage(for: error))
                return 0
            }
            if let exit = error as? ExitCode { return exit.rawValue }
            let message =
                AdminCommand.message(for: error)
                .split(separator: "\n").first.map(String.init) ?? "invalid usage"
            let hint = message.contains("--help") ? "" : " (see: \(commandPath()) --help)"
            Output.error(message.replacingOccurrences(of: "Error: ", with: "") + hint)
            return exitCode == .validationFailure ? 2 : (exitCode.rawValue == 64 ? 2 : 1)
        }
    }
}

/// The subcommand path the user typed, e.g. `admin-cli user add`, for pointing at the right `--help`.
func commandPath(arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> String {
    var path = ["admin-cli"]
    var candidates: [any ParsableCommand.Type] = AdminCommand.configuration.subcommands
    for argument in arguments {
        guard let match = candidates.first(where: { $0._commandName == argument }) else { break }
        path.append(argument)
        candidates = match.configuration.subcommands
    }
    return path.joined(separator: " ")
}

/// A failure the CLI itself reports, with its exit status.
struct CLIFailure: Error {
    let message: String
    var exitCode: Int32 = 1
}
