public import Values

/// SOAP 1.1 / 1.2 envelopes around XML bodies: wrap a request body, unwrap a response body, report Faults.
public enum SOAPEnvelope {
    /// The SOAP version, which decides the envelope namespace and the Fault's shape.
    public enum Version: Sendable, Equatable {
        /// SOAP 1.1 (`text/xml`, `SOAPAction` header).
        case v1_1
        /// SOAP 1.2 (`application/soap+xml`).
        case v1_2

        /// The envelope namespace URI.
        public var namespace: String {
            switch self {
            case .v1_1: return "http://schemas.xmlsoap.org/soap/envelope/"
            case .v1_2: return "http://www.w3.org/2003/05/soap-envelope"
            }
        }

        /// The HTTP content type of a request.
        public var contentType: String {
            switch self {
            case .v1_1: return "text/xml; charset=utf-8"
            case .v1_2: return "application/soap+xml; charset=utf-8"
            }
        }
    }

    /// A SOAP Fault: code, message and the optional detail element.
    public struct Fault: Sendable, Equatable {
        /// `faultcode` (1.1) or `Code/Value` (1.2), e.g. `soap:Server`.
        public var code: String
        /// `faultstring` (1.1) or `Reason/Text` (1.2).
        public var reason: String
        /// The `detail` (1.1) or `Detail` (1.2) element, when present.
        public var detail: JSONValue?
    }

    /// Wraps body XML (one or more serialized elements) in an envelope; `header` is optional header XML.
    public static func wrap(body: String, version: Version = .v1_1, header: String? = nil) -> String {
        var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        text += "<soap:Envelope xmlns:soap=\"\(version.namespace)\">"
        if let header { text += "<soap:Header>\(header)</soap:Header>" }
        text += "<soap:Body>\(body)</soap:Body></soap:Envelope>\n"
        return text
    }

    /// Wraps a JSON value as the body element `name` (attributes from `@` keys), optionally in a namespace.
    public static func wrap(
        _ value: JSONValue, as name: String, namespace: (prefix: String, uri: String)? = nil,
        version: Version = .v1_1
    ) throws(FormatError) -> String {
        let options = XMLWriter.Options(rootElement: "Body", recordElement: name, indent: 0)
        var content = value
        let qualified = namespace.map { $0.prefix.isEmpty ? name : "\($0.prefix):\(name)" } ?? name
        if let namespace, case .object(var object) = value {
            let attribute = namespace.prefix.isEmpty ? "@xmlns" : "@xmlns:\(namespace.prefix)"
            var withNamespace = JSONObject()
            withNamespace[attribute] = .string(namespace.uri)
            for (key, member) in object { withNamespace[key] = member }
            object = withNamespace
            content = .object(object)
        }
        var text = ""
        try XMLWriter.element(qualified, content, level: 0, options: options, into: &text, record: 1)
        return wrap(body: text, version: version)
    }

    /// The first element inside the response's Body, as a JSON value (namespace prefixes dropped); a Fault
    /// is thrown as `soap.fault` with its code and reason in the message.
    public static func unwrap(
        _ source: any ByteSource, alwaysArrays: Set<String> = []
    ) throws(FormatError) -> JSONValue {
        var reader = try XMLReader(
            source: source, options: XMLReader.Options(recordPath: "/Envelope/Body/*", alwaysArrays: alwaysArrays))
        guard let body = try reader.next() else {
            throw FormatError(
                .invalidEnvelope, format: .soap, message: "the response has no element inside soap:Body",
                fix: "check that the endpoint returned a SOAP envelope")
        }
        if let fault = fault(in: body) {
            throw FormatError(
                .soapFault, format: .soap, message: "SOAP Fault \(fault.code): \(fault.reason)",
                fix: "see the fault's detail and the service's documentation")
        }
        return body
    }

    /// The Fault when `bodyElement` (as read by `unwrap` or `XMLReader`) is one, else nil.
    public static func fault(in bodyElement: JSONValue) -> Fault? {
        guard case .object(let object) = bodyElement else { return nil }
        if let code = object["faultcode"] {
            return Fault(
                code: text(code), reason: object["faultstring"].map(text) ?? "", detail: object["detail"])
        }
        if let code = object["Code"] {
            let value = code["Value"].map(text) ?? text(code)
            let reasonText = object["Reason"]?["Text"]
            let reason = reasonText.map { first($0) }.map(text) ?? ""
            return Fault(code: value, reason: reason, detail: object["Detail"])
        }
        return nil
    }

    private static func first(_ value: JSONValue) -> JSONValue {
        if case .array(let items) = value, let head = items.first { return head }
        return value
    }

    private static func text(_ value: JSONValue) -> String {
        switch value {
        case .string(let string): return string
        case .object(let object): return object["#text"]?.stringValue ?? ""
        default: return value.description
        }
    }
}
