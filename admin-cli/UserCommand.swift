import ArgumentParser
import ControlPlane
import Foundation

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Add users to tenants and manage their passwords.",
        subcommands: [Add.self, List.self, Disable.self, Enable.self, ResetPassword.self, VerifyPassword.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a user. Without --password-stdin a strong one-time password is generated and printed once.")
        @Argument(help: "The user's email address.") var email: String
        @Option(help: "The tenant's slug.") var tenant: String
        @Option(help: "owner, developer, viewer or auditor.") var role: String
        @Flag(help: "Read the password from stdin instead of generating one.") var passwordStdin = false
        @OptionGroup var options: DatabaseOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            do {
                _ = try EmailAddress(email)
                _ = try UserRole(parsing: role)
            } catch { throw ValidationError(error.message) }
        }

        func run() async throws {
            let password = passwordStdin ? try Output.readSecretFromStdin(what: "password") : nil
            let result = try await Session.with { session in
                try await Users(database: session.database).add(
                    email: try EmailAddress(email), tenant: tenant, role: try UserRole(parsing: role), password: password,
                    actor: options.resolvedActor)
            }
            try printUser(result, verb: "added", json: output.json)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a tenant's users.")
        @Option(help: "The tenant's slug.") var tenant: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let users = try await Session.with { session in try await Users(database: session.database).list(tenant: tenant) }
            if output.json { return try Output.json(users) }
            Output.table(
                ["EMAIL", "ROLE", "STATUS", "CREATED"],
                users.map {
                    [$0.email, $0.role.rawValue, $0.disabledAt == nil ? "active" : "disabled", Output.date($0.createdAt)]
                })
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a user; their tokens stop working at once.")
        @Argument(help: "The user's email address.") var email: String
        @Option(help: "The tenant's slug.") var tenant: String
        @OptionGroup var options: DatabaseOptions

        func run() async throws {
            _ = try await Session.with { session in
                try await Users(database: session.database).setDisabled(
                    true, email: email, tenant: tenant, actor: options.resolvedActor)
            }
            print("disabled user '\(email)' in tenant '\(tenant)'")
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled user.")
        @Argument(help: "The user's email address.") var email: String
        @Option(help: "The tenant's slug.") var tenant: String
        @OptionGroup var options: DatabaseOptions

        func run() async throws {
            _ = try await Session.with { session in
                try await Users(database: session.database).setDisabled(
                    false, email: email, tenant: tenant, actor: options.resolvedActor)
            }
            print("enabled user '\(email)' in tenant '\(tenant)'")
        }
    }

    struct ResetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-password",
            abstract: "Set a new password (generated and printed once, or read with --password-stdin).")
        @Argument(help: "The user's email address.") var email: String
        @Option(help: "The tenant's slug.") var tenant: String
        @Flag(help: "Read the new password from stdin instead of generating one.") var passwordStdin = false
        @OptionGroup var options: DatabaseOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let password = passwordStdin ? try Output.readSecretFromStdin(what: "password") : nil
            let result = try await Session.with { session in
                try await Users(database: session.database).resetPassword(
                    email: email, tenant: tenant, password: password, actor: options.resolvedActor)
            }
            try printUser(result, verb: "reset the password of", json: output.json)
        }
    }

    struct VerifyPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify-password", abstract: "Check a password read from stdin (exit 0 if it matches).")
        @Argument(help: "The user's email address.") var email: String
        @Option(help: "The tenant's slug.") var tenant: String
        @Flag(help: "Read the password from stdin (required: passwords never go on the command line).")
        var passwordStdin = false

        func validate() throws {
            guard passwordStdin else {
                throw ValidationError("verify-password reads the password from stdin: add --password-stdin")
            }
        }

        func run() async throws {
            let password = try Output.readSecretFromStdin(what: "password")
            let user = try await Session.with { session in
                try await Users(database: session.database).verifyPassword(email: email, tenant: tenant, password: password)
            }
            print("password matches for user '\(user.email)' in tenant '\(tenant)'")
        }
    }
}

private struct UserOutput: Encodable {
    let user: User
    let password: String?
}

private func printUser(_ result: UserWithPassword, verb: String, json: Bool) throws {
    if json { return try Output.json(UserOutput(user: result.user, password: result.generatedPassword)) }
    print("\(verb) user '\(result.user.email)' (\(result.user.role.rawValue)) in tenant '\(result.user.tenant)'")
    if let password = result.generatedPassword {
        print("one-time password (shown once, store it now): \(password)")
    }
}
