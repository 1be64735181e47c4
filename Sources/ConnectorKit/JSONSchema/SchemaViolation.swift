/// One way an instance fails a schema: where in the instance, which keyword of the schema, and why in words.
public struct SchemaViolation: Sendable, Equatable, CustomStringConvertible {
    /// JSON pointer (RFC 6901) to the failing part of the instance, such as `/items/3/price`; `""` is the root.
    public let instanceLocation: String
    /// JSON pointer to the failing keyword along the evaluation path, through any `$ref`,
    /// such as `/properties/items/items/properties/price/minimum`.
    public let keywordLocation: String
    /// The keyword that failed, such as `minimum`, `required` or `additionalProperties`.
    public let keyword: String
    /// The reason without the location, such as `70000 is greater than the maximum 65535`.
    public let reason: String

    /// Creates a violation.
    public init(instanceLocation: String, keywordLocation: String, keyword: String, reason: String) {
        self.instanceLocation = instanceLocation
        self.keywordLocation = keywordLocation
        self.keyword = keyword
        self.reason = reason
    }

    /// One line for people, such as `/port: 70000 is greater than the maximum 65535`; the root reads `(root)`.
    public var message: String {
        "\(instanceLocation.isEmpty ? "(root)" : instanceLocation): \(reason)"
    }

    /// The same line as `message`.
    public var description: String { message }
}
