import ControlPlane
import Foundation
import Postgres
import TestSupport
import Testing

@Suite("Connector package registry", .enabled(if: TestDatabase.isAvailable))
struct PackageRegistryTests {
    let database: String
    let folder: URL

    init() async throws {
        database = try await TestDatabase.createMigrated(prefix: "packages")
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("pkg-\(UUID().uuidString)")
        try writePackage(version: "1.0.0", description: "first")
    }

    func writePackage(version: String, description: String, extra: String = "") throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let manifest = """
            name: demo-erp
            version: \(version)
            title: Demo ERP
            description: \(description)
            vendor: Tests
            sdk: 1
            config: {type: object, properties: {password: {type: string, x-secret: true}}}
            streams:
              - {name: products, primaryKey: sku, schema: {type: object}}
            runtime: {type: declarative, engine: files}
            \(extra)
            """
        try Data(manifest.utf8).write(to: folder.appendingPathComponent("connector.yaml"))
    }

    func cli(_ arguments: [String]) async throws -> ProcessResult {
        try await ChildProcess.adminCLI(arguments, database: database)
    }

    func rowCount() async throws -> Int {
        try await TestDatabase.withSuperuser(database) {
            try await $0.query("SELECT count(*) FROM connector_packages").first!.decode(Int.self)
        }
    }

    @Test func buildIsDeterministicAndPublishIsIdempotent() async throws {
        let bundleA = folder.deletingLastPathComponent().appendingPathComponent("\(UUID().uuidString).tar").path
        let bundleB = folder.deletingLastPathComponent().appendingPathComponent("\(UUID().uuidString).tar").path
        let first = try await cli(["package", "build", folder.path, "--out", bundleA, "--json"])
        let second = try await cli(["package", "build", folder.path, "--out", bundleB, "--json"])
        #expect(first.status == 0, "\(first)")
        #expect(FileManager.default.contents(atPath: bundleA) == FileManager.default.contents(atPath: bundleB))
        // The printed SHA-256 is the SHA-256 of the file, checked with the system's sha256sum.
        let sum = try await ChildProcess.run("/usr/bin/sha256sum", [bundleA])
        let expected = String(sum.stdout.prefix(64))
        #expect(first.stdout.contains(expected))
        #expect(second.stdout.contains(expected))

        let publish = try await cli(["package", "publish", bundleA])
        #expect(publish.status == 0, "\(publish)")
        #expect(publish.stdout == "published demo-erp@1.0.0 (sha256 \(expected))\n")
        let again = try await cli(["package", "publish", folder.path])
        #expect(again.status == 0)
        #expect(again.stdout == "demo-erp@1.0.0 is already published with these exact bytes\n")
        #expect(try await rowCount() == 1)
    }

    @Test func publishedVersionsAreImmutable() async throws {
        #expect(try await cli(["package", "publish", folder.path]).status == 0)
        try writePackage(version: "1.0.0", description: "changed")
        let changed = try await cli(["package", "publish", folder.path])
        #expect(changed.status == 1)
        #expect(changed.stderr.hasPrefix("error: connector package demo-erp@1.0.0 is already published with different contents"))
        #expect(changed.stderr.hasSuffix("versions are immutable: bump the version\n"))
        #expect(try await rowCount() == 1)
        // Even a superuser cannot rewrite a published version.
        let error = try await #require(throws: PostgresError.self) {
            try await TestDatabase.withSuperuser(database) {
                try await $0.query("UPDATE connector_packages SET title = 'hacked'")
            }
        }
        #expect(error.message.contains("immutable"))
    }

    @Test func newestReleaseIsShownByDefault() async throws {
        #expect(try await cli(["package", "publish", folder.path]).status == 0)
        try writePackage(version: "1.10.0", description: "ten")
        #expect(try await cli(["package", "publish", folder.path]).status == 0)
        try writePackage(version: "2.0.0-rc.1", description: "candidate")
        #expect(try await cli(["package", "publish", folder.path]).status == 0)
        let show = try await cli(["package", "show", "demo-erp", "--json"])
        #expect(show.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any]
        // 1.10.0 > 1.0.0 by SemVer (not by text), and a release wins over a newer pre-release.
        #expect(object?["version"] as? String == "1.10.0")
        let list = try await cli(["package", "list", "--json"])
        let versions = (try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])?.compactMap {
            $0["version"] as? String
        }
        #expect(versions == ["2.0.0-rc.1", "1.10.0", "1.0.0"])
        let pinned = try await cli(["package", "show", "demo-erp@1.0.0"])
        #expect(pinned.stdout.hasPrefix("demo-erp@1.0.0 — Demo ERP\n"))
        #expect(pinned.stdout.contains("password"))
    }

    @Test func badManifestListsEveryProblem() async throws {
        try writePackage(version: "'1.0'", description: "x", extra: "colour: red")
        let result = try await cli(["package", "build", folder.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("2 problem(s) in connector.yaml"))
        #expect(result.stderr.contains("connector.yaml/version: '1.0' is not a SemVer 2.0 version"))
        #expect(result.stderr.contains("connector.yaml/colour: unknown field"))
        #expect(try await rowCount() == 0)
    }

    @Test func unknownPackage() async throws {
        let result = try await cli(["package", "show", "nope"])
        #expect(result.status == 1)
        #expect(result.stderr == "error: unknown connector package 'nope' (see: admin-cli package list)\n")
    }

    @Test func bundleWithEscapingPathIsRefusedBeforeAnythingIsStored() async throws {
        let tar = folder.deletingLastPathComponent().appendingPathComponent("\(UUID().uuidString)-evil.tar").path
        let made = try await ChildProcess.run(
            "/bin/tar",
            ["-cf", tar, "-P", "--transform", "s|^connector.yaml$|../connector.yaml|", "-C", folder.path, "connector.yaml"])
        #expect(made.status == 0, "\(made)")
        let result = try await cli(["package", "publish", tar])
        #expect(result.status == 1)
        #expect(result.stderr.contains("leaves the package folder"))
        #expect(try await rowCount() == 0)
    }
}
