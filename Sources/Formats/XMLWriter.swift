public import Values

/// Writes records as elements under one root element: `@` keys become attributes, `#text` the text, nested
/// objects child elements and arrays repeated elements. Characters the output encoding lacks are written as
/// character references, so any text can be written in ISO-8859-1.
public struct XMLWriter {
    /// Writer options.
    public struct Options: Sendable, Equatable {
        /// The root element's name, e.g. `Orders` or `erp:Orders`.
        public var rootElement: String
        /// The element each record becomes, e.g. `Order`.
        public var recordElement: String
        /// Namespace declarations written on the root element, as prefix (empty for the default) and URI.
        public var namespaces: [String: String]
        /// The encoding, also named in the XML declaration.
        public var encoding: TextEncoding
        /// Write the `<?xml …?>` declaration.
        public var declaration: Bool
        /// Indent nested elements by this many spaces (0: no line breaks at all).
        public var indent: Int
        /// The key prefix of attributes.
        public var attributePrefix: String
        /// The key of element text.
        public var textKey: String

        /// Options for records under a root element, UTF-8, indented by 2.
        public init(
            rootElement: String, recordElement: String, namespaces: [String: String] = [:],
            encoding: TextEncoding = .utf8, declaration: Bool = true, indent: Int = 2, attributePrefix: String = "@",
            textKey: String = "#text"
        ) {
            self.rootElement = rootElement
            self.recordElement = recordElement
            self.namespaces = namespaces
            self.encoding = encoding
            self.declaration = declaration
            self.indent = indent
            self.attributePrefix = attributePrefix
            self.textKey = textKey
        }
    }

    /// The options the writer was created with.
    public let options: Options
    /// Number of records written so far.
    public private(set) var count = 0
    private var output: EncodedOutput
    private var started = false

    /// Creates a writer; nothing is written until the first record or `finish()`.
    public init(sink: any ByteSink, options: Options) throws(FormatError) {
        for name in [options.rootElement, options.recordElement] where !XMLWriter.isName(name) {
            throw FormatError(
                .invalidOption, format: .xml, field: name, message: "'\(name)' is not an XML name",
                fix: "use letters, digits, '_', '-', '.' and one ':' prefix separator")
        }
        self.options = options
        // XML 1.0 (4.3.3) requires the byte order mark in UTF-16 documents.
        let utf16 = [TextEncoding.utf16, .utf16BigEndian, .utf16LittleEndian].contains(options.encoding)
        output = EncodedOutput(sink: sink, encoding: options.encoding, format: .xml, byteOrderMark: utf16)
    }

    /// Writes one record as a record element.
    public mutating func write(_ record: JSONValue) throws(FormatError) {
        try start()
        count += 1
        var text = ""
        try Self.element(options.recordElement, record, level: 1, options: options, into: &text, record: count)
        try output.append(referencingUnencodable(text), line: count, field: nil)
        try output.flushIfFull()
    }

    /// Closes the root element and flushes everything to the sink.
    public mutating func finish() throws(FormatError) {
        try start()
        try output.append("</\(options.rootElement)>" + (options.indent > 0 ? "\n" : ""), line: nil, field: nil)
        try output.flush()
        try output.sink.flush()
    }

    /// Replaces characters a single-byte output encoding lacks with character references (`&#x20AC;`).
    private func referencingUnencodable(_ text: String) -> String {
        guard output.encoding.isSingleByte else { return text }
        var result = ""
        var probe: [UInt8] = []
        for scalar in text.unicodeScalars {
            probe.removeAll(keepingCapacity: true)
            if scalar.isASCII || output.encoding.append(String(scalar), to: &probe) == nil {
                result.unicodeScalars.append(scalar)
            } else {
                result += "&#x\(String(scalar.value, radix: 16, uppercase: true));"
            }
        }
        return result
    }

    private mutating func start() throws(FormatError) {
        guard !started else { return }
        started = true
        var head = ""
        if options.declaration {
            head += "<?xml version=\"1.0\" encoding=\"\(Self.encodingName(output.encoding))\"?>"
            if options.indent > 0 { head += "\n" }
        }
        head += "<\(options.rootElement)"
        for (prefix, uri) in options.namespaces.sorted(by: { $0.key < $1.key }) {
            head += " xmlns\(prefix.isEmpty ? "" : ":" + prefix)=\"\(Self.escape(uri, attribute: true))\""
        }
        head += ">"
        if options.indent > 0 { head += "\n" }
        try output.append(head, line: nil, field: nil)
    }

    static func encodingName(_ encoding: TextEncoding) -> String {
        switch encoding {
        case .utf8, .automatic: return "UTF-8"
        case .isoLatin1: return "ISO-8859-1"
        case .windows1252: return "windows-1252"
        case .utf16, .utf16BigEndian, .utf16LittleEndian: return "UTF-16"
        }
    }

    /// True for names the writer can emit as element or attribute names.
    static func isName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else {
            return false
        }
        return name.unicodeScalars.allSatisfy {
            $0 == "_" || $0 == "-" || $0 == "." || $0 == ":" || $0.properties.isAlphabetic || ("0"..."9").contains($0)
        }
    }

    /// Escapes text for element content or (with `attribute`) a double-quoted attribute value.
    static func escape(_ text: String, attribute: Bool) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"" where attribute: result += "&quot;"
            case "\n" where attribute: result += "&#10;"
            case "\r": result += "&#13;"
            case "\t" where attribute: result += "&#9;"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Appends `<name …>…</name>` for a value: objects become attributes and children, arrays repeat the element.
    static func element(
        _ name: String, _ value: JSONValue, level: Int, options: Options, into text: inout String, record: Int
    ) throws(FormatError) {
        guard isName(name) else {
            throw FormatError(
                .invalidOption, format: .xml, line: record, field: name, message: "'\(name)' is not an XML element name",
                fix: "rename the key in the mapping")
        }
        let pad = options.indent > 0 ? String(repeating: " ", count: options.indent * level) : ""
        let newline = options.indent > 0 ? "\n" : ""
        switch value {
        case .array(let items):
            for item in items { try element(name, item, level: level, options: options, into: &text, record: record) }
        case .null:
            text += "\(pad)<\(name)/>\(newline)"
        case .string, .number, .bool:
            text += "\(pad)<\(name)>\(escape(scalarText(value), attribute: false))</\(name)>\(newline)"
        case .object(let object):
            text += "\(pad)<\(name)"
            var children: [(String, JSONValue)] = []
            var body = ""
            for (key, member) in object {
                if key.hasPrefix(options.attributePrefix) && !options.attributePrefix.isEmpty {
                    let attribute = String(key.dropFirst(options.attributePrefix.count))
                    guard isName(attribute) else {
                        throw FormatError(
                            .invalidOption, format: .xml, line: record, field: key,
                            message: "'\(attribute)' is not an XML attribute name", fix: "rename the key in the mapping")
                    }
                    if case .null = member { continue }
                    text += " \(attribute)=\"\(escape(scalarText(member), attribute: true))\""
                } else if key == options.textKey {
                    body += escape(scalarText(member), attribute: false)
                } else {
                    children.append((key, member))
                }
            }
            if children.isEmpty && body.isEmpty {
                text += "/>\(newline)"
            } else if children.isEmpty {
                text += ">\(body)</\(name)>\(newline)"
            } else {
                text += ">\(body)\(newline)"
                for (key, member) in children {
                    try element(key, member, level: level + 1, options: options, into: &text, record: record)
                }
                text += "\(pad)</\(name)>\(newline)"
            }
        }
    }

    private static func scalarText(_ value: JSONValue) -> String {
        switch value {
        case .string(let string): return string
        case .number(let number): return JSONNumberFormatter.format(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return ""
        case .array, .object: return JSONSerializer.serialize(value)
        }
    }
}
