public import Foundation
public import Values

/// Supplies schema documents for `$ref`s to other documents (remote references); asked once per document,
/// while a schema is compiled, never while validating.
public struct SchemaResolver: Sendable {
    /// Returns the document for an absolute URI without fragment, or nil when it is unknown.
    public let lookup: @Sendable (URL) -> JSONValue?

    /// A resolver backed by a closure, for example one reading files of a connector package.
    public init(_ lookup: @escaping @Sendable (URL) -> JSONValue?) {
        self.lookup = lookup
    }

    /// A resolver backed by a fixed registry of documents.
    public init(documents: [URL: JSONValue]) {
        self.lookup = { url in documents[url] }
    }

    /// Resolves nothing: only the schema itself and the built-in draft 2020-12 metaschemas can be referenced.
    public static let none = SchemaResolver { _ in nil }
}
