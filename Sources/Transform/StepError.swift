/// A transformer step that failed, naming the step, the entity and the reason.
public struct StepError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based position of the step in the list.
    public let stepIndex: Int
    /// The step's kind, e.g. `lookup`.
    public let kind: String
    /// The key of the entity being processed, if known.
    public let entityKey: String?
    /// What went wrong, for people.
    public let reason: String
    /// The JSONata error code, when an expression failed.
    public let code: String?

    /// Creates an error.
    public init(stepIndex: Int, kind: String, entityKey: String?, reason: String, code: String? = nil) {
        self.stepIndex = stepIndex
        self.kind = kind
        self.entityKey = entityKey
        self.reason = reason
        self.code = code
    }

    public var description: String {
        let entity = entityKey.map { ", entity '\($0)'" } ?? ""
        return "step \(stepIndex) (\(kind))\(entity): \(reason)"
    }
}

/// A step list that cannot be used, naming the step and the field.
public struct StepConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Every problem found, one line each, e.g. `step 2 (lookup): 'table' must be an object`.
    public let problems: [String]

    public var description: String { problems.joined(separator: "; ") }
}
