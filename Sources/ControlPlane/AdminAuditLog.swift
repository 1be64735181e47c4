import Crypto
public import Foundation
import Postgres

/// Who made a change through admin-cli: the OS user, or the name given with `--actor`.
public struct Actor: Sendable, CustomStringConvertible {
    /// The name recorded in the audit.
    public let name: String
    /// Uses `name`.
    public init(_ name: String) { self.name = name }
    public var description: String { name }
}

/// One row of the admin audit.
public struct AdminAuditEntry: Sendable, Codable, Equatable {
    /// Position in the chain, from 1.
    public let seq: Int
    /// When the change was made.
    public let occurredAt: Date
    /// Who made it.
    public let actor: String
    /// What was done, e.g. `tenant.create`.
    public let action: String
    /// What it was done to, e.g. `tenant:acme`.
    public let target: String
    /// The tenant concerned, if any.
    public let tenantSlug: String?
    /// The record before the change (JSON), if any.
    public let before: String?
    /// The record after the change (JSON), if any.
    public let after: String?
}

/// The result of walking the hash chain.
public enum AdminAuditVerification: Sendable, Equatable {
    /// Every link and hash matches; `rows` were checked.
    case intact(rows: Int)
    /// The first row whose hash or link does not match, and why.
    case broken(seq: Int, reason: String)
}

/// Writes and reads the append-only, hash-chained admin audit.
public enum AdminAuditLog {
    /// Appends one row in the caller's transaction, so the change and its audit commit or fail together. Secrets
    /// never go into `before`/`after`.
    static func record(
        on connection: PostgresConnection, actor: Actor, action: String, target: String, tenant: TenantID?,
        before: [String: AuditValue]?, after: [String: AuditValue]?
    ) async throws {
        try await connection.query(
            """
            INSERT INTO admin_audit (actor, action, target, tenant_id, before, after, prev_hash, row_hash)
            VALUES (\(actor.name), \(action), \(target), \(tenant?.rawValue), \(before.map(AuditValue.json)),
                    \(after.map(AuditValue.json)), '\\x'::bytea, '\\x'::bytea)
            """)
    }

    /// Lists rows, oldest first, across tenants or for one.
    public static func list(
        _ database: ControlPlaneDatabase, tenant: TenantID? = nil, limit: Int = 1000
    ) async throws
        -> [AdminAuditEntry]
    {
        try await database.withPlatformScope { connection in
            let rows = try await connection.query(
                """
                SELECT a.seq, a.occurred_at, a.actor, a.action, a.target, t.slug, a.before::text, a.after::text
                FROM admin_audit a LEFT JOIN tenants t ON t.id = a.tenant_id
                WHERE \(tenant?.rawValue)::uuid IS NULL OR a.tenant_id = \(tenant?.rawValue)
                ORDER BY a.seq DESC LIMIT \(limit)
                """)
            return try rows.decode((Int, Date, String, String, String, String?, String?, String?).self)
                .map {
                    AdminAuditEntry(
                        seq: $0.0, occurredAt: $0.1, actor: $0.2, action: $0.3, target: $0.4, tenantSlug: $0.5,
                        before: $0.6, after: $0.7)
                }
                .reversed()
        }
    }

    /// Recomputes every row's hash from its canonical text and its predecessor's hash, in order; names the first
    /// row that does not match.
    public static func verify(_ database: ControlPlaneDatabase) async throws -> AdminAuditVerification {
        try await database.withPlatformScope { connection in
            let rows = try await connection.query(
                "SELECT seq, prev_hash, row_hash, admin_audit_canonical(a) FROM admin_audit a ORDER BY seq")
            var previous = Data(repeating: 0, count: 32)
            var expectedSeq = 1
            for (seq, prevHash, rowHash, canonical) in try rows.decode((Int, Data, Data, String).self) {
                if seq != expectedSeq {
                    return .broken(seq: seq, reason: "row \(expectedSeq) is missing before row \(seq)")
                }
                if prevHash != previous {
                    return .broken(seq: seq, reason: "its prev_hash does not match the hash of row \(seq - 1)")
                }
                let computed = Data(SHA256.hash(data: previous + Data(canonical.utf8)))
                if computed != rowHash {
                    return .broken(seq: seq, reason: "its contents do not match its row_hash (the row was altered)")
                }
                previous = rowHash
                expectedSeq += 1
            }
            return .intact(rows: expectedSeq - 1)
        }
    }
}

/// A value in an audit snapshot; a tiny JSON model so snapshots are built from typed fields, never from strings.
enum AuditValue: Sendable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case date(Date)
    case strings([String])
    case null

    static func json(_ object: [String: AuditValue]) -> PostgresJSONText {
        let body = object.keys.sorted().map { key in "\(quote(key)):\(object[key]!.jsonText)" }
        return PostgresJSONText("{" + body.joined(separator: ",") + "}")
    }

    var jsonText: String {
        switch self {
        case .string(let text): return Self.quote(text)
        case .int(let value): return String(value)
        case .bool(let value): return value ? "true" : "false"
        case .date(let date): return Self.quote(ISO8601DateFormatter().string(from: date))
        case .strings(let values): return "[" + values.map(Self.quote).joined(separator: ",") + "]"
        case .null: return "null"
        }
    }

    static func quote(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
