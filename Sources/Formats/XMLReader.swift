public import Values

/// Streams the record elements of an XML document (e.g. every `Order` under `/Envelope/Body/Orders`) as JSON
/// objects, holding only the open record in memory; a byte-level tokenizer, no DOM.
///
/// Mapping: attributes become `@name`, child elements become members (repeated ones arrays), text next to
/// attributes or children becomes `#text`, and an element with only text becomes that string.
public struct XMLReader {
    /// How element and attribute names are written into records.
    public enum Namespaces: Sendable, Equatable {
        /// Keep the prefix as written: `erp:Order`.
        case keepPrefix
        /// Local names only: `Order`; `xmlns` declarations are dropped.
        case ignore
    }

    /// Reader options.
    public struct Options: Sendable, Equatable {
        /// Slash-separated element names from the root to the record element, e.g. `/Envelope/Body/Orders/Order`.
        /// A segment without prefix matches any prefix; `*` matches any element.
        public var recordPath: String
        /// Elements that always become arrays, even when they occur once: an entry with `/` is a path from the
        /// record element (`Lines/Line`), one without is an element name anywhere in the record (`Line`).
        public var alwaysArrays: Set<String>
        /// Name handling.
        public var namespaces: Namespaces
        /// The key prefix of attributes.
        public var attributePrefix: String
        /// The key of text next to attributes or children.
        public var textKey: String
        /// Trim whitespace around text and drop whitespace-only text (indentation).
        public var trimText: Bool
        /// The encoding; `.automatic` follows the byte order mark and the XML declaration.
        public var encoding: TextEncoding
        /// Maximum element nesting, a guard against hostile documents.
        public var maxDepth: Int

        /// Options for records at `recordPath`; namespace prefixes are dropped by default.
        public init(
            recordPath: String, alwaysArrays: Set<String> = [], namespaces: Namespaces = .ignore,
            attributePrefix: String = "@", textKey: String = "#text", trimText: Bool = true,
            encoding: TextEncoding = .automatic, maxDepth: Int = 256
        ) {
            self.recordPath = recordPath
            self.alwaysArrays = alwaysArrays
            self.namespaces = namespaces
            self.attributePrefix = attributePrefix
            self.textKey = textKey
            self.trimText = trimText
            self.encoding = encoding
            self.maxDepth = maxDepth
        }
    }

    private struct Frame {
        var name: String
        var path: String
        var object = JSONObject()
        var text: [UInt8] = []
        var hasStructure = false
    }

    /// The options the reader was created with.
    public let options: Options
    /// Number of records returned so far.
    public private(set) var count = 0

    private var input: DecodedInput
    private let segments: [String]
    private var openNames: [String] = []
    private var openMatched: [Bool] = []
    private var frames: [Frame] = []
    private var rootClosed = false
    private var sawRoot = false
    private var line = 1
    private var lineStart = 0
    private var scratch: [UInt8] = []

    /// Creates a reader; reads the first bytes to find the encoding.
    public init(source: any ByteSource, options: Options) throws(FormatError) {
        self.options = options
        let detected = try XMLEncodingDetection.detect(source: source, requested: options.encoding)
        self.input = DecodedInput(source: detected.source, encoding: detected.encoding)
        self.segments = options.recordPath.split(separator: "/").map(String.init)
        guard !segments.isEmpty else {
            throw FormatError(
                .invalidOption, format: .xml, message: "the record path is empty",
                fix: "name the record element's path, e.g. /Orders/Order")
        }
    }

    /// The next record, or nil at the end of the document.
    public mutating func next() throws(FormatError) -> JSONValue? {
        while true {
            guard let byte = try peek() else {
                if let open = openNames.last {
                    throw malformed("the document ends before </\(open)>", fix: "check that the file is complete")
                }
                if !sawRoot { throw malformed("the document has no root element", fix: "check the file's content") }
                return nil
            }
            if byte != UInt8(ascii: "<") {
                try readText()
                continue
            }
            advance()
            switch try peek() {
            case UInt8(ascii: "?"):
                try skip(until: "?>", what: "processing instruction")
            case UInt8(ascii: "!"):
                try readMarkupDeclaration()
            case UInt8(ascii: "/"):
                advance()
                if let record = try readEndTag() { return record }
            default:
                if let record = try readStartTag() { return record }
            }
        }
    }

    // MARK: - Bytes

    private var column: Int { input.offset - lineStart + 1 }

    private func malformed(_ message: String, fix: String) -> FormatError {
        FormatError(.malformedXML, format: .xml, line: line, column: column, message: message, fix: fix)
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

    private mutating func require(_ what: String) throws(FormatError) -> UInt8 {
        guard let byte = try peek() else {
            throw malformed("the document ends inside \(what)", fix: "check that the file is complete")
        }
        return byte
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        !(isSpace(byte) || byte == UInt8(ascii: "/") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "=")
            || byte == UInt8(ascii: "<") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
            || byte == UInt8(ascii: "&") || byte == UInt8(ascii: "!") || byte == UInt8(ascii: "?"))
    }

    private mutating func skipSpaces() throws(FormatError) {
        while let byte = try peek(), Self.isSpace(byte) { advance() }
    }

    private mutating func readName(_ what: String) throws(FormatError) -> String {
        let startLine = line
        let startColumn = column
        scratch.removeAll(keepingCapacity: true)
        while let byte = try peek(), Self.isNameByte(byte) {
            scratch.append(byte)
            advance()
        }
        guard let first = scratch.first, !(first >= 0x30 && first <= 0x39), first != UInt8(ascii: "-"),
            first != UInt8(ascii: ".")
        else {
            throw FormatError(
                .malformedXML, format: .xml, line: startLine, column: startColumn, message: "expected \(what) name",
                fix: "names start with a letter or underscore")
        }
        return String(decoding: scratch, as: UTF8.self)
    }

    /// Skips to just after `terminator`.
    private mutating func skip(until terminator: StaticString, what: String) throws(FormatError) {
        let end = terminator.withUTF8Buffer { Array($0) }
        var matched = 0
        while matched < end.count {
            let byte = try require(what)
            advance()
            if byte == end[matched] {
                matched += 1
            } else if byte == end[0] {
                // `--->` or `]]]>`: a repeated first character keeps the partial match.
                matched = matched == 2 && end.count == 3 && end[1] == end[0] ? 2 : 1
            } else {
                matched = 0
            }
        }
    }

    // MARK: - Markup

    private mutating func readMarkupDeclaration() throws(FormatError) {
        advance()
        let byte = try require("markup")
        if byte == UInt8(ascii: "-") {
            advance()
            guard try require("comment") == UInt8(ascii: "-") else {
                throw malformed("expected '<!--'", fix: "write comments as <!-- … -->")
            }
            advance()
            try skip(until: "-->", what: "a comment")
        } else if byte == UInt8(ascii: "[") {
            for expected in "[CDATA[".utf8 {
                guard try require("CDATA") == expected else {
                    throw malformed("expected '<![CDATA['", fix: "write CDATA sections as <![CDATA[ … ]]>")
                }
                advance()
            }
            guard !frames.isEmpty || !openNames.isEmpty else {
                throw malformed("CDATA outside the root element", fix: "move the CDATA section into an element")
            }
            var matched = 0
            let end = Array("]]>".utf8)
            var text: [UInt8] = []
            while matched < 3 {
                let next = try require("a CDATA section")
                advance()
                text.append(next)
                matched = next == end[matched] ? matched + 1 : (next == end[0] ? (matched == 2 ? 2 : 1) : 0)
            }
            text.removeLast(3)
            if !frames.isEmpty { frames[frames.count - 1].text.append(contentsOf: text) }
        } else {
            // <!DOCTYPE …> with an optional internal subset in brackets; entities declared there are not expanded.
            var brackets = 0
            while true {
                let next = try require("a declaration")
                advance()
                if next == UInt8(ascii: "[") { brackets += 1 }
                if next == UInt8(ascii: "]") { brackets -= 1 }
                if next == UInt8(ascii: ">") && brackets <= 0 { break }
            }
        }
    }

    private mutating func readText() throws(FormatError) {
        let inRecord = !frames.isEmpty
        let startLine = line
        let startColumn = column
        var significant = false
        while let byte = try peek(), byte != UInt8(ascii: "<") {
            if byte == UInt8(ascii: "&") {
                let decoded = try readEntity()
                if inRecord { frames[frames.count - 1].text.append(contentsOf: decoded) }
                significant = true
                continue
            }
            if !Self.isSpace(byte) { significant = true }
            if inRecord { frames[frames.count - 1].text.append(byte) }
            advance()
        }
        if significant && (openNames.isEmpty) {
            throw FormatError(
                .malformedXML, format: .xml, line: startLine, column: startColumn,
                message: "text outside the root element", fix: "put all content inside one root element")
        }
    }

    /// Decodes `&…;` at the current position into UTF-8.
    private mutating func readEntity() throws(FormatError) -> [UInt8] {
        let startLine = line
        let startColumn = column
        advance()
        var name: [UInt8] = []
        while true {
            let byte = try require("an entity reference")
            advance()
            if byte == UInt8(ascii: ";") { break }
            name.append(byte)
            if name.count > 12 || Self.isSpace(byte) || byte == UInt8(ascii: "<") { break }
        }
        func fail() -> FormatError {
            FormatError(
                .malformedXML, format: .xml, line: startLine, column: startColumn,
                message: "unknown or malformed entity '&\(String(decoding: name, as: UTF8.self))'",
                fix: "escape a literal & as &amp;")
        }
        switch String(decoding: name, as: UTF8.self) {
        case "amp": return [UInt8(ascii: "&")]
        case "lt": return [UInt8(ascii: "<")]
        case "gt": return [UInt8(ascii: ">")]
        case "quot": return [UInt8(ascii: "\"")]
        case "apos": return [UInt8(ascii: "'")]
        case let reference where reference.hasPrefix("#"):
            let hex = reference.hasPrefix("#x")
            let digits = reference.dropFirst(hex ? 2 : 1)
            guard !digits.isEmpty, let value = UInt32(digits, radix: hex ? 16 : 10), let scalar = Unicode.Scalar(value),
                value != 0
            else { throw fail() }
            return Array(String(Character(scalar)).utf8)
        default:
            throw fail()
        }
    }

    private mutating func readStartTag() throws(FormatError) -> JSONValue? {
        let tagLine = line
        let tagColumn = column - 1
        if rootClosed {
            throw FormatError(
                .malformedXML, format: .xml, line: tagLine, column: tagColumn,
                message: "a second root element", fix: "a document has exactly one root element")
        }
        let name = try readName("an element")
        var attributes: [(String, [UInt8])] = []
        var selfClosing = false
        while true {
            try skipSpaces()
            let byte = try require("a start tag")
            if byte == UInt8(ascii: ">") {
                advance()
                break
            }
            if byte == UInt8(ascii: "/") {
                advance()
                guard try require("a start tag") == UInt8(ascii: ">") else {
                    throw malformed("expected '>' after '/'", fix: "close empty elements with />")
                }
                advance()
                selfClosing = true
                break
            }
            let attribute = try readName("an attribute")
            try skipSpaces()
            guard try require("an attribute") == UInt8(ascii: "=") else {
                throw malformed("expected '=' after attribute '\(attribute)'", fix: "write attributes as name=\"value\"")
            }
            advance()
            try skipSpaces()
            let quote = try require("an attribute")
            guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else {
                throw malformed("attribute values must be quoted", fix: "write attributes as name=\"value\"")
            }
            advance()
            var value: [UInt8] = []
            while true {
                let next = try require("an attribute value")
                if next == quote {
                    advance()
                    break
                }
                if next == UInt8(ascii: "<") {
                    throw malformed("'<' inside an attribute value", fix: "escape it as &lt;")
                }
                if next == UInt8(ascii: "&") {
                    value.append(contentsOf: try readEntity())
                } else {
                    // Attribute value normalisation: line breaks and tabs become spaces.
                    value.append(Self.isSpace(next) ? 0x20 : next)
                    advance()
                }
            }
            attributes.append((attribute, value))
        }
        sawRoot = true
        if openNames.count >= options.maxDepth {
            throw FormatError(
                .malformedXML, format: .xml, line: tagLine, column: tagColumn,
                message: "elements are nested deeper than \(options.maxDepth)", fix: "raise maxDepth if this is intended")
        }
        let depth = openNames.count
        let matched =
            depth < segments.count && (depth == 0 || openMatched[depth - 1]) && Self.matches(segments[depth], name)
        openNames.append(name)
        openMatched.append(matched)
        let startsRecord = matched && depth == segments.count - 1
        if startsRecord || !frames.isEmpty {
            let key = outputName(name)
            let path = frames.isEmpty ? "" : (frames.last!.path.isEmpty ? key : frames.last!.path + "/" + key)
            var frame = Frame(name: key, path: path)
            for (attribute, value) in attributes {
                if attribute == "xmlns" || attribute.hasPrefix("xmlns:") {
                    if options.namespaces == .ignore { continue }
                }
                frame.object[options.attributePrefix + outputName(attribute)] = .string(
                    String(decoding: value, as: UTF8.self))
                frame.hasStructure = true
            }
            frames.append(frame)
        }
        if selfClosing { return try closeElement() }
        return nil
    }

    private static func matches(_ segment: String, _ name: String) -> Bool {
        if segment == "*" || segment == name { return true }
        if !segment.contains(":"), let colon = name.lastIndex(of: ":") {
            return name[name.index(after: colon)...] == segment
        }
        return false
    }

    private func outputName(_ name: String) -> String {
        guard options.namespaces == .ignore, let colon = name.lastIndex(of: ":") else { return name }
        return String(name[name.index(after: colon)...])
    }

    private mutating func readEndTag() throws(FormatError) -> JSONValue? {
        let tagLine = line
        let tagColumn = column - 2
        let name = try readName("an element")
        try skipSpaces()
        guard try require("an end tag") == UInt8(ascii: ">") else {
            throw malformed("expected '>' to end </\(name)", fix: "write end tags as </name>")
        }
        advance()
        guard let open = openNames.last else {
            throw FormatError(
                .malformedXML, format: .xml, line: tagLine, column: tagColumn,
                message: "</\(name)> closes nothing", fix: "remove the stray end tag")
        }
        guard open == name else {
            throw FormatError(
                .malformedXML, format: .xml, line: tagLine, column: tagColumn,
                message: "</\(name)> does not match <\(open)>", fix: "close elements in the order they were opened")
        }
        return try closeElement()
    }

    /// Pops the innermost element; returns the record when it was a record element.
    private mutating func closeElement() throws(FormatError) -> JSONValue? {
        openNames.removeLast()
        openMatched.removeLast()
        if openNames.isEmpty { rootClosed = true }
        guard let frame = frames.popLast() else { return nil }
        let value = elementValue(frame)
        guard !frames.isEmpty else {
            count += 1
            if case .object = value { return value }
            // A record element with only text still yields an object, so every record has the same shape.
            return .object(
                {
                    var object = JSONObject(); object[options.textKey] = value; return object
                }())
        }
        frames[frames.count - 1].hasStructure = true
        let forced = options.alwaysArrays.contains(frame.path) || options.alwaysArrays.contains(frame.name)
        var parent = frames[frames.count - 1].object
        frames[frames.count - 1].object = JSONObject()
        if var existing = parent[frame.name] {
            // Element values are never arrays themselves, so an array here is the list of repeats. Both other
            // references are dropped first so appending does not copy the list.
            parent[frame.name] = .null
            if case .array(var list) = existing {
                existing = .null
                list.append(value)
                parent[frame.name] = .array(list)
            } else {
                parent[frame.name] = .array([existing, value])
            }
        } else {
            parent[frame.name] = forced ? .array([value]) : value
        }
        frames[frames.count - 1].object = parent
        return nil
    }

    private func elementValue(_ frame: Frame) -> JSONValue {
        var text = frame.text
        if options.trimText {
            let start = text.firstIndex { !Self.isSpace($0) } ?? text.count
            let end = (text.lastIndex { !Self.isSpace($0) } ?? -1) + 1
            text = start < end ? Array(text[start..<end]) : []
        }
        let string = String(decoding: text, as: UTF8.self)
        guard frame.hasStructure else { return .string(string) }
        var object = frame.object
        if !text.isEmpty { object[options.textKey] = .string(string) }
        return .object(object)
    }
}
