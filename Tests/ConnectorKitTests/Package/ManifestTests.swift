import ConnectorKit
import Foundation
import Testing
import Values

@Suite("Semantic versions")
struct SemanticVersionTests {
    @Test(arguments: ["1.0.0", "0.0.1", "10.20.30", "1.0.0-rc.1", "1.0.0-alpha-beta.2+build.7", "2.0.0+20261129"])
    func valid(_ text: String) throws {
        #expect(try SemanticVersion(text).description == text)
    }

    @Test(arguments: ["1.0", "1.0.0.0", "01.0.0", "1.0.0-", "1.0.0-01", "v1.0.0", "1.0.0+", "1..0", "a.b.c", "1.0.0-rc!"])
    func invalid(_ text: String) {
        #expect(throws: ManifestProblem.self) { try SemanticVersion(text) }
    }

    @Test func precedenceFollowsSemVer() throws {
        // The ordering example from semver.org, section 11.
        let ordered = [
            "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11",
            "1.0.0-rc.1", "1.0.0", "2.0.0", "2.1.0", "2.1.1",
        ]
        let versions = try ordered.map(SemanticVersion.init)
        for index in versions.indices.dropLast() {
            #expect(versions[index] < versions[index + 1], "\(ordered[index]) < \(ordered[index + 1])")
        }
        #expect(try SemanticVersion("1.0.0+a") == SemanticVersion("1.0.0+b"))
    }

    @Test func caretRanges() throws {
        let base = try SemanticVersion("1.2.0")
        #expect(try SemanticVersion("1.9.3").isCompatible(withCaret: base))
        #expect(!(try SemanticVersion("2.0.0").isCompatible(withCaret: base)))
        #expect(!(try SemanticVersion("1.1.9").isCompatible(withCaret: base)))
        let zero = try SemanticVersion("0.3.1")
        #expect(try SemanticVersion("0.3.9").isCompatible(withCaret: zero))
        #expect(!(try SemanticVersion("0.4.0").isCompatible(withCaret: zero)))
    }
}

@Suite("Connector manifests")
struct ManifestTests {
    static let valid = """
        {"name": "legacy-erp-files", "version": "1.2.0", "title": "Legacy ERP files", "description": "CSV and fixed-width",
         "vendor": "Switchyard", "sdk": 1,
         "config": {"type": "object", "properties": {"password": {"type": "string", "x-secret": true}}},
         "streams": [{"name": "products", "schema": {"type": "object"}, "primaryKey": "sku", "cursor": "changed_at"}],
         "actions": [{"name": "orders", "schema": {"type": "object"}, "primaryKey": ["number"]}],
         "runtime": {"type": "declarative", "engine": "files"}}
        """

    @Test func readsAValidManifest() throws {
        let manifest = try ConnectorManifest(parsing: try JSONParser.parse(Self.valid))
        #expect(manifest.name == "legacy-erp-files")
        #expect(manifest.version == (try SemanticVersion("1.2.0")))
        #expect(manifest.streams.map(\.name) == ["products"])
        #expect(manifest.streams[0].primaryKey == ["sku"])
        #expect(manifest.streams[0].cursor == "changed_at")
        #expect(manifest.actions[0].primaryKey == ["number"])
        #expect(manifest.runtime == .declarative(engine: "files", settings: .object(JSONObject())))
    }

    @Test func listsEveryProblemWithItsPointer() throws {
        let broken = """
            {"name": "Legacy_ERP", "version": "1.2", "title": "", "vendor": "x", "sdk": 7, "colour": "red",
             "streams": [{"name": "products", "schema": 5}, {"name": "products", "primaryKey": "id"}],
             "actions": [{"name": "x", "primaryKey": "id", "cursor": "t"}],
             "runtime": {"type": "process", "command": "../escape.sh"}}
            """
        let error = try #require(throws: ManifestError.self) { try ConnectorManifest(parsing: try JSONParser.parse(broken)) }
        let pointers = error.problems.map(\.pointer)
        #expect(
            Set(pointers) == [
                "/name", "/version", "/title", "/description", "/sdk", "/colour", "/streams/0/schema",
                "/streams/0/primaryKey", "/streams/1/name", "/actions/0/name", "/actions/0/cursor", "/runtime/command",
            ])
        #expect(error.problems.first { $0.pointer == "/version" }?.message.contains("'1.2' is not a SemVer 2.0 version") == true)
        #expect(error.problems.first { $0.pointer == "/streams/1/name" }?.message == "'products' is declared twice")
    }
}

@Suite("Connector bundles")
struct BundleTests {
    func makeFolder(_ files: [String: String]) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bundle-\(UUID().uuidString)")
        for (path, text) in files {
            let url = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        return folder
    }

    @Test func sameFolderGivesSameBytes() throws {
        let files = ["connector.yaml": "name: x\n", "mappings/erp.yaml": "- map: a\n", "README.md": "# x\n"]
        let first = try makeFolder(files)
        let second = try makeFolder(files)
        // Different modification times must not change the bytes.
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSince1970: 0)], ofItemAtPath: first.appendingPathComponent("README.md").path)
        let a = try ConnectorBundle(directory: first).archive()
        let b = try ConnectorBundle(directory: second).archive()
        #expect(a == b)
        #expect(a.count % 512 == 0)
    }

    @Test func archiveRoundTripsAndSystemTarCanReadIt() throws {
        let folder = try makeFolder(["connector.yaml": "name: x\n", "a/b/c.txt": "ümlaut\n"])
        let archive = try ConnectorBundle(directory: folder).archive()
        let back = try ConnectorBundle(archive: archive)
        #expect(back.files["a/b/c.txt"] == Data("ümlaut\n".utf8))
        #expect(back.manifestPath == "connector.yaml")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bundle-\(UUID().uuidString).tar")
        try archive.write(to: file)
        let listing = try run("/bin/tar", ["-tf", file.path])
        #expect(Set(listing.split(separator: "\n").map(String.init)) == ["connector.yaml", "a/b/c.txt"])
    }

    @Test func symlinkLeavingTheFolderIsRefused() throws {
        let folder = try makeFolder(["connector.yaml": "name: x\n"])
        try FileManager.default.createSymbolicLink(
            atPath: folder.appendingPathComponent("passwd").path, withDestinationPath: "/etc/passwd")
        let error = try #require(throws: BundleError.self) { try ConnectorBundle(directory: folder) }
        #expect(error.description == "passwd is a symlink that leaves the package folder; copy the file in instead")
    }

    @Test func oversizedFolderIsRefused() throws {
        let folder = try makeFolder(["connector.yaml": "name: x\n", "big.bin": String(repeating: "x", count: 2048)])
        let error = try #require(throws: BundleError.self) { try ConnectorBundle(directory: folder, sizeLimit: 1024) }
        #expect(error.description.hasPrefix("package is larger than the limit"))
    }

    @Test(arguments: ["../evil", "/etc/passwd", "a/../../b"])
    func dangerousPathsInArchivesAreRefused(_ path: String) throws {
        // Build a tar with the system's tar so the test does not trust our writer.
        let folder = try makeFolder(["x": "data"])
        let file = folder.appendingPathComponent("evil.tar").path
        _ = try run("/bin/tar", ["-cf", file, "-P", "--transform", "s|^.*x$|\(path)|", "-C", folder.path, "x"])
        let data = try #require(FileManager.default.contents(atPath: file))
        #expect(throws: BundleError.self) { try ConnectorBundle(archive: data) }
    }

    @Test func linksInArchivesAreRefused() throws {
        let folder = try makeFolder(["connector.yaml": "x"])
        try FileManager.default.createSymbolicLink(
            atPath: folder.appendingPathComponent("link").path, withDestinationPath: "connector.yaml")
        let file = folder.appendingPathComponent("links.tar").path
        _ = try run("/bin/tar", ["-cf", file, "-C", folder.path, "link"])
        let error = try #require(throws: BundleError.self) {
            try ConnectorBundle(archive: try #require(FileManager.default.contents(atPath: file)))
        }
        #expect(error.description == "bundle entry link is a link; bundles may hold regular files only")
    }

    func run(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
