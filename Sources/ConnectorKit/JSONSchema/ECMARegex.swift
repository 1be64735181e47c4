import Foundation

/// A `pattern` compiled for matching: JSON Schema patterns are ECMA-262 regular expressions, NSRegularExpression
/// speaks ICU, so the few constructs whose meaning differs are rewritten before compiling.
struct ECMARegex: @unchecked Sendable {
    // @unchecked: NSRegularExpression is immutable after creation and documented as safe to share between threads.
    let source: String
    private let regex: NSRegularExpression

    /// Compiles an ECMA-262 pattern; nil when ICU rejects the translation.
    init?(_ source: String) {
        self.source = source
        guard let translated = Self.translate(source), let regex = try? NSRegularExpression(pattern: translated) else {
            return nil
        }
        self.regex = regex
    }

    /// True when the pattern matches anywhere in `text` (patterns are not implicitly anchored).
    func matches(_ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(location: 0, length: text.utf16.count)) != nil
    }

    // ECMA-262 `\s`: white space plus line terminators, which includes U+000B and U+FEFF that ICU leaves out.
    private static let spaceClass = "\\t\\n\\u000B\\f\\r \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF"

    /// Letters that start an escape in ECMA-262 with the `u` flag; any other escaped letter is a syntax error there
    /// (ICU would accept some, such as `\a` or `\Z`, with other meanings).
    private static let escapeLetters = Set("dDwWsSbBnrtfvcxupPk")

    /// Rewrites the ECMA-262 constructs that ICU reads differently, or nil for syntax ECMA-262 rejects:
    /// `\d`, `\w` and `\s` are ASCII / ECMA sets (ICU's are Unicode-wide), `$` matches only at the very end
    /// (ICU's also before a final newline), `\v` is one character, `[]` and `[^]` match nothing and anything,
    /// and inline flags or comments `(?i)`, `(?#…)` do not exist.
    static func translate(_ source: String) -> String? {
        var out = ""
        var inClass = false
        let characters = Array(source)
        var i = 0
        while i < characters.count {
            let ch = characters[i]
            i += 1
            if ch == "\\" {
                guard i < characters.count else { return nil }
                let next = characters[i]
                i += 1
                if next.isLetter && next.isASCII && !escapeLetters.contains(next) { return nil }
                switch (next, inClass) {
                case ("d", false): out += "[0-9]"
                case ("D", false): out += "[^0-9]"
                case ("w", false): out += "[A-Za-z0-9_]"
                case ("W", false): out += "[^A-Za-z0-9_]"
                case ("s", false): out += "[\(spaceClass)]"
                case ("S", false): out += "[^\(spaceClass)]"
                case ("d", true): out += "0-9"
                case ("w", true): out += "A-Za-z0-9_"
                case ("s", true): out += spaceClass
                case ("v", _): out += "\\u000B"
                case ("0", _) where i >= characters.count || !characters[i].isNumber: out += "\\x{0}"
                case ("u", _) where i < characters.count && characters[i] == "{":
                    out += "\\x"
                default:
                    out.append("\\")
                    out.append(next)
                }
                continue
            }
            if inClass {
                if ch == "]" { inClass = false }
                out.append(ch)
            } else if ch == "[" {
                if i < characters.count && characters[i] == "]" {
                    out += "(?!)"
                    i += 1
                } else if i + 1 < characters.count && characters[i] == "^" && characters[i + 1] == "]" {
                    out += "[\\s\\S]"
                    i += 2
                } else {
                    inClass = true
                    out.append(ch)
                }
            } else if ch == "(" && i < characters.count && characters[i] == "?" {
                // Only groups ECMA-262 knows: (?:…), (?=…), (?!…), (?<=…), (?<!…) and (?<name>…).
                guard i + 1 < characters.count, ":=!<".contains(characters[i + 1]) else { return nil }
                out.append(ch)
            } else if ch == "$" {
                out += "(?!(?s:.))"
            } else {
                out.append(ch)
            }
        }
        return out
    }
}
