import Crypto
import CryptoExtras
import Foundation

/// Hashes and checks passwords with scrypt (N=2^17, r=8, p=1, 16-byte per-user salt, 32-byte key).
///
/// The stored form names its parameters — `$scrypt$ln=17,r=8,p=1$<salt>$<key>` in base64 — so the cost can rise
/// later while old hashes keep verifying.
public enum PasswordHasher {
    /// Cost parameters of new hashes.
    public struct Parameters: Sendable, Equatable {
        /// log2 of N, the CPU/memory cost.
        public var logN: Int
        /// Block size.
        public var r: Int
        /// Parallelism.
        public var p: Int
        /// The platform default: N=2^17, r=8, p=1 (128 MiB, about a quarter second).
        public static let standard = Parameters(logN: 17, r: 8, p: 1)
    }

    /// Hashes `password` with a fresh random salt.
    public static func hash(_ password: String, parameters: Parameters = .standard) throws(ControlPlaneError) -> String {
        var salt = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        for index in salt.indices { salt[index] = UInt8.random(in: .min ... .max, using: &generator) }
        let key = try derive(password, salt: salt, parameters: parameters)
        return "$scrypt$ln=\(parameters.logN),r=\(parameters.r),p=\(parameters.p)$"
            + Data(salt).base64EncodedString() + "$" + Data(key).base64EncodedString()
    }

    /// Checks `password` against a stored hash in constant time.
    public static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: true)
        guard parts.count == 4, parts[0] == "scrypt" else { return false }
        var values: [String: Int] = [:]
        for pair in parts[1].split(separator: ",") {
            let item = pair.split(separator: "=")
            guard item.count == 2, let value = Int(item[1]) else { return false }
            values[String(item[0])] = value
        }
        guard let logN = values["ln"], let r = values["r"], let p = values["p"], (10...22).contains(logN),
            let salt = Data(base64Encoded: String(parts[2])), let expected = Data(base64Encoded: String(parts[3]))
        else { return false }
        guard let key = try? derive(password, salt: Array(salt), parameters: Parameters(logN: logN, r: r, p: p))
        else { return false }
        guard key.count == expected.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(key, expected) { difference |= a ^ b }
        return difference == 0
    }

    private static func derive(
        _ password: String, salt: [UInt8], parameters: Parameters
    ) throws(ControlPlaneError)
        -> [UInt8]
    {
        let memory = 128 * (1 << parameters.logN) * parameters.r * (parameters.p + 2) + 1_048_576
        do {
            let key = try KDF.Scrypt.deriveKey(
                from: Array(password.utf8), salt: salt, outputByteCount: 32, rounds: 1 << parameters.logN,
                blockSize: parameters.r, parallelism: parameters.p, maxMemory: memory)
            return key.withUnsafeBytes { Array($0) }
        } catch {
            throw ControlPlaneError(.invalidInput, "password hashing failed: \(error)")
        }
    }
}

/// Rules for passwords people choose.
public enum PasswordPolicy {
    /// Passwords shorter than this are refused.
    public static let minimumLength = 12

    // Long enough to pass the length rule, yet among the first guesses of any attacker.
    private static let common: Set<String> = [
        "123456789012", "1234567890123", "12345678901234", "123456123456", "111111111111", "000000000000",
        "password1234", "password12345", "password123456", "passwordpassword", "password!234", "p@ssw0rd1234",
        "qwertyuiop12", "qwertyuiopas", "qwerty123456", "qwertyqwerty", "1q2w3e4r5t6y", "1qaz2wsx3edc",
        "iloveyou1234", "letmein12345", "welcome12345", "welcome@1234", "administrator", "admin1234567",
        "adminadmin12", "abcdefghijkl", "abc123abc123", "abcd12345678", "changeme1234", "monkey123456",
        "football1234", "baseball1234", "sunshine1234", "princess1234", "dragon123456", "trustno11234",
        "superman1234", "starwars1234", "secret123456", "whatever1234", "zaq12wsxcde3", "aaaaaaaaaaaa",
        "switchyard12", "switchyard123", "switchyard1234", "correcthorsebatterystaple", "passw0rd1234",
    ]

    /// Refuses weak passwords with a message that says what is required.
    public static func check(_ password: String) throws(ControlPlaneError) {
        guard password.count >= minimumLength else {
            throw ControlPlaneError(
                .invalidInput,
                "password is too short (\(password.count) characters; use at least \(minimumLength))")
        }
        guard !common.contains(password.lowercased()) else {
            throw ControlPlaneError(.invalidInput, "password is on the list of common passwords; choose another")
        }
    }

    /// A strong one-time password: 20 characters from a 62-letter alphabet (about 119 bits).
    public static func generate() -> String {
        Base62.random(count: 20)
    }
}
