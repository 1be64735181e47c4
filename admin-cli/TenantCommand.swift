import ArgumentParser
import ControlPlane
import Foundation

struct TenantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenant", abstract: "Create and manage tenant accounts.",
        subcommands: [Create.self, List.self, Show.self, Suspend.self, Resume.self, Delete.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a tenant account.")
        @Argument(help: "Slug: 3-40 lowercase letters, digits and hyphens (e.g. acme-shop).") var slug: String
        @Option(help: "Display name, e.g. \"Acme Shop\".") var name: String
        @OptionGroup var options: DatabaseOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            do { _ = try TenantSlug(slug) } catch { throw ValidationError(error.message) }
            if name.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--name must not be empty") }
        }

        func run() async throws {
            let tenant = try await Session.with { session in
                try await Tenants(database: session.database).create(
                    slug: try TenantSlug(slug), displayName: name, actor: options.resolvedActor)
            }
            if output.json { return try Output.json(tenant) }
            print("created tenant '\(tenant.slug)' (\(tenant.displayName)), id \(tenant.id)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List all tenants.")
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let tenants = try await Session.with { session in try await Tenants(database: session.database).list() }
            if output.json { return try Output.json(tenants) }
            Output.table(
                ["SLUG", "NAME", "STATUS", "MAX RUNS", "RUNS/HOUR", "CREATED"],
                tenants.map {
                    [
                        $0.slug, $0.displayName, $0.status.rawValue, String($0.maxConcurrentRuns),
                        String($0.maxRunsPerHour), Output.date($0.createdAt),
                    ]
                })
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one tenant.")
        @Argument(help: "The tenant's slug.") var slug: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let tenant = try await Session.with { session in try await Tenants(database: session.database).find(slug) }
            if output.json { return try Output.json(tenant) }
            Output.table(
                ["FIELD", "VALUE"],
                [
                    ["slug", tenant.slug], ["name", tenant.displayName], ["id", tenant.id.description],
                    ["status", tenant.status.rawValue], ["max concurrent runs", String(tenant.maxConcurrentRuns)],
                    ["max runs per hour", String(tenant.maxRunsPerHour)], ["created", Output.date(tenant.createdAt)],
                    ["updated", Output.date(tenant.updatedAt)],
                ])
        }
    }

    struct Suspend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Suspend a tenant: its users and tokens stop working at once.")
        @Argument(help: "The tenant's slug.") var slug: String
        @OptionGroup var options: DatabaseOptions

        func run() async throws {
            _ = try await Session.with { session in
                try await Tenants(database: session.database).suspend(slug, actor: options.resolvedActor)
            }
            print("suspended tenant '\(slug)'")
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resume a suspended tenant.")
        @Argument(help: "The tenant's slug.") var slug: String
        @OptionGroup var options: DatabaseOptions

        func run() async throws {
            _ = try await Session.with { session in
                try await Tenants(database: session.database).resume(slug, actor: options.resolvedActor)
            }
            print("resumed tenant '\(slug)'")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark a tenant deleted: its users and tokens stop working at once; its records stay.")
        @Argument(help: "The tenant's slug.") var slug: String
        @Option(help: "The slug typed again, to confirm.") var confirm: String
        @OptionGroup var options: DatabaseOptions

        func validate() throws {
            guard confirm == slug else {
                throw ValidationError("deleting tenant '\(slug)' needs --confirm \(slug) (the slug typed again)")
            }
        }

        func run() async throws {
            _ = try await Session.with { session in
                try await Tenants(database: session.database).delete(slug, confirmation: confirm, actor: options.resolvedActor)
            }
            print("deleted tenant '\(slug)'")
        }
    }
}
