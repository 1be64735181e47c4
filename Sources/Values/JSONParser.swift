#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// True when the bytes are well-formed UTF-8 (no stray continuation bytes, overlongs or surrogates).
func isValidUTF8<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
    var iterator = bytes.makeIterator()
    var parser = Unicode.UTF8.ForwardParser()
    while true {
        switch parser.parseScalar(from: &iterator) {
        case .valid: continue
        case .emptyInput: return true
        case .error: return false
        }
    }
}

/// A byte-level JSON parser (RFC 8259) that works directly on UTF-8 bytes.
public enum JSONParser {
    /// Default nesting limit; deeper documents are rejected instead of exhausting the stack.
    public static let defaultMaxDepth = 512

    /// Parses one JSON document from UTF-8 bytes.
    public static func parse(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        var result: Result<JSONValue, JSONParseError> = .success(.null)
        bytes.withUnsafeBufferPointer { result = parseResult($0, maxDepth: maxDepth) }
        return try result.get()
    }

    /// Parses one JSON document from a slice (for example one line of a JSON Lines buffer) without copying it.
    public static func parse(
        _ bytes: ArraySlice<UInt8>, maxDepth: Int = defaultMaxDepth
    ) throws(JSONParseError)
        -> JSONValue
    {
        var result: Result<JSONValue, JSONParseError> = .success(.null)
        bytes.withUnsafeBufferPointer { result = parseResult($0, maxDepth: maxDepth) }
        return try result.get()
    }

    /// Parses one JSON document from raw UTF-8 memory that stays valid for the duration of the call.
    public static func parse(
        buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int = defaultMaxDepth
    ) throws(JSONParseError)
        -> JSONValue
    {
        try parseResult(buffer, maxDepth: maxDepth).get()
    }

    static func parseResult(_ buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int) -> Result<JSONValue, JSONParseError> {
        var reader = ByteReader(bytes: buffer, maxDepth: maxDepth)
        do {
            return .success(try reader.parseDocument())
        } catch {
            return .failure(error)
        }
    }

    /// Parses one JSON document from a string.
    public static func parse(_ text: String, maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8), maxDepth: maxDepth)
    }

    /// Parses one JSON document from any contiguous byte sequence (for example Foundation `Data`).
    public static func parse<Bytes: Sequence<UInt8>>(
        bytes: Bytes, maxDepth: Int = defaultMaxDepth
    ) throws(JSONParseError) -> JSONValue {
        try parse(Array(bytes), maxDepth: maxDepth)
    }
}

private struct ByteReader {
    let bytes: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    var pos = 0
    var depth = 0

    init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    func error(_ message: String, at offset: Int? = nil) -> JSONParseError {
        let target = min(offset ?? pos, bytes.count)
        var line = 1
        var lineStart = 0
        for i in 0..<target where bytes[i] == UInt8(ascii: "\n") {
            line += 1
            lineStart = i + 1
        }
        return JSONParseError(message: message, line: line, column: target - lineStart + 1, offset: target)
    }

    func describeCurrent() -> String {
        guard pos < bytes.count else { return "end of input" }
        let byte = bytes[pos]
        if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x\(String(byte, radix: 16))"
    }

    mutating func skipWhitespace() {
        while pos < bytes.count {
            switch bytes[pos] {
            case 0x20, 0x0A, 0x0D, 0x09: pos += 1
            default: return
            }
        }
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        if pos < bytes.count { throw error("unexpected \(describeCurrent()) after the JSON value") }
        return value
    }

    mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard pos < bytes.count else { throw error("unexpected end of input, expected a value") }
        switch bytes[pos] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error("unexpected \(describeCurrent()), expected a value")
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let start = pos
        let count = literal.utf8CodeUnitCount
        let base = literal.utf8Start
        for i in 0..<count {
            guard pos < bytes.count, bytes[pos] == base[i] else {
                throw error("invalid literal, expected '\(literal)'", at: start)
            }
            pos += 1
        }
    }

    mutating func enter() throws(JSONParseError) {
        depth += 1
        if depth > maxDepth { throw error("nesting deeper than \(maxDepth) levels") }
    }

    mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try enter()
        pos += 1
        // Members are gathered in plain arrays and handed over in one piece; records typically have a handful,
        // so reserving avoids regrowth and a linear duplicate check beats hashing until `hashedKeyThreshold`.
        var keys: [String] = []
        var values: [JSONValue] = []
        keys.reserveCapacity(8)
        values.reserveCapacity(8)
        var positions: [String: Int]? = nil
        skipWhitespace()
        if pos < bytes.count && bytes[pos] == UInt8(ascii: "}") {
            pos += 1
            depth -= 1
            return .object(JSONObject())
        }
        while true {
            skipWhitespace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else {
                throw error("unexpected \(describeCurrent()), expected a string key")
            }
            let key = try parseString()
            skipWhitespace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else {
                throw error("unexpected \(describeCurrent()), expected ':' after object key")
            }
            pos += 1
            skipWhitespace()
            let value = try parseValue()
            // A repeated key keeps its first position and takes the last value.
            // Comparing UTF-8 lengths first skips most full string comparisons.
            let length = key.utf8.count
            let existing =
                positions != nil ? positions![key] : keys.firstIndex { $0.utf8.count == length && $0 == key }
            if let existing {
                values[existing] = value
            } else {
                keys.append(key)
                values.append(value)
                if positions != nil {
                    positions![key] = keys.count - 1
                } else if keys.count > Self.hashedKeyThreshold {
                    positions = Dictionary(uniqueKeysWithValues: zip(keys, keys.indices))
                }
            }
            skipWhitespace()
            guard pos < bytes.count else { throw error("unexpected end of input, expected ',' or '}'") }
            if bytes[pos] == UInt8(ascii: ",") {
                pos += 1
                continue
            }
            if bytes[pos] == UInt8(ascii: "}") {
                pos += 1
                break
            }
            throw error("unexpected \(describeCurrent()), expected ',' or '}'")
        }
        depth -= 1
        return .object(JSONObject(uniqueKeys: keys, values: values))
    }

    /// Object size from which duplicate keys are found by hashing rather than by scanning.
    static let hashedKeyThreshold = 12

    mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enter()
        pos += 1
        var array: [JSONValue] = []
        skipWhitespace()
        if pos < bytes.count && bytes[pos] == UInt8(ascii: "]") {
            pos += 1
            depth -= 1
            return .array(array)
        }
        while true {
            skipWhitespace()
            array.append(try parseValue())
            skipWhitespace()
            guard pos < bytes.count else { throw error("unexpected end of input, expected ',' or ']'") }
            if bytes[pos] == UInt8(ascii: ",") {
                pos += 1
                continue
            }
            if bytes[pos] == UInt8(ascii: "]") {
                pos += 1
                break
            }
            throw error("unexpected \(describeCurrent()), expected ',' or ']'")
        }
        depth -= 1
        return .array(array)
    }

    mutating func parseString() throws(JSONParseError) -> String {
        let start = pos
        pos += 1
        let contentStart = pos
        // Fast path: no escapes, so the bytes are copied straight into the String.
        var ascii = true
        while pos < bytes.count {
            // Plain printable ASCII is most of a record's bytes: skip it a word at a time.
            while pos + 8 <= bytes.count, !ByteWord.needsEscapingOrIsNonASCII(ByteWord.load(bytes, at: pos)) {
                pos += 8
            }
            guard pos < bytes.count else { break }
            let byte = bytes[pos]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[contentStart..<pos])
                pos += 1
                // Pure ASCII needs no UTF-8 validation, and records are mostly ASCII.
                if ascii { return String(decoding: slice, as: UTF8.self) }
                return try validatedString(slice, start: contentStart)
            }
            if byte >= 0x80 { ascii = false }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error("control character in string must be escaped") }
            pos += 1
        }
        guard pos < bytes.count else { throw error("unterminated string", at: start) }
        var buffer = Array(UnsafeBufferPointer(rebasing: bytes[contentStart..<pos]))
        while pos < bytes.count {
            let byte = bytes[pos]
            if byte == UInt8(ascii: "\"") {
                pos += 1
                guard isValidUTF8(buffer) else { throw error("string is not valid UTF-8", at: contentStart) }
                return String(decoding: buffer, as: UTF8.self)
            }
            if byte < 0x20 { throw error("control character in string must be escaped") }
            if byte != UInt8(ascii: "\\") {
                buffer.append(byte)
                pos += 1
                continue
            }
            pos += 1
            guard pos < bytes.count else { break }
            let escape = bytes[pos]
            pos += 1
            switch escape {
            case UInt8(ascii: "\""): buffer.append(0x22)
            case UInt8(ascii: "\\"): buffer.append(0x5C)
            case UInt8(ascii: "/"): buffer.append(0x2F)
            case UInt8(ascii: "b"): buffer.append(0x08)
            case UInt8(ascii: "f"): buffer.append(0x0C)
            case UInt8(ascii: "n"): buffer.append(0x0A)
            case UInt8(ascii: "r"): buffer.append(0x0D)
            case UInt8(ascii: "t"): buffer.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try parseHex4()
                if scalar >= 0xD800 && scalar < 0xDC00, pos + 5 < bytes.count, bytes[pos] == UInt8(ascii: "\\"),
                    bytes[pos + 1] == UInt8(ascii: "u")
                {
                    let save = pos
                    pos += 2
                    let low = try parseHex4()
                    if low >= 0xDC00 && low < 0xE000 {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        pos = save
                    }
                }
                // JavaScript tolerates unpaired surrogates; they become U+FFFD rather than failing the document.
                if scalar >= 0xD800 && scalar < 0xE000 { scalar = 0xFFFD }
                appendUTF8(scalar, to: &buffer)
            default:
                throw error("invalid escape sequence '\\\(Character(Unicode.Scalar(escape)))'", at: pos - 2)
            }
        }
        throw error("unterminated string", at: start)
    }

    func validatedString(_ slice: UnsafeBufferPointer<UInt8>, start: Int) throws(JSONParseError) -> String {
        // Malformed UTF-8 is rejected rather than silently repaired.
        guard isValidUTF8(slice) else { throw error("string is not valid UTF-8", at: start) }
        return String(decoding: slice, as: UTF8.self)
    }

    mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        guard pos + 4 <= bytes.count else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[pos]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("invalid hex digit in \\u escape")
            }
            value = value * 16 + digit
            pos += 1
        }
        return value
    }

    func appendUTF8(_ scalar: UInt32, to buffer: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            buffer.append(UInt8(scalar))
        case 0x80..<0x800:
            buffer.append(UInt8(0xC0 | (scalar >> 6)))
            buffer.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            buffer.append(UInt8(0xE0 | (scalar >> 12)))
            buffer.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            buffer.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            buffer.append(UInt8(0xF0 | (scalar >> 18)))
            buffer.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            buffer.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            buffer.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

    mutating func parseNumber() throws(JSONParseError) -> Double {
        let start = pos
        var negative = false
        if bytes[pos] == UInt8(ascii: "-") {
            negative = true
            pos += 1
        }
        guard pos < bytes.count, isDigit(bytes[pos]) else { throw error("invalid number, expected a digit", at: pos) }
        var mantissa: UInt64 = 0
        var digits = 0
        if bytes[pos] == UInt8(ascii: "0") {
            pos += 1
            if pos < bytes.count && isDigit(bytes[pos]) { throw error("invalid number, leading zeros are not allowed") }
        } else {
            while pos < bytes.count && isDigit(bytes[pos]) {
                mantissa = mantissa &* 10 &+ UInt64(bytes[pos] - UInt8(ascii: "0"))
                digits += 1
                pos += 1
            }
        }
        var simple = true
        if pos < bytes.count && bytes[pos] == UInt8(ascii: ".") {
            simple = false
            pos += 1
            guard pos < bytes.count, isDigit(bytes[pos]) else { throw error("invalid number, expected a digit after '.'") }
            while pos < bytes.count && isDigit(bytes[pos]) { pos += 1 }
        }
        if pos < bytes.count && (bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E")) {
            simple = false
            pos += 1
            if pos < bytes.count && (bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-")) { pos += 1 }
            guard pos < bytes.count, isDigit(bytes[pos]) else {
                throw error("invalid number, expected a digit in the exponent")
            }
            while pos < bytes.count && isDigit(bytes[pos]) { pos += 1 }
        }
        // Integers of up to 15 digits are exact in a double, so they skip strtod.
        if simple && digits <= 15 {
            let value = Double(mantissa)
            return negative ? -value : value
        }
        return slowDouble(from: start, to: pos)
    }

    func slowDouble(from start: Int, to end: Int) -> Double {
        let length = end - start
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { scratch in
            for i in 0..<length { scratch[i] = CChar(bitPattern: bytes[start + i]) }
            scratch[length] = 0
            return strtod(scratch.baseAddress!, nil)
        }
    }

    @inline(__always) func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
