import Foundation

/// JSON pointer (RFC 6901) helpers shared by the compiler and the evaluator.
enum JSONPointer {
    /// Joins reference tokens into a pointer, escaping `~` and `/` inside tokens.
    static func string(_ tokens: [String]) -> String {
        var out = ""
        for token in tokens {
            out += "/"
            out += escape(token)
        }
        return out
    }

    /// Escapes one token: `~` becomes `~0` and `/` becomes `~1`.
    static func escape(_ token: String) -> String {
        guard token.contains("~") || token.contains("/") else { return token }
        return token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    /// Splits a pointer (already percent-decoded) into tokens; nil when it does not start with `/` and is not empty.
    static func tokens(_ pointer: String) -> [String]? {
        if pointer.isEmpty { return [] }
        guard pointer.hasPrefix("/") else { return nil }
        // `~1` is decoded before `~0` so that `~01` stays the literal `~1`, as RFC 6901 requires.
        return pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }
}
