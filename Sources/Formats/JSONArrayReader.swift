public import Values

/// Streams the elements of a JSON array, either the top-level value or one found by a path of object keys
/// (`["data"]`, `["response", "items"]`), holding only one element in memory at a time.
///
/// Everything before the array is scanned without building values; the text after the array is not read, so
/// a document that is malformed only after the array still yields all elements.
public struct JSONArrayReader {
    private var input: DecodedInput
    private let path: [String]
    private let maxElementBytes: Int
    private var element: [UInt8] = []
    private var line = 1
    private var lineStart = 0
    private var entered = false
    private var first = true
    private var finished = false
    /// Number of elements returned so far.
    public private(set) var count = 0

    /// Creates a reader of the array at `path` (empty: the document itself must be an array).
    public init(
        source: any ByteSource, path: [String] = [], encoding: TextEncoding = .automatic,
        maxElementBytes: Int = 64 << 20
    ) {
        self.input = DecodedInput(source: source, encoding: encoding)
        self.path = path
        self.maxElementBytes = maxElementBytes
    }

    /// Creates a reader of the array at a dotted path such as `data` or `response.items`.
    public init(source: any ByteSource, dottedPath: String, encoding: TextEncoding = .automatic) {
        let keys = dottedPath.split(separator: ".").map(String.init)
        self.init(source: source, path: keys, encoding: encoding)
    }

    /// The next element, or nil after the closing bracket.
    public mutating func next() throws(FormatError) -> JSONValue? {
        if finished { return nil }
        if !entered {
            entered = true
            try navigate()
        }
        try skipWhitespace()
        guard let byte = try peek() else { throw error("the array is not closed", fix: "add the closing ']'") }
        if byte == UInt8(ascii: "]") {
            finished = true
            return nil
        }
        if !first {
            guard byte == UInt8(ascii: ",") else {
                throw error("expected ',' or ']' after an array element", fix: "separate elements with commas")
            }
            advance()
            try skipWhitespace()
        }
        first = false
        let startLine = line
        let startColumn = column
        element.removeAll(keepingCapacity: true)
        try scanValue(keep: true)
        do {
            let value = try JSONParser.parse(element)
            count += 1
            return value
        } catch {
            throw FormatError(
                .invalidJSON, format: .json, line: startLine + error.line - 1,
                column: error.line == 1 ? startColumn + error.column - 1 : error.column, message: error.message,
                fix: "fix the JSON text of array element \(count + 1)")
        }
    }

    private var column: Int { input.offset - lineStart + 1 }

    private func error(_ message: String, fix: String) -> FormatError {
        FormatError(.invalidJSON, format: .json, line: line, column: column, message: message, fix: fix)
    }

    private mutating func peek() throws(FormatError) -> UInt8? {
        if !input.hasBytes {
            guard try input.refill() else { return nil }
        }
        return input.buffer[input.position]
    }

    private mutating func advance() {
        if input.buffer[input.position] == 0x0A {
            line += 1
            lineStart = input.offset + 1
        }
        input.position += 1
    }

    private mutating func skipWhitespace() throws(FormatError) {
        while let byte = try peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { advance() }
    }

    /// Walks down the object keys of `path` to the opening bracket of the array.
    private mutating func navigate() throws(FormatError) {
        for key in path {
            try skipWhitespace()
            guard try peek() == UInt8(ascii: "{") else {
                throw FormatError(
                    .notAnArray, format: .json, line: line, column: column,
                    message: "expected an object to find '\(key)' in",
                    fix: "check the array path '\(path.joined(separator: "."))'")
            }
            advance()
            var found = false
            var firstMember = true
            while !found {
                try skipWhitespace()
                if try peek() == UInt8(ascii: "}") {
                    throw FormatError(
                        .notAnArray, format: .json, line: line, column: column,
                        message: "the object has no member '\(key)'",
                        fix: "check the array path '\(path.joined(separator: "."))'")
                }
                if !firstMember {
                    guard try peek() == UInt8(ascii: ",") else {
                        throw error("expected ',' or '}' in an object", fix: "separate members with commas")
                    }
                    advance()
                    try skipWhitespace()
                }
                firstMember = false
                guard try peek() == UInt8(ascii: "\"") else {
                    throw error("expected a member name", fix: "quote object keys with double quotes")
                }
                element.removeAll(keepingCapacity: true)
                try scanValue(keep: true)
                let name = (try? JSONParser.parse(element))?.stringValue
                try skipWhitespace()
                guard try peek() == UInt8(ascii: ":") else {
                    throw error("expected ':' after a member name", fix: "write members as \"name\": value")
                }
                advance()
                try skipWhitespace()
                if name == key {
                    found = true
                } else {
                    try scanValue(keep: false)
                }
            }
        }
        try skipWhitespace()
        guard try peek() == UInt8(ascii: "[") else {
            let place = path.isEmpty ? "the document" : "'\(path.joined(separator: "."))'"
            throw FormatError(
                .notAnArray, format: .json, line: line, column: column, message: "\(place) is not an array",
                fix: "point the path at an array, or read the document whole with JSONParser")
        }
        advance()
    }

    /// Moves over one value, copying its bytes into `element` when `keep`; tracks only strings and nesting, the
    /// JSON parser checks the rest.
    private mutating func scanValue(keep: Bool) throws(FormatError) {
        var depth = 0
        var inString = false
        var escaped = false
        while let byte = try peek() {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                    if depth == 0 {
                        if keep { element.append(byte) }
                        advance()
                        return
                    }
                }
            } else {
                switch byte {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    if depth == 0 { return }
                    depth -= 1
                    if depth == 0 {
                        if keep { element.append(byte) }
                        advance()
                        return
                    }
                case UInt8(ascii: ","), 0x20, 0x0A, 0x0D, 0x09:
                    if depth == 0 { return }
                default: break
                }
            }
            if keep {
                element.append(byte)
                if element.count > maxElementBytes {
                    throw error(
                        "an array element is larger than \(maxElementBytes) bytes", fix: "raise maxElementBytes")
                }
            }
            advance()
        }
        if depth > 0 || inString {
            throw error("the document ends inside a value", fix: "check that the file is complete")
        }
    }
}
