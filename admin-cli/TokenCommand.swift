import ArgumentParser
import ControlPlane
import Foundation

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Issue, list, revoke and verify API tokens.",
        subcommands: [Issue.self, List.self, Revoke.self, Verify.self])

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue an API token for a user; it is printed once and only its SHA-256 is stored.")
        @Option(help: "The tenant's slug.") var tenant: String
        @Option(help: "The user's email address.") var user: String
        @Option(help: "Lifetime: a number with m, h, d or w (e.g. 90d), or 'never'.") var expiresIn = "90d"
        @Option(help: "Narrow the token to a scope (repeatable), e.g. runs:read.") var scope: [String] = []
        @OptionGroup var options: DatabaseOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            do {
                _ = try Tokens.parseLifetime(expiresIn)
                try Tokens.validateScopes(scope)
            } catch { throw ValidationError(error.message) }
        }

        func run() async throws {
            let lifetime = try Tokens.parseLifetime(expiresIn)
            let (token, info) = try await Session.with { session in
                try await Tokens(database: session.database).issue(
                    tenant: tenant, email: user, lifetime: lifetime, scopes: scope, actor: options.resolvedActor)
            }
            if output.json { return try Output.json(IssuedToken(token: token.secret, info: info)) }
            print(
                "issued token \(info.tokenID) for '\(info.email)' in tenant '\(info.tenant)', expires \(Output.date(info.expiresAt))"
            )
            print("token (shown once, store it now): \(token.secret)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a tenant's tokens (never their secrets).")
        @Option(help: "The tenant's slug.") var tenant: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let tokens = try await Session.with { session in try await Tokens(database: session.database).list(tenant: tenant) }
            if output.json { return try Output.json(tokens) }
            Output.table(
                ["TOKEN ID", "USER", "SCOPES", "CREATED", "EXPIRES", "LAST USED", "STATUS"],
                tokens.map {
                    [
                        $0.tokenID, $0.email, $0.scopes.isEmpty ? "(role)" : $0.scopes.joined(separator: ","),
                        Output.date($0.createdAt), Output.date($0.expiresAt), Output.date($0.lastUsedAt),
                        $0.revokedAt != nil ? "revoked" : (($0.expiresAt.map { $0 <= Date() } ?? false) ? "expired" : "active"),
                    ]
                })
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by its id; it stops working at once.")
        @Argument(help: "The token id (tok_…), from 'token list'.") var tokenID: String
        @OptionGroup var options: DatabaseOptions

        func run() async throws {
            let info = try await Session.with { session in
                try await Tokens(database: session.database).revoke(tokenID: tokenID, actor: options.resolvedActor)
            }
            print("revoked token \(info.tokenID) of '\(info.email)' in tenant '\(info.tenant)'")
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a token read from stdin; print its tenant, user and role (exit 1 with the reason if invalid).")
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let text = try Output.readSecretFromStdin(what: "token")
            // Format and checksum first: a mistyped token never reaches the database.
            _ = try APIToken(parsing: text)
            let verified = try await Session.with { session in try await Tokens(database: session.database).verify(text) }
            if output.json { return try Output.json(verified) }
            Output.table(
                ["FIELD", "VALUE"],
                [
                    ["token", verified.tokenID], ["tenant", verified.tenant], ["user", verified.email],
                    ["role", verified.role.rawValue],
                    ["scopes", verified.scopes.isEmpty ? "(all the role allows)" : verified.scopes.joined(separator: ",")],
                ])
        }
    }
}

private struct IssuedToken: Encodable {
    let token: String
    let info: TokenInfo
}
