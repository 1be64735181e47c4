import Foundation
import Testing

@testable import ControlPlane

/// The rules that need no database: identifiers, roles, tokens, passwords, lifetimes.
@Suite("Control plane rules")
struct ControlPlaneUnitTests {
    static let slugMessageTail =
        "': use 3-40 lowercase letters, digits and hyphens, starting and ending with a letter or digit (e.g. acme-shop)"

    @Test(
        "valid tenant slugs",
        arguments: [
            "abc", "acme", "acme-shop", "a1b", "123", "a-b", "a--b", "shop-2024", String(repeating: "a", count: 40),
            "z" + String(repeating: "-", count: 38) + "9",
        ])
    func validSlug(_ text: String) throws {
        #expect(try TenantSlug(text).rawValue == text)
    }

    @Test(
        "invalid tenant slugs",
        arguments: [
            "", "a", "ab", String(repeating: "a", count: 41), "Acme", "ACME", "acme_shop", "acme shop", "acme.shop",
            "-acme", "acme-", "-", "---", "a-", "acmé", "aé", "ａｂｃ", "acme\n", " acme", "acme/shop",
        ])
    func invalidSlug(_ text: String) {
        let error = #expect(throws: ControlPlaneError.self) { try TenantSlug(text) }
        #expect(error?.code == .invalidInput)
        #expect(error?.message == "invalid tenant slug '" + text + Self.slugMessageTail)
    }

    @Test(
        "valid email addresses",
        arguments: [
            ("anna@acme.example", "anna@acme.example"),
            ("a@b.co", "a@b.co"),
            ("first.last+tag@sub.acme.example", "first.last+tag@sub.acme.example"),
            ("Anna@Acme.Example", "Anna@Acme.Example"),
            ("  anna@acme.example ", "anna@acme.example"),
            (String(repeating: "x", count: 248) + "@b.com", String(repeating: "x", count: 248) + "@b.com"),
        ])
    func validEmail(_ text: String, _ stored: String) throws {
        #expect(try EmailAddress(text).rawValue == stored)
    }

    @Test(
        "invalid email addresses",
        arguments: [
            "", "anna", "anna@", "@acme.example", "anna@acme", "anna@.example", "anna@acme.", "anna@@acme.example",
            "an@na@acme.example", "an na@acme.example", "anna@acme.example\n", "anna@ac\tme.example",
            String(repeating: "x", count: 249) + "@b.com",
        ])
    func invalidEmail(_ text: String) {
        let error = #expect(throws: ControlPlaneError.self) { try EmailAddress(text) }
        #expect(error?.code == .invalidInput)
        #expect(error?.message == "invalid email address '\(text)' (expected name@example.com)")
    }

    @Test(
        "roles parse by their exact names",
        arguments: [
            ("owner", UserRole.owner), ("developer", .developer), ("viewer", .viewer), ("auditor", .auditor),
        ])
    func validRole(_ text: String, _ role: UserRole) throws {
        #expect(try UserRole(parsing: text) == role)
    }

    @Test("other role names are refused with the list", arguments: ["", "admin", "Owner", " owner", "owner ", "root"])
    func invalidRole(_ text: String) {
        let error = #expect(throws: ControlPlaneError.self) { try UserRole(parsing: text) }
        #expect(error?.code == .invalidInput)
        #expect(error?.message == "invalid role '\(text)' (use one of: owner, developer, viewer, auditor)")
    }

    // MARK: API tokens

    static let base62 = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    static let malformed = "token is malformed (expected 'sy_' followed by 28 letters and digits)"
    static let badChecksum = "token checksum does not match (mistyped, or not a Switchyard token)"

    @Test func generatedTokensHaveTheDocumentedShapeAndParse() throws {
        var seen: Set<String> = []
        for _ in 0..<200 {
            let token = APIToken.generate()
            #expect(token.secret.hasPrefix("sy_"))
            #expect(token.secret.count == 3 + 22 + 6)
            #expect(token.secret.dropFirst(3).allSatisfy { Self.base62.contains($0) })
            #expect(try APIToken(parsing: token.secret).secret == token.secret)
            #expect(token.sha256.count == 32)
            seen.insert(token.secret)
        }
        #expect(seen.count == 200)
    }

    @Test func surroundingWhitespaceIsIgnored() throws {
        let token = APIToken.generate()
        #expect(try APIToken(parsing: "  \(token.secret)\n").secret == token.secret)
    }

    /// CRC-32 detects every single-character change; the checksum characters themselves are compared exactly.
    @Test func everySingleCharacterChangeIsDetected() throws {
        for _ in 0..<5 {
            let secret = Array(APIToken.generate().secret)
            for position in 3..<secret.count {
                for replacement in Self.base62 where replacement != secret[position] {
                    var changed = secret
                    changed[position] = replacement
                    let error = #expect(throws: ControlPlaneError.self) { try APIToken(parsing: String(changed)) }
                    #expect(error?.message == Self.badChecksum, "position \(position) → \(replacement)")
                    #expect(error?.code == .unauthorized)
                }
            }
        }
    }

    @Test func malformedTokensAreRefusedBeforeTheChecksum() {
        let secret = APIToken.generate().secret
        let body = String(secret.dropFirst(3))
        let head = String(secret.prefix(10))
        let tail = String(secret.dropFirst(11))
        let cases: [String] = [
            "", "sy_", "hello", "SY_" + body, "sx_" + body, "sy-" + body, String(secret.dropLast()), secret + "0",
            head + "-" + tail, head + "é" + tail, "sy_" + String(repeating: "0", count: 27) + " ",
        ]
        for text in cases {
            let error = #expect(throws: ControlPlaneError.self) { try APIToken(parsing: text) }
            #expect(error?.message == Self.malformed, "\(text)")
        }
    }

    @Test(
        "CRC-32 check values",
        arguments: [
            ("123456789", UInt32(0xCBF4_3926)), ("", 0), ("The quick brown fox jumps over the lazy dog", 0x414F_A339),
            ("a", 0xE8B7_BE43),
        ])
    func crc32(_ text: String, _ expected: UInt32) {
        #expect(CRC32.checksum(Array(text.utf8)) == expected)
    }

    @Test func base62EncodingIsFixedWidthAndBigEnoughForACRC() {
        #expect(Base62.encode(0, width: 6) == "000000")
        #expect(Base62.encode(61, width: 6) == "00000z")
        #expect(Base62.encode(62, width: 6) == "000010")
        // 62^6 > 2^32: every CRC-32 fits in six characters.
        #expect(Base62.encode(UInt64(UInt32.max), width: 6).count == 6)
    }

    // MARK: Passwords

    @Test(
        "password policy",
        arguments: [
            ("short", "password is too short (5 characters; use at least 12)"),
            ("elevenchars", "password is too short (11 characters; use at least 12)"),
            ("", "password is too short (0 characters; use at least 12)"),
            ("password1234", "password is on the list of common passwords; choose another"),
            ("PASSWORD1234", "password is on the list of common passwords; choose another"),
            ("Qwerty123456", "password is on the list of common passwords; choose another"),
            ("correct-horse-staple", nil), ("twelve-chars", nil), ("Grüße aus Köln!", nil),
        ] as [(String, String?)])
    func passwordPolicy(_ password: String, _ message: String?) {
        if let message {
            let error = #expect(throws: ControlPlaneError.self) { try PasswordPolicy.check(password) }
            #expect(error?.message == message)
            #expect(error?.code == .invalidInput)
        } else {
            #expect(throws: Never.self) { try PasswordPolicy.check(password) }
        }
    }

    @Test func generatedPasswordsPassThePolicy() throws {
        for _ in 0..<50 {
            let password = PasswordPolicy.generate()
            #expect(password.count == 20)
            #expect(password.allSatisfy { Self.base62.contains($0) })
            try PasswordPolicy.check(password)
        }
    }

    /// One hash at the platform's cost (about a second in a debug build): format, match, mismatch.
    @Test func standardHashVerifiesOnlyTheRightPassword() throws {
        let stored = try PasswordHasher.hash("a long passphrase")
        #expect(stored.hasPrefix("$scrypt$ln=17,r=8,p=1$"))
        let parts = stored.split(separator: "$")
        #expect(parts.count == 4)
        #expect(Data(base64Encoded: String(parts[2]))?.count == 16)
        #expect(Data(base64Encoded: String(parts[3]))?.count == 32)
        #expect(PasswordHasher.verify("a long passphrase", against: stored))
        #expect(!PasswordHasher.verify("a long passphrasE", against: stored))
    }

    @Test func twoHashesOfOnePasswordDifferBySalt() throws {
        let cheap = PasswordHasher.Parameters(logN: 10, r: 8, p: 1)
        let first = try PasswordHasher.hash("same password here", parameters: cheap)
        let second = try PasswordHasher.hash("same password here", parameters: cheap)
        #expect(first.hasPrefix("$scrypt$ln=10,r=8,p=1$"))
        #expect(first != second)
        #expect(first.split(separator: "$")[2] != second.split(separator: "$")[2])
        #expect(PasswordHasher.verify("same password here", against: first))
        #expect(PasswordHasher.verify("same password here", against: second))
    }

    @Test(
        "malformed stored hashes never verify",
        arguments: [
            "", "$scrypt$", "plaintext", "$bcrypt$ln=10,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA",
            "$scrypt$ln=9,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "$scrypt$ln=10,r=8$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "$scrypt$ln=10,r=8,p=1$not base64!$AAAA",
        ])
    func malformedHash(_ stored: String) {
        #expect(!PasswordHasher.verify("anything at all", against: stored))
    }

    // MARK: Token lifetimes and scopes

    @Test(
        "valid lifetimes",
        arguments: [
            ("never", nil), ("1m", 60), ("30m", 1_800), ("12h", 43_200), ("1d", 86_400), ("90d", 7_776_000),
            ("2w", 1_209_600), ("100000d", 8_640_000_000),
        ] as [(String, TimeInterval?)])
    func validLifetime(_ text: String, _ seconds: TimeInterval?) throws {
        #expect(try Tokens.parseLifetime(text) == seconds)
    }

    @Test(
        "invalid lifetimes",
        arguments: ["", "0d", "-1d", "90", "d", "90y", "1.5d", "100001d", "90D", " 90d", "90d ", "Never", "never!", "1 d"])
    func invalidLifetime(_ text: String) {
        let error = #expect(throws: ControlPlaneError.self) { try Tokens.parseLifetime(text) }
        #expect(error?.code == .invalidInput)
        #expect(error?.message == "invalid --expires-in '\(text)' (use a number with m, h, d or w, e.g. 90d, or 'never')")
    }

    @Test func scopesAreCheckedAgainstTheKnownList() throws {
        try Tokens.validateScopes([])
        try Tokens.validateScopes(["runs:read", "routes:write", "tokens:write"])
        let error = #expect(throws: ControlPlaneError.self) { try Tokens.validateScopes(["runs:read", "runs:delete"]) }
        #expect(error?.message.hasPrefix("unknown scope 'runs:delete' (use any of: routes:read, routes:write,") == true)
    }
}
