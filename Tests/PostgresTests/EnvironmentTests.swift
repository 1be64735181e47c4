import Foundation
import TestSupport
import Testing

/// `deploy/test` sets SWITCHYARD_REQUIRE_DATABASE: there, database suites must run, never be skipped silently.
@Test("database suites are enabled when deploy/test requires them")
func databaseIsConfiguredWhenRequired() {
    if ProcessInfo.processInfo.environment["SWITCHYARD_REQUIRE_DATABASE"] != nil {
        #expect(TestDatabase.isAvailable, "SWITCHYARD_TEST_DATABASE_URL is not set, so database suites would be skipped")
    }
}
