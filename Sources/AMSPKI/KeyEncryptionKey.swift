import Crypto
import Foundation

/// The key-encryption key (KEK) that seals CA and responder private keys at rest with AES-256-GCM.
///
/// It lives outside the database (a file or an environment variable), so a database copy alone never yields a CA
/// key. Each sealed key is bound to its purpose label and algorithm through the GCM additional data, so a sealed
/// blob cannot be swapped into another row.
public struct KeyEncryptionKey: Sendable {
    let key: SymmetricKey
    static let formatVersion: UInt8 = 1

    public init(bytes: [UInt8]) throws {
        guard bytes.count == 32 else { throw PKIError.invalidConfiguration("the key-encryption key must be 32 bytes") }
        key = SymmetricKey(data: bytes)
    }

    public static func random() -> KeyEncryptionKey {
        var generator = SystemRandomNumberGenerator()
        return try! KeyEncryptionKey(bytes: (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// Seals `key` for storage: version byte, then nonce ‖ ciphertext ‖ tag.
    public func seal(_ key: SigningKey, label: String) throws -> [UInt8] {
        let sealed = try AES.GCM.seal(key.derRepresentation, using: self.key,
                                      authenticating: Self.additionalData(label: label, algorithm: key.algorithm))
        guard let combined = sealed.combined else { throw PKIError.sealedKeyUnreadable }
        return [Self.formatVersion] + Array(combined)
    }

    public func open(_ sealed: [UInt8], label: String, algorithm: KeyAlgorithm) throws -> SigningKey {
        guard sealed.first == Self.formatVersion else { throw PKIError.sealedKeyUnreadable }
        let der: Data
        do {
            let box = try AES.GCM.SealedBox(combined: sealed.dropFirst())
            der = try AES.GCM.open(box, using: key, authenticating: Self.additionalData(label: label, algorithm: algorithm))
        } catch {
            throw PKIError.sealedKeyUnreadable
        }
        return try SigningKey(algorithm: algorithm, derRepresentation: Array(der))
    }

    static func additionalData(label: String, algorithm: KeyAlgorithm) -> Data {
        Data("ams-sealed-key-v1\u{0}\(label)\u{0}\(algorithm.rawValue)".utf8)
    }
}
