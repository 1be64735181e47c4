/// A scope of variable bindings; JSONata closures capture these, so they are reference types.
final class Frame {
    let parent: Frame?
    @exclusivity(unchecked) private var names: [String] = []
    @exclusivity(unchecked) private var values: [Item?] = []

    init(parent: Frame?) { self.parent = parent }

    func lookup(_ name: String) -> Item? {
        var frame: Frame? = self
        while let f = frame {
            var i = f.names.count - 1
            while i >= 0 {
                if f.names[i] == name { return f.values[i] }
                i -= 1
            }
            frame = f.parent
        }
        return nil
    }

    /// Binding undefined shadows outer bindings of the same name, as in current JSONata.
    func bind(_ name: String, _ value: Item?) {
        if let i = names.firstIndex(of: name) {
            values[i] = value
        } else {
            names.append(name)
            values.append(value)
        }
    }

    /// `.some(nil)` when the name is bound to undefined, `nil` when it is not bound at all.
    func find(_ name: String) -> Item?? {
        var frame: Frame? = self
        while let f = frame {
            var i = f.names.count - 1
            while i >= 0 {
                if f.names[i] == name { return .some(f.values[i]) }
                i -= 1
            }
            frame = f.parent
        }
        return nil
    }

    func has(_ name: String) -> Bool {
        var frame: Frame? = self
        while let f = frame {
            if f.names.contains(name) { return true }
            frame = f.parent
        }
        return false
    }
}

/// A built-in function of the standard library.
struct NativeFunction: Sendable {
    typealias Implementation = @Sendable (Evaluator, [Item?], Item?) throws -> Item?
    let name: String
    let signature: Signature?
    let arity: Int
    let implementation: Implementation

    init(_ name: String, _ signature: String?, arity: Int? = nil, _ implementation: @escaping Implementation) {
        self.name = name
        self.signature = signature.flatMap { try? Signature($0) }
        self.arity = arity ?? self.signature?.params.count ?? 1
        self.implementation = implementation
    }
}

/// A function value: lambda, built-in, partial application, regex matcher, transform or chain.
final class FunctionItem {
    enum Kind {
        case lambda(node: Node, input: Item?, env: Frame, params: [String])
        case native(NativeFunction)
        case partialNative(NativeFunction, template: [Item?], holes: [Int])
        case regex(RegexBox)
        case transform(Node, Frame)
        case chain(FunctionItem, FunctionItem)
    }

    let kind: Kind
    @exclusivity(unchecked) var signature: Signature?
    @exclusivity(unchecked) var thunk = false

    init(_ kind: Kind, signature: Signature? = nil) {
        self.kind = kind
        self.signature = signature
    }

    var arity: Int {
        switch kind {
        case .lambda(_, _, _, let params): return params.count
        case .native(let f): return f.arity
        case .partialNative(_, _, let holes): return holes.count
        case .regex: return 1
        case .transform: return 1
        case .chain: return 1
        }
    }
}
