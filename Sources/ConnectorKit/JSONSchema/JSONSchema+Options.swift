extension JSONSchema {
    /// Choices made when compiling a schema.
    public struct Options: Sendable {
        /// Check `format` (`date-time`, `date`, `time`, `duration`, `email`, `hostname`, `ipv4`, `ipv6`, `uri`,
        /// `uri-reference`, `iri`, `uuid`, `json-pointer`, `regex`, …) instead of only annotating it. Off by
        /// default, as draft 2020-12 specifies; connector configs usually want it on for `hostname` or `uri`.
        public var assertFormats: Bool

        /// Options with the given choices; the defaults follow the specification.
        public init(assertFormats: Bool = false) {
            self.assertFormats = assertFormats
        }
    }
}
