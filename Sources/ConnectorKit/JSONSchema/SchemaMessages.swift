import Values

/// Wording shared by violation messages: values shortened to one line, secrets never shown.
enum SchemaMessages {
    /// A value as compact JSON, cut to 60 characters; a secret is named, never shown.
    static func show(_ value: JSONValue, secret: Bool) -> String {
        if secret { return "the secret value" }
        let text = JSONSerializer.serialize(value)
        return text.count <= 60 ? text : String(text.prefix(57)) + "…"
    }

    /// A string in JSON quotes, so that odd characters in names stay visible.
    static func quoted(_ text: String) -> String { JSONSerializer.serialize(.string(text)) }

    /// A number the way JSON writes it: `65535`, not `65535.0`.
    static func number(_ value: Double) -> String { JSONNumberFormatter.format(value) }

    /// `1 item`, `3 items`; `property` becomes `properties`.
    static func counted(_ count: Int, _ noun: String) -> String {
        if count == 1 { return "1 \(noun)" }
        return noun.hasSuffix("y") ? "\(count) \(noun.dropLast())ies" : "\(count) \(noun)s"
    }

    /// `a`, `a or b`, `a, b or c`.
    static func list(_ items: [String], _ conjunction: String) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " \(conjunction) " + items.last!
    }

    /// Decimal divisors such as 0.01 have no exact binary form, so the quotient is compared with a tolerance.
    /// When the quotient overflows (1e308 / 0.5) the exact remainder decides instead.
    static func isMultiple(_ value: Double, of divisor: Double) -> Bool {
        let quotient = value / divisor
        guard quotient.isFinite else { return value.truncatingRemainder(dividingBy: divisor) == 0 }
        return abs(quotient - quotient.rounded()) < 1e-9
    }
}
