import ArgumentParser
import ControlPlane
import Foundation
import Values

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
            if output.json {
                // before/after are JSON documents: print them as objects, not as strings holding JSON.
                let items: [JSONValue] = entries.map { entry in
                    var object = JSONObject()
                    object["seq"] = .number(Double(entry.seq))
                    object["occurred_at"] = .string(Output.date(entry.occurredAt))
                    object["actor"] = .string(entry.actor)
                    object["action"] = .string(entry.action)
                    object["target"] = .string(entry.target)
                    object["tenant_slug"] = entry.tenantSlug.map(JSONValue.string) ?? .null
                    object["before"] = entry.before.flatMap { try? JSONParser.parse($0) } ?? .null
                    object["after"] = entry.after.flatMap { try? JSONParser.parse($0) } ?? .null
                    return .object(object)
                }
                print(JSONSerializer.serialize(.array(items), indent: 2))
                return
            }
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
                if output.json { return print(JSONSerializer.serialize(["intact": true, "rows": .number(Double(rows))])) }
                print("admin audit intact: \(rows) rows, every hash and link matches")
            case .broken(let seq, let reason):
                if output.json {
                    print(
                        JSONSerializer.serialize([
                            "intact": false, "first_bad_row": .number(Double(seq)), "reason": .string(reason),
                        ]))
                }
                throw CLIFailure(message: "admin audit broken at row \(seq): \(reason)")
            }
        }
    }
}
