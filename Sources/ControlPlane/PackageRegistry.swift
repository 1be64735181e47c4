public import Foundation
import Postgres

/// One published connector package version, without its bundle bytes.
public struct PublishedPackage: Sendable, Codable, Equatable {
    /// Package name.
    public let name: String
    /// SemVer version text.
    public let version: String
    /// Human title.
    public let title: String
    /// SHA-256 of the bundle, hex.
    public let sha256: String
    /// Bundle size in bytes.
    public let sizeBytes: Int
    /// When it was published.
    public let publishedAt: Date
    /// Who published it.
    public let publishedBy: String
    /// The manifest as JSON text.
    public let manifest: String
}

/// What publishing did.
public enum PublishOutcome: Sendable, Equatable {
    /// Stored as a new version.
    case published
    /// The same bytes were published before; nothing changed.
    case alreadyPublished
}

/// The platform's connector package registry in PostgreSQL: publish once, read from every worker.
public struct PackageRegistry: Sendable {
    let database: ControlPlaneDatabase

    /// Uses `database`.
    public init(database: ControlPlaneDatabase) { self.database = database }

    /// A version ready to publish; the caller has validated the manifest.
    public struct Submission: Sendable {
        /// Package name.
        public var name: String
        /// Version text.
        public var version: String
        /// SemVer parts for ordering.
        public var major: Int
        /// SemVer minor.
        public var minor: Int
        /// SemVer patch.
        public var patch: Int
        /// Pre-release text (empty for releases).
        public var prerelease: String
        /// Human title.
        public var title: String
        /// Manifest as JSON text.
        public var manifestJSON: String
        /// The deterministic bundle.
        public var bundle: Data
        /// Its SHA-256, hex.
        public var sha256: String

        /// Creates a submission.
        public init(
            name: String, version: String, major: Int, minor: Int, patch: Int, prerelease: String, title: String,
            manifestJSON: String, bundle: Data, sha256: String
        ) {
            self.name = name
            self.version = version
            self.major = major
            self.minor = minor
            self.patch = patch
            self.prerelease = prerelease
            self.title = title
            self.manifestJSON = manifestJSON
            self.bundle = bundle
            self.sha256 = sha256
        }
    }

    /// Stores a version. The same bytes again are accepted as a no-op; other bytes under a published version are
    /// refused, because versions are immutable.
    public func publish(_ submission: Submission, actor: Actor) async throws -> PublishOutcome {
        try await database.withPlatformScope { connection in
            // Serialises publishers of one name so the check and the insert see the same state.
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\("package:" + submission.name)))")
            let existing = try await connection.query(
                "SELECT sha256 FROM connector_packages WHERE name = \(submission.name) AND version = \(submission.version)"
            ).first.map { try $0.decode(String.self) }
            if let existing {
                guard existing == submission.sha256 else {
                    throw ControlPlaneError(
                        .conflict,
                        "connector package \(submission.name)@\(submission.version) is already published with different "
                            + "contents (sha256 \(existing.prefix(12))…); versions are immutable: bump the version")
                }
                return .alreadyPublished
            }
            try await connection.query(
                """
                INSERT INTO connector_packages (name, version, version_major, version_minor, version_patch,
                    version_prerelease, title, manifest, bundle, sha256, size_bytes, published_by)
                VALUES (\(submission.name), \(submission.version), \(submission.major), \(submission.minor),
                    \(submission.patch), \(submission.prerelease), \(submission.title),
                    \(submission.manifestJSON)::json, \(submission.bundle), \(submission.sha256),
                    \(submission.bundle.count), \(actor.name))
                """)
            try await AdminAuditLog.record(
                on: connection, actor: actor, action: "package.publish",
                target: "package:\(submission.name)@\(submission.version)", tenant: nil, before: nil,
                after: ["sha256": .string(submission.sha256), "size_bytes": .int(submission.bundle.count)])
            return .published
        }
    }

    static let precedence =
        "version_major DESC, version_minor DESC, version_patch DESC, (version_prerelease = '') DESC, version_prerelease DESC"
    static let columns = "name, version, title, sha256, size_bytes, published_at, published_by, manifest::text"

    static func decode(_ row: PostgresRow) throws -> PublishedPackage {
        let values = try row.decode((String, String, String, String, Int, Date, String, String).self)
        return PublishedPackage(
            name: values.0, version: values.1, title: values.2, sha256: values.3, sizeBytes: values.4,
            publishedAt: values.5, publishedBy: values.6, manifest: values.7)
    }

    /// Every published version, by name and newest version first.
    public func list() async throws -> [PublishedPackage] {
        try await database.withPlatformScope { connection in
            try await connection.query(
                "SELECT \(unescaped: Self.columns) FROM connector_packages ORDER BY name, \(unescaped: Self.precedence)"
            ).map(Self.decode)
        }
    }

    /// One version, or the newest release when `version` is nil.
    public func find(name: String, version: String?) async throws -> PublishedPackage {
        try await database.withPlatformScope { connection in
            let rows: PostgresRows
            if let version {
                rows = try await connection.query(
                    "SELECT \(unescaped: Self.columns) FROM connector_packages WHERE name = \(name) AND version = \(version)")
            } else {
                rows = try await connection.query(
                    """
                    SELECT \(unescaped: Self.columns) FROM connector_packages WHERE name = \(name)
                    ORDER BY (version_prerelease = '') DESC, \(unescaped: Self.precedence) LIMIT 1
                    """)
            }
            guard let row = rows.first else {
                let what = version.map { "\(name)@\($0)" } ?? name
                throw ControlPlaneError(.notFound, "unknown connector package '\(what)' (see: admin-cli package list)")
            }
            return try Self.decode(row)
        }
    }

    /// The bundle bytes of one version.
    public func bundle(name: String, version: String) async throws -> Data {
        try await database.withPlatformScope { connection in
            guard
                let row = try await connection.query(
                    "SELECT bundle FROM connector_packages WHERE name = \(name) AND version = \(version)"
                ).first
            else {
                throw ControlPlaneError(.notFound, "unknown connector package '\(name)@\(version)' (see: admin-cli package list)")
            }
            return try row.decode(Data.self)
        }
    }
}
