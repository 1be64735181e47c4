/// The `format` values this validator can assert when format assertion is switched on; other formats stay
/// annotations, as the specification allows.
enum SchemaFormat: String, Sendable {
    case dateTime = "date-time"
    case date
    case time
    case duration
    case email
    case idnEmail = "idn-email"
    case hostname
    case ipv4
    case ipv6
    case uri
    case uriReference = "uri-reference"
    case iri
    case iriReference = "iri-reference"
    case uuid
    case jsonPointer = "json-pointer"
    case relativeJSONPointer = "relative-json-pointer"
    case regex
    case uriTemplate = "uri-template"

    /// True when `text` is a valid value of this format.
    func accepts(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        switch self {
        case .dateTime: return FormatGrammar.dateTime(bytes)
        case .date: return FormatGrammar.date(bytes[...])
        case .time: return FormatGrammar.time(bytes[...])
        case .duration: return FormatGrammar.duration(bytes)
        case .email: return FormatGrammar.email(text, international: false)
        case .idnEmail: return FormatGrammar.email(text, international: true)
        case .hostname: return FormatGrammar.hostname(text)
        case .ipv4: return FormatGrammar.ipv4(bytes[...])
        case .ipv6: return FormatGrammar.ipv6(text)
        case .uri: return FormatGrammar.uri(text, requireScheme: true, international: false)
        case .uriReference: return FormatGrammar.uri(text, requireScheme: false, international: false)
        case .iri: return FormatGrammar.uri(text, requireScheme: true, international: true)
        case .iriReference: return FormatGrammar.uri(text, requireScheme: false, international: true)
        case .uuid: return FormatGrammar.uuid(bytes)
        case .jsonPointer: return FormatGrammar.jsonPointer(bytes[...])
        case .relativeJSONPointer: return FormatGrammar.relativeJSONPointer(bytes)
        case .regex: return ECMARegex(text) != nil
        case .uriTemplate: return FormatGrammar.uriTemplate(text)
        }
    }
}
