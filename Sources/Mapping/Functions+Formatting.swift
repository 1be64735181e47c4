import Foundation

/// `$formatNumber`: XPath F&O 3.1 `format-number` pictures (`#,##0.00`, `0.0e0`, percent, per-mille).
extension StandardLibrary {
    static let formattingFunctions: [NativeFunction] = [
        NativeFunction("formatNumber", "<n-so?:s>") { _, args, _ in
            guard let value = num(arg(args, 0)), let picture = str(arg(args, 1)) else { return nil }
            var properties: [String: String] = [:]
            if case .object(let o)? = arg(args, 2) {
                for i in o.keys.indices { if case .string(let s) = o.values[i] { properties[o.keys[i]] = s } }
            }
            return .string(try NumberPicture.format(value, picture: picture, properties: properties))
        }
    ]
}

enum NumberPicture {
    struct Parts {
        var prefix: [Character], suffix: [Character], active: [Character], mantissa: [Character]
        var exponent: [Character]?, integer: [Character], fractional: [Character], picture: [Character]
    }

    struct Variables {
        var integerGroupingPositions: [Int]
        var regularGrouping: Int
        var minimumIntegerPartSize: Int
        var scalingFactor: Int
        var prefix: String
        var fractionalGroupingPositions: [Int]
        var minimumFractionalPartSize: Int
        var maximumFractionalPartSize: Int
        var minimumExponentSize: Int
        var suffix: String
        var picture: [Character]
    }

    static func format(_ value: Double, picture: String, properties custom: [String: String]) throws -> String {
        var p: [String: Character] = [
            "decimal-separator": ".", "grouping-separator": ",", "exponent-separator": "e", "minus-sign": "-",
            "percent": "%", "per-mille": "\u{2030}", "zero-digit": "0", "digit": "#", "pattern-separator": ";",
        ]
        for (k, v) in custom { if let c = v.first { p[k] = c } }
        let zeroScalar = p["zero-digit"]!.unicodeScalars.first!.value
        let family: [Character] = (0..<10).map { Character(Unicode.Scalar(zeroScalar + UInt32($0))!) }
        let decimalSep = p["decimal-separator"]!
        let groupSep = p["grouping-separator"]!
        let expSep = p["exponent-separator"]!
        let digit = p["digit"]!
        let percent = p["percent"]!
        let permille = p["per-mille"]!
        let active = Set(family + [decimalSep, expSep, groupSep, digit, p["pattern-separator"]!])
        let subPictures = picture.split(separator: p["pattern-separator"]!, omittingEmptySubsequences: false).map {
            Array($0)
        }
        if subPictures.count > 2 { throw JSONataError(code: "D3080") }

        for sub in subPictures where !sub.contains(where: { active.contains($0) && $0 != expSep }) {
            throw JSONataError(code: "D3086")
        }
        func split(_ sub: [Character]) -> Parts {
            var prefixEnd = sub.count
            for (i, ch) in sub.enumerated() where active.contains(ch) && ch != expSep {
                prefixEnd = i
                break
            }
            var suffixStart = prefixEnd
            for i in stride(from: sub.count - 1, through: 0, by: -1) where active.contains(sub[i]) && sub[i] != expSep {
                suffixStart = i + 1
                break
            }
            let prefix = Array(sub[0..<prefixEnd])
            let suffix = Array(sub[max(suffixStart, prefixEnd)...])
            let activePart = Array(sub[prefixEnd..<max(suffixStart, prefixEnd)])
            var mantissa = activePart
            var exponent: [Character]? = nil
            if let e = sub[prefixEnd...].firstIndex(of: expSep), e <= sub.count - suffix.count {
                let rel = e - prefixEnd
                if rel <= activePart.count {
                    mantissa = Array(activePart[0..<rel])
                    exponent = rel + 1 <= activePart.count ? Array(activePart[(rel + 1)...]) : []
                }
            }
            var integer = mantissa
            var fractional = suffix
            if let d = mantissa.firstIndex(of: decimalSep) {
                integer = Array(mantissa[0..<d])
                fractional = Array(mantissa[(d + 1)...])
            }
            return Parts(
                prefix: prefix, suffix: suffix, active: activePart, mantissa: mantissa, exponent: exponent,
                integer: integer, fractional: fractional, picture: sub)
        }

        func validate(_ parts: Parts) throws {
            let sub = parts.picture
            var error: String? = nil
            if sub.filter({ $0 == decimalSep }).count > 1 { error = "D3081" }
            if sub.filter({ $0 == percent }).count > 1 { error = "D3082" }
            if sub.filter({ $0 == permille }).count > 1 { error = "D3083" }
            if sub.contains(percent) && sub.contains(permille) { error = "D3084" }
            if !parts.mantissa.contains(where: { family.contains($0) || $0 == digit }) { error = "D3085" }
            if parts.active.contains(where: { !active.contains($0) }) { error = "D3086" }
            if let d = sub.firstIndex(of: decimalSep) {
                if (d > 0 && sub[d - 1] == groupSep) || (d + 1 < sub.count && sub[d + 1] == groupSep) { error = "D3087" }
            } else if parts.integer.last == groupSep {
                error = "D3088"
            }
            for i in 0..<max(0, sub.count - 1) where sub[i] == groupSep && sub[i + 1] == groupSep { error = "D3089" }
            if let o = parts.integer.firstIndex(of: digit), parts.integer[0..<o].contains(where: { family.contains($0) }) {
                error = "D3090"
            }
            if let o = parts.fractional.lastIndex(of: digit), parts.fractional[o...].contains(where: { family.contains($0) }) {
                error = "D3091"
            }
            if let e = parts.exponent {
                if !e.isEmpty && (sub.contains(percent) || sub.contains(permille)) { error = "D3092" }
                if e.isEmpty || e.contains(where: { !family.contains($0) }) { error = "D3093" }
            }
            if let error { throw JSONataError(code: error) }
        }

        func analyse(_ parts: Parts) -> Variables {
            func groupingPositions(_ part: [Character], toLeft: Bool) -> [Int] {
                var positions: [Int] = []
                for (i, ch) in part.enumerated() where ch == groupSep {
                    let side = toLeft ? part[0..<i] : part[i...]
                    positions.append(side.filter { family.contains($0) || $0 == digit }.count)
                }
                return positions
            }
            let integerPositions = groupingPositions(parts.integer, toLeft: false)
            func regular(_ indexes: [Int]) -> Int {
                guard let first = indexes.first else { return 0 }
                func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
                let factor = indexes.reduce(first, gcd)
                guard factor > 0 else { return 0 }
                for index in 1...indexes.count where !indexes.contains(index * factor) { return 0 }
                return factor
            }
            var minInt = parts.integer.filter { family.contains($0) }.count
            let scaling = minInt
            var minFrac = parts.fractional.filter { family.contains($0) }.count
            var maxFrac = parts.fractional.filter { family.contains($0) || $0 == digit }.count
            let exponentPresent = parts.exponent != nil
            if minInt == 0 && maxFrac == 0 {
                if exponentPresent {
                    minFrac = 1
                    maxFrac = 1
                } else {
                    minInt = 1
                }
            }
            if exponentPresent && minInt == 0 && parts.integer.contains(digit) { minInt = 1 }
            if minInt == 0 && minFrac == 0 { minFrac = 1 }
            let minExp = parts.exponent.map { $0.filter { family.contains($0) }.count } ?? 0
            return Variables(
                integerGroupingPositions: integerPositions, regularGrouping: regular(integerPositions),
                minimumIntegerPartSize: minInt, scalingFactor: scaling, prefix: String(parts.prefix),
                fractionalGroupingPositions: groupingPositions(parts.fractional, toLeft: true),
                minimumFractionalPartSize: minFrac, maximumFractionalPartSize: maxFrac, minimumExponentSize: minExp,
                suffix: String(parts.suffix), picture: parts.picture)
        }

        let parts = subPictures.map(split)
        for part in parts { try validate(part) }
        var variables = parts.map(analyse)
        if variables.count == 1 {
            var negative = variables[0]
            negative.prefix = String(p["minus-sign"]!) + negative.prefix
            variables.append(negative)
        }
        let pic = value >= 0 ? variables[0] : variables[1]
        var adjusted = value
        if pic.picture.contains(percent) {
            adjusted = value * 100
        } else if pic.picture.contains(permille) {
            adjusted = value * 1000
        }
        var mantissa = abs(adjusted)
        var exponent: Int? = nil
        if pic.minimumExponentSize != 0 && mantissa.isFinite {
            let maxMantissa = pow(10, Double(pic.scalingFactor))
            let minMantissa = pow(10, Double(pic.scalingFactor - 1))
            var e = 0
            while mantissa < minMantissa && mantissa != 0 {
                mantissa *= 10
                e -= 1
            }
            while mantissa > maxMantissa {
                mantissa /= 10
                e += 1
            }
            exponent = e
        }
        let rounded = StandardLibrary.roundHalfEven(mantissa, pic.maximumFractionalPartSize)
        func makeString(_ v: Double, _ dp: Int) -> [Character] {
            let text = String(format: "%.\(dp)f", abs(v))
            return text.map { ch in
                if let d = ch.wholeNumberValue, ch.isASCII { return family[d] }
                return ch
            }
        }
        let zero = family[0]
        var s = makeString(rounded, pic.maximumFractionalPartSize)
        if let dot = s.firstIndex(of: ".") {
            s[dot] = decimalSep
        } else {
            s.append(decimalSep)
        }
        while s.first == zero { s.removeFirst() }
        while s.last == zero { s.removeLast() }
        var decimalPos = s.firstIndex(of: decimalSep)!
        let padLeft = pic.minimumIntegerPartSize - decimalPos
        let padRight = pic.minimumFractionalPartSize - (s.count - decimalPos - 1)
        if padLeft > 0 { s = Array(repeating: zero, count: padLeft) + s }
        if padRight > 0 { s += Array(repeating: zero, count: padRight) }
        decimalPos = s.firstIndex(of: decimalSep)!
        if pic.regularGrouping > 0 {
            let groupCount = (decimalPos - 1) / pic.regularGrouping
            if groupCount >= 1 {
                for group in 1...groupCount { s.insert(groupSep, at: decimalPos - group * pic.regularGrouping) }
            }
        } else {
            for pos in pic.integerGroupingPositions {
                s.insert(groupSep, at: decimalPos - pos)
                decimalPos += 1
            }
        }
        decimalPos = s.firstIndex(of: decimalSep)!
        for pos in pic.fractionalGroupingPositions { s.insert(groupSep, at: pos + decimalPos + 1) }
        decimalPos = s.firstIndex(of: decimalSep)!
        if decimalPos == s.count - 1 { s.removeLast() }
        if let exponent {
            var e = makeString(Double(exponent), 0)
            let pad = pic.minimumExponentSize - e.count
            if pad > 0 { e = Array(repeating: zero, count: pad) + e }
            s += [expSep] + (exponent < 0 ? [p["minus-sign"]!] : []) + e
        }
        return pic.prefix + String(s) + pic.suffix
    }
}
