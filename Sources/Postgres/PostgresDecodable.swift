import Foundation

/// A Swift value that can be decoded from a PostgreSQL result cell in text format.
public protocol PostgresDecodable {
    /// Decodes the cell text (nil for SQL NULL) of the column named `column`.
    static func decode(postgresText: String?, column: String) throws(PostgresError) -> Self
}

enum PostgresDecodingFailure {
    static func null(column: String, type: String) -> PostgresError {
        PostgresError(
            code: .decoding,
            message: "column '\(column)' is NULL but \(type) was expected (decode it as an optional)")
    }

    static func invalid(column: String, type: String, text: String) -> PostgresError {
        let sample = text.count > 40 ? String(text.prefix(40)) + "…" : text
        return PostgresError(code: .decoding, message: "column '\(column)' value '\(sample)' is not a valid \(type)")
    }
}

extension PostgresDecodable {
    fileprivate static func required(_ text: String?, column: String) throws(PostgresError) -> String {
        guard let text else { throw PostgresDecodingFailure.null(column: column, type: "\(Self.self)") }
        return text
    }
}

extension String {
    public static func decode(postgresText text: String?, column: String) throws(PostgresError) -> String {
        try required(text, column: column)
    }
}

extension Int {
    public static func decode(postgresText text: String?, column: String) throws(PostgresError) -> Int {
        let text = try required(text, column: column)
        guard let value = Int(text) else { throw PostgresDecodingFailure.invalid(column: column, type: "Int", text: text) }
        return value
    }
}

extension Int64 {
    public static func decode(postgresText text: String?, column: String) throws(PostgresError) -> Int64 {
        let text = try required(text, column: column)
        guard let value = Int64(text) else {
            throw PostgresDecodingFailure.invalid(column: column, type: "Int64", text: text)
        }
        return value
    }
}

extension Int32 {
    public static func decode(postgresText text: String?, column: String) throws(PostgresError) -> Int32 {
        let text = try required(text, column: column)
        guard let value = Int32(text) else {
            throw PostgresDecodingFailure.invalid(column: column, type: "Int32", text: text)
        }
        return value
    }
}

extension Double {
    public static func decode(postgresText text: String?, column: String) throws(PostgresError) -> Double {
        let text = try required(text, column: column)
        switch text {
        case "NaN": return .nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        default:
            guard let value = Double(text) else {
                throw PostgresDecodingFailure.invalid(column: column, type: "Double", text: text)
            }
            return value
        }
    }
}

extension Bool {
    public static func decode(postgresText text: String?, column: String) throws(PostgresError) -> Bool {
        switch try required(text, column: column) {
        case "t", "true": return true
        case "f", "false": return false
        case let other: throw PostgresDecodingFailure.invalid(column: column, type: "Bool", text: other)
        }
    }
}

extension UUID {
    public static func decode(postgresText text: String?, column: String) throws(PostgresError) -> UUID {
        let text = try required(text, column: column)
        guard let value = UUID(uuidString: text) else {
            throw PostgresDecodingFailure.invalid(column: column, type: "UUID", text: text)
        }
        return value
    }
}

extension Date {
    public static func decode(postgresText text: String?, column: String) throws(PostgresError) -> Date {
        let text = try required(text, column: column)
        guard let value = PostgresDateFormat.parse(text) else {
            throw PostgresDecodingFailure.invalid(column: column, type: "timestamp", text: text)
        }
        return value
    }
}

extension Data {
    public static func decode(postgresText text: String?, column: String) throws(PostgresError) -> Data {
        let text = try required(text, column: column)
        let bytes = Array(text.utf8)
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "\\"), bytes[1] == UInt8(ascii: "x"), bytes.count % 2 == 0
        else { throw PostgresDecodingFailure.invalid(column: column, type: "bytea (hex)", text: text) }
        var data = Data(capacity: (bytes.count - 2) / 2)
        var index = 2
        while index < bytes.count {
            guard let high = hexValue(bytes[index]), let low = hexValue(bytes[index + 1]) else {
                throw PostgresDecodingFailure.invalid(column: column, type: "bytea (hex)", text: text)
            }
            data.append(high << 4 | low)
            index += 2
        }
        return data
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public static func decode(postgresText text: String?, column: String) throws(PostgresError) -> Wrapped? {
        guard let text else { return nil }
        return try Wrapped.decode(postgresText: text, column: column)
    }
}

extension Array: PostgresDecodable where Element: PostgresArrayElement {
    public static func decode(postgresText text: String?, column: String) throws(PostgresError) -> [Element] {
        guard let text else { throw PostgresDecodingFailure.null(column: column, type: "array") }
        guard let items = PostgresArrayFormat.parse(text) else {
            throw PostgresDecodingFailure.invalid(column: column, type: "one-dimensional array", text: text)
        }
        var result: [Element] = []
        result.reserveCapacity(items.count)
        for item in items { result.append(try Element.decode(postgresText: item, column: column)) }
        return result
    }
}
