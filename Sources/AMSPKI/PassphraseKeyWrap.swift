import Crypto
import Foundation
import _CryptoExtras

/// Protects a holder's private key with their passphrase: scrypt derives a 256-bit key from the passphrase and a
/// random salt, AES-256-GCM seals the private key under it. The passphrase itself is never stored.
///
/// Format: `"AMSPK1"`, log2(N), r, p, 16-byte salt, then nonce ‖ ciphertext ‖ tag. The header and the key
/// algorithm are authenticated as additional data, so parameters cannot be weakened by editing the blob.
public struct PassphraseKeyWrap: Sendable {
    /// scrypt cost parameters. The default (N = 2^17, r = 8, p = 1; 128 MiB, a few hundred ms) follows OWASP's
    /// password-storage guidance; tests use smaller ones.
    public struct Cost: Sendable, Equatable {
        public var log2N: UInt8
        public var blockSize: UInt8
        public var parallelism: UInt8

        public init(log2N: UInt8, blockSize: UInt8 = 8, parallelism: UInt8 = 1) {
            self.log2N = log2N
            self.blockSize = blockSize
            self.parallelism = parallelism
        }

        public static let standard = Cost(log2N: 17)
    }

    static let magic = Array("AMSPK1".utf8)
    public let cost: Cost

    public init(cost: Cost = .standard) {
        self.cost = cost
    }

    public func wrap(_ key: SigningKey, passphrase: String) throws -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let header = Self.magic + [cost.log2N, cost.blockSize, cost.parallelism] + salt
        let wrappingKey = try Self.derive(passphrase: passphrase, salt: salt, cost: cost)
        let sealed = try AES.GCM.seal(key.derRepresentation, using: wrappingKey,
                                      authenticating: header + Array(key.algorithm.rawValue.utf8))
        guard let combined = sealed.combined else { throw PKIError.sealedKeyUnreadable }
        return header + Array(combined)
    }

    /// Opens a wrapped key; ``PKIError/wrongPassphrase`` when the passphrase (or the blob) does not authenticate.
    public static func unwrap(_ wrapped: [UInt8], passphrase: String, algorithm: KeyAlgorithm) throws -> SigningKey {
        let headerLength = magic.count + 3 + 16
        guard wrapped.count > headerLength + 28, Array(wrapped.prefix(magic.count)) == magic else {
            throw PKIError.sealedKeyUnreadable
        }
        let header = Array(wrapped.prefix(headerLength))
        let cost = Cost(log2N: header[magic.count], blockSize: header[magic.count + 1], parallelism: header[magic.count + 2])
        guard (10...20).contains(cost.log2N), (1...16).contains(cost.blockSize), (1...4).contains(cost.parallelism) else {
            throw PKIError.sealedKeyUnreadable
        }
        let salt = Array(header.suffix(16))
        let wrappingKey = try derive(passphrase: passphrase, salt: salt, cost: cost)
        let der: Data
        do {
            let box = try AES.GCM.SealedBox(combined: wrapped.dropFirst(headerLength))
            der = try AES.GCM.open(box, using: wrappingKey, authenticating: header + Array(algorithm.rawValue.utf8))
        } catch {
            throw PKIError.wrongPassphrase
        }
        return try SigningKey(algorithm: algorithm, derRepresentation: Array(der))
    }

    /// Unicode NFC before UTF-8, so the same passphrase typed on different keyboards opens the key.
    static func derive(passphrase: String, salt: [UInt8], cost: Cost) throws -> SymmetricKey {
        try KDF.Scrypt.deriveKey(from: Array(passphrase.precomposedStringWithCanonicalMapping.utf8), salt: salt,
                                 outputByteCount: 32, rounds: 1 << Int(cost.log2N),
                                 blockSize: Int(cost.blockSize), parallelism: Int(cost.parallelism))
    }
}
