public import Values

/// Limits applied to one evaluation so that a tenant's expression can never hang or crash a worker.
public struct EvaluationOptions: Sendable {
    /// Maximum nesting of evaluation steps (JSONata counts every sub-expression entered); error `U1001` beyond.
    /// Each level uses native stack: the default is safe on ordinary threads, larger values need a bigger stack.
    public var maxDepth: Int
    /// Wall-clock budget for one evaluation; error `U1001` (timeout) beyond.
    public var timeLimit: Duration

    /// Creates options; the defaults suit mapping one record.
    public init(maxDepth: Int = 500, timeLimit: Duration = .seconds(5)) {
        self.maxDepth = maxDepth
        self.timeLimit = timeLimit
    }
}

/// A compiled JSONata expression; compile once, evaluate many times from any thread.
public struct JSONataExpression: Sendable {
    /// The expression text as given.
    public let source: String
    let ast: Node
    /// A faster form for expressions in the record-mapping subset; see `DirectPlan`.
    let plan: DirectPlan?
    /// The plan's bound on evaluation depth, computed once.
    let planDepth: Int

    /// Compiles an expression, throwing a syntax error (`S0xxx`) with its position.
    public init(_ source: String) throws(JSONataError) {
        self.source = source
        do {
            ast = try Parser.parse(source)
            plan = DirectPlan(ast)
            planDepth = plan?.depth ?? .max
        } catch let error as JSONataError {
            throw error
        } catch {
            throw JSONataError(code: "S0201", message: "\(error)")
        }
    }

    /// Evaluates against `input` (nil = undefined) with extra variable `bindings` (names without `$`).
    /// Returns nil when the result is undefined.
    public func evaluate(
        _ input: JSONValue?, bindings: [String: JSONValue] = [:], options: EvaluationOptions = .init()
    ) throws(JSONataError) -> JSONValue? {
        // Bindings could shadow the built-ins a plan calls, so only unbound evaluations of objects take the plan.
        if let plan, bindings.isEmpty, case .object(let record)? = input, planDepth < options.maxDepth {
            do {
                return try plan.evaluate(record)
            } catch {
                // The plan does not cover this input; the general evaluator decides the result or error.
            }
        }
        return try evaluateWithoutPlan(input, bindings: bindings, options: options)
    }

    /// Evaluates with the general evaluator only; tests compare plans against it.
    func evaluateWithoutPlan(
        _ input: JSONValue?, bindings: [String: JSONValue], options: EvaluationOptions
    ) throws(JSONataError) -> JSONValue? {
        let evaluator = Evaluator(maxDepth: options.maxDepth, timeLimit: options.timeLimit)
        let environment = Frame(parent: nil)
        for (name, value) in bindings { environment.bind(name, Item(value)) }
        var item = input.map(Item.init)
        // A top-level array is wrapped so that `$` refers to the whole array, as in JSONata.
        if case .array(let a)? = item {
            let wrapper = ItemArray([.array(a)], sequence: true)
            wrapper.outerWrapper = true
            item = .array(wrapper)
        }
        evaluator.rootInput = item
        do {
            let result = try evaluator.eval(ast, item, environment)
            return try Self.output(result)
        } catch let error as JSONataError {
            throw error
        } catch {
            throw JSONataError(code: "D1000", message: "\(error)")
        }
    }

    static func output(_ result: Item?) throws -> JSONValue? {
        guard let result else { return nil }
        if case .array(let a) = result, a.isSequence, a.items.isEmpty { return nil }
        return result.toJSON()
    }

    /// Compiles and evaluates in one call; convenient for tools, wasteful in loops.
    public static func evaluate(
        _ source: String, input: JSONValue?, bindings: [String: JSONValue] = [:], options: EvaluationOptions = .init()
    ) throws(JSONataError) -> JSONValue? {
        try JSONataExpression(source).evaluate(input, bindings: bindings, options: options)
    }
}
