import Postgres

/// A control-plane failure: a stable code for programs and a one-line message for people that names the thing
/// and the fix.
public struct ControlPlaneError: Error, Sendable, CustomStringConvertible, Equatable {
    /// Stable machine-readable kinds.
    public enum Code: String, Sendable {
        case invalidInput = "invalid_input"
        case notFound = "not_found"
        case alreadyExists = "already_exists"
        case conflict
        case unauthorized
        case migration
        case database
    }

    /// The kind of failure.
    public let code: Code
    /// One line: what failed and how to fix it.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    static func unknownTenant(_ slug: String) -> ControlPlaneError {
        ControlPlaneError(.notFound, "unknown tenant '\(slug)' (see: admin-cli tenant list)")
    }

    static func unknownUser(_ email: String, tenant: String) -> ControlPlaneError {
        ControlPlaneError(
            .notFound, "unknown user '\(email)' in tenant '\(tenant)' (see: admin-cli user list --tenant \(tenant))")
    }

    /// Wraps a database error that has no better domain meaning.
    static func database(_ error: any Error) -> ControlPlaneError {
        if let error = error as? ControlPlaneError { return error }
        return ControlPlaneError(.database, "\(error)")
    }
}
