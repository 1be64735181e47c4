import Crypto
public import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Secrets sealed for storage: AES-256-GCM under a fresh data key, the data key itself sealed under a master key.
/// Both layers authenticate the same associated data (tenant and installation ids), so a ciphertext copied to another
/// tenant or installation fails to open.
public struct SealedSecret: Sendable, Equatable {
    /// Which master key wrapped the data key.
    public let keyID: String
    /// The data key, sealed (nonce ‖ ciphertext ‖ tag) under the master key.
    public let wrappedKey: Data
    /// The secret, sealed (nonce ‖ ciphertext ‖ tag) under the data key.
    public let ciphertext: Data

    /// Creates a sealed secret from its stored parts.
    public init(keyID: String, wrappedKey: Data, ciphertext: Data) {
        self.keyID = keyID
        self.wrappedKey = wrappedKey
        self.ciphertext = ciphertext
    }
}

/// A 256-bit master key with a short public id (the first 8 hex digits of its SHA-256) so stored secrets name the key
/// that wraps them without revealing it.
public struct MasterKey: Sendable {
    let key: SymmetricKey
    /// Public identifier.
    public let id: String

    /// Wraps 32 key bytes.
    public init(bytes: Data) throws(ControlPlaneError) {
        guard bytes.count == 32 else {
            throw ControlPlaneError(
                .invalidInput, "a master key must be 32 bytes, base64-encoded (make one: head -c 32 /dev/urandom | base64)")
        }
        key = SymmetricKey(data: bytes)
        id = SHA256.hash(data: bytes).prefix(4).map { String(format: "%02x", $0) }.joined()
    }

    /// Parses a base64 key as found in `SWITCHYARD_MASTER_KEY`.
    public init(base64: String) throws(ControlPlaneError) {
        guard let bytes = Data(base64Encoded: base64.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ControlPlaneError(
                .invalidInput, "the master key is not base64 (make one: head -c 32 /dev/urandom | base64)")
        }
        try self.init(bytes: bytes)
    }

    /// A new random key.
    public static func generate() -> MasterKey {
        // 32 random bytes cannot fail the length check.
        try! MasterKey(bytes: SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })
    }

    /// The key as base64, for writing the key file; never log it.
    public var base64: String { key.withUnsafeBytes { Data($0).base64EncodedString() } }
}

/// The master keys this process knows: the current one seals, every one opens (so rotation needs no downtime).
public struct Keyring: Sendable {
    /// The key new secrets are sealed with.
    public let current: MasterKey
    /// Keys still accepted for opening.
    public let previous: [MasterKey]

    /// Creates a keyring.
    public init(current: MasterKey, previous: [MasterKey] = []) {
        self.current = current
        self.previous = previous
    }

    /// `SWITCHYARD_MASTER_KEY` (and, during a rotation, `SWITCHYARD_MASTER_KEY_PREVIOUS`, comma-separated); or, when
    /// `keyFile` is given and no variable is set, that file, created with mode 0600 on first use (the embedded
    /// default keeps it under `.switchyard/`).
    public static func load(
        environment: [String: String] = ProcessInfo.processInfo.environment, keyFile: URL?
    )
        throws(ControlPlaneError) -> Keyring
    {
        let previous = try (environment["SWITCHYARD_MASTER_KEY_PREVIOUS"] ?? "").split(separator: ",")
            .map { (text) throws(ControlPlaneError) -> MasterKey in try MasterKey(base64: String(text)) }
        if let text = environment["SWITCHYARD_MASTER_KEY"], !text.isEmpty {
            return Keyring(current: try MasterKey(base64: text), previous: previous)
        }
        guard let keyFile else {
            throw ControlPlaneError(
                .invalidInput, "SWITCHYARD_MASTER_KEY is not set (make one: head -c 32 /dev/urandom | base64)")
        }
        if let data = FileManager.default.contents(atPath: keyFile.path) {
            return Keyring(current: try MasterKey(base64: String(decoding: data, as: UTF8.self)), previous: previous)
        }
        let key = MasterKey.generate()
        // O_EXCL: of two processes creating the key at once, one wins and the other reads the winner's key.
        let descriptor = Glibc.open(keyFile.path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            if errno == EEXIST, let data = FileManager.default.contents(atPath: keyFile.path) {
                return Keyring(current: try MasterKey(base64: String(decoding: data, as: UTF8.self)), previous: previous)
            }
            throw ControlPlaneError(.invalidInput, "cannot create the master key file \(keyFile.path)")
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        do {
            try handle.write(contentsOf: Data((key.base64 + "\n").utf8))
            try handle.synchronize()
        } catch {
            throw ControlPlaneError(.invalidInput, "cannot write the master key file \(keyFile.path): \(error)")
        }
        return Keyring(current: key, previous: previous)
    }

    func key(id: String) -> MasterKey? {
        ([current] + previous).first { $0.id == id }
    }

    /// Seals `plaintext` under a fresh data key bound to `context`.
    public func seal(_ plaintext: Data, context: String) throws(ControlPlaneError) -> SealedSecret {
        let dataKey = SymmetricKey(size: .bits256)
        let associated = Data(context.utf8)
        do {
            let ciphertext = try AES.GCM.seal(plaintext, using: dataKey, authenticating: associated).combined!
            let wrapped = try AES.GCM.seal(
                dataKey.withUnsafeBytes { Data($0) }, using: current.key, authenticating: associated
            ).combined!
            return SealedSecret(keyID: current.id, wrappedKey: wrapped, ciphertext: ciphertext)
        } catch {
            throw ControlPlaneError(.invalidInput, "cannot encrypt secrets: \(error)")
        }
    }

    /// Opens a sealed secret; fails when the key is unknown or the context (tenant, installation) differs.
    public func open(_ sealed: SealedSecret, context: String) throws(ControlPlaneError) -> Data {
        guard let master = key(id: sealed.keyID) else {
            throw ControlPlaneError(
                .unauthorized,
                "secrets are sealed with master key \(sealed.keyID), which this process does not have "
                    + "(set SWITCHYARD_MASTER_KEY or SWITCHYARD_MASTER_KEY_PREVIOUS)")
        }
        let associated = Data(context.utf8)
        do {
            let keyBytes = try AES.GCM.open(
                AES.GCM.SealedBox(combined: sealed.wrappedKey), using: master.key, authenticating: associated)
            return try AES.GCM.open(
                AES.GCM.SealedBox(combined: sealed.ciphertext), using: SymmetricKey(data: keyBytes), authenticating: associated)
        } catch {
            throw ControlPlaneError(
                .unauthorized, "secrets do not open: they belong to another tenant or installation, or were altered")
        }
    }

    /// Re-wraps the data key under the current master key; the ciphertext itself does not change.
    public func rewrap(_ sealed: SealedSecret, context: String) throws(ControlPlaneError) -> SealedSecret {
        guard let master = key(id: sealed.keyID) else {
            throw ControlPlaneError(.unauthorized, "secrets are sealed with unknown master key \(sealed.keyID)")
        }
        let associated = Data(context.utf8)
        do {
            let keyBytes = try AES.GCM.open(
                AES.GCM.SealedBox(combined: sealed.wrappedKey), using: master.key, authenticating: associated)
            let wrapped = try AES.GCM.seal(keyBytes, using: current.key, authenticating: associated).combined!
            return SealedSecret(keyID: current.id, wrappedKey: wrapped, ciphertext: sealed.ciphertext)
        } catch {
            throw ControlPlaneError(.unauthorized, "secrets do not open with master key \(sealed.keyID): altered or misplaced")
        }
    }
}
