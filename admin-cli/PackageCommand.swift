import ArgumentParser
import ConfigFiles
import ConnectorKit
import ControlPlane
import Crypto
import Foundation
import Values

struct PackageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "package",
        abstract: "Build connector packages and publish them to the platform registry.",
        subcommands: [
            Build.self, Publish.self, List.self, Show.self, Install.self, Installed.self, Upgrade.self, Rollback.self,
            Uninstall.self,
        ])

    struct Build: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a package folder and write its deterministic bundle (same folder → same bytes); print its SHA-256.")
        @Argument(help: "The package folder (with connector.yaml).") var directory: String
        @Option(help: "Where to write the bundle (default: <name>-<version>.tar in the current folder).") var out: String?
        @Option(help: "Largest package accepted, in MiB.") var sizeLimit = 50
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let built = try PackageBuild.fromFolder(directory, sizeLimitMiB: sizeLimit)
            let path = out ?? "\(built.manifest.name)-\(built.manifest.version).tar"
            do { try built.archive.write(to: URL(fileURLWithPath: path)) } catch {
                throw CLIFailure(message: "cannot write \(path): \(error.localizedDescription)")
            }
            if output.json {
                return try Output.json([
                    "bundle": path, "sha256": built.sha256, "name": built.manifest.name, "version": "\(built.manifest.version)",
                ])
            }
            print("built \(built.manifest.name)@\(built.manifest.version) → \(path) (\(built.archive.count) bytes)")
            print("sha256 \(built.sha256)")
        }
    }

    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store a package version in the platform registry; published versions are immutable.")
        @Argument(help: "A bundle (.tar) from 'package build', or a package folder.") var source: String
        @Option(help: "Largest package accepted, in MiB.") var sizeLimit = 50
        @OptionGroup var options: DatabaseOptions

        func run() async throws {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory) else {
                throw CLIFailure(message: "'\(source)' does not exist (give a bundle file or a package folder)")
            }
            let built =
                isDirectory.boolValue
                ? try PackageBuild.fromFolder(source, sizeLimitMiB: sizeLimit)
                : try PackageBuild.fromArchive(source, sizeLimitMiB: sizeLimit)
            let manifest = built.manifest
            let submission = PackageRegistry.Submission(
                name: manifest.name, version: manifest.version.description, major: manifest.version.major,
                minor: manifest.version.minor, patch: manifest.version.patch,
                prerelease: manifest.version.prerelease.joined(separator: "."), title: manifest.title,
                manifestJSON: JSONSerializer.serialize(built.manifestValue), bundle: built.archive, sha256: built.sha256)
            let outcome = try await Session.with { session in
                try await PackageRegistry(database: session.database).publish(submission, actor: options.resolvedActor)
            }
            switch outcome {
            case .published: print("published \(manifest.name)@\(manifest.version) (sha256 \(built.sha256))")
            case .alreadyPublished: print("\(manifest.name)@\(manifest.version) is already published with these exact bytes")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List published packages and versions.")
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let packages = try await Session.with { session in try await PackageRegistry(database: session.database).list() }
            if output.json { return try Output.json(packages.map(PackageSummary.init)) }
            Output.table(
                ["NAME", "VERSION", "TITLE", "SIZE", "PUBLISHED", "BY"],
                packages.map { [$0.name, $0.version, $0.title, "\($0.sizeBytes)", Output.date($0.publishedAt), $0.publishedBy] })
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a package version: manifest, streams, actions and config schema.")
        @Argument(help: "name or name@version (default: the newest release).") var package: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let parts = package.split(separator: "@", maxSplits: 1).map(String.init)
            let found = try await Session.with { session in
                try await PackageRegistry(database: session.database).find(
                    name: parts[0], version: parts.count > 1 ? parts[1] : nil)
            }
            let manifestValue = try JSONParser.parse(found.manifest)
            if output.json {
                var object = JSONObject()
                object["name"] = .string(found.name)
                object["version"] = .string(found.version)
                object["sha256"] = .string(found.sha256)
                object["size_bytes"] = .number(Double(found.sizeBytes))
                object["published_by"] = .string(found.publishedBy)
                object["manifest"] = manifestValue
                print(JSONSerializer.serialize(.object(object), indent: 2))
                return
            }
            let manifest = try ConnectorManifest(parsing: manifestValue)
            print("\(manifest.name)@\(manifest.version) — \(manifest.title)")
            print(manifest.description)
            print("vendor \(manifest.vendor), protocol \(manifest.sdk), sha256 \(found.sha256), \(found.sizeBytes) bytes")
            switch manifest.runtime {
            case .declarative(let engine, _): print("runtime: declarative (\(engine))")
            case .process(let command, _): print("runtime: process (\(command))")
            }
            print("")
            Output.table(
                ["KIND", "NAME", "PRIMARY KEY", "CURSOR"],
                manifest.streams.map { ["stream", $0.name, $0.primaryKey.joined(separator: ","), $0.cursor ?? "-"] }
                    + manifest.actions.map { ["action", $0.name, $0.primaryKey.joined(separator: ","), "-"] })
            print("")
            Output.table(["CONFIG FIELD", "TYPE", "REQUIRED", "SECRET", "DESCRIPTION"], configRows(manifest.config))
        }

        func configRows(_ schema: JSONValue) -> [[String]] {
            guard case .object(let properties)? = schema["properties"] else { return [] }
            var required: Set<String> = []
            if case .array(let names)? = schema["required"] {
                for case .string(let name) in names { required.insert(name) }
            }
            return properties.map { key, value in
                let type: String
                switch value["type"] {
                case .string(let text)?: type = text
                case .array(let types)?: type = types.compactMap(\.stringValue).joined(separator: "|")
                default: type = "-"
                }
                let secret = value["x-secret"] == .bool(true) ? "yes" : ""
                return [key, type, required.contains(key) ? "yes" : "", secret, value["description"]?.stringValue ?? ""]
            }
        }
    }
}

private struct PackageSummary: Encodable {
    let name: String
    let version: String
    let title: String
    let sha256: String
    let sizeBytes: Int
    let publishedAt: Date
    let publishedBy: String

    init(_ package: PublishedPackage) {
        name = package.name
        version = package.version
        title = package.title
        sha256 = package.sha256
        sizeBytes = package.sizeBytes
        publishedAt = package.publishedAt
        publishedBy = package.publishedBy
    }
}

/// A checked package: manifest, bundle bytes and their SHA-256.
struct PackageBuild {
    let manifest: ConnectorManifest
    let manifestValue: JSONValue
    let archive: Data
    let sha256: String

    static func fromFolder(_ path: String, sizeLimitMiB: Int) throws -> PackageBuild {
        let bundle: ConnectorBundle
        do { bundle = try ConnectorBundle(directory: URL(fileURLWithPath: path), sizeLimit: sizeLimitMiB * 1_048_576) } catch {
            throw CLIFailure(message: error.description)
        }
        return try check(bundle, source: path)
    }

    static func fromArchive(_ path: String, sizeLimitMiB: Int) throws -> PackageBuild {
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIFailure(message: "cannot read \(path)") }
        let bundle: ConnectorBundle
        do { bundle = try ConnectorBundle(archive: data, sizeLimit: sizeLimitMiB * 1_048_576) } catch {
            throw CLIFailure(message: "\(path): \(error.description)")
        }
        return try check(bundle, source: path)
    }

    static func check(_ bundle: ConnectorBundle, source: String) throws -> PackageBuild {
        guard let manifestPath = bundle.manifestPath, let data = bundle.files[manifestPath] else {
            throw CLIFailure(message: "\(source) has no connector.yaml (see docs/connector-packages.md)")
        }
        let value: JSONValue
        do { value = try ConfigFile.parse(data, name: manifestPath, json: manifestPath.hasSuffix(".json")) } catch {
            throw CLIFailure(message: "\(source): \(error.description)")
        }
        let manifest: ConnectorManifest
        do { manifest = try ConnectorManifest(parsing: value) } catch {
            let lines = error.problems.map { "  \(manifestPath)\($0.pointer): \($0.message)" }
            throw CLIFailure(
                message: "\(source): \(error.problems.count) problem(s) in \(manifestPath):\n" + lines.joined(separator: "\n"))
        }
        if case .process(let command, _) = manifest.runtime, bundle.files[command] == nil {
            throw CLIFailure(message: "\(source): runtime command '\(command)' is not in the package")
        }
        let archive: Data
        do { archive = try bundle.archive() } catch { throw CLIFailure(message: error.description) }
        let sha = SHA256.hash(data: archive).map { String(format: "%02x", $0) }.joined()
        return PackageBuild(manifest: manifest, manifestValue: value, archive: archive, sha256: sha)
    }
}
