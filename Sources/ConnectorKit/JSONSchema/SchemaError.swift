/// A schema could not be compiled: it is malformed, uses something unsupported or references what cannot be found.
public struct SchemaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable, machine-readable reason.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The code's text, such as `invalid_keyword`.
        public let rawValue: String
        /// A schema is neither an object nor a boolean.
        public static let invalidSchema = Code(rawValue: "invalid_schema")
        /// A keyword's value has the wrong shape, such as `"type": 5` or `"minLength": -1`.
        public static let invalidKeyword = Code(rawValue: "invalid_keyword")
        /// A `pattern` or `patternProperties` key is not a regular expression this validator understands.
        public static let invalidPattern = Code(rawValue: "invalid_pattern")
        /// A `$ref` or `$dynamicRef` points to nothing known or loadable.
        public static let unresolvableReference = Code(rawValue: "unresolvable_reference")
        /// The metaschema requires a vocabulary this validator does not implement.
        public static let unsupportedVocabulary = Code(rawValue: "unsupported_vocabulary")
        /// The text of the code.
        public var description: String { rawValue }
    }

    /// What kind of problem it is.
    public let code: Code
    /// JSON pointer to the offending place in the schema document, such as `/properties/port/type`.
    public let pointer: String
    /// The document holding that place when it is not the schema being compiled (a remote or metaschema), else nil.
    public let documentURI: String?
    /// What is wrong and how to fix it, in words.
    public let message: String

    /// Creates an error.
    public init(code: Code, pointer: String, documentURI: String? = nil, message: String) {
        self.code = code
        self.pointer = pointer
        self.documentURI = documentURI
        self.message = message
    }

    /// One line such as `schema error at /properties/port/type: "type" must be a type name or an array of them`.
    public var description: String {
        let place = (documentURI.map { "\($0)#" } ?? "") + (pointer.isEmpty ? "(root)" : pointer)
        return "schema error at \(place): \(message)"
    }
}
