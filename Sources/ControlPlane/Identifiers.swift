public import Foundation

/// A tenant's immutable id.
public struct TenantID: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The underlying UUID.
    public let rawValue: UUID
    /// Wraps a UUID.
    public init(_ rawValue: UUID) { self.rawValue = rawValue }
    public var description: String { rawValue.uuidString.lowercased() }

    /// Decodes the plain UUID string that `encode(to:)` writes.
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(UUID.self)
    }

    /// Encodes as the same lowercase UUID string people see, not as a nested `raw_value` object.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A user's immutable id.
public struct UserID: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The underlying UUID.
    public let rawValue: UUID
    /// Wraps a UUID.
    public init(_ rawValue: UUID) { self.rawValue = rawValue }
    public var description: String { rawValue.uuidString.lowercased() }

    /// Decodes the plain UUID string that `encode(to:)` writes.
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(UUID.self)
    }

    /// Encodes as the same lowercase UUID string people see, not as a nested `raw_value` object.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A tenant's slug: 3–40 lowercase letters, digits and hyphens, starting and ending with a letter or digit.
public struct TenantSlug: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The validated slug text.
    public let rawValue: String

    /// Validates `text`; the error says what is wrong and what a slug looks like.
    public init(_ text: String) throws(ControlPlaneError) {
        let allowed = text.utf8.allSatisfy { byte in
            (byte >= 97 && byte <= 122) || (byte >= 48 && byte <= 57) || byte == 45
        }
        guard (3...40).contains(text.utf8.count), allowed, text.first != "-", text.last != "-" else {
            throw ControlPlaneError(
                .invalidInput,
                "invalid tenant slug '\(text)': use 3-40 lowercase letters, digits and hyphens, "
                    + "starting and ending with a letter or digit (e.g. acme-shop)")
        }
        rawValue = text
    }

    public var description: String { rawValue }
}

/// An email address as users type it; compared case-insensitively.
public struct EmailAddress: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The address as given (trimmed).
    public let rawValue: String

    /// Validates the rough shape `local@domain.tld`; delivery is not checked.
    public init(_ text: String) throws(ControlPlaneError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        let valid =
            parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !parts[1].hasPrefix(".")
            && !parts[1].hasSuffix(".") && trimmed.count <= 254
            && !trimmed.contains(where: { $0.isWhitespace || $0.isNewline })
        guard valid else {
            throw ControlPlaneError(.invalidInput, "invalid email address '\(text)' (expected name@example.com)")
        }
        rawValue = trimmed
    }

    public var description: String { rawValue }
}

/// What a user may do.
public enum UserRole: String, Sendable, Codable, CaseIterable {
    /// Everything, including users and tokens.
    case owner
    /// Routes, installations, runs.
    case developer
    /// Reads only.
    case viewer
    /// Reads runs, exchanges and reports.
    case auditor

    /// Parses a role name; the error lists the valid ones.
    public init(parsing text: String) throws(ControlPlaneError) {
        guard let role = UserRole(rawValue: text) else {
            throw ControlPlaneError(
                .invalidInput,
                "invalid role '\(text)' (use one of: \(UserRole.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        self = role
    }
}

/// A tenant's lifecycle state.
public enum TenantStatus: String, Sendable, Codable {
    case active
    case suspended
    case deleted
}
