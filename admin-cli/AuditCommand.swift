import ArgumentParser
import ControlPlane
import Foundation

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Read and verify the append-only admin audit trail.",
        subcommands: [List.self, Verify.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List changes made through admin-cli, oldest first.")
        @Option(help: "Only this tenant's changes.") var tenant: String?
        @Option(help: "At most this many (the latest).") var limit = 1000
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let entries = try await Session.with { session in
                var tenantID: TenantID?
                if let tenant { tenantID = try await Tenants(database: session.database).find(tenant).id }
                return try await AdminAuditLog.list(session.database, tenant: tenantID, limit: limit)
            }
            if output.json { return try Output.json(entries) }
            Output.table(
                ["SEQ", "TIME", "ACTOR", "ACTION", "TARGET"],
                entries.map { [String($0.seq), Output.date($0.occurredAt), $0.actor, $0.action, $0.target] })
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Walk the hash chain; exit 0 when intact, 1 naming the first bad row.")
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let result = try await Session.with { session in try await AdminAuditLog.verify(session.database) }
            switch result {
            case .intact(let rows):
                if output.json { return try Output.json(["intact": "true", "rows": String(rows)]) }
                print("admin audit intact: \(rows) rows, every hash and link matches")
            case .broken(let seq, let reason):
                if output.json { try Output.json(["intact": "false", "first_bad_row": String(seq), "reason": reason]) }
                throw CLIFailure(message: "admin audit broken at row \(seq): \(reason)")
            }
        }
    }
}
