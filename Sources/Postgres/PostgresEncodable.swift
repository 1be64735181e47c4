import Foundation

/// A PostgreSQL type OID sent with a bound parameter, so the server need not guess the type.
public struct PostgresType: Hashable, Sendable {
    /// The type's OID; 0 lets the server infer it from the context.
    public var oid: UInt32
    /// Creates a type from its OID.
    public init(oid: UInt32) { self.oid = oid }

    /// Let the server infer the type from where the parameter is used.
    public static let unknown = PostgresType(oid: 0)
    public static let bool = PostgresType(oid: 16)
    public static let bytea = PostgresType(oid: 17)
    public static let int8 = PostgresType(oid: 20)
    public static let int4 = PostgresType(oid: 23)
    public static let text = PostgresType(oid: 25)
    public static let json = PostgresType(oid: 114)
    public static let float8 = PostgresType(oid: 701)
    public static let timestamptz = PostgresType(oid: 1184)
    public static let uuid = PostgresType(oid: 2950)
    public static let jsonb = PostgresType(oid: 3802)
    public static let boolArray = PostgresType(oid: 1000)
    public static let byteaArray = PostgresType(oid: 1001)
    public static let int4Array = PostgresType(oid: 1007)
    public static let textArray = PostgresType(oid: 1009)
    public static let int8Array = PostgresType(oid: 1016)
    public static let float8Array = PostgresType(oid: 1022)
    public static let timestamptzArray = PostgresType(oid: 1185)
    public static let uuidArray = PostgresType(oid: 2951)
}

/// A Swift value that can be sent to PostgreSQL as a bound parameter in text format.
public protocol PostgresEncodable: Sendable {
    /// The PostgreSQL type the value is sent as.
    static var postgresType: PostgresType { get }
    /// The value in PostgreSQL's text input format, or nil for SQL NULL.
    var postgresText: String? { get }
}

/// A value that can be an element of a PostgreSQL array parameter or result.
public protocol PostgresArrayElement: PostgresEncodable, PostgresDecodable {
    /// The OID of the array type whose elements are `Self`.
    static var postgresArrayType: PostgresType { get }
}

extension String: PostgresArrayElement {
    // Sent as `unknown` so it works wherever a literal would: text, citext, enums, uuid columns.
    public static var postgresType: PostgresType { .unknown }
    public static var postgresArrayType: PostgresType { .textArray }
    public var postgresText: String? { self }
}

extension Int: PostgresArrayElement {
    public static var postgresType: PostgresType { .int8 }
    public static var postgresArrayType: PostgresType { .int8Array }
    public var postgresText: String? { String(self) }
}

extension Int64: PostgresArrayElement {
    public static var postgresType: PostgresType { .int8 }
    public static var postgresArrayType: PostgresType { .int8Array }
    public var postgresText: String? { String(self) }
}

extension Int32: PostgresArrayElement {
    public static var postgresType: PostgresType { .int4 }
    public static var postgresArrayType: PostgresType { .int4Array }
    public var postgresText: String? { String(self) }
}

extension Double: PostgresArrayElement {
    public static var postgresType: PostgresType { .float8 }
    public static var postgresArrayType: PostgresType { .float8Array }
    public var postgresText: String? {
        if isNaN { return "NaN" }
        if isInfinite { return self > 0 ? "Infinity" : "-Infinity" }
        return "\(self)"
    }
}

extension Bool: PostgresArrayElement {
    public static var postgresType: PostgresType { .bool }
    public static var postgresArrayType: PostgresType { .boolArray }
    public var postgresText: String? { self ? "t" : "f" }
}

extension UUID: PostgresArrayElement {
    public static var postgresType: PostgresType { .uuid }
    public static var postgresArrayType: PostgresType { .uuidArray }
    public var postgresText: String? { uuidString.lowercased() }
}

extension Date: PostgresArrayElement {
    public static var postgresType: PostgresType { .timestamptz }
    public static var postgresArrayType: PostgresType { .timestamptzArray }
    public var postgresText: String? { PostgresDateFormat.format(self) }
}

extension Data: PostgresArrayElement {
    public static var postgresType: PostgresType { .bytea }
    public static var postgresArrayType: PostgresType { .byteaArray }
    public var postgresText: String? {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = [UInt8(ascii: "\\"), UInt8(ascii: "x")]
        bytes.reserveCapacity(2 + count * 2)
        for byte in self {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public static var postgresType: PostgresType { Wrapped.postgresType }
    public var postgresText: String? {
        switch self {
        case .none: return nil
        case .some(let value): return value.postgresText
        }
    }
}

extension Array: PostgresEncodable where Element: PostgresArrayElement {
    public static var postgresType: PostgresType { Element.postgresArrayType }
    public var postgresText: String? { PostgresArrayFormat.format(map(\.postgresText)) }
}

/// JSON text sent as `jsonb` and read back as text, for callers that build or parse JSON themselves.
public struct PostgresJSONText: PostgresEncodable, PostgresDecodable, Hashable {
    /// The JSON document as text.
    public var text: String
    /// Wraps JSON text; the server rejects it if it is not valid JSON.
    public init(_ text: String) { self.text = text }
    public static var postgresType: PostgresType { .jsonb }
    public var postgresText: String? { text }
    public static func decode(postgresText text: String?, column: String) throws(PostgresError) -> Self {
        guard let text else { throw PostgresDecodingFailure.null(column: column, type: "JSON") }
        return PostgresJSONText(text)
    }
}

/// A `Codable` value sent and read as `jsonb`.
public struct PostgresJSON<Value: Codable & Sendable>: PostgresEncodable, PostgresDecodable {
    /// The wrapped value.
    public var value: Value
    /// Wraps a value to be stored as JSON.
    public init(_ value: Value) { self.value = value }
    public static var postgresType: PostgresType { .jsonb }
    public var postgresText: String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
    public static func decode(postgresText text: String?, column: String) throws(PostgresError) -> Self {
        guard let text else { throw PostgresDecodingFailure.null(column: column, type: "JSON") }
        do {
            return PostgresJSON(try JSONDecoder().decode(Value.self, from: Data(text.utf8)))
        } catch {
            throw PostgresDecodingFailure.invalid(column: column, type: "JSON of \(Value.self)", text: text)
        }
    }
}
