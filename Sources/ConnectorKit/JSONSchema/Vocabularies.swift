/// The vocabularies whose keywords this validator evaluates; a metaschema's `$vocabulary` can switch them off.
struct Vocabularies: OptionSet, Hashable {
    let rawValue: Int
    static let applicator = Vocabularies(rawValue: 1)
    static let validation = Vocabularies(rawValue: 2)
    static let unevaluated = Vocabularies(rawValue: 4)
    /// Not in `all`: format assertion is opt-in, by option or by a metaschema that declares its vocabulary.
    static let formatAssertion = Vocabularies(rawValue: 8)
    static let all: Vocabularies = [.applicator, .validation, .unevaluated]
}
