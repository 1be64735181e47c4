import Crypto
public import Foundation

/// An API token: `sy_` + 22 random base62 characters (131 bits) + a 6-character base62 CRC-32 checksum.
///
/// The checksum lets a mistyped or made-up token be refused without touching the database. Only the SHA-256 of
/// the whole token is stored.
public struct APIToken: Sendable {
    /// The full secret, shown to the user once.
    public let secret: String

    static let prefix = "sy_"
    static let randomLength = 22
    static let checksumLength = 6

    /// Generates a new random token.
    public static func generate() -> APIToken {
        let random = Base62.random(count: randomLength)
        return APIToken(secret: prefix + random + checksum(of: random))
    }

    /// Checks the format and checksum of a token someone typed or sent.
    public init(parsing text: String) throws(ControlPlaneError) {
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let bodyLength = Self.randomLength + Self.checksumLength
        guard token.hasPrefix(Self.prefix), token.utf8.count == Self.prefix.utf8.count + bodyLength,
            token.utf8.dropFirst(Self.prefix.utf8.count).allSatisfy(Base62.isDigit)
        else {
            throw ControlPlaneError(
                .unauthorized,
                "token is malformed (expected 'sy_' followed by \(bodyLength) letters and digits)")
        }
        let body = token.dropFirst(Self.prefix.count)
        let random = String(body.prefix(Self.randomLength))
        guard String(body.suffix(Self.checksumLength)) == Self.checksum(of: random) else {
            throw ControlPlaneError(.unauthorized, "token checksum does not match (mistyped, or not a Switchyard token)")
        }
        secret = token
    }

    private init(secret: String) { self.secret = secret }

    /// The SHA-256 of the token, the only form the database keeps.
    public var sha256: Data { Data(SHA256.hash(data: Data(secret.utf8))) }

    static func checksum(of text: String) -> String {
        Base62.encode(UInt64(CRC32.checksum(Array(text.utf8))), width: checksumLength)
    }

    /// A new public token id: `tok_` + 16 base62 characters.
    static func newTokenID() -> String { "tok_" + Base62.random(count: 16) }
}

/// The alphabet 0-9, A-Z, a-z.
enum Base62 {
    static let alphabet: [UInt8] = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    static func isDigit(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
    }

    /// `count` characters, each uniformly random (rejection sampling avoids modulo bias).
    static func random(count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count {
            let value = UInt8.random(in: .min ... .max, using: &generator)
            if value < 248 { bytes.append(alphabet[Int(value % 62)]) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `value` in base62, left-padded with zeros to `width`.
    static func encode(_ value: UInt64, width: Int) -> String {
        var digits: [UInt8] = []
        var rest = value
        repeat {
            digits.append(alphabet[Int(rest % 62)])
            rest /= 62
        } while rest > 0
        while digits.count < width { digits.append(alphabet[0]) }
        return String(decoding: digits.reversed(), as: UTF8.self)
    }
}

/// CRC-32 (IEEE 802.3), for token checksums.
enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
