import ConnectorKit
import RouteConfig
import Testing
import Values

@Suite("Route definitions")
struct RouteDefinitionTests {
    let catalog = InstallationCatalog(endpoints: [
        "erp": (streams: ["products", "stock"], actions: ["orders"]),
        "shop": (streams: [], actions: ["product-abstract"]),
    ])

    func parse(_ json: String) throws -> RouteDefinition {
        try RouteDefinition(parsing: try JSONParser.parse(json), catalog: catalog)
    }

    @Test func minimalRouteGetsDefaults() throws {
        let route = try parse(
            #"{"name": "erp-to-shop", "source": {"installation": "erp", "stream": "products"}, "destination": {"installation": "shop", "action": "product-abstract"}, "steps": [{"map": "{'sku': ARTNR}"}]}"#
        )
        #expect(route.trigger == .manual)
        #expect(route.retry == RetryPolicy())
        #expect(route.limits.maxConcurrentRuns == 1)
        #expect(route.capture == .errors)
        #expect(route.enabled)
        #expect(route.stepCount == 1)
        #expect(route.normalized["limits"]?["timeout"] == .string("15m"))
        #expect(route.normalized["retry"]?["initial_delay"] == .string("30s"))
    }

    @Test func scheduleWithZone() throws {
        let route = try parse(
            #"{"name": "nightly", "source": {"installation": "erp", "stream": "stock"}, "destination": {"installation": "erp", "action": "orders"}, "trigger": {"schedule": "0 2 * * *", "timezone": "Europe/Amsterdam"}, "retry": {"max_attempts": 5, "initial_delay": "10s", "max_delay": "2h"}, "limits": {"timeout": 600}}"#
        )
        #expect(route.trigger == .schedule(cron: "0 2 * * *", timeZone: "Europe/Amsterdam"))
        #expect(route.retry.maxAttempts == 5)
        #expect(route.retry.initialDelay == 10)
        #expect(route.retry.maxDelay == 7200)
        #expect(route.limits.timeout == 600)
    }

    @Test func everyProblemIsListedWithItsPointer() throws {
        let error = try #require(throws: RouteError.self) {
            try parse(
                #"{"name": "Bad Name", "source": {"installation": "erp", "stream": "prodcts"}, "destination": {"installation": "crm", "action": "x"}, "steps": [{"frob": 1}], "trigger": {"schedule": "0 25 * * *", "timezone": "Mars/Olympus"}, "retry": {"max_attempts": 0, "initial_delay": "soon"}, "capture": "most", "colour": 1}"#
            )
        }
        let pointers = error.problems.map(\.pointer)
        #expect(
            pointers == [
                "/colour", "/name", "/source/stream", "/destination/installation", "/steps", "/trigger/schedule",
                "/trigger/timezone", "/retry/max_attempts", "/retry/initial_delay", "/capture",
            ])
        #expect(
            error.problems[2].message == "installation 'erp' has no stream 'prodcts' (it has: products, stock)")
        #expect(
            error.problems[3].message == "unknown installation 'crm' (see: admin-cli package installed)")
        #expect(error.problems[5].message == "cron field 'hour' (field 2): value 25 is out of range 0-23")
    }

    @Test func anActionIsNotAStream() throws {
        let error = try #require(throws: RouteError.self) {
            try parse(
                #"{"name": "mixed", "source": {"installation": "shop", "stream": "product-abstract"}, "destination": {"installation": "erp", "action": "products"}}"#
            )
        }
        #expect(error.problems.map(\.pointer) == ["/source/stream", "/destination/action"])
        #expect(error.problems[0].message == "installation 'shop' has no stream 'product-abstract' (it has: none)")
    }
}
