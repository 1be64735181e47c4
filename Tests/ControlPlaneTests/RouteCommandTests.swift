import Foundation
import Postgres
import TestSupport
import Testing

@Suite("admin-cli route", .enabled(if: TestDatabase.isAvailable))
struct RouteCommandTests {
    let database: String
    let repository = TestDatabase.repositoryRoot.path
    let environment = ["SWITCHYARD_MASTER_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="]

    init() async throws {
        database = try await TestDatabase.createMigrated(prefix: "routes")
        for command in [
            ["tenant", "create", "acme", "--name", "Acme"],
            ["package", "publish", "\(repository)/connectors/legacy-erp-files"],
            ["package", "publish", "\(repository)/connectors/spryker-data-import"],
            [
                "package", "install", "legacy-erp-files", "--tenant", "acme", "--as", "erp", "--config",
                "\(repository)/deploy/demo/demo-config.yaml",
            ],
            [
                "package", "install", "spryker-data-import", "--tenant", "acme", "--as", "spryker", "--config",
                "\(repository)/deploy/demo/spryker-config.yaml",
            ],
        ] {
            let result = try await cli(command)
            #expect(result.status == 0, "\(command): \(result)")
        }
    }

    func cli(_ arguments: [String]) async throws -> ProcessResult {
        try await ChildProcess.adminCLI(arguments, database: database, environment: environment)
    }

    func routeCount() async throws -> Int {
        try await TestDatabase.withSuperuser(database) {
            try await $0.query("SELECT count(*) FROM routes").first!.decode(Int.self)
        }
    }

    @Test func applyIsIdempotentAndDryRunStoresNothing() async throws {
        let route = "\(repository)/deploy/demo/route.yaml"
        let dry = try await cli(["route", "apply", "--tenant", "acme", route, "--dry-run"])
        #expect(dry.status == 0, "\(dry)")
        #expect(dry.stdout.hasPrefix("would create route 'erp-products-to-spryker'\n"))
        #expect(try await routeCount() == 0)
        let created = try await cli(["route", "apply", "--tenant", "acme", route])
        #expect(created.stdout.hasPrefix("create route 'erp-products-to-spryker'\n"))
        #expect(created.stdout.contains(#"  + trigger: {"schedule":"0 2 * * *","timezone":"Europe/Amsterdam"}"#))
        let again = try await cli(["route", "apply", "--tenant", "acme", route])
        #expect(again.stdout == "route 'erp-products-to-spryker' is unchanged\n")
        #expect(try await routeCount() == 1)

        let changed = FileManager.default.temporaryDirectory.appendingPathComponent("route-\(UUID().uuidString).yaml")
        let text = try String(contentsOfFile: route, encoding: .utf8).replacingOccurrences(
            of: "capture: errors", with: "capture: all")
        try Data(text.utf8).write(to: changed)
        let updated = try await cli(["route", "apply", "--tenant", "acme", changed.path])
        #expect(
            updated.stdout
                == "update route 'erp-products-to-spryker' (version 1 → 2)\n  - capture: \"errors\"\n  + capture: \"all\"\n")

        let list = try await cli(["route", "list", "--tenant", "acme", "--json"])
        let routes = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(routes.map { $0["name"] as? String } == ["erp-products-to-spryker"])
        #expect(routes.first?["capture"] as? String == "all")

        #expect(try await cli(["route", "disable", "erp-products-to-spryker", "--tenant", "acme"]).status == 0)
        let disabled = try await TestDatabase.withSuperuser(database) {
            try await $0.query("SELECT enabled, definition->>'enabled' FROM routes").first!.decode((Bool, String).self)
        }
        #expect(disabled == (false, "false"))

        // An installation a route uses cannot be removed.
        let uninstall = try await cli(["package", "uninstall", "erp", "--tenant", "acme"])
        #expect(uninstall.status == 1)
        #expect(
            uninstall.stderr
                == "error: installation 'erp' is used by route(s) 'erp-products-to-spryker'; delete or change them first\n")
        let wrongConfirm = try await cli(["route", "delete", "erp-products-to-spryker", "--tenant", "acme", "--confirm", "x"])
        #expect(wrongConfirm.status == 2)
        #expect(
            try await cli([
                "route", "delete", "erp-products-to-spryker", "--tenant", "acme", "--confirm", "erp-products-to-spryker",
            ]).status == 0)
        #expect(try await routeCount() == 0)
    }

    @Test func invalidRouteListsEveryProblemAndStoresNothing() async throws {
        let bad = FileManager.default.temporaryDirectory.appendingPathComponent("route-\(UUID().uuidString).yaml")
        try Data(
            """
            name: broken
            source: {installation: erp, stream: prodcts}
            destination: {installation: shop, action: product-abstract}
            steps: [{map: '{'}]
            trigger: {schedule: "0 2 * *", timezone: Europe/Amsterdam}
            """.utf8
        ).write(to: bad)
        let result = try await cli(["route", "apply", "--tenant", "acme", bad.path])
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first == "error: \(bad.path): 4 problem(s):")
        #expect(
            lines.dropFirst().map { $0.split(separator: ":").first.map(String.init) ?? "" } == [
                "  \(bad.path)/source/stream", "  \(bad.path)/destination/installation", "  \(bad.path)/steps",
                "  \(bad.path)/trigger/schedule",
            ])
        #expect(try await routeCount() == 0)
    }

    @Test func runExecutesTheExchangeAndRecordsIt() async throws {
        // Absolute folders, so the test does not depend on the working directory.
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("spryker-\(UUID().uuidString)")
        let erpConfig = FileManager.default.temporaryDirectory.appendingPathComponent("erp-\(UUID().uuidString).yaml")
        try Data("location: \(repository)/deploy/demo\npassword: pw-for-tests\n".utf8).write(to: erpConfig)
        let shopConfig = FileManager.default.temporaryDirectory.appendingPathComponent("shop-\(UUID().uuidString).yaml")
        try Data("directory: \(output.path)\n".utf8).write(to: shopConfig)
        for command in [
            ["package", "install", "legacy-erp-files", "--tenant", "acme", "--as", "erp2", "--config", erpConfig.path],
            ["package", "install", "spryker-data-import", "--tenant", "acme", "--as", "shop2", "--config", shopConfig.path],
        ] {
            let result = try await cli(command)
            #expect(result.status == 0, "\(result)")
        }
        let route = try String(contentsOfFile: "\(repository)/deploy/demo/route.yaml", encoding: .utf8)
            .replacingOccurrences(of: "installation: erp,", with: "installation: erp2,")
            .replacingOccurrences(of: "installation: spryker,", with: "installation: shop2,")
        let routeFile = FileManager.default.temporaryDirectory.appendingPathComponent("route-\(UUID().uuidString).yaml")
        try Data(route.utf8).write(to: routeFile)
        #expect(try await cli(["route", "apply", "--tenant", "acme", routeFile.path]).status == 0)

        let run = try await cli(["route", "run", "erp-products-to-spryker", "--tenant", "acme", "--json"])
        #expect(run.status == 0, "\(run)")
        let record = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        // deploy/demo/artikel.csv has 8 articles, one of them blocked (STATUS G).
        #expect(record["status"] as? String == "succeeded")
        #expect(record["records_read"] as? Int == 8)
        #expect(record["records_written"] as? Int == 7)
        #expect(record["records_filtered"] as? Int == 1)
        let csv = try String(contentsOf: output.appendingPathComponent("product_abstract.csv"), encoding: .utf8)
        let lines = csv.split(separator: "\r\n").map(String.init)
        #expect(lines.first == "abstract_sku,name.de_DE,category_key,price_gross,tax_set_name")
        #expect(lines.count == 8)
        // "Fußmatte Kokos 60×40" arrives intact from ISO-8859-1, 14,90 as 1490 cents, HA as household.
        #expect(lines.contains("20006,Fußmatte Kokos 60×40,household,1490,Standard Tax Set"))

        let runs = try await cli(["route", "runs", "--tenant", "acme", "--json"])
        let list = try #require(try JSONSerialization.jsonObject(with: Data(runs.stdout.utf8)) as? [[String: Any]])
        #expect(list.map { $0["status"] as? String } == ["succeeded"])

        // The same exchange through the queue: admin-cli queues it, a switchyard worker process claims and runs it.
        let queued = try await cli(["route", "run", "erp-products-to-spryker", "--tenant", "acme", "--queue"])
        #expect(queued.status == 0, "\(queued)")
        #expect(queued.stdout.hasPrefix("queued run "))
        let switchyard = URL(fileURLWithPath: ChildProcess.adminCLI).deletingLastPathComponent().appendingPathComponent(
            "switchyard"
        ).path
        var environment = self.environment
        environment["DATABASE_URL"] = TestDatabase.connectionString(database: database)
        let worker = try await ChildProcess.run(switchyard, ["worker", "--once"], environment: environment)
        #expect(worker.status == 0, "\(worker)")
        #expect(worker.stderr.contains("succeeded: read 8, written 7, failed 0"))
        let afterWorker = try await cli(["route", "runs", "--tenant", "acme", "--json"])
        let statuses = (try JSONSerialization.jsonObject(with: Data(afterWorker.stdout.utf8)) as? [[String: Any]])?.map {
            $0["status"] as? String
        }
        #expect(statuses == ["succeeded", "succeeded"])
    }

    @Test func cancellingQueuedAndRunningRuns() async throws {
        // A large export, so a run is still going when it is cancelled.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("big-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var csv = "ARTNR;BEZEICHNUNG;WARENGRUPPE;VK_PREIS;MWST;GEWICHT_KG;EAN;GEAENDERT_AM;STATUS\r\n"
        for index in 0..<150_000 { csv += "\(index);Artikel \(index);WZ;12,50;19;1,0;400;01.11.2026;A\r\n" }
        try Data(csv.utf8).write(to: folder.appendingPathComponent("artikel-big.csv"))
        let erpConfig = folder.appendingPathComponent("erp.yaml")
        try Data("location: \(folder.path)\npassword: pw-for-tests\n".utf8).write(to: erpConfig)
        let shopConfig = folder.appendingPathComponent("shop.yaml")
        try Data("directory: \(folder.path)/out\n".utf8).write(to: shopConfig)
        for command in [
            ["package", "install", "legacy-erp-files", "--tenant", "acme", "--as", "big", "--config", erpConfig.path],
            ["package", "install", "spryker-data-import", "--tenant", "acme", "--as", "bigshop", "--config", shopConfig.path],
        ] {
            #expect(try await cli(command).status == 0)
        }
        let route = try String(contentsOfFile: "\(repository)/deploy/demo/route.yaml", encoding: .utf8)
            .replacingOccurrences(of: "installation: erp,", with: "installation: big,")
            .replacingOccurrences(of: "installation: spryker,", with: "installation: bigshop,")
        let routeFile = folder.appendingPathComponent("route.yaml")
        try Data(route.utf8).write(to: routeFile)
        #expect(try await cli(["route", "apply", "--tenant", "acme", routeFile.path]).status == 0)

        // Queued: cancelled at once, by a prefix of its id.
        let queued = try await cli(["route", "run", "erp-products-to-spryker", "--tenant", "acme", "--queue", "--json"])
        let queuedID = try #require(
            (try JSONSerialization.jsonObject(with: Data(queued.stdout.utf8)) as? [String: String])?["run"])
        let cancelQueued = try await cli(["route", "cancel", String(queuedID.prefix(8)), "--tenant", "acme"])
        #expect(cancelQueued.stdout == "cancelled run \(queuedID)\n")
        let again = try await cli(["route", "cancel", queuedID, "--tenant", "acme"])
        #expect(again.status == 1)
        #expect(again.stderr == "error: run '\(queuedID)' is already cancelled; nothing to cancel\n")

        // Running: the worker stops it within seconds.
        let running = try await cli(["route", "run", "erp-products-to-spryker", "--tenant", "acme", "--queue", "--json"])
        let runningID = try #require(
            (try JSONSerialization.jsonObject(with: Data(running.stdout.utf8)) as? [String: String])?["run"])
        let switchyard = URL(fileURLWithPath: ChildProcess.adminCLI).deletingLastPathComponent()
            .appendingPathComponent("switchyard").path
        var environment = self.environment
        environment["DATABASE_URL"] = TestDatabase.connectionString(database: database)
        let worker = Task { try await ChildProcess.run(switchyard, ["worker", "--once"], environment: environment) }
        func status() async throws -> (String, Int) {
            try await TestDatabase.withSuperuser(database) {
                try await $0.query("SELECT status, records_read FROM runs WHERE id = \(UUID(uuidString: runningID)!)").first!
                    .decode((String, Int).self)
            }
        }
        let clock = ContinuousClock()
        var started = clock.now
        while try await status().0 != "running" {
            #expect(clock.now - started < .seconds(30))
            try await Task.sleep(for: .milliseconds(50))
        }
        let cancel = try await cli(["route", "cancel", runningID, "--tenant", "acme"])
        #expect(cancel.stdout == "asked the worker to stop run \(runningID)\n")
        started = clock.now
        let result = try await worker.value
        #expect(clock.now - started < .seconds(10))
        #expect(result.stderr.contains("run \(runningID) cancelled"))
        let (final, read) = try await status()
        #expect(final == "cancelled")
        #expect(read < 150_000)
    }

    @Test func connectionCheck() async throws {
        let ok = try await cli(["connection", "check", "erp", "--tenant", "acme"])
        #expect(ok.status == 0, "\(ok)")
        #expect(ok.stdout.hasPrefix("installation 'erp' in tenant 'acme' is ok\n"))
        #expect(ok.stdout.contains("stream products: 1 file(s) matching artikel*.csv"))
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).yaml")
        try Data("location: /nonexistent/erp-exports\npassword: pw-123456\n".utf8).write(to: config)
        #expect(
            try await cli([
                "package", "install", "legacy-erp-files", "--tenant", "acme", "--as", "erp-bad", "--config", config.path,
            ])
            .status == 0)
        let bad = try await cli(["connection", "check", "erp-bad", "--tenant", "acme"])
        #expect(bad.status == 1)
        #expect(
            bad.stderr
                == "error: check failed: stream products: cannot list folder /nonexistent/erp-exports (check the installation's location)\n"
        )
    }

    @Test func unknownRoute() async throws {
        let result = try await cli(["route", "show", "nope", "--tenant", "acme"])
        #expect(result.status == 1)
        #expect(result.stderr == "error: unknown route 'nope' in tenant 'acme' (see: admin-cli route list --tenant acme)\n")
    }
}
