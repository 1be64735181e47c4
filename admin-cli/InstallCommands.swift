import ArgumentParser
import ConfigFiles
import ConnectorKit
import ControlPlane
import EmbeddedPostgres
import Foundation
import Runner
import Values

extension Session {
    /// The master keys: `SWITCHYARD_MASTER_KEY`, or on the embedded default a key file under `.switchyard/`.
    static func keyring() throws -> Keyring {
        let environment = ProcessInfo.processInfo.environment
        let embedded = (environment["DATABASE_URL"] ?? "").isEmpty
        let keyFile = embedded ? EmbeddedCluster.defaultHome().appendingPathComponent("master.key") : nil
        return try Keyring.load(keyFile: keyFile)
    }
}

/// Resolves versions and checks configs against a package's schema; splits secrets out.
enum InstallationSupport {
    /// `name`, `name@1.2.0` or `name@^1.2`.
    static func resolve(_ reference: String, registry: PackageRegistry) async throws -> PublishedPackage {
        let parts = reference.split(separator: "@", maxSplits: 1).map(String.init)
        guard parts.count == 2, parts[1].hasPrefix("^") else {
            return try await registry.find(name: parts[0], version: parts.count > 1 ? parts[1] : nil)
        }
        let rangeText = String(parts[1].dropFirst())
        let padded = rangeText.split(separator: ".").count == 2 ? rangeText + ".0" : rangeText
        let base: SemanticVersion
        do { base = try SemanticVersion(padded) } catch {
            throw CLIFailure(message: "invalid version range '\(parts[1])' (e.g. ^1.2 or ^1.2.3)", exitCode: 2)
        }
        let candidates = try await registry.list().filter { $0.name == parts[0] }
        let best = candidates.compactMap { package -> (SemanticVersion, PublishedPackage)? in
            guard let version = try? SemanticVersion(package.version), version.isCompatible(withCaret: base) else { return nil }
            return (version, package)
        }.max { $0.0 < $1.0 }
        guard let best else {
            throw CLIFailure(message: "no published version of '\(parts[0])' matches ^\(rangeText) (see: admin-cli package list)")
        }
        return best.1
    }

    /// Validates `config` against the package's config schema and splits it into public config and secrets.
    static func prepare(_ config: JSONValue, for package: PublishedPackage, source: String) throws -> InstallationConfig {
        let manifest = try ConnectorManifest(parsing: try JSONParser.parse(package.manifest))
        let schema: JSONSchema
        do { schema = try JSONSchema(compiling: manifest.config) } catch {
            throw CLIFailure(message: "package \(package.name)@\(package.version) has an invalid config schema: \(error)")
        }
        // Top-level defaults of the schema are filled in, so the stored config says what the connector will use.
        var config = config
        if case .object(var object) = config, case .object(let properties)? = manifest.config["properties"] {
            for (key, property) in properties where object[key] == nil {
                if let value = property["default"] { object[key] = value }
            }
            config = .object(object)
        }
        let violations = schema.validate(config)
        if !violations.isEmpty {
            let lines = violations.map { "  \(source)\($0.message)" }
            throw CLIFailure(
                message: "\(source) does not match the config schema of \(package.name)@\(package.version) "
                    + "(\(violations.count) problem(s)):\n" + lines.joined(separator: "\n"))
        }
        var publicConfig = config
        var secrets = JSONObject()
        var pointers: [String] = []
        for pointer in schema.secretPointers where !pointer.split(separator: "/").contains("*") {
            let keys = pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map {
                $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            }
            guard let value = value(at: keys[...], in: config) else { continue }
            secrets[pointer] = value
            pointers.append(pointer)
            publicConfig = removing(keys[...], from: publicConfig)
        }
        return InstallationConfig(
            publicConfigJSON: JSONSerializer.serialize(publicConfig),
            secretsJSON: secrets.isEmpty ? nil : JSONSerializer.serialize(.object(secrets)), secretPointers: pointers)
    }

    static func value(at keys: ArraySlice<String>, in value: JSONValue) -> JSONValue? {
        guard let key = keys.first else { return value }
        guard case .object(let object) = value, let child = object[key] else { return nil }
        return self.value(at: keys.dropFirst(), in: child)
    }

    static func removing(_ keys: ArraySlice<String>, from value: JSONValue) -> JSONValue {
        guard let key = keys.first, case .object(var object) = value else { return value }
        if keys.count == 1 {
            object[key] = nil
        } else if let child = object[key] {
            object[key] = removing(keys.dropFirst(), from: child)
        }
        return .object(object)
    }

    /// Moves an installation to `target`, re-validating `config` (or, when nil, its current config with its secrets)
    /// against the target version's schema.
    static func move(
        _ name: String, tenant: String, to target: PublishedPackage, config: JSONValue?, configSource: String?,
        action: String, installations: Installations, actor: Actor
    ) async throws -> Installation {
        var configValue = config
        if configValue == nil {
            let current = try await installations.find(tenant: tenant, name: name)
            configValue = try fullConfig(
                publicJSON: current.config, secretsJSON: try await installations.secrets(tenant: tenant, name: name))
        }
        let prepared = try prepare(configValue!, for: target, source: configSource ?? "the current config of '\(name)'")
        return try await installations.changeVersion(
            tenant: tenant, name: name, to: target.version, config: prepared, action: action, actor: actor)
    }

    /// The full config of an installation: its public config with the decrypted secrets put back.
    static func fullConfig(publicJSON: String, secretsJSON: String?) throws -> JSONValue {
        try InstallationConfigs.merged(publicJSON: publicJSON, secretsJSON: secretsJSON)
    }
}

extension PackageCommand {
    struct Install: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Install a package for a tenant: the config is validated, secret fields are stored encrypted.")
        @Argument(help: "name, name@1.2.0 or name@^1.2 (default: the newest release).") var package: String
        @Option(help: "The tenant's slug.") var tenant: String
        @Option(name: .customLong("as"), help: "The installation's name within the tenant, e.g. erp.") var installationName:
            String
        @Option(help: "Config file (YAML or JSON).") var config: String
        @OptionGroup var options: DatabaseOptions

        func validate() throws {
            guard ConnectorManifest.isValidName(installationName) else {
                throw ValidationError("--as '\(installationName)' must be 2-64 lowercase letters, digits and hyphens")
            }
        }

        func run() async throws {
            let configValue: JSONValue
            do { configValue = try ConfigFile.load(config) } catch { throw CLIFailure(message: error.description) }
            let keyring = try Session.keyring()
            let installation = try await Session.with { session in
                let registry = PackageRegistry(database: session.database)
                let published = try await InstallationSupport.resolve(package, registry: registry)
                let prepared = try InstallationSupport.prepare(configValue, for: published, source: config)
                return try await Installations(database: session.database, keyring: keyring).install(
                    tenant: tenant, name: installationName, packageName: published.name, version: published.version,
                    config: prepared, actor: options.resolvedActor)
            }
            let secrets =
                installation.secretPointers.isEmpty ? "" : ", \(installation.secretPointers.count) secret field(s) encrypted"
            print(
                "installed \(installation.packageName)@\(installation.packageVersion) as '\(installation.name)' in tenant '\(tenant)'\(secrets)"
            )
        }
    }

    struct Installed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a tenant's installations (never their secrets).")
        @Option(help: "The tenant's slug.") var tenant: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let installations = try await Session.with { session in
                try await Installations(database: session.database, keyring: try Session.keyring()).list(tenant: tenant)
            }
            if output.json {
                let items: [JSONValue] = installations.map { item in
                    var object = JSONObject()
                    object["name"] = .string(item.name)
                    object["package"] = .string(item.packageName)
                    object["version"] = .string(item.packageVersion)
                    object["previous_version"] = item.previousVersion.map(JSONValue.string) ?? .null
                    object["config"] = (try? JSONParser.parse(item.config)) ?? .null
                    object["secret_fields"] = .array(item.secretPointers.map(JSONValue.string))
                    object["updated_at"] = .string(Output.date(item.updatedAt))
                    return .object(object)
                }
                return print(JSONSerializer.serialize(.array(items), indent: 2))
            }
            Output.table(
                ["NAME", "PACKAGE", "VERSION", "PREVIOUS", "SECRET FIELDS", "UPDATED"],
                installations.map {
                    [
                        $0.name, $0.packageName, $0.packageVersion, $0.previousVersion ?? "-",
                        $0.secretPointers.isEmpty ? "-" : $0.secretPointers.joined(separator: ","), Output.date($0.updatedAt),
                    ]
                })
        }
    }

    struct Upgrade: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move an installation to another version; its config is re-validated against that version's schema.")
        @Argument(help: "The installation's name.") var installation: String
        @Option(help: "The tenant's slug.") var tenant: String
        @Option(help: "Target version or ^range (default: the newest release).") var to: String?
        @Option(help: "A new config file (default: keep the current config).") var config: String?
        @OptionGroup var options: DatabaseOptions

        func run() async throws {
            let keyring = try Session.keyring()
            let result = try await Session.with { session in
                let installations = Installations(database: session.database, keyring: keyring)
                let current = try await installations.find(tenant: tenant, name: installation)
                let registry = PackageRegistry(database: session.database)
                let target = try await InstallationSupport.resolve(
                    current.packageName + (to.map { "@\($0)" } ?? ""), registry: registry)
                var configValue: JSONValue?
                if let config {
                    do { configValue = try ConfigFile.load(config) } catch { throw CLIFailure(message: "\(error)") }
                }
                return try await InstallationSupport.move(
                    installation, tenant: tenant, to: target, config: configValue, configSource: config,
                    action: "installation.upgrade", installations: installations, actor: options.resolvedActor)
            }
            print(
                "'\(installation)' now runs \(result.packageName)@\(result.packageVersion) (was \(result.previousVersion ?? "-"))"
            )
        }
    }

    struct Rollback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Move an installation back to its previous version.")
        @Argument(help: "The installation's name.") var installation: String
        @Option(help: "The tenant's slug.") var tenant: String
        @OptionGroup var options: DatabaseOptions

        func run() async throws {
            let keyring = try Session.keyring()
            let result = try await Session.with { session in
                let installations = Installations(database: session.database, keyring: keyring)
                let current = try await installations.find(tenant: tenant, name: installation)
                guard let previous = current.previousVersion else {
                    throw CLIFailure(message: "installation '\(installation)' has no previous version to roll back to")
                }
                let target = try await PackageRegistry(database: session.database).find(
                    name: current.packageName, version: previous)
                return try await InstallationSupport.move(
                    installation, tenant: tenant, to: target, config: nil, configSource: nil, action: "installation.rollback",
                    installations: installations, actor: options.resolvedActor)
            }
            print("'\(installation)' rolled back to \(result.packageName)@\(result.packageVersion)")
        }
    }

    struct Uninstall: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an installation and its sealed secrets.")
        @Argument(help: "The installation's name.") var installation: String
        @Option(help: "The tenant's slug.") var tenant: String
        @OptionGroup var options: DatabaseOptions

        func run() async throws {
            let keyring = try Session.keyring()
            try await Session.with { session in
                try await Installations(database: session.database, keyring: keyring).uninstall(
                    tenant: tenant, name: installation, actor: options.resolvedActor)
            }
            print("uninstalled '\(installation)' from tenant '\(tenant)'")
        }
    }
}

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage the master key that wraps installation secrets.",
        subcommands: [Rotate.self])

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Re-wrap every installation's data key under SWITCHYARD_MASTER_KEY; old keys (SWITCHYARD_MASTER_KEY_PREVIOUS) keep working until it finishes."
        )
        @OptionGroup var options: DatabaseOptions

        func run() async throws {
            let keyring = try Session.keyring()
            let rotated = try await Session.with { session in
                try await Installations(database: session.database, keyring: keyring).rotateKeys(actor: options.resolvedActor) {
                    done, total in
                    if done % 100 == 0 || done == total { Output.progress("re-wrapped \(done)/\(total)") }
                }
            }
            print("re-wrapped \(rotated) installation key(s) under master key \(keyring.current.id)")
        }
    }
}
