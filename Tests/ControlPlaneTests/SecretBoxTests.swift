import ControlPlane
import Foundation
import Testing

@Suite("Sealed secrets")
struct SecretBoxTests {
    let keyring = Keyring(current: MasterKey.generate())

    @Test func sealAndOpen() throws {
        let secret = Data(#"{"/password":"s3cret"}"#.utf8)
        let sealed = try keyring.seal(secret, context: "tenant=a|installation=1")
        #expect(try keyring.open(sealed, context: "tenant=a|installation=1") == secret)
        // Nothing of the plaintext shows in what is stored.
        #expect(sealed.ciphertext.range(of: Data("s3cret".utf8)) == nil)
        #expect(sealed.keyID == keyring.current.id)
    }

    @Test func anotherContextCannotOpen() throws {
        let sealed = try keyring.seal(Data("x".utf8), context: "tenant=a|installation=1")
        let error = try #require(throws: ControlPlaneError.self) { try keyring.open(sealed, context: "tenant=b|installation=1") }
        #expect(error.code == .unauthorized)
        #expect(error.message == "secrets do not open: they belong to another tenant or installation, or were altered")
    }

    @Test func tamperedCiphertextCannotOpen() throws {
        let sealed = try keyring.seal(Data("value".utf8), context: "c")
        var bytes = [UInt8](sealed.ciphertext)
        bytes[bytes.count / 2] ^= 0x01
        let tampered = SealedSecret(keyID: sealed.keyID, wrappedKey: sealed.wrappedKey, ciphertext: Data(bytes))
        #expect(throws: ControlPlaneError.self) { try keyring.open(tampered, context: "c") }
    }

    @Test func rotationRewrapsUnderTheNewKeyAndKeepsTheCiphertext() throws {
        let old = keyring
        let sealed = try old.seal(Data("value".utf8), context: "c")
        let rotated = Keyring(current: MasterKey.generate(), previous: [old.current])
        let rewrapped = try rotated.rewrap(sealed, context: "c")
        #expect(rewrapped.keyID == rotated.current.id)
        #expect(rewrapped.ciphertext == sealed.ciphertext)
        #expect(try rotated.open(rewrapped, context: "c") == Data("value".utf8))
        // Without the old key, the old form no longer opens; the new form does with the new key alone.
        let newOnly = Keyring(current: rotated.current)
        #expect(throws: ControlPlaneError.self) { try newOnly.open(sealed, context: "c") }
        #expect(try newOnly.open(rewrapped, context: "c") == Data("value".utf8))
    }

    @Test(arguments: ["", "not base64!", "c2hvcnQ="])
    func badMasterKeys(_ text: String) {
        #expect(throws: ControlPlaneError.self) { try MasterKey(base64: text) }
    }

    @Test func keyFileIsCreatedPrivateAndReused() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("master-\(UUID().uuidString).key")
        let first = try Keyring.load(environment: [:], keyFile: file)
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let second = try Keyring.load(environment: [:], keyFile: file)
        #expect(first.current.id == second.current.id)
        let fromEnvironment = try Keyring.load(environment: ["SWITCHYARD_MASTER_KEY": first.current.base64], keyFile: nil)
        #expect(fromEnvironment.current.id == first.current.id)
        #expect(throws: ControlPlaneError.self) { try Keyring.load(environment: [:], keyFile: nil) }
    }
}
