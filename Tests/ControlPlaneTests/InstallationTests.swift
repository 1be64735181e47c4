import ControlPlane
import Foundation
import Postgres
import TestSupport
import Testing

@Suite("Installations with encrypted secrets", .enabled(if: TestDatabase.isAvailable))
struct InstallationTests {
    let database: String
    let work: URL
    let masterKey = MasterKey.generate()

    init() async throws {
        database = try await TestDatabase.createMigrated(prefix: "installs")
        work = FileManager.default.temporaryDirectory.appendingPathComponent("inst-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try publish(version: "1.0.0", extraRequired: "")
        try publish(version: "2.0.0", extraRequired: ", region")
        for slug in ["acme", "beta"] {
            #expect(try await cli(["tenant", "create", slug, "--name", slug]).status == 0)
        }
    }

    func publish(version: String, extraRequired: String) throws {
        let folder = work.appendingPathComponent("pkg-\(version)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let manifest = """
            name: demo-sftp
            version: "\(version)"
            title: Demo SFTP
            description: test
            vendor: Tests
            sdk: 1
            config:
              type: object
              required: [host, password\(extraRequired)]
              properties:
                host: {type: string}
                port: {type: integer, maximum: 65535}
                password: {type: string, x-secret: true}
                region: {type: string}
              additionalProperties: false
            streams: [{name: files, primaryKey: path, schema: {type: object}}]
            runtime: {type: declarative, engine: files}
            """
        try Data(manifest.utf8).write(to: folder.appendingPathComponent("connector.yaml"))
    }

    func cli(_ arguments: [String], environment: [String: String]? = nil) async throws -> ProcessResult {
        try await ChildProcess.adminCLI(
            arguments, database: database, environment: environment ?? ["SWITCHYARD_MASTER_KEY": masterKey.base64])
    }

    func config(_ text: String) throws -> String {
        let file = work.appendingPathComponent("\(UUID().uuidString).yaml")
        try Data(text.utf8).write(to: file)
        return file.path
    }

    func publishBoth() async throws {
        for version in ["1.0.0", "2.0.0"] {
            let result = try await cli(["package", "publish", work.appendingPathComponent("pkg-\(version)").path])
            #expect(result.status == 0, "\(result)")
        }
    }

    @Test func secretsAreStoredEncryptedAndBoundToTheTenant() async throws {
        try await publishBoth()
        let file = try config("host: sftp.example\nport: 22\npassword: Very-Secret-42\n")
        let install = try await cli([
            "package", "install", "demo-sftp@1.0.0", "--tenant", "acme", "--as", "erp", "--config", file,
        ])
        #expect(install.status == 0, "\(install)")
        #expect(install.stdout == "installed demo-sftp@1.0.0 as 'erp' in tenant 'acme', 1 secret field(s) encrypted\n")

        // No row, column or audit entry holds the password in clear.
        let leaked = try await TestDatabase.withSuperuser(database) { connection in
            try await connection.query(
                """
                SELECT (SELECT count(*) FROM installations i WHERE i::text LIKE '%Very-Secret-42%'
                           OR position(convert_to('Very-Secret-42', 'UTF8') IN coalesce(i.secrets_ciphertext, '')) > 0)
                     + (SELECT count(*) FROM admin_audit a WHERE a::text LIKE '%Very-Secret-42%')
                """
            ).first!.decode(Int.self)
        }
        #expect(leaked == 0)
        let listed = try await cli(["package", "installed", "--tenant", "acme", "--json"])
        #expect(!listed.stdout.contains("Very-Secret-42"))
        #expect(listed.stdout.contains("\"/password\""))

        let pool = TestDatabase.pool(database)
        let installations = Installations(
            database: ControlPlaneDatabase(pool: pool), keyring: Keyring(current: masterKey))
        #expect(try await installations.secrets(tenant: "acme", name: "erp") == #"{"/password":"Very-Secret-42"}"#)

        // Sealed columns copied onto another tenant's installation do not open there.
        #expect(
            try await cli(["package", "install", "demo-sftp@1.0.0", "--tenant", "beta", "--as", "erp", "--config", file]).status
                == 0)
        _ = try await TestDatabase.withSuperuser(database) { connection in
            try await connection.query(
                """
                UPDATE installations b SET secrets_wrapped_key = a.secrets_wrapped_key, secrets_ciphertext = a.secrets_ciphertext
                FROM installations a, tenants ta, tenants tb
                WHERE a.tenant_id = ta.id AND ta.slug = 'acme' AND b.tenant_id = tb.id AND tb.slug = 'beta'
                """)
        }
        let error = try await #require(throws: ControlPlaneError.self) {
            _ = try await installations.secrets(tenant: "beta", name: "erp")
        }
        #expect(error.message == "secrets do not open: they belong to another tenant or installation, or were altered")
        await pool.close()
    }

    @Test func invalidConfigListsEveryViolationAndStoresNothing() async throws {
        try await publishBoth()
        let file = try config("host: 5\nport: 70000\ncolour: red\n")
        let result = try await cli(["package", "install", "demo-sftp@1.0.0", "--tenant", "acme", "--as", "erp", "--config", file])
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.first == "error: \(file) does not match the config schema of demo-sftp@1.0.0 (4 problem(s)):")
        #expect(lines.count == 5)
        #expect(result.stderr.contains("\(file)/port"))
        #expect(result.stderr.contains("\(file)/host"))
        #expect(result.stderr.contains("\(file)/colour"))
        #expect(result.stderr.contains("password"))
        let count = try await TestDatabase.withSuperuser(database) {
            try await $0.query("SELECT count(*) FROM installations").first!.decode(Int.self)
        }
        #expect(count == 0)
    }

    @Test func upgradeRevalidatesAndRollbackReturns() async throws {
        try await publishBoth()
        let file = try config("host: h\npassword: pw-123456\n")
        #expect(
            try await cli(["package", "install", "demo-sftp@^1.0", "--tenant", "acme", "--as", "erp", "--config", file]).status
                == 0)
        // 2.0.0 requires `region`, which the current config lacks: refused with the violation.
        let refused = try await cli(["package", "upgrade", "erp", "--tenant", "acme", "--to", "2.0.0"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("does not match the config schema of demo-sftp@2.0.0"))
        #expect(refused.stderr.contains("region"))
        let newConfig = try config("host: h\npassword: pw-123456\nregion: eu\n")
        let upgraded = try await cli(["package", "upgrade", "erp", "--tenant", "acme", "--config", newConfig])
        #expect(upgraded.status == 0, "\(upgraded)")
        #expect(upgraded.stdout == "'erp' now runs demo-sftp@2.0.0 (was 1.0.0)\n")
        let rolledBack = try await cli(["package", "rollback", "erp", "--tenant", "acme"])
        #expect(rolledBack.status == 0, "\(rolledBack)")
        #expect(rolledBack.stdout == "'erp' rolled back to demo-sftp@1.0.0\n")
        let uninstall = try await cli(["package", "uninstall", "erp", "--tenant", "acme"])
        #expect(uninstall.status == 0)
        let unknown = try await cli(["package", "uninstall", "erp", "--tenant", "acme"])
        #expect(unknown.status == 1)
        #expect(
            unknown.stderr
                == "error: unknown installation 'erp' in tenant 'acme' (see: admin-cli package installed --tenant acme)\n")
    }

    @Test func keyRotationRewrapsWithoutDowntime() async throws {
        try await publishBoth()
        let file = try config("host: h\npassword: pw-rotate-1\n")
        #expect(
            try await cli(["package", "install", "demo-sftp@1.0.0", "--tenant", "acme", "--as", "erp", "--config", file]).status
                == 0)
        let newKey = MasterKey.generate()
        let rotation = ["SWITCHYARD_MASTER_KEY": newKey.base64, "SWITCHYARD_MASTER_KEY_PREVIOUS": masterKey.base64]
        let rotated = try await cli(["keys", "rotate"], environment: rotation)
        #expect(rotated.status == 0, "\(rotated)")
        #expect(rotated.stdout == "re-wrapped 1 installation key(s) under master key \(newKey.id)\n")
        let pool = TestDatabase.pool(database)
        let withNewKeyOnly = Installations(database: ControlPlaneDatabase(pool: pool), keyring: Keyring(current: newKey))
        #expect(try await withNewKeyOnly.secrets(tenant: "acme", name: "erp") == #"{"/password":"pw-rotate-1"}"#)
        await pool.close()
        let missingKey = try await cli(["package", "installed", "--tenant", "acme"], environment: ["SWITCHYARD_MASTER_KEY": ""])
        #expect(missingKey.status == 1)
        #expect(missingKey.stderr.hasPrefix("error: SWITCHYARD_MASTER_KEY is not set"))
    }
}
