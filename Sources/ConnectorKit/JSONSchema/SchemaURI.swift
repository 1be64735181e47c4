import Foundation

/// RFC 3986 reference resolution on URI strings.
///
/// Foundation's `URL(string:relativeTo:)` differs between platforms for `urn:` bases and empty references,
/// and schema identifiers are often URNs, so resolution is done here on the text itself.
enum SchemaURI {
    /// The five components of a URI reference; nil means "absent", which differs from empty.
    struct Parts {
        var scheme: String?
        var authority: String?
        var path: String
        var query: String?
        var fragment: String?

        var text: String {
            var out = ""
            if let scheme { out += scheme + ":" }
            if let authority { out += "//" + authority }
            out += path
            if let query { out += "?" + query }
            if let fragment { out += "#" + fragment }
            return out
        }
    }

    /// Splits a URI reference with the regular expression of RFC 3986 appendix B, done by hand.
    static func parts(_ text: String) -> Parts {
        var rest = Substring(text)
        var fragment: String?
        if let hash = rest.firstIndex(of: "#") {
            fragment = String(rest[rest.index(after: hash)...])
            rest = rest[..<hash]
        }
        var query: String?
        if let mark = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: mark)...])
            rest = rest[..<mark]
        }
        var scheme: String?
        if let colon = rest.firstIndex(of: ":"), let first = rest.first, first.isLetter,
            !rest[..<colon].contains("/")
        {
            scheme = String(rest[..<colon])
            rest = rest[rest.index(after: colon)...]
        }
        var authority: String?
        if rest.hasPrefix("//") {
            let afterSlashes = rest.index(rest.startIndex, offsetBy: 2)
            let end = rest[afterSlashes...].firstIndex(of: "/") ?? rest.endIndex
            authority = String(rest[afterSlashes..<end])
            rest = rest[end...]
        }
        return Parts(scheme: scheme, authority: authority, path: String(rest), query: query, fragment: fragment)
    }

    /// Resolves `reference` against the absolute `base` (RFC 3986 section 5.2.2).
    static func resolve(_ reference: String, against base: String) -> String {
        let ref = parts(reference)
        let base = parts(base)
        var target = Parts(scheme: nil, authority: nil, path: "", query: nil, fragment: ref.fragment)
        if ref.scheme != nil {
            target.scheme = ref.scheme
            target.authority = ref.authority
            target.path = removeDotSegments(ref.path)
            target.query = ref.query
        } else {
            target.scheme = base.scheme
            if ref.authority != nil {
                target.authority = ref.authority
                target.path = removeDotSegments(ref.path)
                target.query = ref.query
            } else {
                target.authority = base.authority
                if ref.path.isEmpty {
                    target.path = base.path
                    target.query = ref.query ?? base.query
                } else {
                    target.path = ref.path.hasPrefix("/") ? removeDotSegments(ref.path) : removeDotSegments(merge(base, ref.path))
                    target.query = ref.query
                }
            }
        }
        return target.text
    }

    private static func merge(_ base: Parts, _ path: String) -> String {
        if base.authority != nil && base.path.isEmpty { return "/" + path }
        guard let slash = base.path.lastIndex(of: "/") else { return path }
        return String(base.path[...slash]) + path
    }

    /// Removes `.` and `..` segments (RFC 3986 section 5.2.4).
    static func removeDotSegments(_ path: String) -> String {
        guard path.contains(".") else { return path }
        var output: [Substring] = []
        let absolute = path.hasPrefix("/")
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst(absolute ? 1 : 0)
        for (i, segment) in segments.enumerated() {
            let isLast = i == segments.count - 1
            switch segment {
            case ".":
                if isLast { output.append("") }
            case "..":
                if !output.isEmpty { output.removeLast() }
                if isLast { output.append("") }
            default:
                output.append(segment)
            }
        }
        return (absolute ? "/" : "") + output.joined(separator: "/")
    }

    /// The URI without its fragment, and the fragment percent-decoded ("" when absent or empty).
    static func splitFragment(_ uri: String) -> (resource: String, fragment: String) {
        guard let hash = uri.firstIndex(of: "#") else { return (uri, "") }
        let raw = String(uri[uri.index(after: hash)...])
        return (String(uri[..<hash]), raw.removingPercentEncoding ?? raw)
    }
}
