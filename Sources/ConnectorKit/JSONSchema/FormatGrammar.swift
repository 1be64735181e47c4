import Foundation

/// Hand-written recognisers for the grammars behind the formats (RFC 3339, 3986, 4291, 5321, 1123, 6570, 6901);
/// they work on ASCII bytes so that non-ASCII digits never pass for digits.
enum FormatGrammar {
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    static func isHex(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
    }

    static func isAlpha(_ byte: UInt8) -> Bool { (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) }

    /// The value of exactly `count` ASCII digits at `start`, or nil.
    static func number(_ bytes: ArraySlice<UInt8>, _ start: Int, _ count: Int) -> Int? {
        guard start >= bytes.startIndex, start + count <= bytes.endIndex else { return nil }
        var value = 0
        for i in start..<(start + count) {
            guard isDigit(bytes[i]) else { return nil }
            value = value * 10 + Int(bytes[i] - 0x30)
        }
        return value
    }

    /// RFC 3339 `full-date`, with the days of each month and leap years.
    static func date(_ bytes: ArraySlice<UInt8>) -> Bool {
        let s = bytes.startIndex
        guard bytes.count == 10, bytes[s + 4] == UInt8(ascii: "-"), bytes[s + 7] == UInt8(ascii: "-"),
            let year = number(bytes, s, 4), let month = number(bytes, s + 5, 2), let day = number(bytes, s + 8, 2),
            (1...12).contains(month), day >= 1
        else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= days[month - 1]
    }

    /// RFC 3339 `full-time`: an offset is required, and a leap second only at 23:59:60 UTC.
    static func time(_ bytes: ArraySlice<UInt8>) -> Bool {
        let s = bytes.startIndex
        guard bytes.count >= 9, bytes[s + 2] == UInt8(ascii: ":"), bytes[s + 5] == UInt8(ascii: ":"),
            let hour = number(bytes, s, 2), let minute = number(bytes, s + 3, 2), let second = number(bytes, s + 6, 2),
            hour <= 23, minute <= 59, second <= 60
        else { return false }
        var i = s + 8
        if bytes[i] == UInt8(ascii: ".") {
            i += 1
            let fractionStart = i
            while i < bytes.endIndex && isDigit(bytes[i]) { i += 1 }
            guard i > fractionStart else { return false }
        }
        guard i < bytes.endIndex else { return false }
        var offsetMinutes = 0
        if bytes[i] == UInt8(ascii: "Z") || bytes[i] == UInt8(ascii: "z") {
            guard i + 1 == bytes.endIndex else { return false }
        } else {
            guard bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-"), bytes.endIndex - i == 6,
                bytes[i + 3] == UInt8(ascii: ":"), let offsetHour = number(bytes, i + 1, 2),
                let offsetMinute = number(bytes, i + 4, 2), offsetHour <= 23, offsetMinute <= 59
            else { return false }
            offsetMinutes = (offsetHour * 60 + offsetMinute) * (bytes[i] == UInt8(ascii: "+") ? 1 : -1)
        }
        if second == 60 {
            let utc = ((hour * 60 + minute - offsetMinutes) % 1440 + 1440) % 1440
            return utc == 23 * 60 + 59
        }
        return true
    }

    static func dateTime(_ bytes: [UInt8]) -> Bool {
        guard bytes.count > 11, bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t") else { return false }
        return date(bytes[0..<10]) && time(bytes[11...])
    }

    /// ISO 8601 durations as RFC 3339 appendix A restricts them: `P1Y2M3DT4H5M6S` or `P2W`.
    static func duration(_ bytes: [UInt8]) -> Bool {
        guard bytes.first == UInt8(ascii: "P"), bytes.count > 1 else { return false }
        var i = 1
        // Units come in order and without gaps: `P1Y1D` (years and days without months) is not allowed.
        func units(_ allowed: [UInt8]) -> Bool? {
            var next: Int?
            while i < bytes.count, isDigit(bytes[i]) {
                while i < bytes.count, isDigit(bytes[i]) { i += 1 }
                guard i < bytes.count, let position = allowed.firstIndex(of: bytes[i]), next == nil || next == position
                else { return nil }
                next = position + 1
                i += 1
            }
            return next != nil
        }
        if bytes.last == UInt8(ascii: "W") {
            return bytes.count > 2 && bytes[1..<(bytes.count - 1)].allSatisfy(isDigit)
        }
        guard let dateUnits = units(Array("YMD".utf8)) else { return false }
        if i == bytes.count { return dateUnits }
        guard bytes[i] == UInt8(ascii: "T") else { return false }
        i += 1
        guard let timeUnits = units(Array("HMS".utf8)), timeUnits else { return false }
        return i == bytes.count
    }

    static func ipv4(_ bytes: ArraySlice<UInt8>) -> Bool {
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        for part in parts {
            // Leading zeros are rejected: some parsers read them as octal.
            guard (1...3).contains(part.count), part.allSatisfy(isDigit), part.count == 1 || part.first != 0x30,
                let value = number(part, part.startIndex, part.count), value <= 255
            else { return false }
        }
        return true
    }

    static func ipv6(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        var groupsNeeded = 8
        if let lastColon = bytes.lastIndex(of: UInt8(ascii: ":")), bytes[(lastColon + 1)...].contains(UInt8(ascii: ".")) {
            guard ipv4(bytes[(lastColon + 1)...]) else { return false }
            groupsNeeded = 6
            // Keep the colon so that `::1.2.3.4` still ends in `::`.
            bytes = bytes[...lastColon]
            if !(bytes.count >= 2 && bytes[bytes.endIndex - 2] == UInt8(ascii: ":")) { bytes = bytes.dropLast() }
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return false }
        func groups(_ part: String) -> Int? {
            if part.isEmpty { return 0 }
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for piece in pieces {
                guard (1...4).contains(piece.utf8.count), piece.utf8.allSatisfy(isHex) else { return nil }
            }
            return pieces.count
        }
        guard let first = groups(halves[0]) else { return false }
        if halves.count == 1 { return first == groupsNeeded }
        guard let second = groups(halves[1]) else { return false }
        return first + second < groupsNeeded
    }

    /// RFC 1123 host names in ASCII; an `xn--` label is accepted without decoding its Punycode.
    static func hostname(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 253 else { return false }
        for label in bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
            guard (1...63).contains(label.count), label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-"),
                label.allSatisfy({ isAlpha($0) || isDigit($0) || $0 == UInt8(ascii: "-") })
            else { return false }
            // RFC 5891 4.2.3.1: "--" in positions 3 and 4 is reserved for A-labels (`xn--`).
            if label.count >= 4, label[label.startIndex + 2] == UInt8(ascii: "-"),
                label[label.startIndex + 3] == UInt8(ascii: "-"),
                String(decoding: label.prefix(2), as: UTF8.self).lowercased() != "xn"
            {
                return false
            }
        }
        return true
    }

    /// RFC 5321 mailboxes: a dot-atom or quoted local part, and a host name or an address literal.
    static func email(_ text: String, international: Bool) -> Bool {
        guard let at = text.lastIndex(of: "@") else { return false }
        let local = text[..<at]
        let domain = String(text[text.index(after: at)...])
        guard !local.isEmpty, !domain.isEmpty else { return false }
        if local.hasPrefix("\"") {
            guard local.count >= 2, local.hasSuffix("\""), !local.dropFirst().dropLast().contains("\"") else { return false }
        } else {
            let atomCharacters = Set("!#$%&'*+-/=?^_`{|}~".utf8)
            for atom in local.split(separator: ".", omittingEmptySubsequences: false) {
                guard !atom.isEmpty,
                    atom.utf8.allSatisfy({
                        isAlpha($0) || isDigit($0) || atomCharacters.contains($0) || (international && $0 >= 0x80)
                    })
                else { return false }
            }
        }
        if domain.hasPrefix("[") && domain.hasSuffix("]") {
            let literal = String(domain.dropFirst().dropLast())
            if literal.hasPrefix("IPv6:") { return ipv6(String(literal.dropFirst(5))) }
            return ipv4(Array(literal.utf8)[...])
        }
        if international {
            return !domain.contains(" ") && !domain.contains("@") && !domain.hasPrefix(".") && !domain.hasSuffix(".")
        }
        return hostname(domain)
    }

    static func uuid(_ bytes: [UInt8]) -> Bool {
        guard bytes.count == 36 else { return false }
        for (i, byte) in bytes.enumerated() {
            if [8, 13, 18, 23].contains(i) {
                guard byte == UInt8(ascii: "-") else { return false }
            } else if !isHex(byte) {
                return false
            }
        }
        return true
    }

    static func jsonPointer(_ bytes: ArraySlice<UInt8>) -> Bool {
        if bytes.isEmpty { return true }
        guard bytes.first == UInt8(ascii: "/") else { return false }
        var i = bytes.startIndex
        while i < bytes.endIndex {
            if bytes[i] == UInt8(ascii: "~") {
                guard i + 1 < bytes.endIndex, bytes[i + 1] == UInt8(ascii: "0") || bytes[i + 1] == UInt8(ascii: "1") else {
                    return false
                }
            }
            i += 1
        }
        return true
    }

    static func relativeJSONPointer(_ bytes: [UInt8]) -> Bool {
        var i = 0
        while i < bytes.count && isDigit(bytes[i]) { i += 1 }
        guard i > 0, i == 1 || bytes[0] != UInt8(ascii: "0") else { return false }
        if i < bytes.count && bytes[i] == UInt8(ascii: "#") { return i + 1 == bytes.count }
        return jsonPointer(bytes[i...])
    }

    /// RFC 3986 `IPvFuture`: `v` hex digits `.` and then unreserved, sub-delims or `:`.
    static func ipFuture(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 4, bytes[0] == UInt8(ascii: "v") || bytes[0] == UInt8(ascii: "V"),
            let dot = bytes.firstIndex(of: UInt8(ascii: ".")), dot > 1, bytes[1..<dot].allSatisfy(isHex), dot + 1 < bytes.count
        else { return false }
        let allowed = Set("-._~!$&'()*+,;=:".utf8)
        return bytes[(dot + 1)...].allSatisfy { isAlpha($0) || isDigit($0) || allowed.contains($0) }
    }

    /// RFC 6570 level 4 templates: literals without the excluded characters (an apostrophe is accepted, as the
    /// JSON-Schema-Test-Suite expects), and expressions of an optional
    /// operator and comma-separated varspecs (`name`, `name.sub`, `name:30`, `name*`).
    static func uriTemplate(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        let excludedLiterals = Set(" \"<>\\^`|}".utf8)
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "{") {
                guard let close = bytes[i...].firstIndex(of: UInt8(ascii: "}")), expression(bytes[(i + 1)..<close]) else {
                    return false
                }
                i = close + 1
                continue
            }
            if byte == UInt8(ascii: "%") {
                guard i + 2 < bytes.count, isHex(bytes[i + 1]), isHex(bytes[i + 2]) else { return false }
                i += 3
                continue
            }
            guard byte > 0x20, byte != 0x7F, !excludedLiterals.contains(byte) else { return false }
            i += 1
        }
        return true
    }

    private static func expression(_ body: ArraySlice<UInt8>) -> Bool {
        var body = body
        if let first = body.first, "+#./;?&=,!@|".utf8.contains(first) { body = body.dropFirst() }
        for varspec in body.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
            var name = varspec
            if name.last == UInt8(ascii: "*") {
                name = name.dropLast()
            } else if let colon = name.firstIndex(of: UInt8(ascii: ":")) {
                let length = name[(colon + 1)...]
                guard (1...4).contains(length.count), length.allSatisfy(isDigit), length.first != UInt8(ascii: "0") else {
                    return false
                }
                name = name[..<colon]
            }
            let parts = name.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
            guard !name.isEmpty,
                parts.allSatisfy({
                    !$0.isEmpty
                        && $0.allSatisfy { isAlpha($0) || isDigit($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "%") }
                })
            else { return false }
        }
        return true
    }

    /// RFC 3986 URIs and references (RFC 3987 IRIs when `international`): allowed characters, valid
    /// percent-encodings, a well-formed scheme, and an authority with a numeric port and a bracketed IPv6 host.
    static func uri(_ text: String, requireScheme: Bool, international: Bool) -> Bool {
        let bytes = Array(text.utf8)
        let allowed = Set("-._~:/?#[]@!$&'()*+,;=%".utf8)
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "%") {
                guard i + 2 < bytes.count, isHex(bytes[i + 1]), isHex(bytes[i + 2]) else { return false }
                i += 3
                continue
            }
            guard isAlpha(byte) || isDigit(byte) || allowed.contains(byte) || (international && byte >= 0x80) else {
                return false
            }
            i += 1
        }
        var parts = SchemaURI.parts(text)
        if let scheme = parts.scheme {
            guard let first = scheme.utf8.first, isAlpha(first),
                scheme.utf8.allSatisfy({ isAlpha($0) || isDigit($0) || "+-.".utf8.contains($0) })
            else { return false }
        } else {
            if requireScheme { return false }
            // A relative path's first segment may not hold a colon: it would read as a scheme.
            if parts.authority == nil, let firstSegment = parts.path.split(separator: "/").first,
                !parts.path.hasPrefix("/"), firstSegment.contains(":")
            {
                return false
            }
        }
        if let authority = parts.authority {
            var host = Substring(authority)
            if let at = host.lastIndex(of: "@") {
                guard !host[..<at].contains("@"), !host[..<at].contains("["), !host[..<at].contains("]") else { return false }
                host = host[host.index(after: at)...]
            }
            if host.hasPrefix("[") {
                guard let close = host.firstIndex(of: "]") else { return false }
                let literal = String(host[host.index(after: host.startIndex)..<close])
                guard ipv6(literal) || ipFuture(literal) else { return false }
                host = host[host.index(after: close)...]
                guard host.isEmpty || host.hasPrefix(":") else { return false }
            } else if host.contains("[") || host.contains("]") {
                return false
            }
            if let colon = host.firstIndex(of: ":") {
                // Only a port may follow a colon; an unbracketed IPv6 address is not a host.
                guard host[host.index(after: colon)...].utf8.allSatisfy(isDigit) else { return false }
            }
        }
        parts.fragment = nil
        return !(parts.path + (parts.query ?? "")).contains("[") && !(parts.path + (parts.query ?? "")).contains("]")
    }
}
