import ArgumentParser
import ConnectorKit
import Connectors
import ControlPlane
import Foundation
import Values

struct ConnectionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connection", abstract: "Check that an installation can reach its system.",
        subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the connector's check with the installation's config; exit 0 when it can work, 1 with the reason.")
        @Argument(help: "The installation's name.") var installation: String
        @Option(help: "The tenant's slug.") var tenant: String
        @Option(help: "Seconds a code connector may take to answer.") var timeout = 30

        func run() async throws {
            let keyring = try Session.keyring()
            let lines = try await Session.with { session -> [String] in
                let installations = Installations(database: session.database, keyring: keyring)
                let found = try await installations.find(tenant: tenant, name: installation)
                let registry = PackageRegistry(database: session.database)
                let package = try await registry.find(name: found.packageName, version: found.packageVersion)
                let manifest = try ConnectorManifest(parsing: try JSONParser.parse(package.manifest))
                let config = try InstallationSupport.fullConfig(
                    publicJSON: found.config, secretsJSON: try await installations.secrets(tenant: tenant, name: installation))
                switch manifest.runtime {
                case .declarative(let engine, let settings):
                    guard engine == "files" else {
                        throw CLIFailure(message: "the '\(engine)' runtime is not available in this version yet; cannot check")
                    }
                    let runtime = FilesRuntime(
                        settings: settings, config: config,
                        baseDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true))
                    do {
                        return try runtime.check(streams: manifest.streams.map(\.name), actions: manifest.actions.map(\.name))
                    } catch { throw CLIFailure(message: "check failed: \(error)") }
                case .process:
                    // Unpack the bundle into a private folder and ask the program.
                    let bundle = try ConnectorBundle(
                        archive: try await registry.bundle(name: package.name, version: package.version))
                    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sy-bundle-\(UUID().uuidString)")
                    defer { try? FileManager.default.removeItem(at: folder) }
                    for (path, data) in bundle.files {
                        let url = folder.appendingPathComponent(path)
                        try FileManager.default.createDirectory(
                            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                        try data.write(to: url)
                        if bundle.executables.contains(path) {
                            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
                        }
                    }
                    var timeouts = ProcessConnectorClient.Timeouts()
                    timeouts.check = .seconds(timeout)
                    let client = try ProcessConnectorClient(bundleDirectory: folder.path, manifest: manifest, timeouts: timeouts)
                    guard case .object(let object) = config else {
                        throw CLIFailure(message: "the installation's config is not an object")
                    }
                    let result = try await client.check(config: object)
                    guard result.status == .ok else { throw CLIFailure(message: "check failed: \(result.message)") }
                    return [result.message]
                }
            }
            print("installation '\(installation)' in tenant '\(tenant)' is ok")
            for line in lines { print("  \(line)") }
        }
    }
}
