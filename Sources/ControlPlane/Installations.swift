public import Foundation
import Postgres

/// An installed connector, without its secrets.
public struct Installation: Sendable, Codable, Equatable {
    /// Immutable id.
    public let id: UUID
    /// Tenant slug.
    public let tenant: String
    /// Name within the tenant, used by routes.
    public let name: String
    /// Package name.
    public let packageName: String
    /// Installed version.
    public let packageVersion: String
    /// Version before the last upgrade, for rollback.
    public let previousVersion: String?
    /// Config without secret fields.
    public let config: String
    /// JSON pointers of the secret fields stored encrypted.
    public let secretPointers: [String]
    /// Which master key wraps the secrets.
    public let secretsKeyID: String?
    /// When it was installed.
    public let createdAt: Date
    /// When it last changed.
    public let updatedAt: Date
}

/// What to store for an installation: the non-secret config and the secrets, already split by the caller (which
/// validated the whole config against the package's schema).
public struct InstallationConfig: Sendable {
    /// Config JSON without the secret fields.
    public var publicConfigJSON: String
    /// Secret fields as a JSON object keyed by pointer, or nil when there are none.
    public var secretsJSON: String?
    /// Pointers of the secret fields.
    public var secretPointers: [String]

    /// Creates a config.
    public init(publicConfigJSON: String, secretsJSON: String?, secretPointers: [String]) {
        self.publicConfigJSON = publicConfigJSON
        self.secretsJSON = secretsJSON
        self.secretPointers = secretPointers
    }
}

/// Installs connector packages for tenants and keeps their secrets sealed. Tenant data: every query runs in the
/// tenant's context.
public struct Installations: Sendable {
    let database: ControlPlaneDatabase
    let keyring: Keyring

    /// Uses `database`; `keyring` seals and opens secrets.
    public init(database: ControlPlaneDatabase, keyring: Keyring) {
        self.database = database
        self.keyring = keyring
    }

    /// The associated data that binds sealed secrets to one tenant's installation.
    static func context(tenant: TenantID, installation: UUID) -> String {
        "switchyard/installation/v1|tenant=\(tenant)|installation=\(installation.uuidString.lowercased())"
    }

    static let columns = """
        id, name, package_name, package_version, previous_version, config::text, secret_pointers, secrets_key_id,
        created_at, updated_at
        """

    static func decode(_ row: PostgresRow, tenant: String) throws -> Installation {
        let v = try row.decode((UUID, String, String, String, String?, String, [String], String?, Date, Date).self)
        return Installation(
            id: v.0, tenant: tenant, name: v.1, packageName: v.2, packageVersion: v.3, previousVersion: v.4, config: v.5,
            secretPointers: v.6, secretsKeyID: v.7, createdAt: v.8, updatedAt: v.9)
    }

    private func tenant(_ slug: String) async throws -> Tenant {
        let tenant = try await Tenants(database: database).find(slug)
        guard tenant.status == .active else {
            throw ControlPlaneError(.conflict, "tenant '\(slug)' is \(tenant.status.rawValue); it cannot change installations")
        }
        return tenant
    }

    /// Installs `package@version` as `name`.
    public func install(
        tenant slug: String, name: String, packageName: String, version: String, config: InstallationConfig, actor: Actor
    ) async throws -> Installation {
        let tenant = try await tenant(slug)
        let id = UUID()
        let sealed = try config.secretsJSON.map {
            try keyring.seal(Data($0.utf8), context: Self.context(tenant: tenant.id, installation: id))
        }
        return try await database.withPlatformScope(tenant: tenant.id) { connection in
            let exists = try await connection.query("SELECT 1 FROM installations WHERE name = \(name)")
            if !exists.isEmpty {
                throw ControlPlaneError(
                    .alreadyExists,
                    "installation '\(name)' already exists in tenant '\(slug)' (upgrade it, or choose another --as)")
            }
            let row = try await connection.query(
                """
                INSERT INTO installations (tenant_id, id, name, package_name, package_version, config, secret_pointers,
                    secrets_key_id, secrets_wrapped_key, secrets_ciphertext)
                VALUES (\(tenant.id.rawValue), \(id), \(name), \(packageName), \(version),
                    \(PostgresJSONText(config.publicConfigJSON)), \(config.secretPointers), \(sealed?.keyID),
                    \(sealed?.wrappedKey), \(sealed?.ciphertext))
                RETURNING \(unescaped: Self.columns)
                """
            ).first!
            let installation = try Self.decode(row, tenant: slug)
            try await AdminAuditLog.record(
                on: connection, actor: actor, action: "installation.install", target: "installation:\(slug)/\(name)",
                tenant: tenant.id, before: nil,
                after: [
                    "package": .string("\(packageName)@\(version)"), "secret_fields": .strings(config.secretPointers),
                ])
            return installation
        }
    }

    /// The tenant's installations.
    public func list(tenant slug: String) async throws -> [Installation] {
        let tenant = try await Tenants(database: database).find(slug)
        return try await database.withTenant(tenant.id) { connection in
            try await connection.query("SELECT \(unescaped: Self.columns) FROM installations ORDER BY name")
                .map { try Self.decode($0, tenant: slug) }
        }
    }

    /// One installation.
    public func find(tenant slug: String, name: String) async throws -> Installation {
        let tenant = try await Tenants(database: database).find(slug)
        return try await database.withTenant(tenant.id) { connection in
            try await Self.find(name, tenant: slug, on: connection)
        }
    }

    static func find(_ name: String, tenant slug: String, on connection: PostgresConnection) async throws -> Installation {
        guard
            let row = try await connection.query(
                "SELECT \(unescaped: columns) FROM installations WHERE name = \(name) FOR UPDATE"
            ).first
        else {
            throw ControlPlaneError(
                .notFound,
                "unknown installation '\(name)' in tenant '\(slug)' (see: admin-cli package installed --tenant \(slug))")
        }
        return try decode(row, tenant: slug)
    }

    /// The decrypted secrets (JSON object keyed by pointer) of an installation; for the runner, never for display.
    public func secrets(tenant slug: String, name: String) async throws -> String? {
        let tenant = try await Tenants(database: database).find(slug)
        let sealed: SealedSecret?
        let id: UUID
        (sealed, id) = try await database.withTenant(tenant.id) { connection in
            let row = try await connection.query(
                "SELECT id, secrets_key_id, secrets_wrapped_key, secrets_ciphertext FROM installations WHERE name = \(name)"
            ).first
            guard let row else { throw ControlPlaneError(.notFound, "unknown installation '\(name)' in tenant '\(slug)'") }
            let (id, keyID, wrapped, ciphertext) = try row.decode((UUID, String?, Data?, Data?).self)
            guard let keyID, let wrapped, let ciphertext else { return (nil, id) }
            return (SealedSecret(keyID: keyID, wrappedKey: wrapped, ciphertext: ciphertext), id)
        }
        guard let sealed else { return nil }
        let plaintext = try keyring.open(sealed, context: Self.context(tenant: tenant.id, installation: id))
        return String(decoding: plaintext, as: UTF8.self)
    }

    /// Moves an installation to another version with a config the caller validated against that version's schema.
    /// The old version is kept for `rollback`. Secrets are re-sealed under the current master key.
    public func changeVersion(
        tenant slug: String, name: String, to version: String, config: InstallationConfig, action: String, actor: Actor
    ) async throws -> Installation {
        let tenant = try await tenant(slug)
        return try await database.withPlatformScope(tenant: tenant.id) { connection in
            let before = try await Self.find(name, tenant: slug, on: connection)
            if before.packageVersion == version {
                throw ControlPlaneError(.conflict, "installation '\(name)' already runs \(before.packageName)@\(version)")
            }
            let sealed = try config.secretsJSON.map {
                try keyring.seal(Data($0.utf8), context: Self.context(tenant: tenant.id, installation: before.id))
            }
            let row = try await connection.query(
                """
                UPDATE installations SET package_version = \(version), previous_version = package_version,
                    config = \(PostgresJSONText(config.publicConfigJSON)), secret_pointers = \(config.secretPointers),
                    secrets_key_id = \(sealed?.keyID), secrets_wrapped_key = \(sealed?.wrappedKey),
                    secrets_ciphertext = \(sealed?.ciphertext), updated_at = now()
                WHERE id = \(before.id) RETURNING \(unescaped: Self.columns)
                """
            ).first!
            let after = try Self.decode(row, tenant: slug)
            try await AdminAuditLog.record(
                on: connection, actor: actor, action: action, target: "installation:\(slug)/\(name)", tenant: tenant.id,
                before: ["package": .string("\(before.packageName)@\(before.packageVersion)")],
                after: ["package": .string("\(after.packageName)@\(after.packageVersion)")])
            return after
        }
    }

    /// Removes an installation; refused while routes use it, naming them.
    public func uninstall(tenant slug: String, name: String, actor: Actor) async throws {
        let tenant = try await tenant(slug)
        try await database.withPlatformScope(tenant: tenant.id) { connection in
            let before = try await Self.find(name, tenant: slug, on: connection)
            let routes = try await Routes.using(installation: before.id, on: connection)
            if !routes.isEmpty {
                throw ControlPlaneError(
                    .conflict,
                    "installation '\(name)' is used by route(s) \(routes.map { "'\($0)'" }.joined(separator: ", ")); "
                        + "delete or change them first")
            }
            try await connection.query("DELETE FROM installations WHERE id = \(before.id)")
            try await AdminAuditLog.record(
                on: connection, actor: actor, action: "installation.uninstall", target: "installation:\(slug)/\(name)",
                tenant: tenant.id, before: ["package": .string("\(before.packageName)@\(before.packageVersion)")], after: nil)
        }
    }

    /// Re-wraps every installation's data key under the keyring's current master key; secrets themselves are not
    /// re-encrypted. Returns how many were re-wrapped. Old keys keep working until this finishes.
    public func rotateKeys(actor: Actor, progress: (Int, Int) -> Void = { _, _ in }) async throws -> Int {
        let rows = try await database.withPlatformScope { connection in
            try await connection.query("SELECT tenant_id, id, key_id, wrapped_key FROM switchyard_installation_keys()")
                .decode((UUID, UUID, String, Data).self)
        }
        var rotated = 0
        for (index, row) in rows.enumerated() where row.2 != keyring.current.id {
            let tenant = TenantID(row.0)
            let context = Self.context(tenant: tenant, installation: row.1)
            try await database.withPlatformScope(tenant: tenant) { connection in
                // Re-read under lock: another rotation may have moved it meanwhile.
                guard
                    let current = try await connection.query(
                        """
                        SELECT secrets_key_id, secrets_wrapped_key, secrets_ciphertext FROM installations
                        WHERE id = \(row.1) FOR UPDATE
                        """
                    ).first
                else { return }
                let (keyID, wrapped, ciphertext) = try current.decode((String, Data, Data).self)
                guard keyID != keyring.current.id else { return }
                let resealed = try keyring.rewrap(
                    SealedSecret(keyID: keyID, wrappedKey: wrapped, ciphertext: ciphertext), context: context)
                try await connection.query(
                    """
                    UPDATE installations SET secrets_key_id = \(resealed.keyID), secrets_wrapped_key = \(resealed.wrappedKey)
                    WHERE id = \(row.1)
                    """)
                rotated += 1
            }
            progress(index + 1, rows.count)
        }
        try await database.withPlatformScope { connection in
            try await AdminAuditLog.record(
                on: connection, actor: actor, action: "keys.rotate", target: "master-key:\(keyring.current.id)", tenant: nil,
                before: nil, after: ["rewrapped": .int(rotated)])
        }
        return rotated
    }
}
