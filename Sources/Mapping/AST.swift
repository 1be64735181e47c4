import Foundation

/// A parent-operator slot shared between the `%` node and the step that binds its value; shared by reference
/// because ancestry resolution relabels slots after both ends exist.
final class ParentSlot {
    var label: String
    var level: Int
    let index: Int
    init(label: String, level: Int, index: Int) {
        self.label = label
        self.level = level
        self.index = index
    }
}

/// A compiled regular expression; NSRegularExpression is immutable and documented thread-safe.
final class RegexBox: @unchecked Sendable {
    let regex: NSRegularExpression
    let source: String
    init(regex: NSRegularExpression, source: String) {
        self.regex = regex
        self.source = source
    }
}

/// A node of the expression tree. Nodes are mutated only while parsing and ancestry resolution;
/// afterwards the tree is read-only, which is why sharing it across threads is sound.
final class Node: @unchecked Sendable {
    enum Kind {
        case path, binary, unary, name, string, number, value, wildcard, descendant, parent, condition, block
        case bind, regex, function, partial, variable, lambda, apply, transform, sort, placeholder
        case elvis, coalesce, groupBy, orderBy, predicate, focusBind, indexBind, op
    }

    enum Stage {
        case filter(Node, position: Int)
        case index(String)
    }

    struct SortTerm {
        var descending: Bool
        var expression: Node
    }

    @exclusivity(unchecked) var kind: Kind
    @exclusivity(unchecked) var value: String = ""
    @exclusivity(unchecked) var literal: Item = .null
    @exclusivity(unchecked) var position: Int
    @exclusivity(unchecked) var lhs: Node?
    @exclusivity(unchecked) var rhs: Node?
    @exclusivity(unchecked) var expression: Node?
    @exclusivity(unchecked) var condition: Node?
    @exclusivity(unchecked) var then: Node?
    @exclusivity(unchecked) var otherwise: Node?
    @exclusivity(unchecked) var body: Node?
    @exclusivity(unchecked) var procedure: Node?
    @exclusivity(unchecked) var pattern: Node?
    @exclusivity(unchecked) var update: Node?
    @exclusivity(unchecked) var delete: Node?
    @exclusivity(unchecked) var expressions: [Node] = []
    @exclusivity(unchecked) var steps: [Node] = []
    @exclusivity(unchecked) var arguments: [Node] = []
    @exclusivity(unchecked) var pairs: [(Node, Node)] = []
    @exclusivity(unchecked) var terms: [SortTerm] = []
    @exclusivity(unchecked) var stages: [Stage]?
    @exclusivity(unchecked) var predicate: [Stage]?
    @exclusivity(unchecked) var group: (pairs: [(Node, Node)], position: Int)?
    @exclusivity(unchecked) var keepArray = false
    @exclusivity(unchecked) var keepSingletonArray = false
    @exclusivity(unchecked) var consarray = false
    @exclusivity(unchecked) var tuple = false
    @exclusivity(unchecked) var thunk = false
    @exclusivity(unchecked) var focus: String?
    @exclusivity(unchecked) var index: String?
    @exclusivity(unchecked) var ancestor: ParentSlot?
    @exclusivity(unchecked) var slot: ParentSlot?
    @exclusivity(unchecked) var seekingParent: [ParentSlot]?
    @exclusivity(unchecked) var signature: Signature?
    @exclusivity(unchecked) var regex: RegexBox?
    /// A path of bare field names with no predicates, bindings or grouping; evaluated on a fast path.
    @exclusivity(unchecked) var simpleNames = false
    /// False for blocks without any `:=` inside, which can then share the enclosing scope.
    @exclusivity(unchecked) var needsScope = true
    /// For `$name` referring to a built-in: resolved once at compile time.
    @exclusivity(unchecked) var native: NativeFunction?
    /// Whether predicates or a group-by follow this node; checked first so most nodes skip that work.
    @exclusivity(unchecked) var hasPostfix = true
    /// For object constructors whose keys are distinct string literals: the keys, so no key needs evaluating.
    @exclusivity(unchecked) var literalKeys: [String]?

    init(_ kind: Kind, position: Int, value: String = "") {
        self.kind = kind
        self.position = position
        self.value = value
    }
}
