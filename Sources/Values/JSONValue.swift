/// A JSON value as every Switchyard module sees it: objects keep their keys in insertion order.
public enum JSONValue: Sendable, Equatable {
    /// The JSON `null` literal.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number; JSON (like JavaScript) has one numeric type, an IEEE 754 double.
    case number(Double)
    /// A string of Unicode scalars.
    case string(String)
    /// An ordered list of values.
    case array([JSONValue])
    /// A map of keys to values that remembers the order keys were added in.
    case object(JSONObject)
}

extension JSONValue {
    /// The value's JSON type name: `null`, `boolean`, `number`, `string`, `array` or `object`.
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// The member `key` when this is an object, else nil.
    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    /// The element at `index` when this is an array and the index is in range, else nil.
    public subscript(index: Int) -> JSONValue? {
        if case .array(let array) = self, array.indices.contains(index) { return array[index] }
        return nil
    }

    /// The string payload, or nil for other kinds.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The number payload, or nil for other kinds.
    public var numberValue: Double? {
        if case .number(let value) = self { return value }
        return nil
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByNilLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    /// Builds a string value from a literal.
    public init(stringLiteral value: String) { self = .string(value) }
    /// Builds a number value from an integer literal.
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    /// Builds a number value from a floating-point literal.
    public init(floatLiteral value: Double) { self = .number(value) }
    /// Builds a boolean value from a literal.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// Builds `null` from `nil`.
    public init(nilLiteral: ()) { self = .null }
    /// Builds an array value from a literal.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// Builds an object value from a literal, keeping the literal's key order.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        var object = JSONObject()
        for (key, value) in elements { object[key] = value }
        self = .object(object)
    }
}

extension JSONValue: CustomStringConvertible {
    /// The compact JSON text of the value.
    public var description: String { JSONSerializer.serialize(self) }
}
