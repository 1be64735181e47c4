extension PostgresConnection {
    /// Runs `body` between `BEGIN` and `COMMIT`, rolling back when it throws.
    ///
    /// `settings` are applied with `set_config(name, value, true)`, so they last for this transaction only and a
    /// pooled connection can never carry one tenant's context into another's work. Setting `role` switches to that
    /// role for the transaction, the way `SET LOCAL ROLE` does.
    public func withTransaction<T>(
        settings: [(name: String, value: String)] = [], _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await query("BEGIN")
        do {
            for setting in settings {
                try await query("SELECT set_config(\(setting.name), \(setting.value), true)")
            }
            let value = try await body(self)
            try await query("COMMIT")
            return value
        } catch {
            if isHealthy { _ = try? await query("ROLLBACK") }
            throw error
        }
    }
}
