import ArgumentParser
import ConfigFiles
import ConnectorKit
import ControlPlane
import Foundation
import RouteConfig
import Values

struct RouteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "route",
        abstract: "Define tenants' routes: source (installation + stream) → steps → destination (installation + action).",
        subcommands: [Apply.self, List.self, Show.self, Enable.self, Disable.self, Delete.self, Run.self, Runs.self, Cancel.self])

    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or update a route from a YAML/JSON file; prints what changes. Idempotent.")
        @Option(help: "The tenant's slug.") var tenant: String
        @Argument(help: "The route file.") var file: String
        @Flag(help: "Check and show the changes without storing them.") var dryRun = false
        @OptionGroup var options: DatabaseOptions

        func run() async throws {
            let value: JSONValue
            do { value = try ConfigFile.load(file) } catch { throw CLIFailure(message: "\(error)", exitCode: 2) }
            let keyring = try Session.keyring()
            let (definition, outcome, before) = try await Session.with { session in
                let catalog = try await RouteCatalog.load(tenant: tenant, session: session, keyring: keyring)
                let definition: RouteDefinition
                do {
                    definition = try RouteDefinition(parsing: value, catalog: catalog, validatorFactory: SchemaValidation.factory)
                } catch let error as RouteError {
                    let lines = error.problems.map { "  \(file)\($0.pointer): \($0.message)" }
                    throw CLIFailure(message: "\(file): \(error.problems.count) problem(s):\n" + lines.joined(separator: "\n"))
                }
                var cron: String?
                var zone: String?
                if case .schedule(let expression, let timeZone) = definition.trigger {
                    cron = expression
                    zone = timeZone
                }
                let record = RouteRecord(
                    name: definition.name, definitionJSON: JSONSerializer.serialize(definition.normalized),
                    sourceInstallation: definition.source.installation,
                    destinationInstallation: definition.destination.installation, triggerKind: definition.trigger.kind,
                    cron: cron, timeZone: zone, enabled: definition.enabled)
                let (outcome, before) = try await Routes(database: session.database).apply(
                    record, tenant: tenant, dryRun: dryRun, actor: options.resolvedActor)
                return (definition, outcome, before)
            }
            let prefix = dryRun ? "would " : ""
            switch outcome {
            case .unchanged: print("route '\(definition.name)' is unchanged")
            case .created: print("\(prefix)create route '\(definition.name)'")
            case .updated:
                print(
                    "\(prefix)update route '\(definition.name)' (version \(before?.version ?? 0) → \((before?.version ?? 0) + 1))"
                )
            }
            if outcome != RouteApplyOutcome.unchanged {
                let old = before.flatMap { try? JSONParser.parse($0.definition) }
                for line in RouteDiff.lines(from: old, to: definition.normalized) { print(line) }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a tenant's routes.")
        @Option(help: "The tenant's slug.") var tenant: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let routes = try await Session.with { session in try await Routes(database: session.database).list(tenant: tenant) }
            if output.json {
                return print(
                    JSONSerializer.serialize(
                        .array(routes.map { (try? JSONParser.parse($0.definition)) ?? .null }), indent: 2))
            }
            Output.table(
                ["NAME", "SOURCE", "DESTINATION", "TRIGGER", "ENABLED", "VERSION", "UPDATED"],
                routes.map { route in
                    let definition = (try? JSONParser.parse(route.definition)) ?? .null
                    let source =
                        "\(definition["source"]?["installation"]?.stringValue ?? "?")/\(definition["source"]?["stream"]?.stringValue ?? "?")"
                    let destination =
                        "\(definition["destination"]?["installation"]?.stringValue ?? "?")/\(definition["destination"]?["action"]?.stringValue ?? "?")"
                    var trigger = route.triggerKind
                    if let cron = definition["trigger"]?["schedule"]?.stringValue {
                        trigger = "\(cron) (\(definition["trigger"]?["timezone"]?.stringValue ?? "UTC"))"
                    }
                    return [
                        route.name, source, destination, trigger, route.enabled ? "yes" : "no", "\(route.version)",
                        Output.date(route.updatedAt),
                    ]
                })
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a route's stored definition.")
        @Argument(help: "The route's name.") var name: String
        @Option(help: "The tenant's slug.") var tenant: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let route = try await Session.with { session in
                try await Routes(database: session.database).find(tenant: tenant, name: name)
            }
            let definition = (try? JSONParser.parse(route.definition)) ?? .null
            if !output.json {
                print("route '\(route.name)', version \(route.version), \(route.enabled ? "enabled" : "disabled")")
            }
            print(JSONSerializer.serialize(definition, indent: 2))
        }
    }

    /// The arguments of `enable` and `disable`, and the one thing they do.
    struct RouteSwitch: ParsableArguments {
        @Argument(help: "The route's name.") var name: String
        @Option(help: "The tenant's slug.") var tenant: String
        @OptionGroup var options: DatabaseOptions

        func set(enabled: Bool) async throws {
            try await Session.with { session in
                try await Routes(database: session.database).setEnabled(
                    enabled, tenant: tenant, name: name, actor: options.resolvedActor)
            }
            print("\(enabled ? "enabled" : "disabled") route '\(name)'")
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Let a route run again.")
        @OptionGroup var route: RouteSwitch
        func run() async throws { try await route.set(enabled: true) }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop a route from being triggered.")
        @OptionGroup var route: RouteSwitch
        func run() async throws { try await route.set(enabled: false) }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a route.")
        @Argument(help: "The route's name.") var name: String
        @Option(help: "The tenant's slug.") var tenant: String
        @Option(help: "The route's name typed again, to confirm.") var confirm: String
        @OptionGroup var options: DatabaseOptions

        func validate() throws {
            guard confirm == name else { throw ValidationError("deleting route '\(name)' needs --confirm \(name)") }
        }

        func run() async throws {
            try await Session.with { session in
                try await Routes(database: session.database).delete(tenant: tenant, name: name, actor: options.resolvedActor)
            }
            print("deleted route '\(name)'")
        }
    }
}

/// The streams and actions of a tenant's installations, from their packages' manifests.
enum RouteCatalog {
    static func load(tenant: String, session: Session, keyring: Keyring) async throws -> InstallationCatalog {
        let installations = try await Installations(database: session.database, keyring: keyring).list(tenant: tenant)
        let registry = PackageRegistry(database: session.database)
        var endpoints: [String: (streams: Set<String>, actions: Set<String>)] = [:]
        for installation in installations {
            let package = try await registry.find(name: installation.packageName, version: installation.packageVersion)
            let manifest = try ConnectorManifest(parsing: try JSONParser.parse(package.manifest))
            endpoints[installation.name] = (Set(manifest.streams.map(\.name)), Set(manifest.actions.map(\.name)))
        }
        return InstallationCatalog(endpoints: endpoints)
    }
}

/// What `route apply` prints: one line per top-level field that changes.
enum RouteDiff {
    static func lines(from old: JSONValue?, to new: JSONValue) -> [String] {
        guard case .object(let newObject) = new else { return [] }
        var oldObject = JSONObject()
        if case .object(let object)? = old { oldObject = object }
        var lines: [String] = []
        for (key, value) in newObject {
            let newText = JSONSerializer.serialize(value)
            if let previous = oldObject[key] {
                // Compared as values: the database keeps objects with its own key order.
                if previous != value {
                    lines.append("  - \(key): \(JSONSerializer.serialize(previous))")
                    lines.append("  + \(key): \(newText)")
                }
            } else {
                lines.append("  + \(key): \(newText)")
            }
        }
        return lines
    }
}
