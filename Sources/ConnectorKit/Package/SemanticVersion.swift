/// A Semantic Versioning 2.0.0 version: `MAJOR.MINOR.PATCH[-prerelease][+build]`.
public struct SemanticVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Incompatible changes.
    public let major: Int
    /// Compatible additions.
    public let minor: Int
    /// Compatible fixes.
    public let patch: Int
    /// Dot-separated pre-release identifiers (`rc.1` → `["rc", "1"]`).
    public let prerelease: [String]
    /// Build metadata; ignored for precedence.
    public let build: [String]

    /// Parses a version; the error says what part is wrong.
    public init(_ text: String) throws(ManifestProblem) {
        func fail(_ reason: String) -> ManifestProblem {
            ManifestProblem(
                pointer: "/version", message: "'\(text)' is not a SemVer 2.0 version: \(reason) (e.g. 1.4.0 or 2.0.0-rc.1)")
        }
        var rest = Substring(text)
        var build: [String] = []
        if let plus = rest.firstIndex(of: "+") {
            build = rest[rest.index(after: plus)...].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            rest = rest[..<plus]
            guard !build.isEmpty, build.allSatisfy({ !$0.isEmpty && $0.allSatisfy(Self.isIdentifierCharacter) }) else {
                throw fail("build metadata must be dot-separated letters, digits and hyphens")
            }
        }
        var prerelease: [String] = []
        if let dash = rest.firstIndex(of: "-") {
            prerelease = rest[rest.index(after: dash)...].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            rest = rest[..<dash]
            for identifier in prerelease {
                guard !identifier.isEmpty, identifier.allSatisfy(Self.isIdentifierCharacter) else {
                    throw fail("pre-release identifiers must be letters, digits and hyphens")
                }
                if identifier.allSatisfy(\.isASCIIDigit), identifier.count > 1, identifier.first == "0" {
                    throw fail("numeric pre-release identifiers must not have leading zeros")
                }
            }
        }
        let core = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard core.count == 3 else { throw fail("expected MAJOR.MINOR.PATCH") }
        var numbers: [Int] = []
        for part in core {
            guard !part.isEmpty, part.allSatisfy(\.isASCIIDigit), let value = Int(part) else {
                throw fail("'\(part)' is not a number")
            }
            guard part == "0" || part.first != "0" else { throw fail("'\(part)' has a leading zero") }
            numbers.append(value)
        }
        major = numbers[0]
        minor = numbers[1]
        patch = numbers[2]
        self.prerelease = prerelease
        self.build = build
    }

    private static func isIdentifierCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "-")
    }

    public var description: String {
        var text = "\(major).\(minor).\(patch)"
        if !prerelease.isEmpty { text += "-" + prerelease.joined(separator: ".") }
        if !build.isEmpty { text += "+" + build.joined(separator: ".") }
        return text
    }

    /// SemVer precedence: build metadata is ignored; a pre-release sorts before its release.
    public static func < (lhs: SemanticVersion, rhs: SemanticVersion) -> Bool {
        if (lhs.major, lhs.minor, lhs.patch) != (rhs.major, rhs.minor, rhs.patch) {
            return (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
        }
        if lhs.prerelease.isEmpty || rhs.prerelease.isEmpty { return !lhs.prerelease.isEmpty && rhs.prerelease.isEmpty }
        for (left, right) in zip(lhs.prerelease, rhs.prerelease) where left != right {
            switch (Int(left), Int(right)) {
            case (let l?, let r?): return l < r
            case (.some, nil): return true
            case (nil, .some): return false
            default: return left < right
            }
        }
        return lhs.prerelease.count < rhs.prerelease.count
    }

    public static func == (lhs: SemanticVersion, rhs: SemanticVersion) -> Bool {
        (lhs.major, lhs.minor, lhs.patch) == (rhs.major, rhs.minor, rhs.patch) && lhs.prerelease == rhs.prerelease
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(major)
        hasher.combine(minor)
        hasher.combine(patch)
        hasher.combine(prerelease)
    }

    /// Whether this version satisfies `^base` (same major, or same minor for 0.x, and not lower).
    public func isCompatible(withCaret base: SemanticVersion) -> Bool {
        guard self >= base, prerelease.isEmpty || (major, minor, patch) == (base.major, base.minor, base.patch) else {
            return false
        }
        if base.major > 0 { return major == base.major }
        if base.minor > 0 { return major == 0 && minor == base.minor }
        return major == 0 && minor == 0 && patch == base.patch
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
