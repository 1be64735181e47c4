public import Values

/// A path to a field inside an entity: dotted (`price.gross`) or, for keys that contain dots such as Spryker's
/// `name.en_US`, a JSON pointer (`/name.en_US`, with `~1` for `/` and `~0` for `~`).
public struct FieldPath: Sendable, Hashable, CustomStringConvertible {
    /// The keys from the outside in.
    public let components: [String]
    /// The path as written.
    public let description: String

    /// Parses a path; throws a message when it is empty.
    public init(_ text: String) throws(StepConfigurationError) {
        description = text
        if text.hasPrefix("/") {
            components = text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
                $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            }
        } else {
            components = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        }
        guard !text.isEmpty, !components.contains(where: \.isEmpty) else {
            throw StepConfigurationError(problems: ["field path '\(text)' is empty or has an empty part"])
        }
    }

    /// The value at this path, or nil.
    public func value(in entity: JSONValue) -> JSONValue? {
        var current = entity
        for key in components {
            guard case .object(let object) = current, let next = object[key] else { return nil }
            current = next
        }
        return current
    }

    /// Sets the value at this path, creating intermediate objects; nil removes the field.
    public func set(_ value: JSONValue?, in entity: inout JSONValue) {
        entity = Self.set(value, at: components[...], in: entity)
    }

    private static func set(_ value: JSONValue?, at path: ArraySlice<String>, in current: JSONValue) -> JSONValue {
        guard let key = path.first else { return value ?? current }
        var object: JSONObject
        if case .object(let existing) = current { object = existing } else { object = JSONObject() }
        if path.count == 1 {
            object[key] = value
        } else {
            let child = object[key] ?? .object(JSONObject())
            if value == nil, object[key] == nil { return .object(object) }
            object[key] = set(value, at: path.dropFirst(), in: child)
        }
        return .object(object)
    }
}
